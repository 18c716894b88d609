"""Benchmark replication: with no shock, the calibrated benchmark is the solution."""

from __future__ import annotations

import numpy as np
import pytest

from cge.model.closure import Closure
from cge.solve.compile import residual_norm

CLOSURES = [
    Closure(),
    Closure(capital="sector_specific"),
    Closure(labour="fixed_real_wage"),
    Closure(numeraire="B_cpi"),
]


@pytest.mark.parametrize("closure", CLOSURES, ids=lambda c: c.describe())
def test_benchmark_point_has_zero_residual(make, closure):
    """Prices 1 and quantities equal to the data satisfy every equation to < 1e-8 (relative)."""
    s = make(closure=closure)
    resid, _ = residual_norm(s.compiled, s.compiled.x_values(), s.compiled.p_values())
    assert resid < 1e-8


@pytest.mark.parametrize("esub", [0.0, 1.0, 0.5, 3.0])
def test_benchmark_replicated_for_leontief_cobb_douglas_and_ces(make, esub):
    """Elasticities of 0 (Leontief), 1 (Cobb-Douglas) and general CES all replicate the data."""
    s = make(esub_dm=esub, esub_mm=max(esub, 1.5), esub_va=esub)
    report = s.solve()
    assert report.max_residual < 1e-8
    assert np.allclose(s.x_last, s.compiled.x_values())
    m = s.cgem.model
    assert all(abs(v.value - 1.0) < 1e-8 for v in m.y.values())
    assert all(abs(v.value - 1.0) < 1e-8 for v in m.py.values())


def test_solving_the_benchmark_takes_no_iterations(solver):
    """Starting at the benchmark, Ipopt finds the solution without moving."""
    report = solver.solve()
    assert report.iterations <= 1
    assert abs(report.walras_residual) < 1e-10
