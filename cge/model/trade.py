"""Trade block: landed prices, the import composite (CES over sources), bilateral flows,
import-market clearing and quantity restrictions with rents (docs/model.md, "Trade").

Each region buys an import composite of good i at the border, a CES aggregate over
source regions with elasticity ``esub_mm[i,r]`` (GTAP's common sourcing across agents).
Per delivered unit of good i from s in r:

    pcif[i,s,r]  = py[i,s] (1 + te) tau (1 + rent_x) (1 + tgt_x)      world (cif) price
    pland[i,s,r] = pcif (1 + tm) (1 + rent_m) (1 + tgt_m)             price agents pay

``rent_x`` / ``rent_m`` are the ad valorem rents of quantity restrictions (export quotas,
export controls): on the exporter's side when the rent goes to the exporter, to a named
controlling government or to nobody (dissipated), on the importer's side when importers
hold the licences.  ``tgt_x`` / ``tgt_m`` are the endogenous instruments of outcome
targets (cge.model.targets).  A dissipated rent is a real resource cost (rent seeking,
Krueger 1974): it uses up ``rent`` units of the exported good per unit shipped, like an
iceberg cost.  An outright ban sets ``avail[i,s,r] = 0``, removing the source from the
CES (the limit of a prohibitive price when esub_mm > 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cge.model.algebra import Segments, Vec, fischer_burmeister, scatter, segment_sum, take
from cge.model.calibration import Benchmark
from cge.model.ces import CESNests
from cge.model.sets import ModelSets

RENT_TO_EXPORTER, RENT_TO_IMPORTER, RENT_DISSIPATED = "exporter", "importer", "none"


@dataclass(frozen=True)
class QuotaSpec:
    """A quantity-restricted flow and who receives its rent: ``exporter``, ``importer``,
    ``none`` (dissipated) or a region code (a controlling government)."""

    flow: tuple[str, str, str]
    rent_to: str = RENT_TO_EXPORTER

    @property
    def importer_side(self) -> bool:
        return self.rent_to == RENT_TO_IMPORTER


@dataclass
class TradeData:
    """Static data of the trade block."""

    exp_yj: np.ndarray        # flow -> exporter's activity (YJ)
    imp_mi: np.ndarray        # flow -> importer's composite (MI)
    exporter: np.ndarray      # flow -> exporter region
    importer: np.ndarray      # flow -> importer region
    x_bar: np.ndarray         # benchmark flow (USD million, world prices)
    pland_bar: np.ndarray     # 1 + benchmark tariff
    imports_bar: np.ndarray   # benchmark imports by composite (MI)
    pm_bar: np.ndarray        # 1 + tbar by composite (MI)
    sourcing: CESNests        # inputs: flows; nests: MI
    quota_flow: np.ndarray    # quota -> flow
    quota_x: np.ndarray       # quotas whose rent sits on the exporter's side
    quota_m: np.ndarray       # quotas whose rent sits on the importer's side
    quota_recipient: np.ndarray  # quota -> region receiving the rent, -1 if dissipated
    quota_dissipated: np.ndarray  # quotas whose rent is a real resource cost
    by_importer: Segments     # flows -> importer region
    by_exporter: Segments     # flows -> exporter region
    n_flows: int


def prepare_trade(b: Benchmark, sets: ModelSets, quotas: list[QuotaSpec]) -> TradeData:
    """Import sourcing nests and flow maps; ``quotas`` are the restricted flows."""
    fl, mi = sets.flows, sets.mi
    i, s, r = fl["i"], fl["s"], fl["r"]
    x_bar = b.trade[i, s, r]
    pland_bar = 1.0 + b.tariff[i, s, r]
    imp_mi = sets.mi_of[i, r]
    imports_bar = b.imports[mi["i"], mi["r"]]
    value = x_bar * pland_bar
    total = np.bincount(imp_mi, weights=value, minlength=len(mi))
    pm_bar = b.pm_bar[mi["i"], mi["r"]]
    sourcing = CESNests(nest=imp_mi, share=value / total[imp_mi], pbar=pland_bar,
                        qratio=x_bar / imports_bar[imp_mi], sigma=b.esub_mm[mi["i"], mi["r"]],
                        cbar=pm_bar)
    pos = sets.flows.position
    quota_flow = np.array([pos[q.flow] for q in quotas], dtype=np.int64)
    side_m = np.array([q.importer_side for q in quotas], dtype=bool)
    recipient = []
    for q, k in zip(quotas, quota_flow):
        if q.rent_to == RENT_TO_EXPORTER:
            recipient.append(s[k])
        elif q.rent_to == RENT_TO_IMPORTER:
            recipient.append(r[k])
        elif q.rent_to == RENT_DISSIPATED:
            recipient.append(-1)
        else:
            recipient.append(b.ri[q.rent_to])
    nr = sets.nr
    return TradeData(exp_yj=sets.yj_of[i, s], imp_mi=imp_mi, exporter=s, importer=r, x_bar=x_bar,
                     pland_bar=pland_bar, imports_bar=imports_bar, pm_bar=pm_bar, sourcing=sourcing,
                     quota_flow=quota_flow, quota_x=np.flatnonzero(~side_m),
                     quota_m=np.flatnonzero(side_m),
                     quota_recipient=np.array(recipient, dtype=np.int64),
                     quota_dissipated=np.array([q.rent_to == RENT_DISSIPATED for q in quotas], dtype=bool),
                     by_importer=Segments.of(r, nr), by_exporter=Segments.of(s, nr), n_flows=len(fl))


@dataclass
class TradeTerms:
    """Prices and quantities of the trade block at a point."""

    rent_x: Vec     # exporter-side quota rent rate on every flow (0 where none)
    rent_m: Vec     # importer-side quota rent rate on every flow
    fob: Vec        # py (1 + te) tau: what the exporter receives per delivered unit, before rents
    pcif: Vec       # world (cif) price per delivered unit
    pland: Vec      # price agents pay per delivered unit
    exports: Vec    # delivered quantity of every flow
    waste: Vec      # dissipated rents and wedges: extra units used up per unit shipped (0 mostly)
    shipped: Vec    # quantity leaving the exporter: tau (1 + waste) exports


def trade_terms(d: TradeData, v, q, tgt_x: Vec, tgt_m: Vec,  # noqa: ANN001
                tgt_waste: Vec) -> TradeTerms:
    """Landed prices and bilateral flows; ``tgt_x``/``tgt_m`` are target wedges on flows and
    ``tgt_waste`` their dissipated part."""
    rent_x = scatter(take(v.rent, d.quota_x), d.quota_flow[d.quota_x], d.n_flows)
    rent_m = scatter(take(v.rent, d.quota_m), d.quota_flow[d.quota_m], d.n_flows)
    fob = take(v.py, d.exp_yj) * (1.0 + q.te) * q.tau
    pcif = fob * (1.0 + rent_x) * (1.0 + tgt_x)
    pland = pcif * (1.0 + q.tm) * (1.0 + rent_m) * (1.0 + tgt_m)
    exports = d.sourcing.demand(v.im * d.imports_bar, v.pm, pland) * q.avail
    diss = np.flatnonzero(d.quota_dissipated)
    waste = tgt_waste
    if len(diss):
        waste = waste + scatter(take(v.rent, diss), d.quota_flow[diss], d.n_flows)
    shipped = q.tau * (1.0 + waste) * exports
    return TradeTerms(rent_x=rent_x, rent_m=rent_m, fob=fob, pcif=pcif, pland=pland, exports=exports,
                      waste=waste, shipped=shipped)


def import_price(d: TradeData, v, q, t: TradeTerms) -> Vec:  # noqa: ANN001
    """Zero profit of the import composite: pm = CES over sources' landed prices."""
    return (v.pm - d.sourcing.price(t.pland, share_scale=q.avail)) / d.pm_bar


def import_market(d: TradeData, v, imported: Vec, users: Segments) -> Vec:  # noqa: ANN001
    """The import composite equals agents' imported purchases (``users``: ARM_IMP -> MI)."""
    return v.im - segment_sum(imported, users) / d.imports_bar


def quota_rent(d: TradeData, v, q, t: TradeTerms) -> Vec:  # noqa: ANN001
    """Complementarity of every quota: rent >= 0, quota - flow >= 0, one of them zero."""
    slack = q.quota - take(t.exports, d.quota_flow) / d.x_bar[d.quota_flow]
    return fischer_burmeister(v.rent, slack, q.fb_mu)


def rent_income(d: TradeData, q, t: TradeTerms, nr: int) -> Vec:  # noqa: ANN001
    """Quota rents received by every region (dissipated rents go to nobody): the rent rate
    times the price it is levied on (fob on the exporter's side, cif plus tariff on the
    importer's side) times the flow."""
    k = d.quota_flow
    rent = (take(t.rent_x * t.fob * t.exports, k)
            + take(t.rent_m * t.pcif * (1.0 + q.tm) * t.exports, k))
    keep = np.flatnonzero(d.quota_recipient >= 0)
    return scatter(take(rent, keep), d.quota_recipient[keep], nr)
