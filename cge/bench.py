"""Benchmarks of the solve path: build, compile and solve times, Ipopt iterations, memory.

Phases, each timed on its own (docs/performance.md):
  load       read the base dataset
  build      calibrate and build the Pyomo model
  compile    walk the Pyomo expressions into CasADi functions
  benchmark  solve with no shock (must take ~0 iterations)
  tariff25   the US and China raise tariffs on each other by 25 points, from the benchmark
  resolve    a second scenario (US +10 points on all imports) re-solved without rebuilding
"""

from __future__ import annotations

import resource
import time

from cge.data.datasets import load_dataset
from cge.model.build import build_model
from cge.model.calibration import calibrate
from cge.model.closure import Closure
from cge.scenario import scenario_from_dict
from cge.shocks import apply_shocks
from cge.solve.solver import Solver


def _tariff(importer: str, exporters: str, points: float = 25.0) -> dict:
    """An import-tariff shock adding ``points`` (applied through the scenario engine)."""
    return {"type": "import_tariff", "importers": importer, "exporters": exporters,
            "add_pct_points": points}


def run_benchmark(dataset: str = "default", elasticities: str = "gtap",
                  backend: str = "cyipopt") -> dict[str, object]:
    """Time every phase on one dataset; returns a JSON-ready dict."""
    phases: dict[str, dict[str, float]] = {}
    t = time.perf_counter()
    ds = load_dataset(dataset)
    phases["load"] = {"seconds": time.perf_counter() - t}
    t = time.perf_counter()
    cgem = build_model(calibrate(ds, elasticities), Closure())
    phases["build"] = {"seconds": time.perf_counter() - t}
    t = time.perf_counter()
    solver = Solver(cgem, backend=backend)
    phases["compile"] = {"seconds": time.perf_counter() - t}
    m = cgem.model
    regions = list(m.REGIONS)
    home, partner = ("USA", "CHN") if {"USA", "CHN"} <= set(regions) else (regions[0], regions[1])

    def timed(name: str) -> None:
        rep = solver.solve()
        phases[name] = {"seconds": rep.seconds, "iterations": rep.iterations,
                        "max_residual": rep.max_residual, "continuation_steps": rep.continuation_steps}

    timed("benchmark")
    apply_shocks(cgem, scenario_from_dict({"name": "tariff25", "description": "bilateral +25 points",
                                           "shocks": [_tariff(home, partner), _tariff(partner, home)]}))
    timed("tariff25")
    solver.reset()
    apply_shocks(cgem, scenario_from_dict({"name": "resolve", "description": "+10 points on all",
                                           "shocks": [_tariff(home, "all", 10.0)]}))
    timed("resolve")
    return {
        "dataset": dataset,
        "regions": len(regions),
        "sectors": len(m.SECTORS),
        "variables": solver.compiled.n,
        "jacobian_nonzeros": int(len(solver.compiled.jac_rows)),
        "backend": backend,
        "phases": phases,
        "build_plus_compile_seconds": phases["build"]["seconds"] + phases["compile"]["seconds"],
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }
