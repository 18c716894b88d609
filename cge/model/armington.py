"""Armington block: each agent's composite of the domestic good and the import composite
(docs/model.md, "Armington demand").

Every agent (each producing sector and each final-demand agent of a region) buys a
composite of good i: a CES of the domestic good (price ``py[i,r]``) and the region's
import composite (price ``pm[i,r]``, tariff-inclusive) with elasticity ``esub_dm[i]``,
with agent-specific benchmark import shares, as in GTAP.  The composite quantity
``aq[i,a,r]`` is demanded by the production or final-demand block.
"""

from __future__ import annotations

import pyomo.environ as pyo

from cge.model.calibration import ZERO, Benchmark
from cge.model.ces import ces_demand, ces_price


def armington_benchmark(b: Benchmark) -> dict[tuple[str, str, str], tuple[float, float]]:
    """Benchmark (domestic, imported) quantities of every agent's composite, by (i, a, r)."""
    out: dict[tuple[str, str, str], tuple[float, float]] = {}
    for r_k, r in enumerate(b.regions):
        for i_k, i in enumerate(b.sectors):
            for j_k, j in enumerate(b.sectors):
                d, f = b.int_dom[i_k, j_k, r_k], b.int_imp[i_k, j_k, r_k]
                if d + f > ZERO and b.output[j_k, r_k] > ZERO:
                    out[i, j, r] = (d if d > ZERO else 0.0, f if f > ZERO else 0.0)
            for a_k, a in enumerate(b.fd_agents):
                d, f = b.fd_dom[i_k, a_k, r_k], b.fd_imp[i_k, a_k, r_k]
                if d + f > ZERO:
                    out[i, a, r] = (d if d > ZERO else 0.0, f if f > ZERO else 0.0)
    return out


def add_armington_prices(m: pyo.ConcreteModel, b: Benchmark,
                         bench: dict[tuple[str, str, str], tuple[float, float]]) -> None:
    """Composite price ``pa[i,a,r]`` of every agent's Armington composite."""
    ri = b.ri
    si = b.si
    pm_bar = b.pm_bar
    m.pa_bar = {}
    for (i, a, r), (d, f) in bench.items():
        pmb = float(pm_bar[si[i], ri[r]])
        m.pa_bar[i, a, r] = (d + f * pmb) / (d + f)

    def parts(m, i, a, r):
        d, f = bench[i, a, r]
        pmb = float(pm_bar[si[i], ri[r]])
        prices, bprices, values = [], [], []
        if d > 0.0:
            prices.append(m.py[i, r]); bprices.append(1.0); values.append(d)
        if f > 0.0:
            prices.append(m.pm[i, r]); bprices.append(pmb); values.append(f * pmb)
        return prices, bprices, values

    def pa(m, i, a, r):
        prices, bprices, values = parts(m, i, a, r)
        tot = sum(values)
        return ces_price(prices, bprices, [v / tot for v in values],
                         float(b.esub_dm[si[i]]), cbar=m.pa_bar[i, a, r])
    m.pa = pyo.Expression(m.ARM, rule=pa)


def add_armington_demands(m: pyo.ConcreteModel, b: Benchmark,
                          bench: dict[tuple[str, str, str], tuple[float, float]]) -> None:
    """Domestic and import demands of every agent, given its composite demand ``aq``."""
    ri = b.ri
    si = b.si
    pm_bar = b.pm_bar

    def dom_demand(m, i, a, r):
        d, f = bench[i, a, r]
        return ces_demand(m.aq[i, a, r], d / (d + f), m.pa[i, a, r] / m.pa_bar[i, a, r],
                          m.py[i, r], 1.0, float(b.esub_dm[si[i]]))
    m.dom_demand = pyo.Expression(m.ARM_DOM, rule=dom_demand)

    def imp_demand(m, i, a, r):
        d, f = bench[i, a, r]
        pmb = float(pm_bar[si[i], ri[r]])
        return ces_demand(m.aq[i, a, r], f / (d + f), m.pa[i, a, r] / m.pa_bar[i, a, r],
                          m.pm[i, r], pmb, float(b.esub_dm[si[i]]))
    m.imp_demand = pyo.Expression(m.ARM_IMP, rule=imp_demand)
