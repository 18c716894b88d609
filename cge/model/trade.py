"""Trade block: landed prices, the import composite (CES over sources), bilateral flows,
import-market clearing and export quotas with rents (docs/model.md, "Trade").

Each region buys an import composite of good i at the border, a CES aggregate over
source regions with elasticity ``esub_mm[i]`` (GTAP's common sourcing across agents).
The landed price of good i from s in r is

    pcif[i,s,r]  = py[i,s] (1 + te[i,s,r]) (1 + rent[i,s,r]) tau[i,s,r] (1 + tgt_exporter)
    pland[i,s,r] = pcif[i,s,r] (1 + tm[i,s,r]) (1 + tgt_importer)

where ``rent`` exists only on quota flows and is the quota rent rate, paid to the
exporter, and ``tgt`` are the endogenous instruments of outcome targets
(cge.model.targets) on the flow, if any.  An outright ban sets ``avail[i,s,r] = 0``, removing the source from the CES
(the limit of a prohibitive price when esub_mm > 1).
"""

from __future__ import annotations

import pyomo.environ as pyo

from cge.model.calibration import Benchmark
from cge.model.ces import COBB_DOUGLAS_TOL

# Smoothing of the Fischer-Burmeister function; its square root is 1e-10, far
# below the solver tolerance, so complementarity holds to better than 1e-8.
FB_SMOOTHING = 1e-20


def target_wedge(m: pyo.ConcreteModel, i: str, s: str, r: str, side: str) -> object:
    """Product of (1 + tgt[k]) over the targets on this flow with instruments on ``side``."""
    wedge = 1.0
    for k in m.target_on_flow.get((i, s, r), ()):
        if m.target_specs[k].side == side:
            wedge = wedge * (1 + m.tgt[k])
    return wedge


def add_trade(m: pyo.ConcreteModel, b: Benchmark) -> None:
    """Landed prices, import composite price and quantity, bilateral flows, quotas."""
    ri = b.ri
    si = b.si
    trade, tariff, imports, pm_bar = b.trade, b.tariff, b.imports, b.pm_bar

    def pcif(m, i, s, r):
        price = m.py[i, s] * (1 + m.te[i, s, r]) * m.tau[i, s, r]
        if (i, s, r) in m.QUOTA_FLOWS:
            price = price * (1 + m.rent[i, s, r])
        return price * target_wedge(m, i, s, r, "exporter")
    m.pcif = pyo.Expression(m.FLOWS, rule=pcif)

    def pland(m, i, s, r):
        return m.pcif[i, s, r] * (1 + m.tm[i, s, r]) * target_wedge(m, i, s, r, "importer")
    m.pland = pyo.Expression(m.FLOWS, rule=pland)

    sources = {(i, r): [] for (i, r) in m.MI}
    for (i, s, r) in m.FLOWS:
        sources[i, r].append(s)

    def pland_bar(i, s, r):
        return 1.0 + float(tariff[si[i], ri[s], ri[r]])

    def import_price(m, i, r):
        sig = float(b.esub_mm[si[i]])
        srcs = sources[i, r]
        vals = [trade[si[i], ri[s], ri[r]] * pland_bar(i, s, r) for s in srcs]
        tot = sum(vals)
        shares = [v / tot for v in vals]
        pmb = float(pm_bar[si[i], ri[r]])
        if abs(sig - 1.0) < COBB_DOUGLAS_TOL:
            price = 1.0
            for s, th in zip(srcs, shares):
                price = price * (m.pland[i, s, r] / pland_bar(i, s, r)) ** th
        elif sig == 0.0:
            price = sum(th * m.avail[i, s, r] * m.pland[i, s, r] / pland_bar(i, s, r)
                        for s, th in zip(srcs, shares))
        else:
            rho = 1.0 - sig
            price = sum(th * m.avail[i, s, r] * (m.pland[i, s, r] / pland_bar(i, s, r)) ** rho
                        for s, th in zip(srcs, shares)) ** (1.0 / rho)
        return (m.pm[i, r] - pmb * price) / pmb == 0
    m.import_price = pyo.Constraint(m.MI, rule=import_price)

    def bilateral(m, i, s, r):
        sig = float(b.esub_mm[si[i]])
        ratio = trade[si[i], ri[s], ri[r]]
        pmb = float(pm_bar[si[i], ri[r]])
        q = m.im[i, r] * float(imports[si[i], ri[r]])
        if sig == 0.0:
            return q * (ratio / imports[si[i], ri[r]]) * m.avail[i, s, r]
        rel = (m.pm[i, r] / pmb) * pland_bar(i, s, r) / m.pland[i, s, r]
        return q * (ratio / imports[si[i], ri[r]]) * m.avail[i, s, r] * rel ** sig
    m.exports = pyo.Expression(m.FLOWS, rule=bilateral)

    users = {k: [] for k in m.MI}
    for (i, a, r) in m.ARM_IMP:
        users[i, r].append((i, a, r))

    def import_market(m, i, r):
        demand = sum(m.imp_demand[k] for k in users[i, r])
        return m.im[i, r] - demand / float(imports[si[i], ri[r]]) == 0
    m.import_market = pyo.Constraint(m.MI, rule=import_market)

    def quota_rent(m, i, s, r):
        slack = m.quota[i, s, r] - m.exports[i, s, r] / float(trade[si[i], ri[s], ri[r]])
        a = m.rent[i, s, r]
        return a + slack - (a ** 2 + slack ** 2 + FB_SMOOTHING) ** 0.5 == 0
    m.quota_rent = pyo.Constraint(m.QUOTA_FLOWS, rule=quota_rent)
