"""Run a scenario end to end: scenario -> dataset -> calibrated model -> solve -> results.

Built and compiled models are cached per process by their structure (dataset file,
elasticity set, critical-input elasticities, closure and quota flows), so a batch
worker or an interactive session builds and compiles each structure once and every
further scenario only changes instrument values and re-solves.  Every run starts
from the benchmark (instruments and warm start), so results do not depend on the
order in which scenarios are run.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import shutil
import time
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from cge import __version__
from cge.atomic import netcdf_bytes, prepare_output_dir, reason, temp_path
from cge.data.datasets import DATASET_FILES, dataset_path, load_dataset
from cge.data.validate import validate_dataset
from cge.errors import OutputError, SolveError
from cge.integrity import open_netcdf
from cge.model.build import CGEModel, build_model
from cge.model.calibration import ZERO, Benchmark, calibrate
from cge.model.trade import QuotaSpec
from cge.progress import step
from cge.resources import checkout_root
from cge.results import State, collect_results, spillover_summary
from cge.model.overrides import apply_overrides, overrides_from_csv
from cge.scenario_check import selector_warnings
from cge.scenario import (Scenario, elasticity_file_path, load_scenario, naming_the_scenario, quota_flows,
                          scenario_to_yaml, table_paths)
from cge.shocks import instrument_path, resolve_shocks, share_flows, target_specs
from cge.solve.solver import DEFAULT_BACKEND, SolveReport, Solver
from cge.variables import attach_metadata


@dataclass
class CachedModel:
    """A built model and its solver, the base state results are measured against, and
    timings of the build and compile phases."""

    cgem: CGEModel
    solver: Solver
    base: State
    build_seconds: float
    compile_seconds: float
    baseline_report: SolveReport | None = None


_CACHE: dict[tuple, CachedModel] = {}


@lru_cache(maxsize=1)
def code_version() -> str:
    """Package version plus the git commit when run from a checkout (read once per process)."""
    root = checkout_root()
    if root is None:  # an installed package: its version is all there is
        return __version__
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{__version__}+{commit}" if commit else __version__


def resolve_dataset_path(name: str, base: Path | None = None) -> Path:
    """A named dataset, or a path relative to the scenario file's folder."""
    if name in DATASET_FILES or base is None or Path(name).is_absolute():
        return dataset_path(name)
    return dataset_path(base / name)


def structure_key(sc: Scenario, dataset_path: Path, quotas: list[QuotaSpec]) -> tuple:
    """What determines a model's structure: everything except instrument values."""
    targets = tuple((s.type, getattr(s, "kind", ""), s.model_dump_json(exclude={"max_share", "equal_share"}))
                    for s in sc.shocks if s.type in ("share_target", "reciprocity_target"))
    elasticity_file = elasticity_file_path(sc)
    return (str(dataset_path), sc.elasticities, tuple(sorted(sc.esub_crit.items())),
            sc.closure.model_dump_json(), sc.model.model_dump_json(), tuple(quotas), targets,
            tuple(o.model_dump_json() for o in sc.elasticity_overrides),
            _digest(elasticity_file) if elasticity_file else b"")


_DATASETS: dict[tuple[str, float], xr.Dataset] = {}


def _dataset(path: Path) -> xr.Dataset:
    """The dataset at ``path``, read and validated once per process (keyed by path and
    modification time): a dataset that breaks the schema is refused in one line naming it."""
    key = (str(path), path.stat().st_mtime)
    if key not in _DATASETS:
        ds = load_dataset(path)
        validate_dataset(ds, source=f"dataset file {path.name}")  # before any model is built
        _DATASETS[key] = ds
    return _DATASETS[key]


def _baseline(cgem: CGEModel, solver: Solver) -> tuple[State, SolveReport | None]:
    """The state results are measured against: the benchmark, or under the ``zero``
    trade-balance closure the equilibrium with every trade balance removed."""
    if cgem.closure.trade_balance != "zero":
        return State(cgem.x0.copy(), cgem.p0.copy()), None
    p = cgem.p0.copy()
    p[cgem.parameters.slice("tb")] = 0.0
    solver.reset()
    report = solver.solve(p)
    return State(solver.x.copy(), p), report


