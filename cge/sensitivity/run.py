"""Run a systematic sensitivity analysis on Dask (docs/ssa.md).

The driver resolves what is varied, chooses the points (quadrature or Monte Carlo), turns
each into a scenario (elasticity overrides appended, scenario fields edited) and submits
one task per point to the batch machinery's cluster (cge/batch.py: a local cluster of
worker processes, or a running scheduler).  Each worker solves the central scenario once
(its model cached by the runner) and starts every point from that solution: a point differs
from the centre only in elasticities (a new model of the same layout, built in milliseconds
because the benchmark does not depend on them) or in instrument values.  A point whose warm
start fails is solved again from the benchmark with continuation; a point that still fails
is reported in ``ssa_failed`` and left out of the statistics.
"""

from __future__ import annotations

import importlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import xarray as xr

from cge.atomic import write_netcdf_atomic
from cge.errors import CGEInputError
from cge.scenario import Scenario, load_scenario
from cge.sensitivity.sampling import SAMPLERS, monte_carlo, quadrature, standardised
from cge.sensitivity.spec import Varied, VariedParameter, parse_parameters, resolve
from cge.sensitivity.statistics import contributions, stack_points, summarise

METHODS: tuple[str, ...] = ("quadrature", "montecarlo")
_CENTRAL: dict[tuple[str, str], Any] = {}   # per worker process: central solution by scenario


@dataclass
class SSAOutcome:
    """Statistics of every result variable and what produced them."""

    statistics: xr.Dataset
    points: xr.Dataset                      # solved points' results along ``point``
    values: np.ndarray                      # (points, parameters) in the parameters' units
    weights: np.ndarray
    varied: list[Varied]
    failed: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def contributions(self, variable: str = "ev_pct_income", **where: str):  # noqa: ANN201
        """First-order sensitivity of one result element to each parameter (a DataFrame;
        ``where`` selects the element, e.g. ``region="USA"``)."""
        y = self.points[variable].sel(where).values
        ok = self.points["ssa_point"].values.astype(int)
        z = standardised(self.values[ok], [v.dist for v in self.varied])
        return contributions(np.asarray(y, float), z, [v.label for v in self.varied])


def point_scenario(sc: Scenario, varied: list[Varied], x: np.ndarray) -> Scenario:
    """The scenario at one point: overrides appended, fields edited."""
    from cge.api import edit

    out = sc
    for v, value in zip(varied, x):
        if v.entry.field is not None:
            out = edit(out, v.entry.field, float(value))
    extra = [v.override(float(value)) for v, value in zip(varied, x) if v.entry.parameter is not None]
    return out.model_copy(update={"elasticity_overrides": [*out.elasticity_overrides, *extra]})


def solve_point(central: Scenario, point: Scenario, index: int, backend: str = "auto",
                central_hash: str | None = None) -> dict[str, Any]:
    """Solve one point in the calling (worker) process, warm-started from the central
    solution (solved once per process and scenario, ``central_hash`` naming it); never
    raises (a failure is returned with its one-line error)."""
    runner = importlib.import_module("cge.runner")
    batch = importlib.import_module("cge.batch")
    start = time.perf_counter()
    try:
        key = (central_hash or runner.scenario_hash(central), backend)
        if key not in _CENTRAL:
            cached, _ = runner.get_model(central, backend)
            runner.solve_scenario(central, backend, model=cached)
            _CENTRAL[key] = runner.State(cached.solver.x.copy(), cached.solver.p.copy())
        warm = _CENTRAL[key]
        model = runner.build_cached_model(point, backend)
        try:
            if model.cgem.n != len(warm.x):
                raise ValueError("layout differs")
            ds = runner.solve_scenario(point, backend, model=model, start=warm)
        except Exception:  # the warm start did not converge: the ordinary path from the benchmark
            ds = runner.solve_scenario(point, backend, model=runner.build_cached_model(point, backend))
    except Exception as exc:  # isolation: one failed point is reported, the others go on
        return {"index": index, "status": "failed", "error": batch.one_line(exc), "dataset": None,
                "seconds": time.perf_counter() - start}
    return {"index": index, "status": "ok", "error": None, "dataset": ds,
            "seconds": time.perf_counter() - start}


def _points(varied: list[Varied], method: str, draws: int, sampler: str, seed: int):  # noqa: ANN202
    dists = [v.dist for v in varied]
    if method == "quadrature":
        return quadrature(dists)
    if sampler not in SAMPLERS:
        raise CGEInputError(f"ssa: sampler '{sampler}' unknown; allowed: {', '.join(SAMPLERS)}")
    if draws < 2:
        raise CGEInputError(f"ssa: draws must be at least 2 (got {draws})")
    return monte_carlo(dists, draws, sampler, seed)


