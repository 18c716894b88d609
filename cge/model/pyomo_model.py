"""The Pyomo declaration of a built model, generated from its equations.

``to_pyomo`` declares one Pyomo ``Var`` per block of unknowns, one mutable ``Param`` per
instrument and one indexed ``Constraint`` per equation family, all indexed by the
model's labels (e.g. ``m.py['AGR', 'USA']``, ``m.zero_profit['AGR', 'USA']``), and
fills the constraints by running :meth:`cge.model.build.CGEModel.equations` on arrays of
Pyomo components -- the very code the fast evaluator runs on numbers.  The dropped
market (Walras' law) is deactivated.  This model serves Pyomo's own solver interfaces
(``SolverFactory('ipopt')``) and inspection; tests check that its residuals equal the
evaluator's.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pyomo.environ as pyo

from cge.model.build import CGEModel


def _index(labels: list[tuple]) -> list:
    return [lab if len(lab) != 1 else lab[0] for lab in labels]


def to_pyomo(cgem: CGEModel) -> pyo.ConcreteModel:
    """Declare the model in Pyomo at the benchmark point."""
    m = pyo.ConcreteModel(name="cge")
    var, par, rows = cgem.variables, cgem.parameters, cgem.rows
    v, q = {}, {}
    for name, labels in var.blocks.items():
        idx = _index(labels)
        init = dict(zip(idx, cgem.x0[var.slice(name)]))
        comp = pyo.Var(idx, initialize=init, dense=True)
        m.add_component(name, comp)
        v[name] = np.array([comp[k] for k in idx], dtype=object)
    for name, labels in par.blocks.items():
        vals = cgem.p0[par.slice(name)]
        if labels == [()]:
            comp = pyo.Param(initialize=float(vals[0]), mutable=True, within=pyo.Reals)
            m.add_component(name, comp)
            q[name] = np.array([comp], dtype=object)
            continue
        idx = _index(labels)
        comp = pyo.Param(idx, initialize=dict(zip(idx, map(float, vals))), mutable=True, within=pyo.Reals)
        m.add_component(name, comp)
        q[name] = np.array([comp[k] for k in idx], dtype=object)
    fam, _ = cgem.equations(SimpleNamespace(**v), SimpleNamespace(**q))
    for name, labels in rows.blocks.items():
        exprs = np.asarray(fam[name], dtype=object)
        if labels == [()]:
            m.add_component(name, pyo.Constraint(expr=exprs[0] == 0))
            continue
        idx = _index(labels)
        pos = {k: n for n, k in enumerate(idx)}
        m.add_component(name, pyo.Constraint(idx, rule=lambda mm, *k, e=exprs, pos=pos: (
            e[pos[k if len(k) != 1 else k[0]]] == 0)))
    dropped = rows.labels()[cgem.dropped_row]
    getattr(m, dropped[0])[dropped[1] if len(dropped[1]) != 1 else dropped[1][0]].deactivate()
    return m


def pyomo_vector(m: pyo.ConcreteModel, layout, kind: str = "var") -> np.ndarray:  # noqa: ANN001
    """Current values of the Pyomo variables (or parameters) in the layout's order."""
    out = np.empty(layout.size)
    for name, labels in layout.blocks.items():
        comp = getattr(m, name)
        sl = layout.slice(name)
        if labels == [()]:
            out[sl] = pyo.value(comp)
            continue
        out[sl] = [pyo.value(comp[k]) for k in _index(labels)]
    return out


def set_pyomo_vector(m: pyo.ConcreteModel, layout, vec: np.ndarray, kind: str = "var") -> None:  # noqa: ANN001
    """Write a vector into the Pyomo variables (or mutable parameters) of the layout."""
    for name, labels in layout.blocks.items():
        comp = getattr(m, name)
        vals = vec[layout.slice(name)]
        if labels == [()]:
            comp.set_value(float(vals[0])) if kind == "par" else comp.set_value(float(vals[0]))
            continue
        for k, val in zip(_index(labels), vals):
            if kind == "par":
                comp[k] = float(val)
            else:
                comp[k].set_value(float(val), skip_validation=True)
