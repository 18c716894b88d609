"""Final demand: the regional household (docs/model.md, "Final demand and welfare").

Each region has one regional household that receives all factor income, tax and
tariff revenue and quota rents, less the fixed trade balance (valued in numeraire
units), and spends it on three final-demand agents -- private consumption (hh),
government (gov) and investment (inv) -- with Cobb-Douglas upper-level utility:

    U[r] = prod_a (Q[a,r] / Qbar[a,r]) ^ alpha[a,r],   alpha = benchmark expenditure shares

Each agent's sub-utility is a CES (elasticity esub_fd[a]) over Armington composites,
with price index ``pfd[a,r]``.  Utility is homothetic, so the consumer price index
``cpi[r] = prod_a pfd[a,r]^alpha[a,r]`` is exact and equivalent variation is
EV[r] = INC[r] / cpi[r] - INCbar[r]  (benchmark prices are 1).
"""

from __future__ import annotations

import pyomo.environ as pyo

from cge.model.calibration import Benchmark
from cge.model.ces import ces_demand, ces_price


def add_final_demand(m: pyo.ConcreteModel, b: Benchmark) -> None:
    """Agent price indices, the consumer price index and composite demands."""
    ri = b.ri
    ai = b.ai
    e_bar = b.agent_expenditure
    inc_bar = b.income
    m.alpha = {(a, r): float(e_bar[ai[a], ri[r]] / inc_bar[ri[r]]) for (a, r) in m.FDA}

    def goods(a, r):
        return [i for i in m.SECTORS if (i, a, r) in m.ARM]

    def agent_price(m, a, r):
        gs = goods(a, r)
        vals = [m.arm_qty[i, a, r] * m.pa_bar[i, a, r] for i in gs]
        tot = sum(vals)
        price = ces_price([m.pa[i, a, r] for i in gs], [m.pa_bar[i, a, r] for i in gs],
                          [v / tot for v in vals], b.esub_fd[a])
        return m.pfd[a, r] - price == 0
    m.agent_price = pyo.Constraint(m.FDA, rule=agent_price)

    def cpi(m, r):
        expr = 1.0
        for a in b.fd_agents:
            if (a, r) in m.FDA:
                expr = expr * m.pfd[a, r] ** m.alpha[a, r]
        return expr
    m.cpi = pyo.Expression(m.REGIONS, rule=cpi)


def final_composite_demand(m: pyo.ConcreteModel, b: Benchmark, i: str, a: str, r: str) -> object:
    """Demand of final agent a in r for the Armington composite of good i.

    Cobb-Douglas upper tier: agent a spends alpha[a,r] * INC[r], i.e. its real
    quantity relative to the benchmark is inc[r] / pfd[a,r].
    """
    return ces_demand(m.inc[r] / m.pfd[a, r], m.arm_qty[i, a, r], m.pfd[a, r],
                      m.pa[i, a, r], m.pa_bar[i, a, r], b.esub_fd[a])


REVENUE_SOURCES = ("tariffs", "export_taxes", "quota_rents", "output_taxes")


def target_revenue(m: pyo.ConcreteModel, r: str, imports: list, exports: list) -> object:
    """Revenue of target instruments accruing to r: importer-side wedges on its imports
    (tariff or import-quota rent), exporter-side wedges on its exports (export-quota rent)."""
    total = 0.0
    for k in imports:
        for t in m.target_on_flow.get(k, ()):
            if m.target_specs[t].side == "importer":
                total = total + m.tgt[t] * m.pcif[k] * (1 + m.tm[k]) * m.exports[k]
    for k in exports:
        for t in m.target_on_flow.get(k, ()):
            if m.target_specs[t].side == "exporter":
                total = total + m.tgt[t] * m.pcif[k] / (1 + m.tgt[t]) * m.exports[k]
    return total


def add_income(m: pyo.ConcreteModel, b: Benchmark) -> None:
    """Regional household income: factors + taxes + tariffs + rents - trade balance."""
    ri = b.ri
    inc_bar = b.income
    by_importer: dict[str, list] = {r: [] for r in b.regions}
    by_exporter: dict[str, list] = {r: [] for r in b.regions}
    for (i, s, r) in m.FLOWS:
        by_importer[r].append((i, s, r))
        by_exporter[s].append((i, s, r))

    def revenue(m, source, r):
        if source == "tariffs":
            return sum(m.tm[k] * m.pcif[k] * m.exports[k] for k in by_importer[r])
        if source == "export_taxes":
            return sum(m.te[k] * m.py[k[0], r] * m.tau[k] * m.exports[k] for k in by_exporter[r])
        if source == "quota_rents":
            rents = sum(m.rent[k] * m.py[k[0], r] * (1 + m.te[k]) * m.tau[k] * m.exports[k]
                        for k in by_exporter[r] if k in m.QUOTA_FLOWS)
            return rents + target_revenue(m, r, by_importer[r], by_exporter[r])
        return sum(m.to[j, s] * m.py[j, s] * m.y[j, s] * float(b.output[b.si[j], ri[s]])
                   for (j, s) in m.YJ if s == r)
    m.revenue = pyo.Expression(REVENUE_SOURCES, m.REGIONS, rule=revenue)

    def tax_revenue(m, r):
        return sum(m.revenue[src, r] for src in REVENUE_SOURCES)
    m.tax_revenue = pyo.Expression(m.REGIONS, rule=tax_revenue)

    def income(m, r):
        tb = float(b.trade_balance[ri[r]])
        total = m.factor_payments[r] + m.tax_revenue[r] - tb * m.pnum
        return m.inc[r] - total / float(inc_bar[ri[r]]) == 0
    m.income = pyo.Constraint(m.REGIONS, rule=income)