def run_ssa(scenario: Scenario | str | Path, parameters: list[dict[str, Any]] | list[VariedParameter], *,
            method: str = "quadrature", draws: int = 500, sampler: str = "lhs", seed: int = 0,
            workers: int | None = None, scheduler: str | None = None, client: Any | None = None,
            backend: str = "auto", on_point: Callable[[dict[str, Any]], None] | None = None) -> SSAOutcome:
    """Vary ``parameters`` of ``scenario`` by ``method`` and summarise every result variable.

    ``client`` (a distributed.Client) takes precedence over ``scheduler`` (an address), which
    takes precedence over a new local cluster of ``workers`` processes."""
    from distributed import as_completed

    begin = time.perf_counter()
    if method not in METHODS:
        raise CGEInputError(f"ssa: method '{method}' unknown; allowed: {', '.join(METHODS)}")
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    runner = importlib.import_module("cge.runner")
    varied = resolve(parse_parameters(parameters), sc, runner.calibrated_benchmark(sc))
    values, weights = _points(varied, method, draws, sampler, seed)
    scenarios = [point_scenario(sc, varied, x) for x in values]
    batch = importlib.import_module("cge.batch")
    own = client is None
    if own:
        client = batch._connect(min(workers or os.cpu_count() or 1, len(scenarios)), scheduler)
    results: dict[int, dict[str, Any]] = {}
    try:
        central_hash = runner.scenario_hash(sc)
        futures = {client.submit(solve_point, sc, pt, k, backend, central_hash, pure=False): k
                   for k, pt in enumerate(scenarios)}
        for future in as_completed(futures):
            try:
                res = future.result()
            except Exception as exc:  # the worker died or the task could not run
                res = {"index": futures[future], "status": "failed", "error": batch.one_line(exc),
                       "dataset": None, "seconds": 0.0}
            results[res["index"]] = res
            if on_point is not None:
                on_point(res)
    finally:
        if own:
            batch.disconnect(client)
    return _outcome(sc, varied, method, values, weights, results, time.perf_counter() - begin,
                    {"sampler": sampler, "seed": seed} if method == "montecarlo" else {})


def _outcome(sc: Scenario, varied: list[Varied], method: str, values: np.ndarray, weights: np.ndarray,
             results: dict[int, dict[str, Any]], seconds: float, extra: dict[str, Any]) -> SSAOutcome:
    ok = [k for k in sorted(results) if results[k]["status"] == "ok"]
    failed = [{"point": k, "values": {v.label: float(x) for v, x in zip(varied, values[k])},
               "error": results[k]["error"]} for k in sorted(results) if results[k]["status"] != "ok"]
    if not ok:
        raise CGEInputError(f"ssa: no point of '{sc.name}' solved (first error: {failed[0]['error']})")
    points = stack_points([results[k]["dataset"] for k in ok])
    points = points.assign_coords(ssa_point=("point", np.array(ok)))
    stats = summarise(points.drop_vars("ssa_point"), weights[ok], unbiased=method == "montecarlo")
    runner = importlib.import_module("cge.runner")
    stats.attrs = dict(results[ok[0]]["dataset"].attrs)   # provenance; point-specific keys replaced below
    stats.attrs.update({
        "scenario_yaml": runner.scenario_to_yaml(sc), "input_hash": runner.scenario_hash(sc),
        "elasticity_overrides": [o.model_dump(exclude_none=True) for o in sc.elasticity_overrides],
        "ssa_method": method, "ssa_points": len(values), "ssa_failed": len(failed),
        "ssa_failed_points": json.dumps(failed),
        "ssa_parameters": json.dumps([v.describe() for v in varied]),
        "ssa_options": json.dumps(extra), "ssa_seconds": seconds,
        "ssa_point_seconds_total": float(sum(r["seconds"] for r in results.values())),
    })
    return SSAOutcome(stats, points, values, weights, varied, failed, seconds)


def ssa_file(out_dir: Path, name: str) -> Path:
    """Where the SSA of scenario ``name`` is written."""
    return Path(out_dir) / f"{name}_ssa.nc"


def write_ssa(stats: xr.Dataset, out_dir: Path) -> Path:
    """Write the statistics as ``<out>/<scenario>_ssa.nc`` atomically."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ds = stats.copy()
    ds.attrs = {k: (json.dumps(v) if isinstance(v, (dict, list)) else v) for k, v in ds.attrs.items()}
    path = ssa_file(out_dir, str(ds.attrs.get("scenario_name", "scenario")))
    return write_netcdf_atomic(path, ds)
