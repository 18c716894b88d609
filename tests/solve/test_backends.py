"""The solve path: every backend solves the same equations and agrees; derivatives are exact;
failures are loud; large shocks are reached by continuation."""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest

from cge.data.datasets import load_dataset
from cge.errors import SolveError
from cge.model.build import build_model
from cge.model.calibration import calibrate
from cge.model.pyomo_model import set_pyomo_vector
from cge.solve.backends import pyomo_ipopt_available
from cge.solve.solver import Solver
from tests.conftest import set_param, tariff


@pytest.fixture(scope="module", params=["tiny", "default"])
def reference(request) -> tuple[object, np.ndarray, np.ndarray]:
    """A WIOD model after a 25-point US tariff on China, solved by Newton."""
    cgem = build_model(calibrate(load_dataset(request.param), "gtap"))
    p = tariff(cgem, cgem.p0.copy(), "USA", "CHN", 0.25)
    solver = Solver(cgem, backend="newton")
    solver.solve(p)
    return cgem, p, solver.x.copy()


BACKENDS = ["cyipopt", "casadi",
            pytest.param("pyomo", marks=pytest.mark.skipif(not pyomo_ipopt_available(),
                                                           reason="no ipopt executable on the PATH"))]


@pytest.mark.parametrize("backend", BACKENDS)
def test_backends_agree_on_wiod_datasets(reference, backend):
    """cyipopt, CasADi's Ipopt and Pyomo's SolverFactory('ipopt') reach Newton's equilibrium on
    the tiny and default WIOD datasets to 1e-8."""
    cgem, p, x_ref = reference
    other = Solver(cgem, backend=backend)
    report = other.solve(p)
    assert report.max_residual < 1e-8
    assert np.allclose(other.x, x_ref, rtol=0, atol=1e-8)


def test_generated_pyomo_model_has_the_evaluators_residuals(reference):
    """The Pyomo model generated from the equations gives the same residual, equation by
    equation, as the evaluator, at an arbitrary point."""
    cgem, p, x = reference
    m = cgem.pyomo_model()
    rng = np.random.default_rng(0)
    xr = x * rng.uniform(0.9, 1.1, len(x))
    set_pyomo_vector(m, cgem.variables, xr)
    set_pyomo_vector(m, cgem.parameters, p, kind="par")
    g = cgem.evaluate(xr, p)[0]
    for k, (name, lab) in enumerate(cgem.rows.labels()):
        comp = getattr(m, name)
        con = comp if lab == () else comp[lab if len(lab) != 1 else lab[0]]
        assert pyo.value(con.body) == pytest.approx(g[k], abs=1e-12), f"{name}{lab}"
    assert sum(1 for _ in m.component_data_objects(pyo.Constraint, active=True)) == cgem.n


def test_jacobian_matches_finite_differences_and_jvp(solver):
    """The forward-mode sparse Jacobian equals central differences (1e-7) and the tangent
    Jacobian-vector product (1e-12); the parameter Jacobian likewise."""
    cm = solver.compiled
    rng = np.random.default_rng(1)
    x = solver.cgem.x0 * rng.uniform(0.9, 1.1, cm.n)
    p = solver.cgem.p0 * rng.uniform(0.95, 1.05, len(solver.cgem.p0))
    d = rng.normal(size=cm.n)
    h = 1e-6
    fd = (cm.residual(x + h * d, p) - cm.residual(x - h * d, p)) / (2 * h)
    jd = cm.jacobian(x, p) @ d
    assert np.abs(jd - fd).max() < 1e-7
    assert np.abs(jd - cm.jvp(x, p, d)).max() < 1e-12
    dp = rng.normal(size=len(p))
    fdp = (cm.residual(x, p + h * dp) - cm.residual(x, p - h * dp)) / (2 * h)
    assert np.abs(cm.parameter_jacobian(x, p) @ dp - fdp).max() < 1e-7


def test_non_convergence_raises_with_status_iterations_residual_and_equation(make):
    """A solve that cannot converge raises SolveError naming status, iterations, residual, equation."""
    s = make()
    s.options = {"max_iter": 1}
    s.max_steps = 2
    with pytest.raises(SolveError) as err:
        s.solve(set_param(s.cgem, s.cgem.p0.copy(), "tm", 3.0))
    msg = str(err.value)
    assert "status" in msg and "iterations" in msg and "largest residual" in msg and "[" in msg


def test_large_shock_is_reached(make):
    """A 300% tariff wall is solved (directly or by continuation) to the residual tolerance."""
    s = make()
    report = s.solve(set_param(s.cgem, s.cgem.p0.copy(), "tm", 3.0))
    assert report.max_residual < 1e-8
