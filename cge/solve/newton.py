"""Newton's method with factor reuse for the square system g(x; p) = 0 (docs/performance.md).

The CGE Jacobian fills in almost completely under LU (bilateral trade couples every region
within a good, input-output links every good within a region), so a factorisation is the
expensive step: at the full WIOD size (5,846 unknowns) a dense LAPACK LU takes ~3.4 s on two
cores, a solve with it 13 ms, a residual 12 ms, a Jacobian-vector product (forward tangents)
27 ms.  The last factorisation is cached on the compiled model and reused, across Newton steps
and across scenarios of the same model, in three ways, cheapest first:

1. chord steps s = -LU^-1 g(x_k) (one residual and one solve each), kept while each cuts the
   largest residual at least by ``CHORD_RATIO`` (measured at full size: a factorisation at the
   benchmark contracts by ~0.2 per step, a scenario then solves in ~15 steps, 0.44 s);
2. inexact Newton steps J(x_k) s = -g(x_k) by GMRES with Jacobian-vector products, preconditioned
   by the factorisation;
3. a new factorisation at the current point and an exact Newton step.

The globalisation is a backtracking line search on the largest residual; a step whose residual
is not finite is shortened like any failed step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
import scipy.sparse.linalg as spla

from cge.solve.backends import BackendResult
from cge.solve.compile import CompiledModel

DENSE_LIMIT = 9000       # unknowns: a dense Jacobian of this size takes 650 MB
CHORD_RATIO = 0.75       # a chord step must cut the largest residual by a quarter at least
KRYLOV_RESTART = 30
KRYLOV_MAX_RESTARTS = 2
STALL_WINDOW = 8          # iterations: an attempt that has not halved its residual over this
                          # many steps is stopped (continuation then takes a shorter step)
EXACT_LIMIT = 3000       # unknowns: below, a fresh dense LU costs less than a GMRES solve
BLOCK_RESTART = 100      # block preconditioning needs more (cheap) iterations
BLOCK_MAX_RESTARTS = 5


@dataclass
class Factorization:
    """The Jacobian at some point and an (approximate) inverse of it.

    Up to ``DENSE_LIMIT`` unknowns a dense LAPACK LU (exact).  Above, the LU would not fit
    (37,506 unknowns at 141 x 65: 11 GB dense, fill of ~60% for sparse LU), so the inverse is
    approximated by region blocks: one dense LU per region of its own unknowns and rows, which
    keeps the input-output coupling within a region and leaves the (weaker) trade coupling to
    GMRES (measured on the full 41 x 35 model: 16 GMRES iterations to 1e-6)."""

    n: int
    exact: bool
    jac: object = None                         # sparse Jacobian (block case: GMRES products)
    lu: object = None                          # dense LU
    blocks: list | None = None                 # (rows, unknowns, LU) per region

    def solve(self, b: np.ndarray) -> np.ndarray:
        if self.exact:
            return sla.lu_solve(self.lu, b, check_finite=False)
        out = np.zeros_like(b)
        for rows, cols, lu in self.blocks:
            out[cols] = sla.lu_solve(lu, b[rows], check_finite=False)
        return out


def factorize(cm: CompiledModel, x: np.ndarray, p: np.ndarray) -> Factorization | None:
    """Jacobian at (x, p) and its (block) LU; None when singular or not finite."""
    jac = cm.jacobian(x, p)
    if not np.isfinite(jac.data).all():
        return None
    try:
        if cm.n <= DENSE_LIMIT:
            lu = sla.lu_factor(jac.toarray(), check_finite=False)
            if not np.isfinite(lu[0]).all() or np.abs(np.diag(lu[0])).min() == 0.0:
                return None
            return Factorization(cm.n, True, lu=lu)
        var_r, row_r = cm.region_blocks()
        csr = jac.tocsr()
        blocks = []
        for r in np.unique(var_r):
            cols, rows = np.flatnonzero(var_r == r), np.flatnonzero(row_r == r)
            lu = sla.lu_factor(csr[rows][:, cols].toarray(), check_finite=False)
            if np.abs(np.diag(lu[0])).min() == 0.0:
                return None
            blocks.append((rows, cols, lu))
        return Factorization(cm.n, False, jac=csr, blocks=blocks)
    except (sla.LinAlgError, RuntimeError, ValueError):
        return None


def _norm(g: np.ndarray) -> float:
    return float(np.abs(g).max()) if np.isfinite(g).all() else np.inf


def solve_newton(cm: CompiledModel, x0: np.ndarray, p: np.ndarray,
                 options: dict[str, object] | None = None) -> BackendResult:
    """Inexact Newton (GMRES preconditioned by a cached LU) with a line search on ||g||_inf."""
    opts = {"tol": 1e-11, "max_iter": 100, **(options or {})}
    tol, max_iter = float(opts["tol"]), int(opts["max_iter"])
    start = time.perf_counter()
    x = np.array(x0, dtype=float)
    g = cm.residual(x, p)
    norm = _norm(g)
    fact: Factorization | None = getattr(cm, "factorization", None)
    if fact is not None and fact.n != cm.n:
        fact = None
    status, it, krylov, factorizations, chord, chords = "maximum iterations reached", 0, 0, 0, True, 0
    history: list[float] = []
    for it in range(max_iter + 1):
        if norm <= tol:
            status = "solved"
            break
        history.append(norm)
        if not chord and len(history) > STALL_WINDOW and norm > 0.5 * history[-1 - STALL_WINDOW]:
            status = "stalled"
            break
        if it == max_iter or not np.isfinite(norm):
            status = "residual not finite" if not np.isfinite(norm) else status
            break
        fresh = False
        if fact is not None and not fact.exact:
            fact = None  # block preconditioning: a Newton step on the Jacobian at this point
        if fact is None:
            fact, fresh = factorize(cm, x, p), True
            factorizations += 1
            if fact is None:
                status = "singular Jacobian"
                break
        if chord and fact.exact:
            with np.errstate(all="ignore"):
                trial = x - fact.solve(g)
            g_trial = cm.residual(trial, p)
            n_trial = _norm(g_trial)
            if n_trial <= CHORD_RATIO * norm or n_trial <= tol:
                x, g, norm = trial, g_trial, n_trial
                chords += 1
                continue
            chord = False  # contraction too slow: Newton steps from here on
        if cm.n <= EXACT_LIMIT and not fresh:  # small model: refactorise instead of iterating
            fact, fresh = factorize(cm, x, p), True
            factorizations += 1
            if fact is None:
                status = "singular Jacobian"
                break
        step, used = (None, 0) if cm.n <= EXACT_LIMIT else _krylov_step(cm, x, p, g, fact, norm)
        krylov += used
        if step is None and not fresh:  # the old factorisation no longer preconditions well
            fact, fresh = factorize(cm, x, p), True
            factorizations += 1
            if fact is None:
                status = "singular Jacobian"
                break
            step, used = _krylov_step(cm, x, p, g, fact, norm)
            krylov += used
        if step is None and not fact.exact:
            status = "Krylov solver did not converge"
            break
        if step is None:
            step = -fact.solve(g)
        trial, g_trial, n_trial = _line_search(cm, x, p, step, norm, tol)
        if trial is None and not fresh:
            fact = factorize(cm, x, p)
            factorizations += 1
            if fact is None:
                status = "singular Jacobian"
                break
            trial, g_trial, n_trial = _line_search(cm, x, p, -fact.solve(g), norm, tol)
        if trial is None:
            status = "line search failed"
            break
        x, g, norm = trial, g_trial, n_trial
    cm.factorization = fact
    return BackendResult(x=x, status=status, iterations=it, seconds=time.perf_counter() - start,
                         details={"krylov_iterations": krylov, "factorizations": factorizations,
                                  "chord_steps": chords})


def _krylov_step(cm: CompiledModel, x: np.ndarray, p: np.ndarray, g: np.ndarray,
                 fact: Factorization, norm: float) -> tuple[np.ndarray | None, int]:
    """GMRES on J s = -g with the factorisation as preconditioner; None if it does not converge."""
    n = cm.n
    count = [0]

    def matvec(v: np.ndarray) -> np.ndarray:
        count[0] += 1
        return fact.jac @ v if not fact.exact else cm.jvp(x, p, v)
    jac = spla.LinearOperator((n, n), matvec=matvec, dtype=float)
    prec = spla.LinearOperator((n, n), matvec=fact.solve, dtype=float)
    rtol = min(1e-3, max(1e-10, norm))  # tighter as the solution nears (superlinear convergence)
    restart, restarts = (KRYLOV_RESTART, KRYLOV_MAX_RESTARTS) if fact.exact else (BLOCK_RESTART, BLOCK_MAX_RESTARTS)
    with np.errstate(all="ignore"):
        step, info = spla.gmres(jac, -g, M=prec, rtol=rtol, atol=0.0, restart=restart, maxiter=restarts)
    if info != 0 or not np.isfinite(step).all():
        return None, count[0]
    return step, count[0]


def _line_search(cm: CompiledModel, x: np.ndarray, p: np.ndarray, step: np.ndarray, norm: float,
                 tol: float) -> tuple[np.ndarray | None, np.ndarray | None, float]:
    """Backtracking on the largest residual (Armijo-type decrease)."""
    alpha = 1.0
    while alpha > 1e-6:
        trial = x + alpha * step
        g_trial = cm.residual(trial, p)
        n_trial = _norm(g_trial)
        if n_trial < (1 - 1e-4 * alpha) * norm or n_trial <= tol:
            return trial, g_trial, n_trial
        alpha *= 0.5
    return None, None, np.inf
