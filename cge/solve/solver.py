"""Solve a built model for given instrument values, verify, and report.

``Solver`` prepares a :class:`~cge.model.build.CGEModel` once.  Each ``solve`` takes the
target parameter vector (the scenario's instruments), warm-starts from the last solution,
and checks the answer: finite values and the largest scaled residual (relative to
benchmark magnitudes) below ``tolerance``.  If a direct solve fails, the shock is reached
by continuation along a path of parameter vectors p(t), t in [0, 1], from the last solved
point (linear by default; the scenario engine gives paths that step quotas in logs), each
step warm-started from the previous one.  A solve that still fails raises
:class:`~cge.errors.SolveError` naming the status, iterations, largest residual and the
equation it sits in.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from cge.errors import CGEInputError, SolveError
from cge.model.build import CGEModel
from cge.solve.backends import BackendResult, pyomo_ipopt_available, solve_casadi, solve_cyipopt, solve_pyomo
from cge.solve.compile import CompiledModel, compile_model, residual_norm
from cge.solve.newton import solve_newton

BACKENDS = ("auto", "newton", "cyipopt", "casadi", "pyomo")
DEFAULT_BACKEND = "auto"
IPOPT_FALLBACK_LIMIT = 3000  # unknowns: above this an Ipopt KKT factorisation takes minutes
IPOPT_FALLBACK_ITERATIONS = 600  # all Ipopt steps of the fallback path together: a solve that
                                 # has not converged by then is reported, not left running
DEFAULT_TOLERANCE = 1e-8
Path = Callable[[float], np.ndarray]


@dataclass
class SolveReport:
    """Solver statistics of one scenario solve."""

    backend: str
    status: str
    iterations: int
    max_residual: float
    worst_equation: str
    walras_residual: float
    seconds: float
    continuation_steps: int = 1
    phases: list[dict] = field(default_factory=list)

    def as_attrs(self) -> dict[str, object]:
        """Flat attributes for a results Dataset; ``solver_path`` lists every attempt (the
        direct solve and each continuation step: where on the path, iterations, status)."""
        path = [{"phase": ph["phase"], "iterations": int(ph["iterations"]), "status": str(ph["status"]),
                 "seconds": round(float(ph["seconds"]), 4)} for ph in self.phases]
        return {"solver_backend": self.backend, "solver_status": self.status,
                "solver_iterations": self.iterations, "max_residual": self.max_residual,
                "worst_equation": self.worst_equation, "walras_residual": self.walras_residual,
                "solve_seconds": self.seconds, "continuation_steps": self.continuation_steps,
                "solver_path": json.dumps(path)}


class Solver:
    """Solver for one model structure; re-solves as instruments change."""

    def __init__(self, cgem: CGEModel, backend: str = DEFAULT_BACKEND,
                 tolerance: float = DEFAULT_TOLERANCE, max_steps: int = 64,
                 options: dict[str, object] | None = None) -> None:
        if backend not in BACKENDS:
            raise CGEInputError(f"backend: unknown '{backend}'; allowed: {', '.join(BACKENDS)}")
        if backend == "pyomo" and not pyomo_ipopt_available():
            raise CGEInputError("backend: 'pyomo' needs an ipopt executable on the PATH (none found); "
                                "allowed without one: auto, newton, cyipopt, casadi")
        self.cgem, self.backend, self.tolerance, self.max_steps = cgem, backend, tolerance, max_steps
        self.options = dict(options or {})
        start = time.perf_counter()
        self.compiled: CompiledModel = compile_model(cgem)
        self.compile_seconds = time.perf_counter() - start
        self.x = cgem.x0.copy()
        self.p = cgem.p0.copy()

    # ---- one backend call ------------------------------------------------------------
    def _call(self, x0: np.ndarray, p: np.ndarray, backend: str | None = None) -> BackendResult:
        name = backend or ("newton" if self.backend == "auto" else self.backend)
        fn = {"cyipopt": solve_cyipopt, "casadi": solve_casadi, "newton": solve_newton,
              "pyomo": solve_pyomo}[name]
        return fn(self.compiled, x0, p, self.options)

    def _ok(self, res: BackendResult, p: np.ndarray) -> tuple[bool, float, int]:
        resid, row = residual_norm(self.compiled, res.x, p)
        ok = bool(np.isfinite(res.x).all() and resid <= self.tolerance)
        if ok:
            why = self.cgem.economic_violation(res.x, p)
            if why is not None:
                self._economics = why
                ok = False
        return ok, resid, row

    # ---- public ----------------------------------------------------------------------
    def solve(self, p_target: np.ndarray, path: Path | None = None) -> SolveReport:
        """Solve for parameters ``p_target`` from the last solution; store the solution.

        ``path`` maps t in [0, 1] to parameter vectors from the last solved point
        (t = 0) to ``p_target`` (t = 1); it is used only if the direct solve fails.
        """
        start = time.perf_counter()
        self._economics: str | None = None
        p_target = np.asarray(p_target, dtype=float)
        if path is None:
            p_from = self.p.copy()

            def path(t: float) -> np.ndarray:
                return p_from + t * (p_target - p_from)
        res = self._call(self.x, p_target)
        ok, resid, row = self._ok(res, p_target)
        phases = [{"phase": "direct", "iterations": res.iterations, "seconds": res.seconds,
                   "status": res.status}]
        iterations, steps = res.iterations, 1
        if not ok:
            res, ok, resid, row, steps, more = self._continuation(path)
            phases += more
            iterations += sum(ph["iterations"] for ph in more)
        if not ok and self.backend == "auto" and self.compiled.n <= IPOPT_FALLBACK_LIMIT \
                and self._economics is None:
            res, ok, resid, row, more_steps, more = self._continuation(path, backend="cyipopt")
            phases += more
            steps += more_steps
            iterations += sum(ph["iterations"] for ph in more)
        if not ok and self._economics is not None:
            raise SolveError(f"no economic equilibrium found: {self._economics}")
        if not ok:
            raise SolveError(
                f"solve failed: status '{res.status}', {iterations} iterations, largest residual "
                f"{resid:.3g} in equation {self.compiled.row_label(row)} "
                f"(after continuation in up to {self.max_steps} steps)")
        self.x, self.p = res.x, p_target.copy()
        return SolveReport(backend=self.backend, status=res.status, iterations=iterations,
                           max_residual=resid, worst_equation=self.compiled.row_label(row),
                           walras_residual=self.compiled.dropped(res.x, p_target),
                           seconds=time.perf_counter() - start, continuation_steps=steps, phases=phases)

    def _continuation(self, path: Path, backend: str | None = None):  # noqa: ANN202
        """Step along the path from the last solution; shrink the step after a failure, grow
        it after a success."""
        phases: list[dict] = []
        x, t, dt, steps, spent = self.x.copy(), 0.0, 0.25, 0, 0
        budget = IPOPT_FALLBACK_ITERATIONS if backend == "cyipopt" else np.inf
        res, ok, resid, row = BackendResult(x, "not started", 0, 0.0), False, np.inf, 0
        while t < 1.0 and steps < self.max_steps and spent < budget:
            t_next = min(1.0, t + dt)
            p = path(t_next)
            res = self._call(x, p, backend)
            ok, resid, row = self._ok(res, p)
            steps += 1
            spent += res.iterations
            phases.append({"phase": f"continuation t={t_next:.4g}" + (f" ({backend})" if backend else ""),
                           "iterations": res.iterations,
                           "seconds": res.seconds, "status": res.status})
            if ok:
                x, t = res.x, t_next
                dt = min(2.0 * dt, 1.0)
            else:
                if self._economics is not None:
                    break  # the path has left the economic region: no smaller step can help
                dt /= 4.0
                if dt < 1e-4:
                    break
        ok = ok and t >= 1.0
        return res, ok, resid, row, steps, phases

    def reset(self) -> None:
        """Return to the benchmark as the warm start."""
        self.x = self.cgem.x0.copy()
        self.p = self.cgem.p0.copy()
