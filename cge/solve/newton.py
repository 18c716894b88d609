"""Newton's method for the square system g(x; p) = 0.

Damped Newton steps with a backtracking line search on the largest residual; the
Jacobian is factorised with a dense LAPACK LU up to ``DENSE_LIMIT`` unknowns and with
SuperLU above (docs/performance.md).  A step that produces a non-finite residual is
shortened like any other failed step.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.linalg as sla
import scipy.sparse.linalg as spla

from cge.solve.backends import BackendResult
from cge.solve.compile import CompiledModel

DENSE_LIMIT = 3000


def _norm(g: np.ndarray) -> float:
    return float(np.abs(g).max()) if np.isfinite(g).all() else np.inf


def solve_newton(cm: CompiledModel, x0: np.ndarray, p: np.ndarray,
                 options: dict[str, object] | None = None) -> BackendResult:
    """Damped Newton on g(x; p) = 0 with a backtracking line search on ||g||_inf."""
    opts = {"tol": 1e-11, "max_iter": 50, **(options or {})}
    start = time.perf_counter()
    x = np.array(x0, dtype=float)
    g = cm.residual(x, p)
    norm = _norm(g)
    status, it = "maximum iterations reached", 0
    for it in range(int(opts["max_iter"]) + 1):
        if norm <= float(opts["tol"]):
            status = "solved"
            break
        if it == int(opts["max_iter"]) or not np.isfinite(norm):
            status = "residual not finite" if not np.isfinite(norm) else status
            break
        jac = cm.jacobian(x, p)
        try:
            if cm.n <= DENSE_LIMIT:
                step = sla.solve(jac.toarray(), -g, check_finite=False)
            else:
                step = spla.splu(jac).solve(-g)
        except (sla.LinAlgError, RuntimeError, ValueError):
            status = "singular Jacobian"
            break
        if not np.isfinite(step).all():
            status = "singular Jacobian"
            break
        alpha = 1.0
        while alpha > 1e-6:
            trial = x + alpha * step
            g_trial = cm.residual(trial, p)
            n_trial = _norm(g_trial)
            if n_trial < (1 - 1e-4 * alpha) * norm or n_trial <= float(opts["tol"]):
                break
            alpha *= 0.5
        else:
            status = "line search failed"
            break
        x, g, norm = trial, g_trial, n_trial
    return BackendResult(x=x, status=status, iterations=it, seconds=time.perf_counter() - start)
