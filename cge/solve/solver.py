"""Solve a built model for the current instrument values, verify, and report.

``Solver`` compiles a :class:`~cge.model.build.CGEModel` once.  Each ``solve`` reads
the instrument parameters from the Pyomo model, warm-starts from the last solution,
and checks the answer: Ipopt's status, finite values, and the largest scaled
residual (relative to benchmark magnitudes) below ``tolerance``.  If a direct solve
fails, the shock is reached by continuation: the parameters are stepped from the
last solved point to the target in equal steps, each warm-started from the previous
(steps doubled up to ``max_steps``).  A solve that still fails raises
:class:`~cge.errors.SolveError` naming the status, iterations, largest residual and
the equation block it sits in.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from cge.errors import CGEInputError, SolveError
from cge.model.build import CGEModel
from cge.solve.backends import BackendResult, solve_casadi, solve_cyipopt, solve_newton, solve_pyomo
from cge.solve.compile import CompiledModel, compile_model, residual_norm

BACKENDS = ("cyipopt", "casadi", "newton", "pyomo")
DEFAULT_TOLERANCE = 1e-8


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
        """Flat attributes for a results Dataset."""
        return {"solver_backend": self.backend, "solver_status": self.status,
                "solver_iterations": self.iterations, "max_residual": self.max_residual,
                "worst_equation": self.worst_equation, "walras_residual": self.walras_residual,
                "solve_seconds": self.seconds, "continuation_steps": self.continuation_steps}


class Solver:
    """Compiled solver for one model structure; re-solves as instruments change."""

    def __init__(self, cgem: CGEModel, backend: str = "cyipopt",
                 tolerance: float = DEFAULT_TOLERANCE, max_steps: int = 16,
                 options: dict[str, object] | None = None) -> None:
        if backend not in BACKENDS:
            raise CGEInputError(f"backend: unknown '{backend}'; allowed: {', '.join(BACKENDS)}")
        self.cgem, self.backend, self.tolerance, self.max_steps = cgem, backend, tolerance, max_steps
        self.options = dict(options or {})
        start = time.perf_counter()
        name, key = cgem.dropped
        dropped = getattr(cgem.model, name)[key] if key != () else None
        self.compiled: CompiledModel = compile_model(cgem.model, dropped)
        self.compile_seconds = time.perf_counter() - start
        self.x_last = self.compiled.x_values()
        self.p_last = self.compiled.p_values()

    # ---- one Ipopt call --------------------------------------------------------------
    def _call(self, x0: np.ndarray, p: np.ndarray) -> BackendResult:
        if self.backend == "cyipopt":
            return solve_cyipopt(self.compiled, x0, p, self.options)
        if self.backend == "casadi":
            return solve_casadi(self.compiled, x0, p, self.options)
        if self.backend == "newton":
            return solve_newton(self.compiled, x0, p, self.options)
        self.compiled.store(x0)
        return solve_pyomo(self.cgem.model, self.options)

    def _ok(self, res: BackendResult, p: np.ndarray) -> tuple[bool, float, int]:
        resid, row = residual_norm(self.compiled, res.x, p)
        return bool(np.isfinite(res.x).all() and resid <= self.tolerance), resid, row

    # ---- public ----------------------------------------------------------------------
    def solve(self) -> SolveReport:
        """Solve for the instrument values now in the Pyomo model; store the solution."""
        start = time.perf_counter()
        p_target = self.compiled.p_values()
        res = self._call(self.x_last, p_target)
        ok, resid, row = self._ok(res, p_target)
        phases = [{"phase": "direct", "iterations": res.iterations, "seconds": res.seconds,
                   "status": res.status}]
        iterations, steps = res.iterations, 1
        if not ok:
            res, ok, resid, row, steps, more = self._continuation(p_target)
            phases += more
            iterations += sum(ph["iterations"] for ph in more)
        if not ok:
            raise SolveError(
                f"solve failed: status '{res.status}', {iterations} iterations, largest residual "
                f"{resid:.3g} in equation {self.compiled.block_of(row)} "
                f"(after continuation in up to {self.max_steps} steps)")
        self.x_last, self.p_last = res.x, p_target
        self.compiled.store(res.x)
        walras = float(np.asarray(self.compiled.dropped(res.x, p_target)).ravel()[0])
        return SolveReport(backend=self.backend, status=res.status, iterations=iterations,
                           max_residual=resid, worst_equation=self.compiled.block_of(row),
                           walras_residual=walras, seconds=time.perf_counter() - start,
                           continuation_steps=steps, phases=phases)

    def _continuation(self, p_target: np.ndarray):
        """Step the parameters from the last solution to the target; double steps on failure."""
        phases: list[dict] = []
        steps = 2
        res, ok, resid, row = None, False, np.inf, 0
        while steps <= self.max_steps and not ok:
            x = self.x_last.copy()
            for k in range(1, steps + 1):
                p = self.p_last + (p_target - self.p_last) * (k / steps)
                res = self._call(x, p)
                ok, resid, row = self._ok(res, p)
                phases.append({"phase": f"continuation {k}/{steps}", "iterations": res.iterations,
                               "seconds": res.seconds, "status": res.status})
                if not ok:
                    break
                x = res.x
            if not ok:
                steps *= 2
        return res, ok, resid, row, steps, phases

    def reset(self) -> None:
        """Return to the benchmark as the warm start."""
        self.cgem.set_benchmark_values()
        self.x_last = self.compiled.x_values()
        self.p_last = self.compiled.p_values()
