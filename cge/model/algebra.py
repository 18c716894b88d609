"""Array algebra in which the model's equation blocks are written, and its backends.

Every block of the model (docs/model.md) is written once, as vector expressions over
index sets: a vector holds one entry per member of a set (activities, bilateral flows,
agents' composites ...), ``take`` gathers entries of another set's vector (e.g. the
exporter's producer price for every flow), ``segment_sum`` adds entries into groups
(e.g. all flows into one import composite) and ``concat`` joins vectors.  The same
block code then runs on four kinds of vector:

- ``numpy.ndarray`` of floats: residuals and every intermediate quantity (results);
- :class:`Dual` (value + sparse Jacobian): exact first derivatives by forward-mode
  automatic differentiation, one sparse matrix operation per vector operation, so the
  work grows with the number of nonzeros, not with the number of scalar expressions;
- :class:`Tangent` (value + one directional derivative): Jacobian-vector products at
  about twice the cost of a residual, for Newton-Krylov iterations;
- CasADi ``SX`` or ``MX`` column vectors, and ``numpy`` object arrays of Pyomo
  expressions: the CasADi graphs (Ipopt through CasADi; exact Hessians for policy
  optimisation) and the Pyomo model are generated from the very same definitions
  (``cge.model.pyomo_model``), so all routes solve the same equations.

Only the operations below are used by the blocks: arithmetic (``+ - * /``, powers
with constant exponents), ``exp``, ``log``, ``sqrt``, ``take``, ``segment_sum``,
``concat``, ``full``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

Vec = Any  # ndarray | Dual | Tangent | casadi.SX | object ndarray (Pyomo)


def _rowscale(jac: sp.csr_matrix, scale: np.ndarray | float) -> sp.csr_matrix:
    """diag(scale) @ jac without building the diagonal matrix."""
    if np.isscalar(scale):
        return sp.csr_matrix((jac.data * scale, jac.indices, jac.indptr), shape=jac.shape)
    scale = np.asarray(scale, dtype=float)
    if scale.ndim == 0:
        return _rowscale(jac, float(scale))
    return sp.csr_matrix((jac.data * np.repeat(scale, np.diff(jac.indptr)), jac.indices, jac.indptr),
                         shape=jac.shape)


def _power_derivative(val: np.ndarray, expo: np.ndarray | float) -> np.ndarray:
    """d(v^e)/dv = e v^(e-1), exactly 0 where e == 0 (a constant, even at v = 0)."""
    expo_arr = np.broadcast_to(np.asarray(expo, dtype=float), np.shape(val))
    with np.errstate(divide="ignore", invalid="ignore"):
        d = expo_arr * np.power(val, expo_arr - 1.0)
    return np.where(expo_arr == 0.0, 0.0, d)


class Dual:
    """A vector with its sparse Jacobian with respect to the differentiated inputs."""

    __slots__ = ("val", "jac")
    __array_ufunc__ = None  # numpy defers to our reflected operators

    def __init__(self, val: np.ndarray, jac: sp.csr_matrix) -> None:
        self.val = np.asarray(val, dtype=float)
        self.jac = jac

    def __len__(self) -> int:
        return self.val.shape[0]

    @staticmethod
    def seed(val: np.ndarray, offset: int, width: int) -> "Dual":
        """Independent inputs ``val`` occupying columns offset .. offset+len of ``width``."""
        n = len(val)
        jac = sp.csr_matrix((np.ones(n), np.arange(offset, offset + n), np.arange(n + 1)),
                            shape=(n, width))
        return Dual(val, jac)

    @staticmethod
    def constant(val: np.ndarray, width: int) -> "Dual":
        val = np.asarray(val, dtype=float)
        return Dual(val, sp.csr_matrix((len(val), width)))

    def _coerce(self, other: Any) -> tuple["Dual", np.ndarray | float, sp.csr_matrix | None]:
        """(self, other's value, other's Jacobian), a length-1 side broadcast to the other."""
        me = self
        if isinstance(other, Dual):
            if len(other) == 1 and len(self) != 1:
                other = Dual(np.repeat(other.val, len(self)), other.jac[np.zeros(len(self), dtype=np.int64)])
            elif len(self) == 1 and len(other) != 1:
                me = Dual(np.repeat(self.val, len(other)), self.jac[np.zeros(len(other), dtype=np.int64)])
            return me, other.val, other.jac
        n = np.size(other)
        if len(self) == 1 and n > 1:
            me = Dual(np.repeat(self.val, n), self.jac[np.zeros(n, dtype=np.int64)])
        return me, other, None

    def __add__(self, other: Any) -> "Dual":
        me, ov, oj = self._coerce(other)
        return Dual(me.val + ov, me.jac if oj is None else me.jac + oj)

    __radd__ = __add__

    def __neg__(self) -> "Dual":
        return Dual(-self.val, _rowscale(self.jac, -1.0))

    def __sub__(self, other: Any) -> "Dual":
        return self + (-other)

    def __rsub__(self, other: Any) -> "Dual":
        return (-self) + other

    def __mul__(self, other: Any) -> "Dual":
        me, ov, oj = self._coerce(other)
        jac = _rowscale(me.jac, ov)
        if oj is not None:
            jac = jac + _rowscale(oj, me.val)
        return Dual(me.val * ov, jac)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> "Dual":
        if isinstance(other, Dual):
            return self * other ** -1.0
        return self * (1.0 / np.asarray(other, dtype=float))

    def __rtruediv__(self, other: Any) -> "Dual":
        return (self ** -1.0) * other

    def __pow__(self, expo: Any) -> "Dual":
        if isinstance(expo, Dual):
            raise TypeError("Dual ** Dual: the model uses constant exponents only")
        with np.errstate(divide="ignore", invalid="ignore"):
            val = np.power(self.val, expo)
        return Dual(val, _rowscale(self.jac, _power_derivative(self.val, expo)))


class Tangent:
    """A vector with one directional derivative (dense): Jacobian-vector products."""

    __slots__ = ("val", "dot")
    __array_ufunc__ = None

    def __init__(self, val: np.ndarray, dot: np.ndarray) -> None:
        self.val = np.asarray(val, dtype=float)
        self.dot = np.asarray(dot, dtype=float)

    def __len__(self) -> int:
        return self.val.shape[0]

    def _coerce(self, other: Any) -> tuple[Any, Any]:
        if isinstance(other, Tangent):
            return other.val, other.dot
        return other, 0.0

    def __add__(self, other: Any) -> "Tangent":
        ov, od = self._coerce(other)
        return Tangent(self.val + ov, self.dot + od)

    __radd__ = __add__

    def __neg__(self) -> "Tangent":
        return Tangent(-self.val, -self.dot)

    def __sub__(self, other: Any) -> "Tangent":
        return self + (-other)

    def __rsub__(self, other: Any) -> "Tangent":
        return (-self) + other

    def __mul__(self, other: Any) -> "Tangent":
        ov, od = self._coerce(other)
        return Tangent(self.val * ov, self.dot * ov + self.val * od)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> "Tangent":
        if isinstance(other, Tangent):
            return self * other ** -1.0
        return self * (1.0 / np.asarray(other, dtype=float))

    def __rtruediv__(self, other: Any) -> "Tangent":
        return (self ** -1.0) * other

    def __pow__(self, expo: Any) -> "Tangent":
        if isinstance(expo, Tangent):
            raise TypeError("Tangent ** Tangent: the model uses constant exponents only")
        with np.errstate(divide="ignore", invalid="ignore"):
            val = np.power(self.val, expo)
        return Tangent(val, self.dot * _power_derivative(self.val, expo))


# ---- backend detection -------------------------------------------------------------------
def _is_casadi(v: Any) -> bool:
    return type(v).__module__.startswith("casadi")


def _is_objects(v: Any) -> bool:
    return isinstance(v, np.ndarray) and v.dtype == object


# ---- the operations the blocks use ----------------------------------------------------------
def take(v: Vec, idx: np.ndarray) -> Vec:
    """Entries ``v[idx]`` (gather), for any backend."""
    idx = np.asarray(idx, dtype=np.int64)
    if isinstance(v, Dual):
        return Dual(v.val[idx], v.jac[idx])
    if isinstance(v, Tangent):
        return Tangent(v.val[idx], v.dot[idx])
    if _is_casadi(v):
        return v[idx.tolist(), 0] if len(idx) else type(v)(0, 1)
    return np.asarray(v)[idx]


@dataclass(frozen=True)
class Segments:
    """A grouping of the entries of a vector into ``n`` segments (a 0/1 or weighted sparse
    matrix): ``segment_sum`` adds the entries of each segment, e.g. all flows into one
    import composite."""

    matrix: sp.csr_matrix  # (n, len(vector))

    @staticmethod
    def of(group: np.ndarray, n: int, weights: np.ndarray | None = None) -> "Segments":
        """Entry k goes to segment ``group[k]`` (times ``weights[k]``)."""
        group = np.asarray(group, dtype=np.int64)
        w = np.ones(len(group)) if weights is None else np.asarray(weights, dtype=float)
        mat = sp.csr_matrix((w, (group, np.arange(len(group)))), shape=(n, len(group)))
        mat.sum_duplicates()
        return Segments(mat)

    @property
    def n(self) -> int:
        return self.matrix.shape[0]


def segment_sum(v: Vec, seg: Segments) -> Vec:
    """Sum of the entries of ``v`` in each segment (length ``seg.n``)."""
    mat = seg.matrix
    if isinstance(v, Dual):
        return Dual(mat @ v.val, (mat @ v.jac).tocsr())
    if isinstance(v, Tangent):
        return Tangent(mat @ v.val, mat @ v.dot)
    if _is_casadi(v):
        import casadi as ca

        csc = mat.tocsc()
        dm = ca.DM(ca.Sparsity(mat.shape[0], mat.shape[1], csc.indptr.tolist(), csc.indices.tolist()),
                   csc.data)
        return ca.mtimes(dm, v)
    if _is_objects(v):
        out = np.empty(mat.shape[0], dtype=object)
        for r in range(mat.shape[0]):
            lo, hi = mat.indptr[r], mat.indptr[r + 1]
            terms = [v[c] if w == 1.0 else float(w) * v[c]
                     for c, w in zip(mat.indices[lo:hi], mat.data[lo:hi])]
            out[r] = _pyomo_sum(terms)
        return out
    return mat @ np.asarray(v, dtype=float)


def _pyomo_sum(terms: list) -> Any:
    if not terms:
        return 0.0
    from pyomo.core.util import quicksum

    return quicksum(terms)


def concat(parts: Sequence[Vec]) -> Vec:
    """Join vectors end to end."""
    parts = list(parts)
    if any(isinstance(p, Dual) for p in parts):
        width = next(p.jac.shape[1] for p in parts if isinstance(p, Dual))
        duals = [p if isinstance(p, Dual) else Dual.constant(np.asarray(p, dtype=float), width)
                 for p in parts]
        return Dual(np.concatenate([d.val for d in duals]),
                    sp.vstack([d.jac for d in duals], format="csr"))
    if any(isinstance(p, Tangent) for p in parts):
        tans = [p if isinstance(p, Tangent) else Tangent(p, np.zeros(len(p))) for p in parts]
        return Tangent(np.concatenate([t.val for t in tans]), np.concatenate([t.dot for t in tans]))
    if any(_is_casadi(p) for p in parts):
        import casadi as ca

        return ca.vertcat(*[p if _is_casadi(p) else ca.DM(np.asarray(p, dtype=float)) for p in parts])
    if any(_is_objects(p) for p in parts):
        return np.concatenate([np.asarray(p, dtype=object) for p in parts])
    return np.concatenate([np.asarray(p, dtype=float) for p in parts])


def full(like: Vec, n: int, value: float) -> Vec:
    """A constant vector of length ``n`` in the backend of ``like`` (a plain array works
    for every backend)."""
    return np.full(n, float(value))


def _unary(v: Vec, name: str) -> Vec:
    fn, deriv = {"exp": (np.exp, np.exp),
                 "log": (np.log, lambda x: 1.0 / x),
                 "sqrt": (np.sqrt, lambda x: 0.5 / np.sqrt(x))}[name]
    if isinstance(v, Dual):
        with np.errstate(divide="ignore", invalid="ignore"):
            return Dual(fn(v.val), _rowscale(v.jac, deriv(v.val)))
    if isinstance(v, Tangent):
        with np.errstate(divide="ignore", invalid="ignore"):
            return Tangent(fn(v.val), v.dot * deriv(v.val))
    if _is_casadi(v):
        import casadi as ca

        return getattr(ca, name)(v)
    if _is_objects(v):
        import pyomo.environ as pyo

        return np.frompyfunc(getattr(pyo, name), 1, 1)(v)
    with np.errstate(divide="ignore", invalid="ignore"):
        return fn(np.asarray(v, dtype=float))


def exp(v: Vec) -> Vec:
    return _unary(v, "exp")


def log(v: Vec) -> Vec:
    return _unary(v, "log")


def sqrt(v: Vec) -> Vec:
    return _unary(v, "sqrt")


def values(v: Vec) -> np.ndarray:
    """The numeric value of a float, Dual or Tangent vector."""
    if isinstance(v, (Dual, Tangent)):
        return v.val
    return np.asarray(v, dtype=float)


def scatter(v: Vec, positions: np.ndarray, n: int) -> Vec:
    """A length-``n`` vector holding ``v[k]`` at ``positions[k]`` and 0 elsewhere."""
    return segment_sum(v, Segments.of(positions, n))


def fischer_burmeister(a: Vec, b: Vec, mu: Vec) -> Vec:
    """Smoothed Fischer-Burmeister function: zero iff a >= 0, b >= 0 and a b = mu/2 (so a
    complementarity a >= 0, b >= 0, a b = 0 when the smoothing ``mu`` is 0)."""
    return a + b - sqrt(a * a + b * b + mu)
