"""Solvers for the square CGE system g(x; p) = 0.

- ``auto`` (default): ``newton``, falling back to ``cyipopt`` for models of up to 3,000
  unknowns when Newton and continuation fail;
- ``newton``: Newton's method with factor reuse (dense LU up to 9,000 unknowns, region-block
  preconditioned GMRES above; :mod:`cge.solve.newton`);
- ``cyipopt``: Ipopt 3.14 (cyipopt-wheels) with the evaluator's residuals and sparse
  Jacobian as callbacks -- the optimiser, kept for optimisation problems and as a fallback;
- ``casadi``: CasADi's bundled Ipopt (``nlpsol``) on the CasADi graph of the same equations;
- ``pyomo``: Pyomo's ``SolverFactory('ipopt')`` on the generated Pyomo model, when an
  ``ipopt`` executable is on the PATH.

A CGE model is a square system (zero degrees of freedom), so for Ipopt the objective is
the constant 0 and Newton steps are determined by the Jacobian alone: a limited-memory
Hessian costs nothing in convergence.  Variables carry no bounds (bounds near zero make
Ipopt's barrier stall); evaluation errors (NaN) make Ipopt cut the step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from cge.solve.compile import CompiledModel
from cge.solve.quiet import solver_output_to_stderr

IPOPT_OPTIONS: dict[str, object] = {
    "tol": 1e-10,
    "constr_viol_tol": 1e-10,
    "acceptable_iter": 0,
    "max_iter": 200,
    "hessian_approximation": "limited-memory",
    "mu_strategy": "adaptive",
    "nlp_scaling_method": "none",
    # QAMD ordering: on the 12x15 model 0.28 s vs 0.37-0.52 s for AMD/AMF/SCOTCH/PORD/METIS,
    # on a 41x15 model 8.5 s vs 9.3-14.2 s (docs/performance.md, "Solver options").
    "mumps_pivot_order": 6,
    "print_level": 0,
    "sb": "yes",
}


@dataclass
class BackendResult:
    """What a backend returns: the solution vector and its statistics."""

    x: np.ndarray
    status: str
    iterations: int
    seconds: float
    details: dict = field(default_factory=dict)


class _SquareProblem:
    """cyipopt problem: minimise 0 subject to g(x; p) = 0."""

    def __init__(self, cm: CompiledModel, p: np.ndarray) -> None:
        self.cm, self.p = cm, p
        self.iterations = 0

    def objective(self, x: np.ndarray) -> float:
        return 0.0

    def gradient(self, x: np.ndarray) -> np.ndarray:
        return np.zeros_like(x)

    def constraints(self, x: np.ndarray) -> np.ndarray:
        return self.cm.residual(x, self.p)

    def jacobianstructure(self) -> tuple[np.ndarray, np.ndarray]:
        return self.cm.jac_rows, self.cm.jac_cols

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        return self.cm.jacobian_values(x, self.p)

    def intermediate(self, alg_mod, iter_count, *args) -> bool:  # noqa: ANN001 (cyipopt API)
        self.iterations = int(iter_count)
        return True


def solve_cyipopt(cm: CompiledModel, x0: np.ndarray, p: np.ndarray,
                  options: dict[str, object] | None = None) -> BackendResult:
    """Solve with cyipopt (Ipopt 3.14 from the cyipopt-wheels package)."""
    import cyipopt

    start = time.perf_counter()
    prob = _SquareProblem(cm, p)
    n = cm.n
    nlp = cyipopt.Problem(n=n, m=n, problem_obj=prob, lb=np.full(n, -1e20), ub=np.full(n, 1e20),
                          cl=np.zeros(n), cu=np.zeros(n))
    for key, val in {**IPOPT_OPTIONS, **(options or {})}.items():
        nlp.add_option(key, val)
    with solver_output_to_stderr():
        x, info = nlp.solve(x0)
    status = info["status_msg"]
    if isinstance(status, bytes):
        status = status.decode()
    return BackendResult(x=np.asarray(x), status=str(status), iterations=prob.iterations,
                         seconds=time.perf_counter() - start)


def solve_casadi(cm: CompiledModel, x0: np.ndarray, p: np.ndarray,
                 options: dict[str, object] | None = None) -> BackendResult:
    """Solve with CasADi's bundled Ipopt on the CasADi graph of the same equations."""
    import casadi as ca

    start = time.perf_counter()
    sym = cm.casadi()
    nlp = {"x": sym.x, "p": sym.p, "f": ca.SX(0), "g": sym.g}
    ipopt_opts = {k: v for k, v in {**IPOPT_OPTIONS, **(options or {})}.items() if k != "sb"}
    with solver_output_to_stderr():
        solver = ca.nlpsol("cge", "ipopt", nlp, {"ipopt": ipopt_opts, "print_time": False,
                                                 "error_on_fail": False})
        sol = solver(x0=x0, p=p, lbg=0, ubg=0)
    stats = solver.stats()
    return BackendResult(x=np.asarray(sol["x"]).ravel(), status=str(stats["return_status"]),
                         iterations=int(stats.get("iter_count", -1)),
                         seconds=time.perf_counter() - start)


def solve_pyomo(cm: CompiledModel, x0: np.ndarray, p: np.ndarray,
                options: dict[str, object] | None = None) -> BackendResult:
    """Solve the generated Pyomo model with an ``ipopt`` executable (``SolverFactory``)."""
    import pyomo.environ as pyo

    from cge.model.pyomo_model import pyomo_vector, set_pyomo_vector

    start = time.perf_counter()
    model = cm.cgem.pyomo_model()
    set_pyomo_vector(model, cm.variables, x0)
    set_pyomo_vector(model, cm.parameters, p, kind="par")
    model.pyomo_objective = pyo.Objective(expr=0.0)
    try:
        opt = pyo.SolverFactory("ipopt")
        for key in ("tol", "constr_viol_tol", "max_iter", "mu_strategy"):
            opt.options[key] = {**IPOPT_OPTIONS, **(options or {})}[key]
        with solver_output_to_stderr():
            res = opt.solve(model, load_solutions=True)
    finally:
        model.del_component("pyomo_objective")
    return BackendResult(x=pyomo_vector(model, cm.variables), status=str(res.solver.termination_condition),
                         iterations=-1, seconds=time.perf_counter() - start)


def pyomo_ipopt_available() -> bool:
    """True when Pyomo finds an ``ipopt`` executable."""
    import pyomo.environ as pyo

    return bool(pyo.SolverFactory("ipopt").available(exception_flag=False))
