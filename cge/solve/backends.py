"""Ipopt backends for the square CGE system g(x; p) = 0.

- ``cyipopt`` (default): cyipopt's Ipopt 3.14 with the compiled CasADi residuals and
  sparse Jacobian as callbacks;
- ``casadi``: CasADi's own bundled Ipopt (``nlpsol``) on the same SX expressions;
- ``pyomo``: Pyomo's ``SolverFactory('ipopt')`` on the Pyomo model, when an ``ipopt``
  executable is on the PATH;
- ``newton``: Newton's method with a backtracking line search on the residual norm and a
  dense LAPACK LU (sparse SuperLU above ``DENSE_LIMIT`` variables).  The CGE Jacobian
  fills in almost completely under LU (bilateral trade couples every region pair within
  a good, input-output links every good within a region), so a dense factorisation
  beats MUMPS's sparse one on the 12x15 and larger models (docs/performance.md).

A CGE model is a square system (zero degrees of freedom), so the objective is the
constant 0 and Newton steps are determined by the Jacobian alone: a limited-memory
Hessian costs nothing in convergence.  Variables carry no bounds (bounds near zero
make Ipopt's barrier stall); evaluation errors (NaN) make Ipopt cut the step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import casadi as ca
import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from cge.solve.compile import CompiledModel

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
    """What a backend returns: the solution vector and Ipopt's statistics."""

    x: np.ndarray
    status: str
    iterations: int
    seconds: float


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
        return np.asarray(self.cm.residual(x, self.p)).ravel()

    def jacobianstructure(self) -> tuple[np.ndarray, np.ndarray]:
        return self.cm.jac_rows, self.cm.jac_cols

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.cm.jacobian(x, self.p).nonzeros(), dtype=float)

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
    nlp = cyipopt.Problem(n=n, m=n, problem_obj=prob,
                          lb=np.full(n, -1e20), ub=np.full(n, 1e20),
                          cl=np.zeros(n), cu=np.zeros(n))
    for key, val in {**IPOPT_OPTIONS, **(options or {})}.items():
        nlp.add_option(key, val)
    x, info = nlp.solve(x0)
    status = info["status_msg"]
    if isinstance(status, bytes):
        status = status.decode()
    return BackendResult(x=np.asarray(x), status=str(status), iterations=prob.iterations,
                         seconds=time.perf_counter() - start)


def solve_casadi(cm: CompiledModel, x0: np.ndarray, p: np.ndarray,
                 options: dict[str, object] | None = None) -> BackendResult:
    """Solve with CasADi's bundled Ipopt on the same SX expressions."""
    start = time.perf_counter()
    nlp = {"x": cm.x_sym, "p": cm.p_sym, "f": ca.SX(0), "g": cm.g_sym}
    ipopt_opts = {k: v for k, v in {**IPOPT_OPTIONS, **(options or {})}.items() if k != "sb"}
    solver = ca.nlpsol("cge", "ipopt", nlp, {"ipopt": ipopt_opts, "print_time": False,
                                             "error_on_fail": False})
    sol = solver(x0=x0, p=p, lbg=0, ubg=0)
    stats = solver.stats()
    return BackendResult(x=np.asarray(sol["x"]).ravel(), status=str(stats["return_status"]),
                         iterations=int(stats.get("iter_count", -1)),
                         seconds=time.perf_counter() - start)


def solve_pyomo(model: object, options: dict[str, object] | None = None) -> BackendResult:
    """Solve the Pyomo model with an ``ipopt`` executable through ``SolverFactory``."""
    import pyomo.environ as pyo

    start = time.perf_counter()
    model.pyomo_objective = pyo.Objective(expr=0.0)
    try:
        opt = pyo.SolverFactory("ipopt")
        for key in ("tol", "constr_viol_tol", "max_iter", "mu_strategy"):
            opt.options[key] = {**IPOPT_OPTIONS, **(options or {})}[key]
        res = opt.solve(model, load_solutions=True)
    finally:
        model.del_component("pyomo_objective")
    x = np.array([v.value for v in model.component_data_objects(pyo.Var) if not v.fixed])
    return BackendResult(x=x, status=str(res.solver.termination_condition), iterations=-1,
                         seconds=time.perf_counter() - start)


def pyomo_ipopt_available() -> bool:
    """True when Pyomo finds an ``ipopt`` executable."""
    import pyomo.environ as pyo

    return bool(pyo.SolverFactory("ipopt").available(exception_flag=False))


DENSE_LIMIT = 12000  # variables; a dense Jacobian of this size takes 1.2 GB


def solve_newton(cm: CompiledModel, x0: np.ndarray, p: np.ndarray,
                 options: dict[str, object] | None = None) -> BackendResult:
    """Damped Newton on g(x; p) = 0 with a backtracking line search on ||g||_inf."""
    opts = {"tol": 1e-11, "max_iter": 50, **(options or {})}
    start = time.perf_counter()
    n = cm.n
    x = np.array(x0, dtype=float)

    def resid(z: np.ndarray) -> np.ndarray:
        return np.asarray(cm.residual(z, p)).ravel()

    g = resid(x)
    norm = np.abs(g).max() if np.isfinite(g).all() else np.inf
    status, it = "maximum iterations reached", 0
    for it in range(int(opts["max_iter"]) + 1):
        if norm <= float(opts["tol"]):
            status = "solved"
            break
        if it == int(opts["max_iter"]) or not np.isfinite(norm):
            status = "residual not finite" if not np.isfinite(norm) else status
            break
        vals = np.asarray(cm.jacobian(x, p).nonzeros(), dtype=float).ravel()
        jac = sp.csc_matrix((vals, (cm.jac_rows, cm.jac_cols)), shape=(n, n))
        try:
            step = (sla.solve(jac.toarray(), -g, check_finite=False) if n <= DENSE_LIMIT
                    else spla.spsolve(jac, -g))
        except (sla.LinAlgError, RuntimeError):
            status = "singular Jacobian"
            break
        alpha = 1.0
        while alpha > 1e-6:
            trial = x + alpha * step
            g_trial = resid(trial)
            n_trial = np.abs(g_trial).max() if np.isfinite(g_trial).all() else np.inf
            if n_trial < (1 - 1e-4 * alpha) * norm or n_trial <= float(opts["tol"]):
                break
            alpha *= 0.5
        else:
            status = "line search failed"
            break
        x, g, norm = trial, g_trial, n_trial
    return BackendResult(x=x, status=status, iterations=it, seconds=time.perf_counter() - start)
