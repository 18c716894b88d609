"""Outcome targets with endogenous instruments (docs/model.md, "Outcome targets").

A target limits the market share of an exporter group X in importer group Y's
imports (or total use) of a set of goods S, and names the instrument that moves to
meet it: an ad valorem wedge ``tgt[k]`` on every flow X -> Y in S, collected as

- ``import_tariff``: an extra tariff, revenue to the importer;
- ``import_quota``:  a quota on imports; its rent goes to ``rent_to`` (default: importer);
- ``export_quota``:  a quota on exports; its rent goes to ``rent_to`` (default: exporter).

A wedge whose rent goes to the importer sits on the importer's side of the flow (after
the tariff); every other wedge on the exporter's side (in the world price).  A rent that
goes to nobody is dissipated (a real resource cost, as for quotas in cge.model.trade).

Shares are values at world prices (cif, before tariffs and importer-side wedges):

    share[k] = Σ_{i∈S, s∈X, r∈Y} pcif X[i,s,r] / ( Σ_{i∈S, s∉Y, r∈Y} pcif X (+ Σ_{i∈S, r∈Y} py dom) )

A ``max`` target is a complementarity (Fischer-Burmeister): tgt >= 0, level - share >= 0,
one of them zero.  An ``equal`` target fixes the share and leaves the instrument free.

A ``reciprocity`` target (GATT Article XXVIII: withdrawal of substantially equivalent
concessions) makes the change in side A's exports to side B, valued at benchmark world
prices, equal the change in B's exports to A; its instrument (free in sign) is on
``flows`` (e.g. B's tariff on imports from A):

    Σ_{A->B} (X - Xbar) - Σ_{B->A} (X - Xbar) = 0      (benchmark world prices are 1)

or, with ``balance: proportional``, equal percentage changes of the two directions:

    Σ_{A->B} (X - Xbar) / Σ_{A->B} Xbar - Σ_{B->A} (X - Xbar) / Σ_{B->A} Xbar = 0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cge.errors import CGEInputError
from cge.model.algebra import Segments, Vec, fischer_burmeister, scatter, segment_sum, take
from cge.model.calibration import Benchmark
from cge.model.sets import ModelSets

DEFAULT_RENT_TO = {"import_tariff": "importer", "import_quota": "importer", "export_quota": "exporter"}


@dataclass(frozen=True)
class TargetSpec:
    """The structure of one target: its flows, denominator, instrument and kind."""

    name: str
    flows: tuple[tuple[str, str, str], ...]        # (i, s, r) whose share is limited
    market_flows: tuple[tuple[str, str, str], ...]  # all import flows into Y in S
    domestic: tuple[tuple[str, str], ...]           # (i, r) domestic sales counted (measure: use)
    instrument: str                                 # import_tariff | import_quota | export_quota
    kind: str                                       # max | equal | reciprocity
    rent_to: str = ""                               # exporter | importer | none | REGION
    balance_ab: tuple[tuple[str, str, str], ...] = ()  # reciprocity: A's exports to B
    balance_ba: tuple[tuple[str, str, str], ...] = ()  # reciprocity: B's exports to A
    balance: str = "value"                          # reciprocity: value | proportional

    @property
    def recipient(self) -> str:
        """Who receives the instrument's revenue or rent."""
        if self.instrument == "import_tariff":
            return "importer"
        return self.rent_to or DEFAULT_RENT_TO[self.instrument]

    @property
    def side(self) -> str:
        """Where the wedge sits: ``importer`` (after the tariff) or ``exporter`` (world price)."""
        return "importer" if self.recipient == "importer" else "exporter"


@dataclass
class TargetData:
    """Static data of the target block."""

    specs: list[TargetSpec]
    equal: np.ndarray          # targets with kind 'equal'
    maximum: np.ndarray        # targets with kind 'max'
    reciprocal: np.ndarray     # targets with kind 'reciprocity'
    bal_flow: np.ndarray       # (target, flow) pairs of the reciprocity balances, signed
    bal_seg: Segments
    bal_scale: np.ndarray      # benchmark two-way trade of each reciprocity target
    num_flow: np.ndarray       # (target, flow) pairs of the numerators
    num_seg: Segments
    den_flow: np.ndarray
    den_seg: Segments
    dom_yj: np.ndarray         # (target, activity) pairs of domestic sales
    dom_seg: Segments
    x_flow: np.ndarray         # flows carrying an exporter-side wedge, and its target
    x_target: np.ndarray
    m_flow: np.ndarray
    m_target: np.ndarray
    income_flow: np.ndarray    # (flow, target) pairs whose revenue someone receives
    income_target: np.ndarray
    income_region: np.ndarray
    waste_flow: np.ndarray     # dissipated wedges
    waste_target: np.ndarray
    n_flows: int