def _model_inputs(sc: Scenario) -> tuple[Path, xr.Dataset, list[QuotaSpec]]:
    """The scenario's dataset file, the dataset and the quota flows it names."""
    path = resolve_dataset_path(sc.dataset, base=sc.path.parent if sc.path else None)
    ds = _dataset(path)
    regions = [str(r) for r in ds["region"].values]
    sectors = [str(s) for s in ds["sector"].values]
    trade = ds["trade"].transpose("sector", "exporter", "importer").values
    output = ds["output"].transpose("sector", "region").values
    traded = {(sectors[i], regions[e], regions[m]) for i, e, m in zip(*np.nonzero(trade > ZERO))
              if output[i, e] > ZERO}
    return path, ds, quota_flows(sc, regions, sectors, traded)


def get_model(sc: Scenario, backend: str = DEFAULT_BACKEND) -> tuple[CachedModel, bool]:
    """The cached model for the scenario's structure, building it if needed."""
    path, ds, quotas = _model_inputs(sc)
    key = structure_key(sc, path, quotas) + (backend,)
    if key in _CACHE:
        return _CACHE[key], True
    cached = build_cached_model(sc, backend, ds=ds, quotas=quotas)
    _CACHE[key] = cached
    return cached, False


def calibrated_benchmark(sc: Scenario, ds: xr.Dataset | None = None) -> Benchmark:
    """The scenario's calibrated benchmark with its elasticity file and overrides applied."""
    if ds is None:
        _, ds, _ = _model_inputs(sc)
    bench = calibrate(ds, sc.elasticities, esub_crit=sc.esub_crit, options=sc.model)
    elasticity_file = elasticity_file_path(sc)
    if elasticity_file is not None:
        apply_overrides(bench, overrides_from_csv(elasticity_file), "elasticity_file")
    apply_overrides(bench, sc.elasticity_overrides)
    return bench


def build_cached_model(sc: Scenario, backend: str = DEFAULT_BACKEND, *, ds: xr.Dataset | None = None,
                       quotas: list[QuotaSpec] | None = None) -> CachedModel:
    """Calibrate, build and compile the scenario's model without keeping it in the cache (for
    one-off structures such as the elasticity points of a sensitivity analysis)."""
    if ds is None or quotas is None:
        _, ds, quotas = _model_inputs(sc)
    start = time.perf_counter()
    step(0, f"building the model of {sc.name}")
    bench = calibrated_benchmark(sc, ds)
    cgem = build_model(bench, sc.closure, quotas, target_specs(sc, bench))
    built = time.perf_counter() - start
    step(0, f"compiling the model ({cgem.n:,} unknowns)")
    solver = Solver(cgem, backend=backend)
    base, report = _baseline(cgem, solver)
    return CachedModel(cgem=cgem, solver=solver, base=base, build_seconds=built,
                       compile_seconds=solver.compile_seconds, baseline_report=report)


@lru_cache(maxsize=64)
def _file_digest(path: str, mtime_ns: int, size: int) -> bytes:
    """SHA-256 of a file, computed once per (path, modification time, size)."""
    return hashlib.sha256(Path(path).read_bytes()).digest()


def _digest(path: Path) -> bytes:
    if not path.is_file():  # missing or a folder: the reader of the file names the problem
        return b"missing"
    st = path.stat()
    return _file_digest(str(path), st.st_mtime_ns, st.st_size)


def scenario_hash(scenario: str | Path | Scenario) -> str:
    """Content hash of what a scenario solves: the validated scenario (serialised from the
    object, so an edit made in Python changes it), its tariff tables and elasticity file,
    the dataset file and the code version."""
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    h = hashlib.sha256()
    h.update(scenario_to_yaml(sc).encode())
    for p in table_paths(sc) + [q for q in [elasticity_file_path(sc)] if q is not None]:
        h.update(_digest(p))
    h.update(_digest(resolve_dataset_path(sc.dataset, base=sc.path.parent if sc.path else None)))
    h.update(code_version().encode())
    return h.hexdigest()[:16]


