"""Welfare decomposition along a path of instruments: the rates of change of each component
of equivalent variation (docs/decomposition.md).

For region r, with welfare money metric EV = INCbar cpi_base (U - U_base), the budget, zero
profit, Armington and market-clearing identities of the model give at every point of a path
(d = derivative along the path; X delivered flows, Y output, F factor use):

    dEV = m [ Σ_in tm pcif dX                          import tariffs     (allocative efficiency)
            + Σ_out te py tau (1+w) dX                 export taxes
            + Σ_j to py dY                             output taxes and subsidies
            + Σ quota-rent wedges x dX                 quota rents (importer or exporter side)
            + Σ target wedges x dX                     target instruments
            + Σ_out X dpcif - Σ_in X dpcif             terms of trade
            - d(tb P_tb)                               trade-balance transfer (price of the balance)
            - d(rents on own trade held abroad - rents held on others' trade)   rent transfers
            + Σ wf dF                                  endowments (factor employment)
            + Σ_j py (1-to) Y dln prod                 technology: productivity
            - Σ_out py X (1+w) dtau                    technology: iceberg trade costs
            - Σ_out py X tau dw                        dissipated rents (real resources used up)
            + Σ_i (pm dIM - Σ_s pland dX)              availability (bans remove sources) ]
          + allocation                                 final-demand shares away from preferences

with m = cpi_base U / inc (= cpi_base / cpi when final-demand shares are the benchmark's)
and w the dissipated rents.  The bracket equals Σ_final pa daq exactly (an identity checked
at every point); integrated along the path the components add up to EV.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from cge.model.algebra import Tangent, take
from cge.model.build import CGEModel
from cge.model.demand import utility

COMPONENTS: tuple[str, ...] = (
    "import_tariffs", "export_taxes", "output_taxes", "quota_rents", "target_instruments",
    "terms_of_trade", "trade_balance", "rent_transfers", "endowments", "productivity",
    "iceberg_costs", "dissipated_rents", "availability", "allocation",
)
# components with a sector dimension (flows by good, activities by sector)
BY_SECTOR: tuple[str, ...] = ("import_tariffs", "export_taxes", "output_taxes", "quota_rents",
                              "target_instruments", "terms_of_trade", "productivity", "iceberg_costs",
                              "dissipated_rents", "availability")


def _vd(v: object, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Value and derivative of a Tangent, array or scalar, broadcast to length n."""
    if isinstance(v, Tangent):
        return np.broadcast_to(v.val, (n,)), np.broadcast_to(v.dot, (n,))
    return np.broadcast_to(np.asarray(v, float), (n,)), np.zeros(n)


@dataclass
class WelfareRates:
    """Rates of change along the path at one point, by region."""

    dev: np.ndarray                 # dEV/dt (r)
    components: np.ndarray          # (component, r)
    by_sector: np.ndarray           # (component, r, sector)
    trade: np.ndarray               # (2, r, partner, sector): terms of trade, volume of trade
    identity_residual: np.ndarray   # m (Σ_final pa daq - bracket) (r), zero in exact arithmetic


def tangent_state(cgem: CGEModel, x: np.ndarray, p: np.ndarray, dx: np.ndarray,
                  dp: np.ndarray) -> tuple[SimpleNamespace, SimpleNamespace, SimpleNamespace]:
    """Variables, parameters and every intermediate term as Tangents in direction (dx, dp)."""
    var, par = cgem.variables, cgem.parameters
    v = SimpleNamespace(**{k: Tangent(x[var.slice(k)], dx[var.slice(k)]) for k in var.blocks})
    q = SimpleNamespace(**{k: Tangent(p[par.slice(k)], dp[par.slice(k)]) for k in par.blocks})
    with np.errstate(all="ignore"):
        _, e = cgem.equations(v, q)
    return v, q, e


def utility_rate(cgem: CGEModel, v: SimpleNamespace, q: SimpleNamespace) -> Tangent:
    return utility(cgem.demand, v, q)


