"""Apply a scenario's shocks to the instrument parameters of a built model.

Every run starts from the benchmark instruments (data tariffs, no other taxes,
iceberg factors 1, no quotas, productivity 1) and applies the shocks in order.
``apply_shocks`` returns what it changed, parameter by parameter, so a run can
report it and tests can check that a shock moves its intended parameters only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyomo.environ as pyo

from cge.errors import CGEInputError
from cge.model.build import CGEModel
from cge.model.instruments import QUOTA_NOT_BINDING
from cge.model.calibration import ZERO, Benchmark
from cge.model.targets import TargetSpec
from cge.scenario import (ExportQuota, ExportTax, Iceberg, ImportTariff, OutputTax, Productivity,
                          Scenario, Selection, ShareMonitor, ShareTarget, read_tariff_table, split_parents,
                          table_paths)

BAN_MIN_ESUB_MM = 1.0  # a ban removes a source from the CES; valid only when sources substitute (> 1)


@dataclass
class ShockRecord:
    """Instrument changes made by a scenario: parameter -> index -> (benchmark, new)."""

    changes: dict[str, dict[tuple, tuple[float, float]]] = field(default_factory=dict)
    target_regions: set[str] = field(default_factory=set)

    def shocked_regions(self) -> list[str]:
        """Regions that are the source or target of any shock."""
        regions: set[str] = set(self.target_regions)
        for name, entries in self.changes.items():
            for idx in entries:
                if name in ("to", "prod"):
                    regions.add(idx[1])
                elif name != "target_level":
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
    names = [s.name for s in sc.shocks if isinstance(s, ShareTarget)]
    for k, s in enumerate(sc.shocks):
        if not isinstance(s, ShareTarget):
            continue
        where = f"shocks[{k}]"
        if names.count(s.name) > 1:
            raise CGEInputError(f"{where}.name: target names must be unique; '{s.name}' repeats")
        flows, market, domestic = share_flows(sc, b, s, where)
        specs.append(TargetSpec(name=s.name, flows=tuple(flows), market_flows=tuple(market),
                                domestic=tuple(domestic), instrument=s.instrument, kind=s.kind))
    return specs


def reset_instruments(cgem: CGEModel) -> None:
    """Put every instrument back at its benchmark value (targets: not binding / benchmark share)."""
    m, b = cgem.model, cgem.benchmark
    ri = b.ri
    si = b.si
    for (i, s, r) in m.FLOWS:
        m.tm[i, s, r] = float(b.tariff[si[i], ri[s], ri[r]])
    for comp, val in ((m.te, 0.0), (m.tau, 1.0), (m.avail, 1.0), (m.quota, QUOTA_NOT_BINDING),
                      (m.to, 0.0), (m.prod, 1.0)):
        for q in comp.values():
            q.set_value(val)
    m.pnum.set_value(1.0)
    for k, spec in enumerate(cgem.targets):
        m.target_level[k] = 1.0 if spec.kind == "max" else cgem.target_benchmark_share[k]


def _rate_rule(shock, where: str) -> Callable[[float], float]:
    if shock.rate_pct is not None:
        return lambda old: shock.rate_pct / 100.0
    if shock.add_pct_points is not None:
        return lambda old: old + shock.add_pct_points / 100.0
    return lambda old: (1.0 + old) * shock.scale_power - 1.0


def _set(m: pyo.ConcreteModel, rec: ShockRecord, name: str, idx: tuple,
         rule: Callable[[float], float], where: str, floor: float | None = None) -> None:
    comp = getattr(m, name)
    old = float(pyo.value(comp[idx]))
    new = float(rule(old))
    if floor is not None and new <= floor:
        raise CGEInputError(f"{where}: resulting {name} on {idx} is {new * 100:.1f}%; "
                            f"it must stay above {floor * 100:.0f}%")
    comp[idx] = new
    entry = rec.changes.setdefault(name, {})
    first = entry.get(idx, (old, new))[0]
    entry[idx] = (first, new)


def apply_shocks(cgem: CGEModel, sc: Scenario) -> ShockRecord:
    """Reset instruments to the benchmark and apply every shock of ``sc`` in order."""
    m, b = cgem.model, cgem.benchmark
    reset_instruments(cgem)
    rec = ShockRecord()
    for spec in cgem.targets:
        rec.target_regions.update(r for f in spec.flows for r in f[1:3])
    flows = set(m.FLOWS)
    active = set(m.YJ)
    children = split_parents(b.dataset_attrs)
    tables = iter(table_paths(sc))

    def bilateral(sel: Selection, s, where: str) -> Iterable[tuple[str, str, str]]:
        for i in sel.sectors(s.sectors, "sectors"):
            for e in sel.regions(s.exporters, "exporters"):
                for r in sel.regions(s.importers, "importers"):
                    if (i, e, r) in flows:
                        yield (i, e, r)

    for k, s in enumerate(sc.shocks):
        where = f"shocks[{k}] ({s.type})"
        sel = Selection(sc, b.regions, b.sectors, f"shocks[{k}]")
        if isinstance(s, ImportTariff) and s.table is not None:
            _apply_table(m, rec, next(tables), s.mode, sel, children, flows, where)
        elif isinstance(s, ImportTariff):
            rule = _rate_rule(s, where)
            for idx in bilateral(sel, s, where):
                _set(m, rec, "tm", idx, rule, where, floor=-1.0)
        elif isinstance(s, ExportTax):
            rule = _rate_rule(s, where)
            for idx in bilateral(sel, s, where):
                _set(m, rec, "te", idx, rule, where, floor=-1.0)
        elif isinstance(s, ExportQuota):
            for idx in bilateral(sel, s, where):
                if s.change_pct <= -100:
                    sig = float(b.esub_mm[b.si[idx[0]]])
                    if sig <= BAN_MIN_ESUB_MM:
                        raise CGEInputError(f"{where}: a ban on {idx[0]} needs esub_mm > 1 (it is "
                                            f"{sig}); use change_pct above -100 instead")
                    _set(m, rec, "avail", idx, lambda old: 0.0, where)
                else:
                    _set(m, rec, "quota", idx, lambda old: 1.0 + s.change_pct / 100.0, where)
        elif isinstance(s, OutputTax):
            rule = _rate_rule(s, where)
            for j in sel.sectors(s.sectors, "sectors"):
                for r in sel.regions(s.regions, "regions"):
                    if (j, r) in active:
                        _set(m, rec, "to", (j, r), rule, where, floor=-1.0)
                        if float(pyo.value(m.to[j, r])) >= 1.0:
                            raise CGEInputError(f"{where}: output tax on {(j, r)} must stay below 100%")
        elif isinstance(s, Iceberg):
            for idx in bilateral(sel, s, where):
                _set(m, rec, "tau", idx, lambda old: old * (1.0 + s.change_pct / 100.0), where)
        elif isinstance(s, ShareTarget):
            k = [t.name for t in cgem.targets].index(s.name)
            _set(m, rec, "target_level", k, lambda old: s.level, where)
        elif isinstance(s, Productivity):
            for j in sel.sectors(s.sectors, "sectors"):
                for r in sel.regions(s.regions, "regions"):
                    if (j, r) in active:
                        _set(m, rec, "prod", (j, r), lambda old: old * (1.0 + s.change_pct / 100.0), where)
    return rec


def _apply_table(m: pyo.ConcreteModel, rec: ShockRecord, path, mode: str, sel: Selection,
                 children: dict[str, str], flows: set, where: str) -> None:
    """Apply a tariff table; a row for a parent sector also covers sectors split from it."""
    df = read_tariff_table(path, f"{where}.table")
    kids: dict[str, list[str]] = {}
    for child, parent in children.items():
        kids.setdefault(parent, []).append(child)
    for row in df.itertuples(index=False):
        imp = sel.regions(row.importer, f"table {path.name} importer")
        exp = sel.regions(row.exporter, f"table {path.name} exporter")
        secs = sel.sectors(row.sector, f"table {path.name} sector")
        secs = secs + [c for sct in secs for c in kids.get(sct, [])]
        rate = float(row.rate_pct) / 100.0
        rule = (lambda old, rate=rate: rate) if mode == "rate_pct" else (lambda old, rate=rate: old + rate)
        for i in secs:
            for e in exp:
                for r in imp:
                    if (i, e, r) in flows:
                        _set(m, rec, "tm", (i, e, r), rule, where, floor=-1.0)