def solve_scenario(sc: Scenario, backend: str = DEFAULT_BACKEND, decompose: bool = False,
                   tolerance: float | None = None, *, model: CachedModel | None = None,
                   start: State | None = None) -> xr.Dataset:
    """Solve a validated scenario and return its results Dataset; with ``decompose`` the
    welfare decomposition and subtotals by shock group are added (cge.decompose).

    ``model`` is a model built for the scenario (default: the cached one); ``start`` a
    warm start, e.g. the solution of a neighbouring scenario on a model of the same layout
    (default: the benchmark).  Results are measured against the model's base either way."""
    with naming_the_scenario(sc):
        cached, reused = (model, True) if model is not None else get_model(sc, backend)
        step(0, f"solving {sc.name}")
        cgem, solver = cached.cgem, cached.solver
        p_target, record = resolve_shocks(cgem, sc, cached.base.p)
    origin = start if start is not None else cached.base
    solver.x, solver.p = origin.x.copy(), origin.p.copy()
    try:
        report = solver.solve(p_target, path=instrument_path(cgem, origin.p, p_target))
    except SolveError as exc:
        if cgem.targets:
            names = ", ".join(f"'{t.name}'" for t in cgem.targets)
            hint = ("; a reciprocity target with balance: value has no solution when side B's "
                    "imports from A are smaller than the fall of A's imports from B (try balance: "
                    "proportional)" if any(t.kind == "reciprocity" and t.balance == "value"
                                           for t in cgem.targets) else "")
            raise SolveError(f"target {names} could not be reached (infeasible with its "
                             f"instrument?{hint}): {exc}") from None
        raise
    policy = None
    if sc.policy is not None:
        from cge.policy.run import solve_policy

        policy = solve_policy(cached, sc, sc.policy, p_target)
        solver.x, solver.p = policy.state.x.copy(), policy.state.p.copy()
        p_target = policy.state.p.copy()
    b = cgem.benchmark
    data_file = resolve_dataset_path(sc.dataset, base=sc.path.parent if sc.path else None)
    attrs = {
        "scenario_name": sc.name,
        "scenario_title": sc.title or sc.name,
        "scenario_description": sc.description.strip(),
        "scenario_sources": sc.sources,
        "scenario_yaml": scenario_to_yaml(sc),
        "scenario_file": str(sc.path) if sc.path else "",
        "dataset": sc.dataset,
        "dataset_sha256": _digest(data_file).hex(),
        "dataset_title": b.dataset_attrs.get("title", ""),
        "dataset_source": b.dataset_attrs.get("source", ""),
        "base_year": b.dataset_attrs.get("base_year", ""),
        "elasticity_set": sc.elasticities,
        "elasticity_file": sc.elasticity_file or "",
        "elasticity_overrides": [o.model_dump(exclude_none=True) for o in sc.elasticity_overrides],
        "esub_crit": sc.esub_crit,
        "model_options": sc.model.describe(),
        "closure": sc.closure.describe(),
        "closure_in_words": sc.closure.in_words(),
        "trade_balance_closure": sc.closure.trade_balance,
        "rent_recipients": {",".join(q.flow): q.rent_to for q in cgem.quotas},
        "code_version": code_version(),
        "input_hash": scenario_hash(sc),
        "model_reused": int(reused),
        "build_seconds": cached.build_seconds,
        "compile_seconds": cached.compile_seconds,
        "instrument_changes": {k: len(v) for k, v in record.changes.items()},
        "warnings": selector_warnings(sc) + record.warnings,
        **report.as_attrs(),
    }
    monitors = {t.name: (list(t.flows), list(t.market_flows), list(t.domestic)) for t in cgem.targets}
    for k, mon in enumerate(sc.monitors):
        monitors[mon.name] = share_flows(sc, b, mon, f"monitors[{k}]")
    ds = collect_results(cgem, cached.base, State(solver.x.copy(), p_target), attrs,
                         record.shocked_regions(), monitors)
    if policy is not None:
        ds = add_policy(ds, sc.policy.mode, policy)
    if decompose:
        from cge.decompose import DEFAULT_TOLERANCE, add_decomposition
        from cge.decompose import decompose as run_decomposition

        step(0, f"decomposing the welfare change of {sc.name} along the shock path")
        d = run_decomposition(cached, sc, p_target, record, tolerance or DEFAULT_TOLERANCE)
        ds = add_decomposition(ds, d)
    return attach_metadata(ds)


