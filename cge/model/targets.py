"""Outcome targets with endogenous instruments (docs/model.md, "Outcome targets").

A target limits the market share of an exporter group X in importer group Y's
imports (or total use) of a set of goods S, and names the instrument that moves to
meet it: an ad valorem wedge ``tgt[k]`` on every flow X -> Y in S, collected as

- ``import_tariff``: an extra tariff, revenue to the importer;
- ``import_quota``:  a quota on imports whose rent goes to the importer (in this
  model the tariff equivalent of the quota, revenue recorded as quota rent);
- ``export_quota``:  a quota on exports whose rent goes to the exporter.

Shares are values at world prices (cif, before tariffs and the target wedge):

    share[k] = Σ_{i∈S, s∈X, r∈Y} pw X[i,s,r] / ( Σ_{i∈S, s∉Y, r∈Y} pw X[i,s,r] (+ Σ_{i∈S, r∈Y} py dom[i,r]) )

A ``max`` target is a complementarity, written as a Fischer-Burmeister equation:
tgt >= 0, share_max - share >= 0, and one of them is zero (the instrument is zero
when the target does not bind).  An ``equal`` target fixes the share and leaves the
instrument free in sign.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo

from cge.errors import CGEInputError
from cge.model.trade import FB_SMOOTHING

INSTRUMENT_SIDES = {"import_tariff": "importer", "import_quota": "importer", "export_quota": "exporter"}


@dataclass(frozen=True)
class TargetSpec:
    """The structure of one target: its flows, denominator, instrument and kind."""

    name: str
    flows: tuple[tuple[str, str, str], ...]        # (i, s, r) whose share is limited
    market_flows: tuple[tuple[str, str, str], ...]  # all import flows into Y in S
    domestic: tuple[tuple[str, str], ...]           # (i, r) domestic sales counted (measure: use)
    instrument: str                                 # import_tariff | import_quota | export_quota
    kind: str                                       # max | equal

    @property
    def side(self) -> str:
        return INSTRUMENT_SIDES[self.instrument]


def declare_targets(m: pyo.ConcreteModel, specs: list[TargetSpec]) -> None:
    """Index set, instrument variables and target levels (before the trade block uses them)."""
    m.TARGETS = pyo.Set(initialize=list(range(len(specs))), ordered=True)
    m.target_specs = dict(enumerate(specs))
    m.target_on_flow = {}
    for k, spec in enumerate(specs):
        for f in spec.flows:
            sides = [m.target_specs[t].side for t in m.target_on_flow.get(f, ())]
            if spec.side in sides:
                raise CGEInputError(f"target '{spec.name}': flow {f} already carries another "
                                    f"{spec.side}-side target; one per side per flow")
            m.target_on_flow.setdefault(f, []).append(k)
    m.tgt = pyo.Var(m.TARGETS, initialize=0.0, doc="endogenous instrument of target k (ad valorem)")
    m.target_level = pyo.Param(m.TARGETS, initialize=1.0, mutable=True, within=pyo.Reals)


def add_targets(m: pyo.ConcreteModel) -> None:
    """Target shares, the complementarity (max) or equality (equal) conditions."""

    def world_value(m, i, s, r):
        return m.pcif[i, s, r] * m.exports[i, s, r]

    def share(m, k):
        spec = m.target_specs[k]
        num = sum(world_value(m, *f) for f in spec.flows)
        den = sum(world_value(m, *f) for f in spec.market_flows)
        den = den + sum(m.py[i, r] * m.home_sales[i, r] for (i, r) in spec.domestic)
        return num / den
    m.target_share = pyo.Expression(m.TARGETS, rule=share)

    def condition(m, k):
        spec = m.target_specs[k]
        if spec.kind == "equal":
            return m.target_share[k] - m.target_level[k] == 0
        slack = m.target_level[k] - m.target_share[k]
        a = m.tgt[k]
        return a + slack - (a ** 2 + slack ** 2 + FB_SMOOTHING) ** 0.5 == 0
    m.target_condition = pyo.Constraint(m.TARGETS, rule=condition)
