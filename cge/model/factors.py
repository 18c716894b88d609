"""Factor markets (docs/model.md, "Factor markets").

Mobile factors have one price per region, ``pf[f,r]``, and clear a regional market.
Under the ``sector_specific`` capital closure, capital has a price per sector,
``pfs[CAP,j,r]``, and each sector's stock is fixed.  Under ``fixed_real_wage``,
the wage equals the regional consumer price index and employment ``ls[r]``
(relative to the benchmark) adjusts.  ``wf[f,j,r]`` is the price sector j pays.
"""

from __future__ import annotations

import pyomo.environ as pyo

from cge.model.calibration import Benchmark
from cge.model.closure import CAPITAL, LABOUR, Closure


def factor_sets(b: Benchmark, closure: Closure, yj: set[tuple[str, str]]) -> tuple[list, list, list]:
    """Index sets (FJ, mobile FR, specific FJS) for the closure."""
    fj, fr, fjs = [], set(), []
    for fk, f in enumerate(b.factors):
        specific = f == CAPITAL and closure.capital == "sector_specific"
        for rk, r in enumerate(b.regions):
            for jk, j in enumerate(b.sectors):
                if (j, r) in yj and b.factor_income[fk, jk, rk] > 1e-9:
                    fj.append((f, j, r))
                    if specific:
                        fjs.append((f, j, r))
                    else:
                        fr.add((f, r))
    return fj, sorted(fr), fjs


def add_factor_prices(m: pyo.ConcreteModel) -> None:
    """The factor price each sector pays, ``wf[f,j,r]``."""
    def wf(m, f, j, r):
        return m.pfs[f, j, r] if (f, j, r) in m.FJS else m.pf[f, r]
    m.wf = pyo.Expression(m.FJ, rule=wf)


def add_factor_markets(m: pyo.ConcreteModel, b: Benchmark, closure: Closure) -> None:
    """Market clearing for every factor, and the real-wage rule if chosen."""
    ri = b.ri
    si = b.si
    fi = b.fi
    m.endowment = {(f, r): float(b.factor_income[fi[f], :, ri[r]].sum()) for (f, r) in m.FR}
    users = {(f, r): [j for (g, j, s) in m.FJ if g == f and s == r] for (f, r) in m.FR}

    def supply(m, f, r):
        if f == LABOUR and closure.labour == "fixed_real_wage":
            return m.ls[r]
        return 1.0

    def mobile_market(m, f, r):
        demand = sum(m.factor_demand[f, j, r] for j in users[f, r])
        return demand / m.endowment[f, r] - supply(m, f, r) == 0
    m.factor_market = pyo.Constraint(m.FR, rule=mobile_market)

    def specific_market(m, f, j, r):
        return m.factor_demand[f, j, r] / float(b.factor_income[fi[f], si[j], ri[r]]) - 1 == 0
    m.specific_factor_market = pyo.Constraint(m.FJS, rule=specific_market)

    def real_wage(m, r):
        return m.pf[LABOUR, r] - m.cpi[r] == 0
    m.real_wage = pyo.Constraint(m.LS_REGIONS, rule=real_wage)

    def payments_by_factor(m, f, r):
        mobile = m.pf[f, r] * m.endowment[f, r] * supply(m, f, r) if (f, r) in m.FR else 0.0
        specific = sum(m.pfs[g, j, s] * float(b.factor_income[fi[g], si[j], ri[s]])
                       for (g, j, s) in m.FJS if g == f and s == r)
        return mobile + specific
    m.factor_payments_by = pyo.Expression(b.factors, m.REGIONS, rule=payments_by_factor)

    def payments(m, r):
        return sum(m.factor_payments_by[f, r] for f in b.factors)
    m.factor_payments = pyo.Expression(m.REGIONS, rule=payments)
