"""Benchmark replication: with no shock, the calibrated benchmark is the solution."""

from __future__ import annotations

import numpy as np
import pytest

from cge.model.closure import Closure
from cge.model.options import ModelOptions
from cge.solve.compile import residual_norm

CLOSURES = [
    Closure(),
    Closure(capital="sector_specific"),
    Closure(labour="fixed_real_wage"),
    Closure(numeraire="B_cpi"),
    Closure(trade_balance="numeraire"),
    Closure(trade_balance="world_income_share"),
]


@pytest.mark.parametrize("closure", CLOSURES, ids=lambda c: c.describe())
def test_benchmark_point_has_zero_residual(make, closure):
    """Prices 1 and quantities equal to the data satisfy every equation to < 1e-12 (relative),
    the equation Walras' law drops included."""
    s = make(closure=closure)
    resid, _ = residual_norm(s.compiled, s.cgem.x0, s.cgem.p0)
    assert resid < 1e-12
    assert abs(s.compiled.dropped(s.cgem.x0, s.cgem.p0)) < 1e-12


@pytest.mark.parametrize("esub", [0.0, 1.0, 0.5, 3.0])
def test_benchmark_replicated_for_leontief_cobb_douglas_and_ces(make, esub):
    """Elasticities of 0 (Leontief), 1 (Cobb-Douglas) and general CES in every nest replicate
    the data."""
    opts = ModelOptions(esub_top=esub, esub_int=esub, esub_fd={"hh": esub, "gov": esub, "inv": esub})
    s = make(esub_dm=esub, esub_mm=max(esub, 1.5), esub_va=esub, options=opts)
    report = s.solve(s.cgem.p0)
    assert report.max_residual < 1e-12
    assert np.allclose(s.x, s.cgem.x0, atol=1e-12)


def test_solving_the_benchmark_takes_no_iterations(solver):
    """Starting at the benchmark, the solver finds the solution without moving."""
    report = solver.solve(solver.cgem.p0)
    assert report.iterations == 0
    assert abs(report.walras_residual) < 1e-12


def test_single_level_armington_sets_the_domestic_elasticity_to_the_sourcing_one(make):
    """armington: single_level makes esub_dm equal esub_mm (a nested CES with equal elasticities
    is the single-level CES over the domestic good and every source)."""
    s = make(esub_dm=2.0, esub_mm=5.0, options=ModelOptions(armington="single_level"))
    assert np.all(s.cgem.benchmark.esub_dm == 5.0)
