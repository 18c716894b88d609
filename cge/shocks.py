"""Resolve a scenario's shocks into instrument values of a built model, once.

Every run starts from the benchmark instruments (data tariffs and trade balances, no
other taxes, iceberg factors 1, no quotas, productivity 1) and applies the shocks in
order.  :func:`resolve_shocks` returns the target parameter vector and what it changed,
instrument by instrument, so a run can report it and tests can check that a shock moves
its intended parameters only; :func:`instrument_path` gives the continuation path from
the benchmark to that vector (rates linearly, quantities and productivity in logs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from cge.errors import CGEInputError
from cge.model.build import CGEModel
from cge.model.calibration import ZERO, Benchmark
from cge.model.instruments import QUOTA_NOT_BINDING
from cge.model.targets import TargetSpec
from cge.scenario import (RATE_MAX_PCT, ExportQuota, ExportTax, Iceberg, ImportTariff, OutputTax,
                          Productivity, Rebalancing, ReciprocityTarget, Scenario, Selection, ShareMonitor,
                          ShareTarget, SubsidyBudget, split_parents, table_paths)
from cge.tariff_table import read_tariff_table

RATE_CEILING = RATE_MAX_PCT / 100.0  # highest tariff or tax rate a shock may produce
BAN_MIN_ESUB_MM = 1.0  # a ban removes a source from the CES; valid only when sources substitute (> 1)
LOG_PATH = ("tau", "prod", "prod_va", "endow_fr", "endow_fjs")  # multiplicative instruments: stepped in logs
POWER_PATH = {"tm": 1.0, "te": 1.0, "to": -1.0}  # rates whose power (1 + t, or 1 - t) is stepped in logs
CONTINUATION_SMOOTHING = 1e-8  # complementarity smoothing at the start of a path, tightened to 0


@dataclass
class ShockRecord:
    """Instrument changes made by a scenario: instrument -> member -> (benchmark, new)."""

    changes: dict[str, dict[tuple, tuple[float, float]]] = field(default_factory=dict)
    target_regions: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    owners: dict[int, set[int]] = field(default_factory=dict)  # position in p -> shocks that set it

    def shocked_regions(self) -> list[str]:
        """Regions that are the source or target of any shock."""
        regions: set[str] = set(self.target_regions)
        for name, entries in self.changes.items():
            for idx in entries:
                if name in ("to", "prod", "prod_va", "fd_share"):
                    regions.add(idx[1])
                elif name in ("tm", "te", "tau", "avail", "quota"):
                    regions.update(idx[1:3])
        return sorted(regions)


def share_flows(sc: Scenario, b: Benchmark, s: ShareTarget | ShareMonitor, where: str
                ) -> tuple[list, list, list]:
    """Flows of a share definition: (numerator flows, all import flows into the importer
    group, domestic sales counted when the measure is total use)."""
    sel = Selection(sc, b.regions, b.sectors, where)
    exporters = sel.regions(s.exporters, "exporters")
    importers = sel.regions(s.importers, "importers")
    sectors = sel.sectors(s.sectors, "sectors")

    def live(i: str, e: str, r: str) -> bool:
        ik, ek, rk = b.si[i], b.ri[e], b.ri[r]
        return e != r and b.trade[ik, ek, rk] > ZERO and b.output[ik, ek] > ZERO
    flows = [(i, e, r) for i in sectors for e in exporters for r in importers if live(i, e, r)]
    market = [(i, e, r) for i in sectors for e in b.regions for r in importers if live(i, e, r)]
    if not flows:
        raise CGEInputError(f"{where}: no benchmark trade from {exporters} to {importers} in {sectors}")
    domestic = [(i, r) for i in sectors for r in importers
                if s.measure == "use" and b.output[b.si[i], b.ri[r]] > ZERO]
    return flows, market, domestic


def target_specs(sc: Scenario, b: Benchmark) -> list[TargetSpec]:
    """The structure of every share target of a scenario, resolved against the benchmark."""
    specs = []
    names = [s.name for s in sc.shocks if isinstance(s, (ShareTarget, ReciprocityTarget))]
    for k, s in enumerate(sc.shocks):
        where = f"shocks[{k}]"
        if isinstance(s, (ShareTarget, ReciprocityTarget)) and names.count(s.name) > 1:
            raise CGEInputError(f"{where}.name: target names must be unique; '{s.name}' repeats")
        if isinstance(s, ReciprocityTarget):
            specs.append(_reciprocity_spec(sc, b, s, where))
            continue
        if not isinstance(s, ShareTarget):
            continue
        if s.rent_to is not None and s.rent_to not in ("exporter", "importer", "none") \
                and s.rent_to not in b.regions:
            raise CGEInputError(f"{where}.rent_to: '{s.rent_to}' is not a region of the dataset; "
                                f"allowed: exporter, importer, none, {', '.join(b.regions)}")
        flows, market, domestic = share_flows(sc, b, s, where)
        specs.append(TargetSpec(name=s.name, flows=tuple(flows), market_flows=tuple(market),
                                domestic=tuple(domestic), instrument=s.instrument, kind=s.kind,
                                rent_to=s.rent_to or ""))
    return specs


def _reciprocity_spec(sc: Scenario, b: Benchmark, s: ReciprocityTarget, where: str) -> TargetSpec:
    """Flows of a reciprocity target: B's imports from A in the sectors carry the instrument;
    the two sides' trade in those sectors enters the balance."""
    sel = Selection(sc, b.regions, b.sectors, where)
    a = sel.regions(s.side_a, "side_a")
    bb = sel.regions(s.side_b, "side_b")
    if set(a) & set(bb):
        raise CGEInputError(f"{where}: side_a and side_b overlap ({sorted(set(a) & set(bb))[0]})")

    def live(i: str, e: str, r: str) -> bool:
        return b.trade[b.si[i], b.ri[e], b.ri[r]] > ZERO and b.output[b.si[i], b.ri[e]] > ZERO
    sectors = sel.sectors(s.sectors, "sectors")
    inst = [(i, e, r) for i in sectors for e in a for r in bb if live(i, e, r)]
    if not inst:
        raise CGEInputError(f"{where}: no benchmark trade from {a} to {bb} in the sectors named")
    ab = tuple(inst)
    ba = tuple((i, e, r) for i in sectors for e in bb for r in a if live(i, e, r))
    if not ba:
        raise CGEInputError(f"{where}: no benchmark trade from {bb} to {a}: nothing to balance against")
    return TargetSpec(name=s.name, flows=tuple(inst), market_flows=tuple(inst), domestic=(),
                      instrument="import_tariff", kind="reciprocity", balance_ab=ab, balance_ba=ba,
                      balance=s.balance)


