"""The solve path: backends agree, failures are loud, large shocks are reached by continuation."""

from __future__ import annotations

import numpy as np
import pytest

from cge.errors import SolveError
from cge.solve.backends import pyomo_ipopt_available
from cge.solve.solver import Solver


def _shock(m) -> None:
    for k in m.tm:
        if k[1] == "B" and k[2] == "A":
            m.tm[k] = 0.35


def test_cyipopt_and_casadi_ipopt_agree(make):
    """cyipopt and CasADi's own Ipopt reach the same equilibrium to 1e-8."""
    a = make()
    _shock(a.cgem.model)
    a.solve()
    b = Solver(a.cgem, backend="casadi")
    b.reset()
    _shock(a.cgem.model)
    b.solve()
    assert np.allclose(a.x_last, b.x_last, rtol=0, atol=1e-8)


def test_newton_backend_agrees_with_ipopt(make):
    """The Newton backend (dense LU) reaches the same equilibrium as cyipopt to 1e-8."""
    a = make()
    _shock(a.cgem.model)
    a.solve()
    b = Solver(a.cgem, backend="newton")
    b.reset()
    _shock(a.cgem.model)
    report = b.solve()
    assert report.max_residual < 1e-8
    assert np.allclose(a.x_last, b.x_last, rtol=0, atol=1e-8)


@pytest.mark.skipif(not pyomo_ipopt_available(), reason="no ipopt executable on the PATH")
def test_pyomo_solverfactory_route_agrees(make):
    """Pyomo's SolverFactory('ipopt') gives the same solution as cyipopt."""
    a = make()
    _shock(a.cgem.model)
    a.solve()
    b = Solver(a.cgem, backend="pyomo")
    b.reset()
    _shock(a.cgem.model)
    b.solve()
    assert np.allclose(a.x_last, b.x_last, atol=1e-7)


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
