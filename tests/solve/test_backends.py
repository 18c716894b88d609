"""The solve path: backends agree, failures are loud, large shocks are reached by continuation."""

from __future__ import annotations

import numpy as np
import pytest

from cge.data.datasets import load_dataset
from cge.errors import SolveError
from cge.model.build import build_model
from cge.model.calibration import calibrate
from cge.solve.backends import pyomo_ipopt_available
from cge.solve.solver import Solver


@pytest.fixture(scope="module")
def tiny_solution() -> tuple[object, np.ndarray]:
    """The tiny WIOD model (3 regions x 3 sectors) after a 25-point US tariff on China, by cyipopt."""
    bench = calibrate(load_dataset("tiny"), "gtap")
    cgem = build_model(bench)
    solver = Solver(cgem)
    _tiny_shock(cgem.model)
    solver.solve()
    return cgem, solver.x_last.copy()


def _tiny_shock(m) -> None:
    for (i, s, r) in m.FLOWS:
        if s == "CHN" and r == "USA":
            m.tm[i, s, r] = 0.25


BACKENDS = ["casadi", "newton",
            pytest.param("pyomo", marks=pytest.mark.skipif(not pyomo_ipopt_available(),
                                                           reason="no ipopt executable on the PATH"))]


@pytest.mark.parametrize("backend", BACKENDS)
def test_backends_agree_on_the_tiny_dataset(tiny_solution, backend):
    """CasADi's Ipopt, Newton and Pyomo's SolverFactory('ipopt') reach cyipopt's equilibrium
    on the tiny WIOD dataset to 1e-8."""
    cgem, x_ref = tiny_solution
    other = Solver(cgem, backend=backend)
    other.reset()
    _tiny_shock(cgem.model)
    report = other.solve()
    assert report.max_residual < 1e-8
    assert np.allclose(other.x_last, x_ref, rtol=0, atol=1e-8)


def test_non_convergence_raises_with_status_iterations_residual_and_block(make):
    """A solve that cannot converge raises SolveError naming status, iterations, residual, equation."""
    s = make()
    s.options = {"max_iter": 1}
    s.max_steps = 2
    for k in s.cgem.model.tm:
        s.cgem.model.tm[k] = 3.0
    with pytest.raises(SolveError) as err:
        s.solve()
    msg = str(err.value)
    assert "status" in msg and "iterations" in msg and "largest residual" in msg and "[" in msg


def test_large_shock_is_reached(make):
    """A 300% tariff wall is solved (directly or by continuation) to the residual tolerance."""
    s = make()
    for k in s.cgem.model.tm:
        s.cgem.model.tm[k] = 3.0
    report = s.solve()
    assert report.max_residual < 1e-8
