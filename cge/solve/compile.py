"""Compile a Pyomo model into CasADi functions for residuals and the sparse Jacobian.

The Pyomo expression tree of every active equality constraint is walked once
(recorded on a :class:`~cge.solve.tape.Tape`) and rebuilt as one CasADi SX graph,
with the Pyomo variables as the CasADi decision vector ``x`` and every mutable
Pyomo parameter (the policy instruments) as the CasADi parameter vector ``p``.
Named Pyomo expressions are recorded once and shared, so the SX graph keeps the
model's common sub-expressions.  The result is
built once per model structure; a scenario only changes ``p``.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

import casadi as ca
import numpy as np
import pyomo.environ as pyo

from cge.solve.tape import Tape


@dataclass
class CompiledModel:
    """CasADi functions of one model structure and the maps back to Pyomo."""

    variables: list            # Pyomo VarData in the order of x
    parameters: list           # Pyomo ParamData in the order of p
    constraints: list          # Pyomo ConstraintData in the order of g
    residual: ca.Function      # (x, p) -> g
    jacobian: ca.Function      # (x, p) -> dg/dx (sparse)
    jac_rows: np.ndarray
    jac_cols: np.ndarray
    dropped: ca.Function       # (x, p) -> residual of the equation Walras' law drops
    x_sym: ca.SX
    p_sym: ca.SX
    g_sym: ca.SX

    @property
    def n(self) -> int:
        return len(self.variables)

    def x_values(self) -> np.ndarray:
        """Current Pyomo variable values as the x vector."""
        return np.array([v.value for v in self.variables], dtype=float)

    def p_values(self) -> np.ndarray:
        """Current Pyomo parameter values as the p vector."""
        return np.array([pyo.value(q) for q in self.parameters], dtype=float)

    def store(self, x: np.ndarray) -> None:
        """Write a solution vector back into the Pyomo variables."""
        for v, val in zip(self.variables, x):
            v.set_value(float(val), skip_validation=True)

    def block_of(self, row: int) -> str:
        """Name and index of the constraint in row ``row`` of g."""
        return self.constraints[row].name


def compile_model(m: pyo.ConcreteModel, dropped: pyo.Constraint | None = None) -> CompiledModel:
    """Walk the active equality constraints of ``m`` once and build CasADi functions."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
    variables = [v for v in m.component_data_objects(pyo.Var, descend_into=True) if not v.fixed]
    parameters = [q for comp in m.component_objects(pyo.Param, descend_into=True)
                  if comp.mutable for q in comp.values()]
    constraints = list(m.component_data_objects(pyo.Constraint, active=True, descend_into=True))
    if len(constraints) != len(variables):
        raise ValueError(f"the model is not square: {len(constraints)} equations, "
                         f"{len(variables)} variables")
    x = ca.SX.sym("x", len(variables))
    p = ca.SX.sym("p", len(parameters))
    tape = Tape({id(v): k for k, v in enumerate(variables)},
                {id(q): k for k, q in enumerate(parameters)}, len(variables), len(parameters))

    def residual_of(c: object) -> int:
        if not c.equality:
            raise ValueError(f"constraint {c.name} is not an equality")
        return tape.record(c.body - float(pyo.value(c.upper)))

    roots = [residual_of(c) for c in constraints]
    if dropped is not None:
        roots.append(residual_of(dropped))
    out = tape.build(x, p, roots)
    g = out[: len(constraints)]
    # Row by row: each row's derivative touches only that row's cone of the graph, which is
    # several times faster than one colored Jacobian of the whole graph (measured in
    # docs/performance.md) and gives the same sparse matrix.
    jac = ca.vertcat(*[ca.jacobian(g[k], x) for k in range(g.shape[0])])
    rows, cols = jac.sparsity().get_triplet()
    res_f = ca.Function("residual", [x, p], [g])
    jac_f = ca.Function("jacobian", [x, p], [jac])
    drop_f = ca.Function("dropped", [x, p], [out[len(constraints)] if dropped is not None else ca.SX(0)])
    return CompiledModel(variables=variables, parameters=parameters, constraints=constraints,
                         residual=res_f, jacobian=jac_f, jac_rows=np.asarray(rows),
                         jac_cols=np.asarray(cols), dropped=drop_f, x_sym=x, p_sym=p, g_sym=g)


def residual_norm(cm: CompiledModel, x: np.ndarray, p: np.ndarray) -> tuple[float, int]:
    """Largest absolute scaled residual and its row (NaN counts as infinite)."""
    g = np.asarray(cm.residual(x, p)).ravel()
    bad = ~np.isfinite(g)
    if bad.any():
        return math.inf, int(np.argmax(bad))
    k = int(np.argmax(np.abs(g))) if g.size else 0
    return (float(abs(g[k])) if g.size else 0.0), k
