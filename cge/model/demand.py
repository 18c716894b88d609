"""Final demand: the regional household (docs/model.md, "Final demand and welfare").

Each region has one regional household that receives all factor income, tax and
tariff revenue and quota rents, less the trade balance it transfers abroad, and spends
it on its final-demand agents (WIOD: private consumption hh, government gov,
investment inv).  Agent a spends the share ``fd_share[a,r]`` of income (a parameter;
its benchmark value is the benchmark expenditure share alpha[a,r], so a scenario can
rebalance consumption and investment).  Each agent's sub-utility is a CES
(elasticity esub_fd[a,r]) over Armington composites, with price index ``pfd[a,r]``.

Welfare is the benchmark (Cobb-Douglas) utility of the regional household,

    U[r] = prod_a (Q[a,r] / Qbar[a,r]) ^ alpha[a,r],   Q[a,r] = fd_share[a,r] INC[r] / pfd[a,r],

so with benchmark shares U = INC / cpi with ``cpi[r] = prod_a pfd[a,r]^alpha[a,r]``, and
the equivalent variation at benchmark prices is exactly EV = INCbar (U - 1)
(cge.results).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cge.model.algebra import Segments, Vec, concat, exp, log, segment_sum, take
from cge.model.calibration import Benchmark
from cge.model.ces import CESNests
from cge.model.sets import ModelSets

REVENUE_SOURCES = ("tariffs", "export_taxes", "quota_rents", "output_taxes")


@dataclass
class DemandData:
    """Static data of the final-demand block."""

    nests: CESNests          # inputs: final agents' ARM members; nests: FDA
    final_arm: np.ndarray    # ARM members bought by final-demand agents
    fda_region: np.ndarray   # FDA -> region
    alpha: np.ndarray        # benchmark expenditure share of every FDA member in its region's income
    e_bar: np.ndarray        # benchmark expenditure of every FDA member
    by_region: Segments      # FDA -> region
    income_bar: np.ndarray   # benchmark income by region (net of the trade balance)


def prepare_demand(b: Benchmark, sets: ModelSets, pa_bar: np.ndarray, qty_bar: np.ndarray) -> DemandData:
    """Final agents' CES nests and expenditure shares."""
    arm, fda = sets.arm, sets.fda
    ns = sets.ns
    final_arm = np.flatnonzero(arm["a"] >= ns)
    fda_of = np.full((len(b.fd_agents), sets.nr), -1, dtype=np.int64)
    fda_of[fda["a"], fda["r"]] = np.arange(len(fda))
    nest = fda_of[arm["a"][final_arm] - ns, arm["r"][final_arm]]
    value = qty_bar[final_arm] * pa_bar[final_arm]
    e_bar = np.bincount(nest, weights=value, minlength=len(fda))
    income_bar = b.income
    nests = CESNests(nest=nest, share=value / e_bar[nest], pbar=pa_bar[final_arm],
                     qratio=qty_bar[final_arm] / e_bar[nest], sigma=b.esub_fd[fda["a"], fda["r"]],
                     cbar=np.ones(len(fda)))
    return DemandData(nests=nests, final_arm=final_arm, fda_region=fda["r"],
                      alpha=e_bar / income_bar[fda["r"]], e_bar=e_bar,
                      by_region=Segments.of(fda["r"], sets.nr), income_bar=income_bar)


def agent_price(d: DemandData, v, pa: Vec) -> Vec:  # noqa: ANN001
    """``pfd[a,r]`` equals the CES price of the agent's goods."""
    return v.pfd - d.nests.price(take(pa, d.final_arm))


def consumer_price_index(d: DemandData, pfd: Vec) -> Vec:
    """cpi[r] = prod_a pfd[a,r]^alpha[a,r] (benchmark weights): the exact price index of the
    benchmark utility."""
    return exp(segment_sum(d.alpha * log(pfd), d.by_region))


def agent_quantity(d: DemandData, v, q) -> Vec:  # noqa: ANN001
    """Real expenditure of every final agent (benchmark value units)."""
    return q.fd_share * take(v.inc * d.income_bar, d.fda_region) / v.pfd


def final_demand(d: DemandData, v, q, pa: Vec) -> Vec:  # noqa: ANN001
    """Composite demand of every final agent for every good (``final_arm`` order)."""
    return d.nests.demand(agent_quantity(d, v, q), v.pfd, take(pa, d.final_arm))


def utility(d: DemandData, v, q) -> Vec:  # noqa: ANN001
    """Benchmark utility of every regional household, 1 at the benchmark."""
    rel = agent_quantity(d, v, q) / d.e_bar
    return exp(segment_sum(d.alpha * log(rel), d.by_region))


def income(d: DemandData, v, total: Vec) -> Vec:  # noqa: ANN001
    """inc[r] equals income from every source (``total``, USD million) over benchmark income."""
    return v.inc - total / d.income_bar


def revenues(tariffs: Vec, export_taxes: Vec, quota_rents: Vec, output_taxes: Vec) -> Vec:
    """The revenue sources of ``REVENUE_SOURCES`` stacked (source-major, then region)."""
    return concat([tariffs, export_taxes, quota_rents, output_taxes])