def prepare_targets(b: Benchmark, sets: ModelSets, specs: list[TargetSpec]) -> TargetData:
    """Index pairs of every target's numerator, denominator, wedges and revenue."""
    pos = sets.flows.position
    n = len(specs)

    def pairs(key: str) -> tuple[np.ndarray, Segments]:
        tk, fk = [], []
        for k, spec in enumerate(specs):
            for f in getattr(spec, key):
                tk.append(k)
                fk.append(pos[f] if key != "domestic" else sets.yj_of[b.si[f[0]], b.ri[f[1]]])
        return np.asarray(fk, dtype=np.int64), Segments.of(np.asarray(tk, dtype=np.int64), n)

    num_flow, num_seg = pairs("flows")
    den_flow, den_seg = pairs("market_flows")
    dom_yj, dom_seg = pairs("domestic")
    wedge: dict[str, dict[int, int]] = {"exporter": {}, "importer": {}}
    inc_f, inc_t, inc_r, waste_f, waste_t = [], [], [], [], []
    for k, spec in enumerate(specs):
        if spec.recipient not in ("exporter", "importer", "none") and spec.recipient not in b.ri:
            raise CGEInputError(f"target '{spec.name}': rent_to '{spec.recipient}' is not a region; "
                                f"allowed: exporter, importer, none, {', '.join(b.regions)}")
        for f in spec.flows:
            fk = pos[f]
            if fk in wedge[spec.side]:
                raise CGEInputError(f"target '{spec.name}': flow {f} already carries another "
                                    f"{spec.side}-side target; one per side per flow")
            wedge[spec.side][fk] = k
            if spec.recipient == "none":
                waste_f.append(fk)
                waste_t.append(k)
                continue
            region = {"exporter": b.ri[f[1]], "importer": b.ri[f[2]]}.get(spec.recipient)
            inc_f.append(fk)
            inc_t.append(k)
            inc_r.append(b.ri[spec.recipient] if region is None else region)

    def arr(x: list[int]) -> np.ndarray:
        return np.asarray(x, dtype=np.int64)

    x_bar = b.trade[sets.flows["i"], sets.flows["s"], sets.flows["r"]]
    bal_t, bal_f, bal_w = [], [], []
    for k, spec in enumerate(specs):
        for sign, side in ((1.0, spec.balance_ab), (-1.0, spec.balance_ba)):
            side_total = float(sum(x_bar[pos[f]] for f in side))
            for f in side:
                bal_t.append(k)
                bal_f.append(pos[f])
                # value: USD at benchmark world prices, relative to two-way trade; proportional:
                # each direction's change relative to its own benchmark total
                bal_w.append(sign if spec.balance == "value" else sign / side_total)
    bal_f_arr = arr(bal_f)
    scale = np.bincount(arr(bal_t), weights=x_bar[bal_f_arr], minlength=n) if bal_t else np.zeros(n)
    scale = np.where([s.balance == "value" for s in specs], scale, 1.0) if n else scale
    return TargetData(
        specs=list(specs), equal=arr([k for k, s in enumerate(specs) if s.kind == "equal"]),
        maximum=arr([k for k, s in enumerate(specs) if s.kind == "max"]),
        reciprocal=arr([k for k, s in enumerate(specs) if s.kind == "reciprocity"]),
        bal_flow=bal_f_arr, bal_seg=Segments.of(arr(bal_t), n, np.asarray(bal_w)),
        bal_scale=np.where(scale > 0, scale, 1.0),
        num_flow=num_flow, num_seg=num_seg, den_flow=den_flow, den_seg=den_seg,
        dom_yj=dom_yj, dom_seg=dom_seg,
        x_flow=arr(list(wedge["exporter"])), x_target=arr(list(wedge["exporter"].values())),
        m_flow=arr(list(wedge["importer"])), m_target=arr(list(wedge["importer"].values())),
        income_flow=arr(inc_f), income_target=arr(inc_t), income_region=arr(inc_r),
        waste_flow=arr(waste_f), waste_target=arr(waste_t), n_flows=len(sets.flows))


def target_wedges(d: TargetData, v) -> tuple[Vec, Vec, Vec]:  # noqa: ANN001
    """Exporter-side and importer-side wedges on every flow, and the dissipated part."""
    x = scatter(take(v.tgt, d.x_target), d.x_flow, d.n_flows)
    m = scatter(take(v.tgt, d.m_target), d.m_flow, d.n_flows)
    waste = scatter(take(v.tgt, d.waste_target), d.waste_flow, d.n_flows)
    return x, m, waste


def target_shares(d: TargetData, world_value: Vec, home_value: Vec) -> Vec:
    """Each target's share at world prices; ``world_value`` = pcif X by flow, ``home_value``
    = py x domestic sales by activity."""
    num = segment_sum(take(world_value, d.num_flow), d.num_seg)
    den = segment_sum(take(world_value, d.den_flow), d.den_seg)
    if len(d.dom_yj):
        den = den + segment_sum(take(home_value, d.dom_yj), d.dom_seg)
    return num / den


def target_conditions(d: TargetData, v, q, share: Vec, exports: Vec, x_bar: np.ndarray) -> Vec:  # noqa: ANN001
    """max: complementarity of the wedge and the slack; equal: share = level; reciprocity:
    the two sides' export changes at benchmark world prices balance."""
    gap = q.target_level - share
    fb = fischer_burmeister(v.tgt, gap, q.fb_mu)
    if not len(d.equal) and not len(d.reciprocal):
        return fb
    n = len(d.specs)
    out = scatter(take(fb, d.maximum), d.maximum, n) - scatter(take(gap, d.equal), d.equal, n)
    if len(d.reciprocal):
        change = take(exports, d.bal_flow) - x_bar[d.bal_flow]
        balance = segment_sum(change, d.bal_seg) / d.bal_scale
        out = out + scatter(take(balance, d.reciprocal), d.reciprocal, n)
    return out


def target_income(d: TargetData, v, q, fob: Vec, pcif: Vec, exports: Vec, nr: int) -> Vec:  # noqa: ANN001
    """Revenue of target instruments by receiving region: importer-side wedges are levied
    on cif plus tariff, exporter-side wedges on the fob price."""
    if not len(d.income_flow):
        return np.zeros(nr)
    f = d.income_flow
    rate = take(v.tgt, d.income_target)
    importer_side = np.array([d.specs[t].side == "importer" for t in d.income_target])
    base = (take(pcif * (1.0 + q.tm), f) * importer_side + take(fob, f) * ~importer_side) * take(exports, f)
    return scatter(rate * base, d.income_region, nr)