def add_policy(ds: xr.Dataset, mode: str, outcome) -> xr.Dataset:  # noqa: ANN001 (cge.policy.PolicyOutcome)
    """The results with the chosen instruments and how the optimisation went."""
    import json

    out = ds.assign_coords(policy_instrument=outcome.instruments.labels)
    out["policy_instrument_pct"] = (("policy_instrument",), 100 * outcome.values)
    out["policy_instrument_start_pct"] = (("policy_instrument",), 100 * outcome.start_values)
    out["policy_instrument_chosen_by"] = (("policy_instrument",), np.array(outcome.owners, dtype=str))
    out.attrs.update({"policy_mode": mode, "policy_objective": json.dumps(outcome.objective),
                      "policy_rounds": json.dumps(outcome.rounds), "policy_iterations": outcome.iterations,
                      "policy_seconds": outcome.seconds, "policy_build_seconds": outcome.build_seconds})
    return out


def write_results(ds: xr.Dataset, out_dir: Path) -> Path:
    """Write ``<out>/<name>.nc``, ``<out>/<name>/<variable>.csv`` and the third-country
    ``spillovers.csv`` atomically (cge.atomic): both are staged in full under temporary names
    and only then renamed into place, the CSV folder first and the NetCDF file (what batch
    resume looks for) last, so a write that fails (a full disk) leaves the previous results
    of the scenario as they were."""
    prepare_output_dir(out_dir)
    name = ds.attrs["scenario_name"]
    target = out_dir / f"{name}.nc"
    staged_nc, staged = temp_path(target), temp_path(out_dir / name, "csv.tmp")
    old = temp_path(out_dir / name, "old")
    try:
        staged_nc.write_bytes(netcdf_bytes(ds))  # encoded in memory: see cge.atomic.write_netcdf_atomic
        staged.mkdir()
        for var in ds.data_vars:
            ds[var].to_dataframe().reset_index().to_csv(staged / f"{var}.csv", index=False)
        spillover_summary(ds).to_csv(staged / "spillovers.csv", index=False)
        if (out_dir / name).exists():
            os.replace(out_dir / name, old)
        os.replace(staged, out_dir / name)
        os.replace(staged_nc, target)
    except OSError as exc:
        if old.exists() and not (out_dir / name).exists():
            os.replace(old, out_dir / name)
        raise OutputError(f"cannot write results of '{name}' in '{out_dir}' "
                          f"({reason(exc)}); previous results are unchanged") from None
    finally:
        staged_nc.unlink(missing_ok=True)
        for leftover in (staged, old):
            if leftover.exists():
                shutil.rmtree(leftover, ignore_errors=True)
    return target


def run_scenario(scenario: str | Path | Scenario, out_dir: Path | None = None,
                 backend: str = DEFAULT_BACKEND, decompose: bool = False) -> xr.Dataset:
    """Load, solve and (if ``out_dir``) write one scenario; returns its results (with the
    welfare decomposition and subtotals when ``decompose``)."""
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if out_dir is not None:
        prepare_output_dir(Path(out_dir))  # refuse an unusable folder before solving
    ds = solve_scenario(sc, backend, decompose=decompose)
    if out_dir is not None:
        write_results(ds, Path(out_dir))
    return ds


def load_results(path: str | Path) -> xr.Dataset:
    """Open a results NetCDF file written by :func:`write_results`."""
    return open_netcdf(Path(path), "results file")