def welfare_rates(cgem: CGEModel, x: np.ndarray, p: np.ndarray, dx: np.ndarray, dp: np.ndarray,
                  cpi_base: np.ndarray) -> WelfareRates:
    """Every component's rate of change at (x, p) moving in direction (dx, dp)."""
    s = cgem.sets
    nr, ns = s.nr, s.ns
    v, q, e = tangent_state(cgem, x, p, dx, dp)
    t, tr = e.trade, cgem.trade
    nf = tr.n_flows
    X, dX = _vd(t.exports, nf)
    pcif, dpcif = _vd(t.pcif, nf)
    pland, _ = _vd(t.pland, nf)
    tm, _ = _vd(q.tm, nf)
    te, _ = _vd(q.te, nf)
    tau, dtau = _vd(q.tau, nf)
    w, dw = _vd(t.waste, nf)
    rx, _ = _vd(t.rent_x, nf)
    rm, _ = _vd(t.rent_m, nf)
    py_exp, _ = _vd(take(v.py, tr.exp_yj), nf)
    wq = np.zeros(nf)
    diss = tr.quota_flow[tr.quota_dissipated]
    wq[diss] = rx[diss]
    imp, exp_, sec = tr.importer, tr.exporter, s.flows["i"]

    comp = np.zeros((len(COMPONENTS), nr))
    by_sec = np.zeros((len(COMPONENTS), nr, ns))
    trade = np.zeros((2, nr, nr, ns))
    C = {c: k for k, c in enumerate(COMPONENTS)}

    def add(name: str, region: np.ndarray, sector: np.ndarray, amount: np.ndarray) -> None:
        np.add.at(by_sec[C[name]], (region, sector), amount)
        comp[C[name]] += np.bincount(region, weights=amount, minlength=nr)

    add("import_tariffs", imp, sec, tm * pcif * dX)
    base_x = (1.0 + te) * py_exp * tau
    add("export_taxes", exp_, sec, te * py_exp * tau * (1.0 + w) * dX)
    quota_imp = pcif * (1.0 + tm) * rm
    add("quota_rents", imp, sec, quota_imp * dX)
    quota_exp = base_x * (rx - wq)
    add("quota_rents", exp_, sec, quota_exp * dX)
    add("target_instruments", imp, sec, (pland - pcif * (1.0 + tm) * (1.0 + rm)) * dX)
    add("target_instruments", exp_, sec, (pcif - base_x * (1.0 + w) - quota_exp) * dX)
    add("terms_of_trade", exp_, sec, X * dpcif)
    add("terms_of_trade", imp, sec, -X * dpcif)
    add("iceberg_costs", exp_, sec, -py_exp * X * (1.0 + w) * dtau)
    add("dissipated_rents", exp_, sec, -py_exp * X * tau * dw)
    np.add.at(trade[0], (exp_, imp, sec), X * dpcif)
    np.add.at(trade[0], (imp, exp_, sec), -X * dpcif)
    np.add.at(trade[1], (imp, exp_, sec), tm * pcif * dX)

    # activities
    yj = s.yj
    n_yj = len(yj)
    y, dy = _vd(v.y, n_yj)
    py, _ = _vd(v.py, n_yj)
    to, _ = _vd(q.to, n_yj)
    prod, dprod = _vd(q.prod, n_yj)
    ybar = cgem.production.y_bar
    add("output_taxes", yj["r"], yj["j"], to * py * dy * ybar)
    add("productivity", yj["r"], yj["j"], py * (1.0 - to) * y * ybar * dprod / prod)
    # factors
    wf, _ = _vd(e.wf, len(s.fj))
    _, dF = _vd(e.prod.factor_demand, len(s.fj))
    comp[C["endowments"]] = np.bincount(s.fj["r"], weights=wf * dF, minlength=nr)
    # availability of import sources
    mi = s.mi
    pm, _ = _vd(v.pm, len(mi))
    _, dim = _vd(v.im, len(mi))
    landed = np.bincount(tr.imp_mi, weights=pland * dX, minlength=len(mi))
    add("availability", mi["r"], mi["i"], pm * dim * tr.imports_bar - landed)
    # the trade-balance transfer and rents paid to / received from other regions
    _, dtb = _vd(e.trade_balance, nr)
    comp[C["trade_balance"]] = -dtb
    iw = (t.pland - t.pcif * (1.0 + q.tm)) * t.exports
    ew = (t.pcif - (1.0 + q.te) * take(v.py, tr.exp_yj) * q.tau * (1.0 + t.waste)) * t.exports
    _, d_iw = _vd(iw, nf)
    _, d_ew = _vd(ew, nf)
    _, d_qr = _vd(e.quota_rents, nr)
    held_on_own = np.bincount(imp, weights=d_iw, minlength=nr) + np.bincount(exp_, weights=d_ew, minlength=nr)
    comp[C["rent_transfers"]] = -(held_on_own - d_qr)

    # welfare and the multiplier
    u = utility_rate(cgem, v, q)
    inc, _ = _vd(v.inc, nr)
    u_val, du = _vd(u, nr)
    inc_bar = cgem.demand.income_bar
    dev = inc_bar * cpi_base * du
    m = cpi_base * u_val / inc
    bracket = comp.sum(axis=0)
    arm_r = s.arm["r"]
    final = cgem.demand.final_arm
    pa, _ = _vd(e.pa, len(s.arm))
    _, daq = _vd(e.aq, len(s.arm))
    real_spend = np.bincount(arm_r[final], weights=(pa * daq)[final], minlength=nr)
    comp *= m
    by_sec *= m[None, :, None]
    trade *= m[None, :, None, None]
    comp[C["allocation"]] = dev - m * real_spend
    return WelfareRates(dev=dev, components=comp, by_sector=by_sec, trade=trade,
                        identity_residual=m * (real_spend - bracket))