class Instruments:
    """The parameter vector of a built model, read and written by instrument and member."""

    def __init__(self, cgem: CGEModel, p: np.ndarray | None = None) -> None:
        self.cgem = cgem
        self.p = (cgem.p0 if p is None else p).copy()
        self.record = ShockRecord()
        self.shock = -1  # index of the shock being applied
        self._pos: dict[str, dict[tuple, int]] = {}

    def position(self, name: str, member: tuple) -> int | None:
        """Position of ``name[member]`` in p, or None when the member does not exist."""
        if name not in self._pos:
            layout = self.cgem.parameters
            off = layout.offsets[name]
            self._pos[name] = {lab: off + k for k, lab in enumerate(layout.blocks[name])}
        return self._pos[name].get(member)

    def set(self, name: str, member: tuple, rule: Callable[[float], float], where: str,
            floor: float | None = None, ceiling: float | None = None) -> None:
        """Apply ``rule(old) -> new`` to one member; record the change.  The new value must be
        finite, above ``floor`` and at most ``ceiling`` (rates: -100% < t <= 10,000%)."""
        k = self.position(name, member)
        if k is None:
            return
        old = float(self.p[k])
        new = float(rule(old))
        if not np.isfinite(new):
            raise CGEInputError(f"{where}: resulting {name} on {member} is not a finite number")
        if floor is not None and new <= floor:
            raise CGEInputError(f"{where}: resulting {name} on {member} is {new * 100:.1f}%; "
                                f"it must stay above {floor * 100:.0f}%")
        if ceiling is not None and new > ceiling:
            raise CGEInputError(f"{where}: resulting {name} on {member} is {new * 100:.4g}%; at most "
                                f"{ceiling * 100:,.0f}% (beyond it a rate is prohibitive: for a ban use "
                                "export_quota with change_pct: -100)")
        self.p[k] = new
        self.record.owners.setdefault(k, set()).add(self.shock)
        entry = self.record.changes.setdefault(name, {})
        first = entry.get(member, (old, new))[0]
        entry[member] = (first, new)


