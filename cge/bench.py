"""Benchmarks of the solve path: build, compile and solve times, iterations, memory.

Phases, each timed on its own (docs/performance.md):
  load       read the base dataset
  build      calibrate and build the model (index sets, CES nests, layouts)
  compile    prepare the solver (sparsity pattern of the Jacobian)
  benchmark  solve with no shock (must take 0 iterations)
  tariff25   the US and China raise tariffs on each other by 25 points, from the benchmark
  resolve    a second scenario (US +10 points on all imports) re-solved without rebuilding
  results    the results Dataset of the last solve

A dataset is a name or path (``default``, ``full``, a ``.nc`` file), or ``synthetic:RxS``: a
random balanced economy of R regions and S sectors (cge.data.synthetic; 5% benchmark tariffs,
every region trading every good with every other) for GTAP-sized benchmarks such as
``synthetic:141x65`` -- for timing, not for results.
"""

from __future__ import annotations

import resource
import time

import xarray as xr

from cge.data.datasets import load_dataset
from cge.data.synthetic import synthetic_dataset
from cge.errors import CGEInputError
from cge.model.build import build_model
from cge.model.calibration import calibrate
from cge.model.closure import Closure
from cge.results import State, collect_results
from cge.scenario import scenario_from_dict
from cge.shocks import instrument_path, resolve_shocks
from cge.solve.solver import DEFAULT_BACKEND, Solver


def _tariff(importer: str, exporters: str, points: float = 25.0) -> dict:
    """An import-tariff shock adding ``points`` (applied through the scenario engine)."""
    return {"type": "import_tariff", "importers": importer, "exporters": exporters,
            "add_pct_points": points}


SYNTHETIC = "synthetic:"


def bench_dataset(name: str) -> tuple[xr.Dataset, str]:
    """The dataset to time and its elasticity set's name (``synthetic:RxS`` generated)."""
    if not name.startswith(SYNTHETIC):
        return load_dataset(name), ""
    try:
        nr, ns = (int(k) for k in name[len(SYNTHETIC):].lower().split("x"))
    except ValueError:
        raise CGEInputError(f"dataset '{name}': a synthetic size is written synthetic:RxS, e.g. "
                            "synthetic:141x65") from None
    if nr < 2 or ns < 1:
        raise CGEInputError(f"dataset '{name}': a synthetic economy needs at least 2 regions and 1 sector")
    regions = [f"R{k:03d}" for k in range(nr)]
    sectors = [f"S{k:02d}" for k in range(ns)]
    return synthetic_dataset(regions, sectors, tariff=0.05, seed=1), "synthetic"


def run_benchmark(dataset: str = "default", elasticities: str = "protee",
                  backend: str = DEFAULT_BACKEND) -> dict[str, object]:
    """Time every phase on one dataset; returns a JSON-ready dict."""
    phases: dict[str, dict[str, float]] = {}
    t = time.perf_counter()
    ds, own_set = bench_dataset(dataset)
    elasticities = own_set or elasticities
    phases["load"] = {"seconds": time.perf_counter() - t}
    t = time.perf_counter()
    cgem = build_model(calibrate(ds, elasticities), Closure())
    phases["build"] = {"seconds": time.perf_counter() - t}
    t = time.perf_counter()
    solver = Solver(cgem, backend=backend)
    phases["compile"] = {"seconds": time.perf_counter() - t}
    regions = cgem.benchmark.regions
    home, partner = ("USA", "CHN") if {"USA", "CHN"} <= set(regions) else (regions[0], regions[1])

    def timed(name: str, shocks: list[dict]) -> None:
        sc = scenario_from_dict({"name": name, "description": name, "shocks": shocks})
        p, _ = resolve_shocks(cgem, sc)
        solver.reset()
        rep = solver.solve(p, path=instrument_path(cgem, cgem.p0, p))
        phases[name] = {"seconds": rep.seconds, "iterations": rep.iterations,
                        "max_residual": rep.max_residual, "continuation_steps": rep.continuation_steps}

    timed("benchmark", [])
    timed("tariff25", [_tariff(home, partner), _tariff(partner, home)])
    timed("resolve", [_tariff(home, "all", 10.0)])
    t = time.perf_counter()
    collect_results(cgem, State(cgem.x0, cgem.p0), State(solver.x, solver.p), {}, [])
    phases["results"] = {"seconds": time.perf_counter() - t}
    return {
        "dataset": dataset,
        "regions": len(regions),
        "sectors": len(cgem.benchmark.sectors),
        "variables": solver.compiled.n,
        "jacobian_nonzeros": int(len(solver.compiled.jac_rows)),
        "backend": backend,
        "phases": phases,
        "build_plus_compile_seconds": phases["build"]["seconds"] + phases["compile"]["seconds"],
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }
