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