def _rate_rule(shock) -> Callable[[float], float]:  # noqa: ANN001 (a rate shock)
    if shock.rate_pct is not None:
        return lambda old: shock.rate_pct / 100.0
    if shock.add_pct_points is not None:
        return lambda old: old + shock.add_pct_points / 100.0
    return lambda old: (1.0 + old) * shock.scale_power - 1.0


def resolve_shocks(cgem: CGEModel, sc: Scenario,
                   p_start: np.ndarray | None = None) -> tuple[np.ndarray, ShockRecord]:
    """The parameter vector of the scenario: the base instruments (``p_start``, default the
    benchmark) with every shock applied in order; and the record of what changed."""
    b = cgem.benchmark
    ins = Instruments(cgem, p_start)
    for spec in cgem.targets:
        ins.record.target_regions.update(r for f in spec.flows for r in f[1:3])
    flows = set(cgem.sets.flows.labels)
    children = split_parents(b.dataset_attrs)
    tables = iter(table_paths(sc))
    table_use: dict = {}  # table path -> [lines applied by some shock, None]

    def bilateral(sel: Selection, s) -> Iterable[tuple[str, str, str]]:  # noqa: ANN001
        exporters, importers = sel.regions(s.exporters, "exporters"), sel.regions(s.importers, "importers")
        if not any(e != r for e in exporters for r in importers):
            raise CGEInputError(f"{sel.where}: exporters and importers select only {exporters[0]}; a "
                                "region does not import from itself (tax domestic sales with output_tax)")
        for i in sel.sectors(s.sectors, "sectors"):
            for e in exporters:
                for r in importers:
                    if (i, e, r) in flows:
                        yield (i, e, r)

    def regional(sel: Selection, s) -> Iterable[tuple[str, str]]:  # noqa: ANN001
        for j in sel.sectors(s.sectors, "sectors"):
            for r in sel.regions(s.regions, "regions"):
                yield (j, r)

    for k, s in enumerate(sc.shocks):
        where = f"shocks[{k}] ({s.type})"
        ins.shock = k
        sel = Selection(sc, b.regions, b.sectors, f"shocks[{k}]")
        if isinstance(s, (ImportTariff, ExportTax, ExportQuota, Iceberg)) and getattr(s, "table", None) is None:
            if not any(True for _ in bilateral(sel, s)):
                ins.record.warnings.append(f"{where}: its selectors name no flow with benchmark trade; "
                                           "it has no effect")
        if isinstance(s, ImportTariff) and s.table is not None:
            path = next(tables)
            used = _apply_table(ins, path, s.mode, sel, s, children, flows, where)
            table_use.setdefault(path, [set(), None])[0].update(used)
        elif isinstance(s, ImportTariff):
            rule = _rate_rule(s)
            for idx in bilateral(sel, s):
                ins.set("tm", idx, rule, where, floor=-1.0, ceiling=RATE_CEILING)
        elif isinstance(s, ExportTax):
            rule = _rate_rule(s)
            for idx in bilateral(sel, s):
                ins.set("te", idx, rule, where, floor=-1.0, ceiling=RATE_CEILING)
        elif isinstance(s, ExportQuota):
            change_pct = s.change_pct if s.change_pct is not None else _cut_pct(b, list(bilateral(sel, s)), s, where)
            for idx in bilateral(sel, s):
                if change_pct <= -100:
                    sig = float(b.esub_mm[b.si[idx[0]], b.ri[idx[2]]])
                    if sig <= BAN_MIN_ESUB_MM:
                        raise CGEInputError(f"{where}: a ban on {idx[0]} needs esub_mm > 1 (it is "
                                            f"{sig}); use change_pct above -100 instead")
                    ins.set("avail", idx, lambda old: 0.0, where)
                else:
                    ins.set("quota", idx, lambda old, c=change_pct: 1.0 + c / 100.0, where)
        elif isinstance(s, OutputTax):
            rule = _rate_rule(s)
            for idx in regional(sel, s):
                ins.set("to", idx, rule, where, floor=-1.0)
                pos = ins.position("to", idx)
                if pos is not None and ins.p[pos] >= 1.0:
                    raise CGEInputError(f"{where}: output tax on {idx} must stay below 100%")
        elif isinstance(s, Iceberg):
            for idx in bilateral(sel, s):
                ins.set("tau", idx, lambda old: old * (1.0 + s.change_pct / 100.0), where)
        elif isinstance(s, ShareTarget):
            ins.set("target_level", (s.name,), lambda old: s.level, where)
        elif isinstance(s, Productivity):
            name = "prod" if s.applies_to == "output" else "prod_va"
            for idx in regional(sel, s):
                if ins.position(name, idx) is None:
                    continue
                change = s.change_pct / 100.0 * _affected_share(b, s, idx, where)
                ins.set(name, idx, lambda old, change=change: old * (1.0 + change), where)
        elif isinstance(s, Rebalancing):
            _rebalance(ins, b, sel, s, where)
        elif isinstance(s, SubsidyBudget):
            for idx, rate in subsidy_budget_rates(b, sel, s, where).items():
                ins.set("to", idx, lambda old, rate=rate: old - rate, where, floor=-1.0)
    _check_bans(ins, cgem)
    for path, (used, _) in table_use.items():
        lines = [n for n in read_tariff_table(path, "table").line if n not in used]
        if lines:
            shown = ", ".join(map(str, lines[:5])) + (", ..." if len(lines) > 5 else "")
            ins.record.warnings.append(
                f"table {path.name}: {len(lines)} row(s) (lines {shown}) fall outside the importers, "
                "exporters and sectors of every shock that uses the table; they are not applied")
    return ins.p, ins.record


