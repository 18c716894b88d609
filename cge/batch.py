"""Many scenarios on Dask distributed, and their results along a ``scenario`` dimension.

A batch solves each scenario file with :func:`cge.runner.run_scenario` inside a Dask
worker process.  Workers are long-lived, so the runner's per-process cache of
built and compiled models means each worker builds and compiles a model structure
once and reuses it for every scenario of that structure that it is given; models are
never shipped between processes, only file paths and one-line outcomes.

* Failure isolation: a scenario that raises (bad input, no convergence, a crashed
  worker) is recorded as ``failed`` with a one-line error; the others go on.
* Resume: a scenario whose result file ``OUT/<name>.nc`` carries the same
  ``input_hash`` as :func:`cge.runner.scenario_hash` of its inputs now (scenario
  text, tariff tables, base dataset, code version) is ``skipped``, unless ``force``.
  Failed scenarios have no result file and are tried again.
* Outputs: ``OUT/batch.nc`` (every solved scenario along ``scenario``) and
  ``OUT/batch_manifest.json`` (status, error, hash and seconds per scenario), both
  replaced atomically.
* Faults: one batch at a time writes a folder (a lock held while it runs: a second
  batch on the same folder is refused in one line); temporary files left by a killed
  run are removed at the next start (cge.atomic); an interrupted batch (Ctrl-C, SIGINT,
  SIGTERM) keeps every finished result, writes no combined file and exits with status
  130, and the same command resumes it (docs/guarantees.md).

The cluster is an embedded :class:`distributed.LocalCluster` (processes, one thread
each) unless a scheduler address or a ready :class:`distributed.Client` is given.
"""

from __future__ import annotations

import fcntl
import importlib
import json
import logging
import os
import re
import signal
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Literal, Sequence

import numpy as np
import xarray as xr

from cge.atomic import prepare_output_dir, write_atomic, write_netcdf_atomic
from cge.errors import BatchInterrupted, CGEError, CGEInputError, OutputError
from cge.integrity import check_sealed, open_netcdf

SCENARIO = "scenario"
SCENARIO_SUFFIXES: tuple[str, ...] = (".yaml", ".yml")
BATCH_FILE = "batch.nc"
MANIFEST_FILE = "batch_manifest.json"
LOCK_FILE = ".cge-batch.lock"
#: How long to wait for an existing Dask scheduler to answer before giving up.
SCHEDULER_TIMEOUT = "10s"

Status = Literal["ok", "failed", "skipped"]


@dataclass(frozen=True)
class ScenarioOutcome:
    """What happened to one scenario of a batch (one manifest entry)."""

    name: str
    path: str
    status: Status
    input_hash: str | None
    seconds: float
    error: str | None = None
    cpu_seconds: float = 0.0


