"""Shared helpers for model tests: small synthetic economies built and solved."""

from __future__ import annotations

import numpy as np
import pytest

from cge.data.synthetic import synthetic_dataset
from cge.model.build import CGEModel, build_model
from cge.model.calibration import calibrate
from cge.model.closure import Closure
from cge.model.options import ModelOptions
from cge.solve.solver import Solver


def make_solver(closure: Closure | None = None, quotas=(), targets=(), backend: str = "auto",
                options: ModelOptions | None = None, **kwargs) -> Solver:
    """Build a model of a synthetic economy (kwargs go to synthetic_dataset) and its solver."""
    spec = {"regions": ["A", "B", "C"], "sectors": ["X", "Y", "Z"], "tariff": 0.05}
    spec.update(kwargs)
    bench = calibrate(synthetic_dataset(**spec), "synthetic", options=options)
    return Solver(build_model(bench, closure or Closure(), quotas, targets), backend=backend)


@pytest.fixture
def solver() -> Solver:
    """A 3-region, 3-sector, 2-factor synthetic economy with 5% benchmark tariffs."""
    return make_solver()


@pytest.fixture
def make() -> object:
    """The factory ``make_solver`` for tests that need another economy or closure."""
    return make_solver


def set_param(cgem: CGEModel, p: np.ndarray, name: str, value: float, where=lambda label: True) -> np.ndarray:
    """Set instrument ``name`` to ``value`` on every member whose label satisfies ``where``."""
    sl = cgem.parameters.slice(name)
    idx = np.arange(cgem.parameters.size)[sl]
    for k, lab in zip(idx, cgem.parameters.blocks[name]):
        if where(lab):
            p[k] = value
    return p


def tariff(cgem: CGEModel, p: np.ndarray, importer: str, exporter: str, rate: float) -> np.ndarray:
    """Every tariff of ``importer`` on goods from ``exporter`` set to ``rate``."""
    return set_param(cgem, p, "tm", rate, lambda lab: lab[1] == exporter and lab[2] == importer)


def value(s: Solver, name: str, label: tuple) -> float:
    """Value of variable ``name[label]`` at the solver's current solution."""
    return float(s.x[s.cgem.variables.position(name, label)])


def welfare(s: Solver, region: str) -> float:
    """The regional household's utility (1 at the benchmark) at the current solution."""
    from cge.model.algebra import values
    from cge.model.demand import utility

    cg = s.cgem
    u = values(utility(cg.demand, cg.variables.split(s.x), cg.parameters.split(s.p)))
    return float(u[cg.benchmark.ri[region]])


TARIFF_SCENARIO = """name: {name}
description: {importer} adds {points} percentage points of tariff on all imports from {exporter}.
sources:
  - "Test scenario on the tiny dataset (calibration/datasets/base2023_3x3.nc)."
dataset: tiny
elasticities: gtap
shocks:
  - type: import_tariff
    importers: [{importer}]
    exporters: [{exporter}]
    sectors: all
    add_pct_points: {points}
"""


def write_tariff_scenario(path, name: str, importer: str = "USA", exporter: str = "CHN",
                          points: float = 10):
    """Write a one-shock tariff scenario on the tiny dataset to ``path`` (a file path)."""
    path.write_text(TARIFF_SCENARIO.format(name=name, importer=importer, exporter=exporter, points=points))
    return path