def _check_bans(ins: Instruments, cgem: CGEModel) -> None:
    """Refuse bans that leave no equilibrium of the model, before any solve: every source of a
    good's imports banned (the import nest needs one source), every export of a region banned
    while its fixed trade balance is a surplus (it could not be earned), every import banned
    while it is a deficit (it could not be spent)."""
    pos = ins.position
    banned = {f for f in cgem.sets.flows.labels if ins.p[pos("avail", f)] == 0.0}
    if not banned:
        return
    flows = cgem.sets.flows.labels
    sources: dict[tuple[str, str], list[tuple]] = {}
    for f in flows:
        sources.setdefault((f[0], f[2]), []).append(f)
    for (i, r), fs in sources.items():
        if all(f in banned for f in fs):
            raise CGEInputError(f"no economic equilibrium of the model: the bans remove every source of "
                                f"{i} imports into {r} (from {', '.join(f[1] for f in fs)}), and the "
                                "Armington import nest needs at least one; lift one ban or cut by less "
                                "than 100% (change_pct above -100)")
    if cgem.closure.trade_balance not in ("world_prices", "numeraire", "zero"):
        return
    tb = {lab[0]: float(ins.p[pos("tb", lab)]) for lab in cgem.parameters.blocks["tb"]}
    for r in cgem.benchmark.regions:
        out = [f for f in flows if f[1] == r]
        into = [f for f in flows if f[2] == r]
        if out and all(f in banned for f in out) and tb[r] >= 0 and not all(f in banned for f in into):
            raise CGEInputError(f"no economic equilibrium: every export of {r} is banned, so it earns "
                                f"nothing abroad, yet the closure fixes its trade balance at "
                                f"{tb[r]:,.0f} (a surplus or balance, USD million at world prices): its "
                                "imports would have to be zero or negative")
        if into and all(f in banned for f in into) and tb[r] <= 0 and not all(f in banned for f in out):
            raise CGEInputError(f"no economic equilibrium: every import of {r} is banned, yet the closure "
                                f"fixes its trade balance at {tb[r]:,.0f} (a deficit or balance, USD "
                                "million at world prices): its exports would have to be zero or negative")