@dataclass(frozen=True)
class BatchReport:
    """Outcomes in input order, the files written (none in memory) and the wall-clock time."""

    outcomes: list[ScenarioOutcome]
    batch_file: Path | None
    manifest_file: Path | None
    seconds: float
    results: xr.Dataset | None = None

    def count(self, status: Status) -> int:
        """Number of scenarios with the given status."""
        return sum(o.status == status for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        """0 when no scenario failed, 1 otherwise (the `cge batch` exit status)."""
        return 1 if self.count("failed") else 0


def discover_scenarios(inputs: Sequence[Path]) -> list[Path]:
    """Scenario files named directly or found (``*.yaml``, ``*.yml``) in given folders.

    Folders are listed in natural name order (``s_5`` before ``s_20``); a scenario's
    results are stored under its file stem, so two files with the same stem are refused.
    """
    found: list[Path] = []
    for item in map(Path, inputs):
        if item.is_dir():
            found.extend(sorted((p for p in item.iterdir()
                                 if p.is_file() and p.suffix in SCENARIO_SUFFIXES),
                                key=_natural_key))
        elif item.is_file():
            if item.suffix not in SCENARIO_SUFFIXES:
                raise CGEInputError(f"scenario file {item} must end in .yaml or .yml")
            found.append(item)
        else:
            raise CGEInputError(f"scenario path {item} does not exist (give scenario files "
                                "or folders holding *.yaml)")
    if not found:
        raise CGEInputError("no scenario files found (expected *.yaml or *.yml in "
                            f"{', '.join(map(str, inputs)) or 'the arguments'})")
    stems: dict[str, Path] = {}
    for path in found:
        if path.stem in stems and stems[path.stem].resolve() != path.resolve():
            raise CGEInputError(f"two scenario files share the name {path.stem!r}: "
                                f"{stems[path.stem]} and {path}")
        stems[path.stem] = path
    return list(dict.fromkeys(p.resolve() for p in found))


def _natural_key(path: Path) -> list[object]:
    """Sort key that orders ``tariff_5`` before ``tariff_20``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.name)]


def one_line(exc: BaseException) -> str:
    """A one-line error message: the CGE message as is, other errors with their type."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, CGEError):
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def solve_scenario(scenario: Any, out_dir: str | None) -> dict[str, Any]:
    """Solve one scenario (a file path or a validated Scenario) in the calling process and
    describe the outcome (Dask task).

    The runner module is looked up when the task runs, so each worker process uses
    (and fills) its own model cache.  The results Dataset (small: about 0.1 MB on the
    default dataset) comes back with the outcome, which saves re-reading the file.
    """
    runner = importlib.import_module("cge.runner")
    name = Path(scenario).stem if isinstance(scenario, (str, Path)) else scenario.name
    start, cpu_start = time.perf_counter(), time.process_time()
    try:
        ds = runner.run_scenario(scenario, out_dir=Path(out_dir) if out_dir else None)
    except Exception as exc:  # isolation: any error of one scenario is recorded, not raised
        ds, status, error = None, "failed", one_line(exc)
    else:
        status, error = "ok", None
    return {"name": name, "status": status, "error": error, "dataset": ds,
            "seconds": time.perf_counter() - start,
            "cpu_seconds": time.process_time() - cpu_start}


def solved_hash(result_file: Path) -> str | None:
    """The ``input_hash`` attribute of an existing result file (``None`` if unreadable)."""
    if not result_file.is_file():
        return None
    try:
        check_sealed(result_file, "result file")   # a damaged file is re-solved, never parsed
        with xr.open_dataset(result_file, engine="h5netcdf") as ds:
            value = ds.attrs.get("input_hash")
    except (OSError, ValueError, CGEInputError):
        return None
    return None if value is None else str(value)


def _connect(workers: int, scheduler: str | None):
    """A Dask client on the given scheduler, or on a new local cluster of ``workers``."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            return Client(scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise CGEInputError(f"cannot connect to the Dask scheduler {scheduler!r} "
                                f"({one_line(exc)})") from None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                           processes=True, dashboard_address=":0",
                           silence_logs=logging.ERROR)
    return Client(cluster)


def run_batch(
    inputs: Sequence[Any],
    out_dir: Path | None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any | None = None,
    force: bool = False,
    on_outcome: Callable[[ScenarioOutcome], None] | None = None,
) -> BatchReport:
    """Solve every scenario in ``inputs`` on Dask and combine the results.

    ``inputs`` are scenario files or folders, or validated :class:`~cge.scenario.Scenario`
    objects (names unique).  With ``out_dir`` the results, ``batch.nc`` and the manifest are
    written there and unchanged scenarios are skipped; with ``out_dir=None`` everything stays
    in memory (``BatchReport.results``).
    ``client`` (a :class:`distributed.Client`) takes precedence over ``scheduler``
    (an address such as ``tcp://host:8786``), which takes precedence over a new
    :class:`~distributed.LocalCluster` of ``workers`` processes.  ``on_outcome`` is
    called once per scenario as it finishes (for progress display).
    """
    if workers is not None and workers < 1:
        raise CGEInputError(f"--workers must be a positive integer, got {workers}")
    start = time.perf_counter()
    scenario_cls = importlib.import_module("cge.scenario").Scenario
    objects = [x for x in inputs if isinstance(x, scenario_cls)]
    paths = discover_scenarios([x for x in inputs if not isinstance(x, scenario_cls)]) if \
        len(objects) < len(inputs) else []
    paths = paths + objects
    names = [p.stem if isinstance(p, Path) else p.name for p in paths]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise CGEInputError(f"batch: scenario name '{dupes[0]}' appears twice; names must be unique")
    if out_dir is None:
        return _run_batch(paths, names, None, workers, scheduler, client, force, on_outcome, start)
    out_dir = prepare_output_dir(Path(out_dir))
    with folder_lock(out_dir), interrupts_as_errors():
        return _run_batch(paths, names, out_dir, workers, scheduler, client, force, on_outcome, start)


@contextmanager
def folder_lock(out_dir: Path):  # noqa: ANN201
    """Hold an exclusive lock on the output folder while a batch writes it; the lock goes with
    the process (a killed batch leaves none behind)."""
    path = out_dir / LOCK_FILE
    try:
        fh = path.open("a+")
    except OSError as exc:
        raise OutputError(f"--out: cannot write in folder '{out_dir}' ({exc.strerror})") from None
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            owner = fh.read().strip() or "unknown"
            raise CGEInputError(f"--out: folder '{out_dir}' is being written by another batch (pid {owner}); "
                                "wait for it to finish or choose another folder") from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        fh.close()


@contextmanager
def interrupts_as_errors():  # noqa: ANN201
    """SIGTERM is handled like Ctrl-C (SIGINT); either ends the batch with
    :class:`~cge.errors.BatchInterrupted` once the finished results are safe."""
    def terminate(signum, frame):  # noqa: ANN001, ANN202
        raise KeyboardInterrupt
    try:
        previous = signal.signal(signal.SIGTERM, terminate)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _run_batch(paths: list[Any], names: list[str], out_dir: Path | None, workers: int | None,
               scheduler: str | None, client: Any | None, force: bool,
               on_outcome: Callable[[ScenarioOutcome], None] | None, start: float) -> BatchReport:
    """The batch itself (see :func:`run_batch`), with the output folder ready and locked."""
    runner = importlib.import_module("cge.runner")
    notify = on_outcome or (lambda outcome: None)

    outcomes: dict[int, ScenarioOutcome] = {}   # by position in the batch
    hashes: dict[int, str] = {}
    for k, (item, name) in enumerate(zip(paths, names)):
        try:
            hashes[k] = runner.scenario_hash(item)
        except Exception as exc:  # a scenario whose inputs cannot be read fails alone
            outcomes[k] = ScenarioOutcome(name, _where(item), "failed", None, 0.0, one_line(exc))
            notify(outcomes[k])
            continue
        if out_dir is not None and not force and solved_hash(out_dir / f"{name}.nc") == hashes[k]:
            outcomes[k] = ScenarioOutcome(name, _where(item), "skipped", hashes[k], 0.0)
            notify(outcomes[k])

    todo = [k for k in range(len(paths)) if k not in outcomes]
    solved: dict[int, xr.Dataset] = {}
    if todo:
        try:
            solved = _solve_on_dask(paths, todo, hashes, out_dir, workers, scheduler, client, outcomes,
                                    notify)
        except KeyboardInterrupt:
            done = sum(o.status != "failed" for o in outcomes.values())
            where = f"kept in {out_dir}; run the same command again to resume" if out_dir else "discarded"
            raise BatchInterrupted(f"batch interrupted: {done} of {len(paths)} scenarios finished "
                                   f"({where})") from None

    ordered = [outcomes[k] for k in range(len(paths))]
    results = [solved[k] if k in solved else _load(Path(out_dir) / f"{outcomes[k].name}.nc")
               for k in range(len(paths)) if outcomes[k].status != "failed"]
    combined = combine_scenarios(results) if results else None
    seconds = time.perf_counter() - start
    if out_dir is None:
        return BatchReport(ordered, None, None, seconds, combined)
    batch_file = None
    if combined is not None:
        batch_file = out_dir / BATCH_FILE
        write_netcdf_atomic(batch_file, combined)
    manifest_file = out_dir / MANIFEST_FILE
    write_manifest(manifest_file, ordered, batch_file, seconds)
    return BatchReport(ordered, batch_file, manifest_file, seconds, combined)


def _where(item: Any) -> str:
    """The file of a scenario, or ``<in memory>`` for a Scenario object without one."""
    if isinstance(item, Path):
        return str(item)
    return str(item.path) if getattr(item, "path", None) else "<in memory>"


def _solve_on_dask(items: list[Any], todo: list[int], hashes: dict[int, str], out_dir: Path | None,
                   workers: int | None, scheduler: str | None, client: Any | None,
                   outcomes: dict[int, ScenarioOutcome],
                   notify: Callable[[ScenarioOutcome], None]) -> dict[int, xr.Dataset]:
    """Submit the scenarios (positions ``todo`` of ``items``) to Dask, record each outcome as
    it completes, and return the results Datasets of the scenarios solved."""
    from distributed import as_completed

    solved: dict[int, xr.Dataset] = {}
    own_client = client is None
    if own_client:
        client = _connect(min(workers or os.cpu_count() or 1, len(todo)), scheduler)
    try:
        futures = {}
        for k in todo:
            item = items[k]
            futures[client.submit(solve_scenario, str(item) if isinstance(item, Path) else item,
                                  str(out_dir) if out_dir is not None else None, pure=False,
                                  key=f"solve-{_name(item)}-{hashes[k][:12]}-{time.time_ns()}")] = k
        for future in as_completed(futures):
            k = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # the worker died or the task could not run
                result = {"status": "failed", "error": one_line(exc), "seconds": 0.0}
            if result.get("dataset") is not None:
                solved[k] = result["dataset"]
            outcome = ScenarioOutcome(_name(items[k]), _where(items[k]), result["status"], hashes[k],
                                      float(result["seconds"]), result.get("error"),
                                      float(result.get("cpu_seconds", 0.0)))
            outcomes[k] = outcome
            notify(outcome)
    finally:
        if own_client:
            disconnect(client)
    return solved


def disconnect(client: Any) -> None:
    """Close a client made by :func:`_connect` and the local cluster it started, if any."""
    cluster = client.cluster
    client.close()
    if cluster is not None:
        cluster.close()


def _name(item: Any) -> str:
    return item.stem if isinstance(item, Path) else item.name


def _load(path: Path) -> xr.Dataset:
    """Read a result file fully into memory and close it."""
    return open_netcdf(path, "result file")


def write_manifest(path: Path, outcomes: Iterable[ScenarioOutcome], batch_file: Path | None,
                   seconds: float) -> None:
    """Write the batch manifest (JSON): one entry per scenario, plus totals."""
    entries = [asdict(o) for o in outcomes]
    manifest = {
        "written": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "batch_file": batch_file.name if batch_file else None,
        "seconds": round(seconds, 3),
        "counts": {s: sum(e["status"] == s for e in entries) for s in ("ok", "failed", "skipped")},
        "scenarios": entries,
    }
    text = json.dumps(manifest, indent=2) + "\n"
    write_atomic(path, lambda tmp: tmp.write_text(text))


def split_scenarios(ds: xr.Dataset) -> list[xr.Dataset]:
    """One Dataset per scenario, each with its own provenance attributes restored.

    A single-scenario results Dataset comes back as is; a combined batch is split
    along ``scenario`` and its per-scenario coordinates turned back into attributes.
    """
    if SCENARIO not in ds.dims:
        return [ds]
    per_scenario = [name for name, coord in ds.coords.items()
                    if name != SCENARIO and coord.dims == (SCENARIO,)]
    singles = []
    for label in ds[SCENARIO].values:
        one = ds.sel({SCENARIO: label}).drop_vars([SCENARIO, *per_scenario])
        one.attrs = {**ds.attrs, **{k: _attr_value(ds[k].sel({SCENARIO: label}).item())
                                    for k in per_scenario}}
        one.attrs["scenario_name"] = str(label)
        singles.append(one)
    return singles


def combine_scenarios(datasets: Sequence[xr.Dataset]) -> xr.Dataset:
    """Stack single-scenario results along a new ``scenario`` dimension.

    The coordinate is each Dataset's ``scenario_name`` attribute.  Provenance
    attributes equal in every scenario stay global attributes; those that differ
    (description, YAML text, hash, solver statistics, ...) become coordinates along
    ``scenario``, so nothing is lost.  Regions or sectors missing from a scenario
    (different base datasets) are NaN there.
    """
    names = [str(d.attrs.get("scenario_name", f"scenario_{i}")) for i, d in enumerate(datasets)]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise CGEInputError(f"scenario names must be unique across results, repeated: "
                            f"{', '.join(duplicates)}")
    keys = list(dict.fromkeys(k for d in datasets for k in d.attrs if k != "scenario_name"))
    common, varying = {}, {}
    for key in keys:
        values = [d.attrs.get(key) for d in datasets]
        if all(key in d.attrs for d in datasets) and all(_same(v, values[0]) for v in values):
            common[key] = values[0]
        else:
            varying[key] = _as_array(values)
    stripped = [d.drop_attrs(deep=False) for d in datasets]
    combined = xr.concat(stripped, dim=xr.DataArray(names, dims=SCENARIO, name=SCENARIO),
                         join="outer", combine_attrs="drop_conflicts")
    combined = combined.assign_coords({k: (SCENARIO, v) for k, v in varying.items()})
    combined.attrs = common
    return combined


def _same(a: Any, b: Any) -> bool:
    """Attribute equality that also works for NumPy arrays."""
    return bool(np.array_equal(np.asarray(a), np.asarray(b))) if a is not None and b is not None \
        else a is b


def _as_array(values: list[Any]) -> np.ndarray:
    """A NetCDF-writable 1-D array: numbers stay numbers, anything else becomes text."""
    if all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
           for v in values):
        return np.asarray(values)
    return np.asarray(["" if v is None else _text(v) for v in values], dtype=object)


def _text(value: Any) -> str:
    """Text form of an attribute value (arrays as JSON lists)."""
    if isinstance(value, np.ndarray):
        return json.dumps(value.tolist())
    return str(value)


def _attr_value(value: Any) -> Any:
    """A scalar coordinate value as a plain Python attribute value."""
    return value.item() if isinstance(value, np.generic) else value
