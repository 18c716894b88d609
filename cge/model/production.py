"""Production block: nested CES technology, zero profit and input demands
(docs/model.md, "Production").

Output of sector j in region r, ``y[j,r]`` (relative to the benchmark), is made with

    top nest (elasticity esub_top, GTAP ESUBT = 0 by default):
        value added (CES over factors, elasticity esub_va[j]) and
        the Armington composite of every intermediate good i;
    optional critical-input nest (elasticity esub_crit[j], near 0 = near-Leontief):
        critical inputs (e.g. MAG, SEMI) against the rest of the bundle above.

Zero profit: the producer price net of the output tax, times productivity, equals
unit cost:  py[j,r] (1 - to[j,r]) prod[j,r] = c[j,r].  In the input demands the unit
cost is replaced by the left-hand side, equal to it at every solution, which keeps
the expressions short.
"""

from __future__ import annotations

from collections.abc import Callable

import pyomo.environ as pyo

from cge.model.calibration import Benchmark
from cge.model.ces import ces_demand, ces_price

VA = "VA"


def add_value_added(m: pyo.ConcreteModel, b: Benchmark) -> None:
    """Value-added price ``pva[j,r]``: CES over factor prices, benchmark 1."""
    ri = b.ri
    si = b.si
    fi = b.fi
    m.va_bar = {(j, r): float(b.factor_income[:, si[j], ri[r]].sum()) for (j, r) in m.YJ}

    def pva(m, j, r):
        facs = [f for f in b.factors if (f, j, r) in m.FJ]
        vals = [float(b.factor_income[fi[f], si[j], ri[r]]) for f in facs]
        tot = sum(vals)
        return ces_price([m.wf[f, j, r] for f in facs], [1.0] * len(facs),
                         [v / tot for v in vals], float(b.esub_va[si[j]]))
    m.pva = pyo.Expression(m.VAJ, rule=pva)


def _inputs(m: pyo.ConcreteModel, j: str, r: str) -> list[tuple[str, object, float, float]]:
    """(name, price, benchmark price, benchmark value) of every top-nest input of (j, r)."""
    out = []
    if (j, r) in m.VAJ:
        out.append((VA, m.pva[j, r], 1.0, m.va_bar[j, r]))
    for i in m.SECTORS:
        if (i, j, r) in m.ARM:
            pab = m.pa_bar[i, j, r]
            out.append((i, m.pa[i, j, r], pab, m.arm_qty[i, j, r] * pab))
    return out


def add_production(m: pyo.ConcreteModel, b: Benchmark) -> Callable[..., object]:
    """Unit cost, zero-profit condition and demands for value added and factors.

    Returns ``input_demand(m, name, j, r)``, the quantity of a top-nest input (an
    intermediate composite) that sector j demands, used for the Armington composites.
    """
    ri = b.ri
    si = b.si
    crit = set(b.critical_inputs)
    m.crit_nest = {}
    for (j, r) in m.YJ:
        names = [k[0] for k in _inputs(m, j, r)]
        if j in b.esub_crit and crit.intersection(names) and set(names) - crit:
            m.crit_nest[j, r] = float(b.esub_crit[j])

    def split(j, r):
        ins = _inputs(m, j, r)
        if (j, r) not in m.crit_nest:
            return [], ins
        return [x for x in ins if x[0] in crit], [x for x in ins if x[0] not in crit]

    def rest_price(m, j, r):
        _, rest = split(j, r)
        tot = sum(x[3] for x in rest)
        return ces_price([x[1] for x in rest], [x[2] for x in rest],
                         [x[3] / tot for x in rest], b.esub_top, cbar=1.0)
    m.rest_price = pyo.Expression(list(m.crit_nest), rule=rest_price)

    def unit_cost(m, j, r):
        top, rest = split(j, r)
        if not top:
            tot = sum(x[3] for x in rest)
            return ces_price([x[1] for x in rest], [x[2] for x in rest],
                             [x[3] / tot for x in rest], b.esub_top, cbar=1.0)
        rest_val = sum(x[3] for x in rest)
        tot = rest_val + sum(x[3] for x in top)
        return ces_price([m.rest_price[j, r]] + [x[1] for x in top],
                         [1.0] + [x[2] for x in top],
                         [rest_val / tot] + [x[3] / tot for x in top],
                         m.crit_nest[j, r], cbar=1.0)
    m.unit_cost = pyo.Expression(m.YJ, rule=unit_cost)

    def cost_index(m, j, r):
        return m.py[j, r] * (1 - m.to[j, r]) * m.prod[j, r]
    m.cost_index = pyo.Expression(m.YJ, rule=cost_index)

    def zero_profit(m, j, r):
        return m.cost_index[j, r] - m.unit_cost[j, r] == 0
    m.zero_profit = pyo.Constraint(m.YJ, rule=zero_profit)

    def input_demand(m, name: str, j: str, r: str) -> object:
        """Quantity of top-nest input ``name`` demanded by sector j in r."""
        top, rest = split(j, r)
        scale = m.y[j, r] / m.prod[j, r]
        for x in top:
            if x[0] == name:
                return ces_demand(scale, x[3] / x[2], m.cost_index[j, r], x[1], x[2],
                                  m.crit_nest[j, r])
        x = next(x for x in rest if x[0] == name)
        if not top:
            return ces_demand(scale, x[3] / x[2], m.cost_index[j, r], x[1], x[2], b.esub_top)
        rest_val = sum(z[3] for z in rest)
        rest_q = ces_demand(scale, rest_val, m.cost_index[j, r], m.rest_price[j, r], 1.0,
                            m.crit_nest[j, r])
        return ces_demand(rest_q, x[3] / x[2] / rest_val, m.rest_price[j, r], x[1], x[2],
                          b.esub_top)

    def va_demand(m, j, r):
        return input_demand(m, VA, j, r)
    m.va_demand = pyo.Expression(m.VAJ, rule=va_demand)

    def factor_demand(m, f, j, r):
        f_bar = float(b.factor_income[b.fi[f], si[j], ri[r]])
        return ces_demand(m.va_demand[j, r], f_bar / m.va_bar[j, r], m.pva[j, r],
                          m.wf[f, j, r], 1.0, float(b.esub_va[si[j]]))
    m.factor_demand = pyo.Expression(m.FJ, rule=factor_demand)
    return input_demand