def _cut_pct(b: Benchmark, flows: list[tuple[str, str, str]], s: ExportQuota, where: str) -> float:
    """The percentage cut of an export quota stated as a value: the amount over the selected
    flows' benchmark exports (every flow is cut by the same percentage)."""
    total = sum(float(b.trade[b.si[i], b.ri[e], b.ri[r]]) for i, e, r in flows)
    if s.cut_usd_million >= total:
        raise CGEInputError(f"{where}.cut_usd_million: {s.cut_usd_million:g} is not below the selected flows' "
                            f"benchmark exports ({total:.0f} USD million); use change_pct: -100 for a ban")
    return -100.0 * s.cut_usd_million / total


def _affected_share(b: Benchmark, s: Productivity, idx: tuple[str, str], where: str) -> float:
    """Share of an activity's benchmark output a productivity shock applies to (1 if the shock
    names no affected output)."""
    if s.affected_output_usd_million is None:
        return 1.0
    out = float(b.output[b.si[idx[0]], b.ri[idx[1]]])
    if s.affected_output_usd_million > out:
        raise CGEInputError(f"{where}.affected_output_usd_million: {s.affected_output_usd_million:g} exceeds "
                            f"the benchmark output of {idx[0]} in {idx[1]} ({out:.0f} USD million)")
    return s.affected_output_usd_million / out


def region_gdp(b: Benchmark, region: str) -> float:
    """GDP of a region in the dataset's base year: value added at basic prices (the sum of
    factor income), USD million."""
    return float(b.factor_income[:, :, b.ri[region]].sum())


def subsidy_budget_rates(b: Benchmark, sel: Selection, s: SubsidyBudget, where: str
                         ) -> dict[tuple[str, str], float]:
    """Output-subsidy rate (a fraction of output) by (sector, region) of a subsidy budget: the
    relative intensities scaled so that Σ_j rate_j · benchmark output_j = pct_of_gdp % of GDP."""
    sectors = sel.sectors(list(s.intensity), "intensity")
    rates: dict[tuple[str, str], float] = {}
    for r in sel.regions(s.regions, "regions"):
        k = b.ri[r]
        base = sum(s.intensity[j] * float(b.output[b.si[j], k]) for j in sectors)
        if base <= ZERO:
            raise CGEInputError(f"{where}.intensity: the sectors named have no benchmark output in {r}")
        scale = s.pct_of_gdp / 100.0 * region_gdp(b, r) / base
        for j in sectors:
            if s.intensity[j] > 0 and b.output[b.si[j], k] > ZERO:
                rates[(j, r)] = scale * s.intensity[j]
    top = max(rates.items(), key=lambda kv: kv[1])
    if top[1] >= 1.0:
        raise CGEInputError(f"{where}: a budget of {s.pct_of_gdp:g}% of GDP needs a subsidy of "
                            f"{100 * top[1]:.0f}% of output on {top[0][0]} in {top[0][1]}; it must stay below 100%")
    return rates


