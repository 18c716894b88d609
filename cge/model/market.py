"""Market clearing for domestic goods (docs/model.md, "Market clearing").

Output of good i in region r is bought by the region's own agents (their domestic
demand) and shipped abroad; with iceberg costs, ``tau`` units leave for every unit
delivered:  ybar y[i,r] = sum_a dom_demand[i,a,r] + sum_d tau[i,r,d] X[i,r,d].
"""

from __future__ import annotations

import pyomo.environ as pyo

from cge.model.calibration import Benchmark


def add_goods_markets(m: pyo.ConcreteModel, b: Benchmark) -> None:
    """Domestic-goods market clearing, scaled by benchmark output."""
    ri = b.ri
    si = b.si
    home = {k: [] for k in m.YJ}
    for (i, a, r) in m.ARM_DOM:
        home[i, r].append((i, a, r))
    abroad = {k: [] for k in m.YJ}
    for (i, s, r) in m.FLOWS:
        abroad[i, s].append((i, s, r))

    def home_sales(m, i, r):
        return sum(m.dom_demand[k] for k in home[i, r])
    m.home_sales = pyo.Expression(m.YJ, rule=home_sales)

    def goods_market(m, i, r):
        demand = m.home_sales[i, r] + sum(m.tau[k] * m.exports[k] for k in abroad[i, r])
        return m.y[i, r] - demand / float(b.output[si[i], ri[r]]) == 0
    m.goods_market = pyo.Constraint(m.YJ, rule=goods_market)
