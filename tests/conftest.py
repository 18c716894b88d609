"""Shared helpers for model tests: small synthetic economies built and solved."""

from __future__ import annotations

import pytest

from cge.data.synthetic import synthetic_dataset
from cge.model.build import build_model
from cge.model.calibration import calibrate
from cge.model.closure import Closure
from cge.solve.solver import Solver


def make_solver(closure: Closure | None = None, quota_flows=(), **kwargs) -> Solver:
    """Build and compile a model of a synthetic economy (kwargs go to synthetic_dataset)."""
    spec = {"regions": ["A", "B", "C"], "sectors": ["X", "Y", "Z"], "tariff": 0.05}
    spec.update(kwargs)
    bench = calibrate(synthetic_dataset(**spec), "synthetic")
    return Solver(build_model(bench, closure or Closure(), quota_flows))


@pytest.fixture
def solver() -> Solver:
    """A 3-region, 3-sector, 2-factor synthetic economy with 5% benchmark tariffs."""
    return make_solver()


@pytest.fixture
def make() -> object:
    """The factory ``make_solver`` for tests that need another economy or closure."""
    return make_solver


TARIFF_SCENARIO = """name: {name}
description: {importer} adds {points} percentage points of tariff on all imports from {exporter}.
sources:
  - "Test scenario on the tiny WIOD dataset (calibration/datasets/wiod2011_3x3.nc)."
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