def _rebalance(ins: Instruments, b: Benchmark, sel: Selection, s: Rebalancing, where: str) -> None:
    """Move income shares between final-demand agents of each selected region."""
    for a in s.change_pct_points:
        if a not in b.fd_agents:
            raise CGEInputError(f"{where}.change_pct_points: unknown final-demand agent '{a}'; "
                                f"allowed: {', '.join(b.fd_agents)}")
    for r in sel.regions(s.regions, "regions"):
        for a, pts in s.change_pct_points.items():
            if ins.position("fd_share", (a, r)) is None:
                raise CGEInputError(f"{where}: {a} has no benchmark expenditure in {r}")
            ins.set("fd_share", (a, r), lambda old, pts=pts: old + pts / 100.0, where)
            new = float(ins.p[ins.position("fd_share", (a, r))])
            if not 0.0 < new < 1.0:
                raise CGEInputError(f"{where}: the share of {a} in {r}'s income would be {100 * new:.1f}%; "
                                    "it must stay between 0 and 100")


def _apply_table(ins: Instruments, path, mode: str, sel: Selection, shock,  # noqa: ANN001
                 children: dict[str, str], flows: set, where: str) -> set[int]:
    """Apply a tariff table; a row for a parent sector also covers sectors split from it.
    Returns the file lines of the rows applied.

    The shock's own selectors (``importers``, ``exporters``, ``sectors``) choose which rows
    apply, so one table can feed several named shocks (e.g. one for each side of a tariff
    war); a shock whose selectors match no row of its table is refused.  A row naming a
    group covers its members' flows except a region's imports from itself; a row that
    covers only such pairs is refused, and so are two rows that set the same flow."""
    df = read_tariff_table(path, f"{where}.table")
    kids: dict[str, list[str]] = {}
    for child, parent in children.items():
        kids.setdefault(parent, []).append(child)
    keep_imp = set(sel.regions(shock.importers, "importers"))
    keep_exp = set(sel.regions(shock.exporters, "exporters"))
    keep_sec = set(sel.sectors(shock.sectors, "sectors"))
    applied: set[int] = set()
    set_by: dict[tuple[str, str, str], int] = {}
    for row in df.itertuples(index=False):
        at = f"{where}.table: line {row.line} of {path.name}"
        imp_all = sel.regions(row.importer, f"table {path.name} importer")
        exp_all = sel.regions(row.exporter, f"table {path.name} exporter")
        if not any(e != r for e in exp_all for r in imp_all):
            raise CGEInputError(f"{at}: importer {row.importer} and exporter {row.exporter} cover only "
                                "a region's imports from itself; domestic sales are not trade")
        imp = [r for r in imp_all if r in keep_imp]
        exp = [r for r in exp_all if r in keep_exp]
        secs = sel.sectors(row.sector, f"table {path.name} sector")
        secs = [c for c in secs + [c for sct in secs for c in kids.get(sct, [])] if
                c in keep_sec or children.get(c) in keep_sec]
        if not (imp and exp and secs):
            continue
        applied.add(row.line)
        rate = float(row.rate_pct) / 100.0
        rule = (lambda old, rate=rate: rate) if mode == "rate_pct" else (lambda old, rate=rate: old + rate)
        hits = [(i, e, r) for i in secs for e in exp for r in imp if (i, e, r) in flows]
        for idx in hits:
            if idx in set_by:
                raise CGEInputError(f"{at}: flow {idx} is already set by line {set_by[idx]}; each flow "
                                    "may be set by one row of a table")
            set_by[idx] = row.line
            ins.set("tm", idx, rule, where, floor=-1.0, ceiling=RATE_CEILING)
        if not hits:
            ins.record.warnings.append(
                f"{where}: table {path.name} row ({row.importer}, {row.exporter}, {row.sector}) names "
                "flows with no benchmark trade; it has no effect")
    if not applied:
        raise CGEInputError(f"{where}: no row of table {path.name} falls within the shock's importers, "
                            "exporters and sectors")
    return applied


