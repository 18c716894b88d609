"""The large-model path of the Newton solver (region-block preconditioned GMRES, used above
``DENSE_LIMIT`` unknowns) reaches extreme shocks by continuation and agrees with the dense
path.  The limits are lowered so that the default dataset (792 unknowns) takes the path a
141 x 65 model takes, at a test's cost."""

from __future__ import annotations

import numpy as np
import pytest

import cge.solve.newton as newton
from cge.data.datasets import load_dataset
from cge.model.build import build_model
from cge.model.calibration import calibrate
from cge.model.trade import QuotaSpec
from cge.shocks import instrument_path
from cge.solve.solver import Solver
from tests.conftest import set_param, tariff


def _default_model(quotas: list[QuotaSpec] = ()):  # noqa: ANN202
    return build_model(calibrate(load_dataset("default"), "gtap"), quotas=list(quotas))


def _solve(cgem, p: np.ndarray, large: bool, monkeypatch) -> tuple[np.ndarray, object]:  # noqa: ANN001
    """Solve from the benchmark with the dense path or with the large-model (block) path."""
    with monkeypatch.context() as m:
        if large:
            m.setattr(newton, "DENSE_LIMIT", 0)
            m.setattr(newton, "EXACT_LIMIT", 0)
        solver = Solver(cgem, backend="newton")
        report = solver.solve(p, path=instrument_path(cgem, cgem.p0, p))
        return solver.x.copy(), report


def test_block_path_reaches_a_145_percent_tariff_war_and_agrees_with_the_dense_path(monkeypatch):
    """US and China put 145% on each other (the April 2025 peak): the block-preconditioned path
    solves (directly, or by continuation if the direct solve fails) to the residual tolerance and lands on the dense path's equilibrium (1e-8)."""
    cgem = _default_model()
    p = tariff(cgem, cgem.p0.copy(), "USA", "CHN", 1.45)
    p = tariff(cgem, p, "CHN", "USA", 1.45)
    x_large, rep_large = _solve(cgem, p, True, monkeypatch)
    x_dense, rep_dense = _solve(cgem, p, False, monkeypatch)
    assert rep_large.max_residual < 1e-8 and rep_dense.max_residual < 1e-8
    assert np.allclose(x_large, x_dense, rtol=0, atol=1e-8)


def test_block_path_reaches_a_99_percent_export_quota_cut(monkeypatch):
    """China cuts its exports of electrical equipment to the US, EU and Japan to 1% of the
    benchmark (on the scenario engine's path, the quota stepped geometrically from the benchmark
    flow if the direct solve fails), the quota binds with a
    positive rent, and both paths agree."""
    flows = [("ELE", "CHN", m) for m in ("USA", "EUR", "JPN")]
    cgem = _default_model([QuotaSpec(f) for f in flows])
    p = set_param(cgem, cgem.p0.copy(), "quota", 0.01)
    x_large, rep_large = _solve(cgem, p, True, monkeypatch)
    assert rep_large.max_residual < 1e-8
    var = cgem.variables
    rents = x_large[var.slice("rent")]
    assert (rents > 0.1).all()
    x_dense, _ = _solve(cgem, p, False, monkeypatch)
    assert np.allclose(x_large, x_dense, rtol=0, atol=1e-8)


@pytest.mark.parametrize("large", [False, True], ids=["dense", "block"])
def test_second_scenario_starts_from_the_cached_factorisation(large, monkeypatch):
    """A second scenario on the same model starts from the cached factorisation: on the dense
    path it solves with at most one new factorisation (chord steps, then Newton); the block
    path refactorises its (cheap) region blocks at every Newton step and still solves."""
    cgem = _default_model()
    with monkeypatch.context() as m:
        if large:
            m.setattr(newton, "DENSE_LIMIT", 0)
            m.setattr(newton, "EXACT_LIMIT", 0)
        solver = Solver(cgem, backend="newton")
        solver.solve(tariff(cgem, cgem.p0.copy(), "USA", "CHN", 0.25))
        res = newton.solve_newton(solver.compiled, solver.x, tariff(cgem, solver.p.copy(), "USA", "EUR", 0.1))
    assert res.status == "solved"
    if not large:
        assert res.details["factorizations"] <= 1
