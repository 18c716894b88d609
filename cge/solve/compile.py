"""The compiled square system g(x; p) = 0 of a built model: residuals, sparse Jacobian,
Jacobian-vector products and (on demand) a CasADi graph, all from the model's one set of
equations (:meth:`cge.model.build.CGEModel.equations`).

- residuals: the equations evaluated on numpy vectors;
- Jacobian: forward-mode automatic differentiation with sparse matrices
  (:class:`cge.model.algebra.Dual`), one sparse operation per vector operation, so the
  work and memory grow with the number of nonzeros; exact to rounding;
- Jacobian-vector products: dense tangents (:class:`cge.model.algebra.Tangent`);
- derivatives with respect to parameters (instruments), for decompositions and policy
  optimisation;
- CasADi SX functions (the ``casadi`` backend and its Ipopt), built from the same
  equations with SX vectors the first time they are asked for.

Nothing is compiled in the sense of generated code; "compile" is kept as the name of
the phase that prepares a built model for the solvers (the sparsity pattern).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import scipy.sparse as sp

from cge.model.algebra import Dual, Tangent, concat, values
from cge.model.build import CGEModel


def _namespace(layout, vec) -> SimpleNamespace:  # noqa: ANN001
    return SimpleNamespace(**{k: vec[layout.slice(k)] for k in layout.blocks})


@dataclass
class CompiledModel:
    """Residual and derivative functions of one model structure."""

    cgem: CGEModel
    active: np.ndarray = field(init=False)          # rows of the system (all but the dropped one)
    factorization: object = field(default=None, init=False)  # last LU of the Jacobian (cge.solve.newton)
    _pattern_key: np.ndarray | None = field(default=None, init=False)
    _casadi: dict = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        rows = self.cgem.rows.size
        self.active = np.delete(np.arange(rows), self.cgem.dropped_row)

    @property
    def jac_rows(self) -> np.ndarray:
        """Rows of the fixed Jacobian sparsity pattern (computed on first use, for Ipopt)."""
        return self._pattern() // self.n

    @property
    def jac_cols(self) -> np.ndarray:
        return self._pattern() % self.n

    def _pattern(self) -> np.ndarray:
        """Sparsity pattern: the Jacobian at a generic point (random positive values), where no
        entry vanishes by coincidence, united with the benchmark's; every later Jacobian is
        mapped onto it."""
        if self._pattern_key is not None:
            return self._pattern_key
        rng = np.random.default_rng(12345)
        x = self.cgem.x0 * rng.uniform(0.8, 1.25, self.n) + rng.uniform(0.01, 0.02, self.n)
        p = self.cgem.p0 * rng.uniform(0.8, 1.25, len(self.cgem.p0)) + rng.uniform(0.01, 0.02, len(self.cgem.p0))
        jac = self._dual_jacobian(x, p).tocoo()
        bench = self._dual_jacobian(self.cgem.x0, self.cgem.p0).tocoo()
        self._pattern_key = np.union1d(jac.row.astype(np.int64) * self.n + jac.col,
                                       bench.row.astype(np.int64) * self.n + bench.col)
        return self._pattern_key

    @property
    def n(self) -> int:
        return self.cgem.n

    @property
    def variables(self):  # noqa: ANN201
        return self.cgem.variables

    @property
    def parameters(self):  # noqa: ANN201
        return self.cgem.parameters

    # ---- numbers ------------------------------------------------------------------------
    def all_residuals(self, x: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Every equation's residual, the dropped one included."""
        with np.errstate(all="ignore"):
            return self.cgem.evaluate(x, p)[0]

    def residual(self, x: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Residuals of the square system (relative to benchmark magnitudes)."""
        return self.all_residuals(x, p)[self.active]

    def dropped(self, x: np.ndarray, p: np.ndarray) -> float:
        """Residual of the equation Walras' law drops."""
        return float(self.all_residuals(x, p)[self.cgem.dropped_row])

    # ---- derivatives -----------------------------------------------------------------------
    def _duals(self, x: np.ndarray, p: np.ndarray, wrt: str) -> tuple[SimpleNamespace, SimpleNamespace]:
        var, par = self.cgem.variables, self.cgem.parameters
        nx, npar = var.size, par.size
        width = {"x": nx, "p": npar, "xp": nx + npar}[wrt]
        if "x" in wrt:
            v = SimpleNamespace(**{k: Dual.seed(x[var.slice(k)], var.offsets[k], width) for k in var.blocks})
        else:
            v = _namespace(var, np.asarray(x, float))
        if "p" in wrt:
            off = nx if wrt == "xp" else 0
            q = SimpleNamespace(**{k: Dual.seed(p[par.slice(k)], off + par.offsets[k], width)
                                   for k in par.blocks})
        else:
            q = _namespace(par, np.asarray(p, float))
        return v, q

    def _derivative(self, x: np.ndarray, p: np.ndarray, wrt: str) -> sp.csr_matrix:
        v, q = self._duals(np.asarray(x, float), np.asarray(p, float), wrt)
        with np.errstate(all="ignore"):
            fam, _ = self.cgem.equations(v, q)
        width = {"x": self.n, "p": self.cgem.parameters.size, "xp": self.n + self.cgem.parameters.size}[wrt]
        g = concat([fam[k] if isinstance(fam[k], Dual) else Dual.constant(values(fam[k]), width)
                    for k in self.cgem.rows.blocks])
        return g.jac

    def _dual_jacobian(self, x: np.ndarray, p: np.ndarray) -> sp.csr_matrix:
        return self._derivative(x, p, "x")[self.active]

    def jacobian(self, x: np.ndarray, p: np.ndarray) -> sp.csc_matrix:
        """dg/dx of the square system as a sparse matrix."""
        return self._dual_jacobian(x, p).tocsc()

    def jacobian_values(self, x: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Jacobian entries in the fixed order of (``jac_rows``, ``jac_cols``) (for Ipopt)."""
        jac = self._dual_jacobian(x, p).tocoo()
        keys = jac.row.astype(np.int64) * self.n + jac.col
        pattern = self._pattern()
        out = np.zeros(len(pattern))
        pos = np.searchsorted(pattern, keys)
        ok = (pos < len(pattern)) & (pattern[np.minimum(pos, len(pattern) - 1)] == keys)
        out[pos[ok]] = jac.data[ok]
        # entries that are zero in exact arithmetic (terms that cancel, e.g. the agent price in
        # Cobb-Douglas demand) can come out as rounding noise; anything larger is a bug
        stray = jac.data[~ok]
        scale = np.abs(jac.data[np.isfinite(jac.data)]).max(initial=1.0)
        if np.any(np.abs(stray) > 1e-12 * scale):
            raise AssertionError("Jacobian entry outside the sparsity pattern")
        return out

    def jvp(self, x: np.ndarray, p: np.ndarray, dx: np.ndarray) -> np.ndarray:
        """J(x, p) @ dx by forward-mode tangents (about twice the cost of a residual)."""
        var = self.cgem.variables
        v = SimpleNamespace(**{k: Tangent(x[var.slice(k)], dx[var.slice(k)]) for k in var.blocks})
        q = _namespace(self.cgem.parameters, np.asarray(p, float))
        with np.errstate(all="ignore"):
            fam, _ = self.cgem.equations(v, q)
        parts = [fam[k].dot if isinstance(fam[k], Tangent) else np.zeros(len(values(fam[k])))
                 for k in self.cgem.rows.blocks]
        return np.concatenate(parts)[self.active]

    def parameter_jvp(self, x: np.ndarray, p: np.ndarray, dp: np.ndarray) -> np.ndarray:
        """(dg/dp) @ dp by forward-mode tangents in the parameters."""
        par = self.cgem.parameters
        v = _namespace(self.cgem.variables, np.asarray(x, float))
        q = SimpleNamespace(**{k: Tangent(p[par.slice(k)], dp[par.slice(k)]) for k in par.blocks})
        with np.errstate(all="ignore"):
            fam, _ = self.cgem.equations(v, q)
        parts = [fam[k].dot if isinstance(fam[k], Tangent) else np.zeros(len(values(fam[k])))
                 for k in self.cgem.rows.blocks]
        return np.concatenate(parts)[self.active]

    def parameter_jacobian(self, x: np.ndarray, p: np.ndarray) -> sp.csr_matrix:
        """dg/dp of the square system (instruments), sparse."""
        return self._derivative(x, p, "p")[self.active]

    def full_jacobian(self, x: np.ndarray, p: np.ndarray) -> sp.csr_matrix:
        """d(all residuals, the dropped one included)/d(x, p)."""
        return self._derivative(x, p, "xp")

    # ---- CasADi -------------------------------------------------------------------------------
    def casadi(self) -> SimpleNamespace:
        """CasADi SX symbols and functions of the same system (built on first use)."""
        if not self._casadi:
            import casadi as ca

            var, par = self.cgem.variables, self.cgem.parameters
            xs = ca.SX.sym("x", var.size)
            ps = ca.SX.sym("p", par.size)
            v = SimpleNamespace(**{k: xs[var.slice(k)] for k in var.blocks})
            q = SimpleNamespace(**{k: ps[par.slice(k)] for k in par.blocks})
            fam, _ = self.cgem.equations(v, q)
            parts = [fam[k] if isinstance(fam[k], ca.SX) else ca.SX(ca.DM(np.asarray(fam[k], float)))
                     for k in self.cgem.rows.blocks]
            g_all = ca.vertcat(*parts)
            g = g_all[self.active.tolist()]
            self._casadi.update(x=xs, p=ps, g=g, residual=ca.Function("residual", [xs, ps], [g]))
        return SimpleNamespace(**self._casadi)

    # ---- labels -------------------------------------------------------------------------------
    def row_label(self, row: int) -> str:
        """Name of the equation in row ``row`` of the square system, e.g. ``income[USA]``."""
        return self.cgem.rows.label(int(self.active[row]))

    def var_label(self, col: int) -> str:
        return self.cgem.variables.label(col)

    def eq_labels(self) -> list[tuple[str, tuple]]:
        """(family, member) of every row of the square system."""
        labs = self.cgem.rows.labels()
        return [labs[k] for k in self.active]

    def var_labels(self) -> list[tuple[str, tuple]]:
        return self.cgem.variables.labels()

    def region_blocks(self) -> tuple[np.ndarray, np.ndarray]:
        """The region of every unknown and of every row of the square system, such that each
        region's unknowns and rows form a square block (for block preconditioners): the
        numeraire row takes the place of the goods market Walras' law drops."""
        cg, s = self.cgem, self.cgem.sets
        tr = cg.trade
        quota_r = tr.exporter[tr.quota_flow]
        target_r = np.array([tr.importer[s.flows.position[t.flows[0]]] for t in cg.targets], dtype=np.int64)
        ls_r = cg.factors.ls_regions
        by_block = {"y": s.yj["r"], "py": s.yj["r"], "im": s.mi["r"], "pm": s.mi["r"], "pf": s.fr["r"],
                    "pfs": s.fjs["r"], "inc": np.arange(s.nr), "pfd": s.fda["r"], "ls": ls_r,
                    "rent": quota_r, "tgt": target_r,
                    "zero_profit": s.yj["r"], "goods_market": s.yj["r"], "import_price": s.mi["r"],
                    "import_market": s.mi["r"], "agent_price": s.fda["r"], "factor_market": s.fr["r"],
                    "specific_factor_market": s.fjs["r"], "real_wage": ls_r, "income": np.arange(s.nr),
                    "quota_rent": quota_r, "target_condition": target_r,
                    "numeraire": s.yj["r"][-1:]}
        var = np.concatenate([by_block[k] for k in cg.variables.blocks])
        rows = np.concatenate([by_block[k] for k in cg.rows.blocks])[self.active]
        return var.astype(np.int64), rows.astype(np.int64)


def compile_model(cgem: CGEModel) -> CompiledModel:
    """Prepare a built model for the solvers."""
    return CompiledModel(cgem)


def residual_norm(cm: CompiledModel, x: np.ndarray, p: np.ndarray) -> tuple[float, int]:
    """Largest absolute scaled residual and its row (NaN counts as infinite)."""
    g = cm.residual(x, p)
    bad = ~np.isfinite(g)
    if bad.any():
        return math.inf, int(np.argmax(bad))
    k = int(np.argmax(np.abs(g))) if g.size else 0
    return (float(abs(g[k])) if g.size else 0.0), k