@dataclass
class InstrumentPath:
    """Continuation path p(t) from ``p_from`` (t = 0) to ``p_to`` (t = 1), and its derivative.

    Tariff and export-tax powers (1 + t) and the output-tax wedge (1 - t) move geometrically
    (a 500% tariff multiplies the power by six: equal proportional steps); iceberg factors,
    productivity and endowments geometrically; other parameters linearly; a quota
    that starts not binding moves geometrically from the benchmark flow (1) to its target,
    so a 99% cut is approached in equal proportional steps; the complementarity smoothing
    rises from its final value to ``CONTINUATION_SMOOTHING`` mid-way and falls back.  The
    path is continuous: at t = 0 it is equivalent to ``p_from`` (a quota at the benchmark
    flow does not bind there).
    """

    cgem: CGEModel
    p_from: np.ndarray
    p_to: np.ndarray
    smoothing: bool = True  # raise the complementarity smoothing mid-way (helps the solver)

    def __post_init__(self) -> None:
        par = self.cgem.parameters
        self.p_from = np.asarray(self.p_from, float)
        self.p_to = np.asarray(self.p_to, float)
        self._log = np.concatenate([np.arange(par.size)[par.slice(n)] for n in LOG_PATH])
        self._lo = np.log(np.maximum(self.p_from[self._log], 1e-300))
        self._hi = np.log(np.maximum(self.p_to[self._log], 1e-300))
        self._pow = np.concatenate([np.arange(par.size)[par.slice(n)] for n in POWER_PATH])
        self._sign = np.concatenate([np.full(len(par.blocks[n]), sg) for n, sg in POWER_PATH.items()])
        self._plo = np.log(np.maximum(1.0 + self._sign * self.p_from[self._pow], 1e-300))
        self._phi = np.log(np.maximum(1.0 + self._sign * self.p_to[self._pow], 1e-300))
        q = np.arange(par.size)[par.slice("quota")]
        moving = self.p_to[q] < QUOTA_NOT_BINDING
        self._q = q[moving]
        start = np.where(self.p_from[self._q] >= QUOTA_NOT_BINDING, 1.0, self.p_from[self._q])
        self._qlo, self._qhi = np.log(start), np.log(np.maximum(self.p_to[self._q], 1e-12))
        self._mu = par.slice("fb_mu")
        self._ramp = CONTINUATION_SMOOTHING if len(self._q) and self.smoothing else 0.0

    def __call__(self, t: float) -> np.ndarray:
        if t >= 1.0:
            return self.p_to.copy()
        p = self.p_from + t * (self.p_to - self.p_from)
        p[self._log] = np.exp(self._lo + t * (self._hi - self._lo))
        p[self._pow] = (np.exp(self._plo + t * (self._phi - self._plo)) - 1.0) * self._sign
        p[self._q] = np.exp(self._qlo + t * (self._qhi - self._qlo))
        p[self._mu] = self.p_to[self._mu] + self._ramp * 4.0 * t * (1.0 - t)
        return p

    def derivative(self, t: float) -> np.ndarray:
        """dp/dt along the path."""
        d = self.p_to - self.p_from
        d[self._log] = (self._hi - self._lo) * np.exp(self._lo + t * (self._hi - self._lo))
        d[self._pow] = (self._phi - self._plo) * np.exp(self._plo + t * (self._phi - self._plo)) * self._sign
        d[self._q] = (self._qhi - self._qlo) * np.exp(self._qlo + t * (self._qhi - self._qlo))
        d[self._mu] = self._ramp * 4.0 * (1.0 - 2.0 * t)
        return d


def instrument_path(cgem: CGEModel, p_from: np.ndarray, p_to: np.ndarray,
                    smoothing: bool = True) -> InstrumentPath:
    """The continuation path from ``p_from`` to ``p_to`` (see :class:`InstrumentPath`)."""
    return InstrumentPath(cgem, p_from, p_to, smoothing)
