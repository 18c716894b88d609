"""Translate Pyomo expression trees into one CasADi SX graph, level by level.

Building CasADi SX expressions one operation at a time from Python costs tens of
microseconds per operation (the SWIG call), which dominates the compile time of a
model with a few hundred thousand operations.  This module instead records the
Pyomo expression DAG on a *tape* -- one entry per distinct operation, shared
sub-expressions (named Pyomo expressions, repeated objects) recorded once -- and
then builds the SX graph with vectorised CasADi operations: all operations of one
kind at one depth level are applied in a single elementwise call.  The resulting
graph is the same as an operation-by-operation translation would give.
"""

from __future__ import annotations

from collections import defaultdict

import casadi as ca
import pyomo.environ as pyo
from pyomo.core.expr.numvalue import native_numeric_types

# Operation codes on the tape.
LEAF, ADD, MUL, DIV, POW, NEG, EXP, LOG, SQRT, ABS = range(10)
_UNARY_NAMES = {"exp": EXP, "log": LOG, "sqrt": SQRT}
_BINARY = {ADD: lambda a, b: a + b, MUL: lambda a, b: a * b, DIV: lambda a, b: a / b,
           POW: ca.power}
_UNARY = {NEG: lambda a: -a, EXP: ca.exp, LOG: ca.log, SQRT: ca.sqrt, ABS: ca.fabs}


class Tape:
    """Operations recorded from Pyomo expressions; leaves are variables, parameters, constants."""

    def __init__(self, var_pos: dict[int, int], par_pos: dict[int, int], n_x: int, n_p: int) -> None:
        self.var_pos, self.par_pos = var_pos, par_pos
        self.n_x, self.n_p = n_x, n_p
        self.const_id: dict[float, int] = {}
        self.const_value: dict[int, float] = {}
        self.op: list[int] = []
        self.a: list[int] = []
        self.b: list[int] = []
        self.level: list[int] = []
        self.memo: dict[int, tuple[object, int]] = {}  # id -> (node kept alive, tape id)
        self.binary_memo: dict[tuple[int, int, int], int] = {}

    # node ids: 0..n_x-1 variables, n_x..n_x+n_p-1 parameters, then constants and operations
    def _const(self, value: float) -> int:
        node = self.const_id.get(value)
        if node is None:
            node = self._new(LEAF, -1, -1, 0)
            self.const_id[value] = node
            self.const_value[node] = value
        return node

    def _new(self, op: int, a: int, b: int, level: int) -> int:
        self.op.append(op)
        self.a.append(a)
        self.b.append(b)
        self.level.append(level)
        return self.n_x + self.n_p + len(self.op) - 1

    def _lvl(self, node: int) -> int:
        k = node - self.n_x - self.n_p
        return 0 if k < 0 else self.level[k]

    def _binary(self, op: int, a: int, b: int) -> int:
        key = (op, a, b)
        node = self.binary_memo.get(key)
        if node is None:
            node = self._new(op, a, b, 1 + max(self._lvl(a), self._lvl(b)))
            self.binary_memo[key] = node
        return node

    def _sum(self, items: list[int]) -> int:
        while len(items) > 1:  # balanced pairwise reduction keeps the depth logarithmic
            nxt = [self._binary(ADD, items[k], items[k + 1]) for k in range(0, len(items) - 1, 2)]
            if len(items) % 2:
                nxt.append(items[-1])
            items = nxt
        return items[0]

    def record(self, node: object) -> int:
        """Record a Pyomo expression; return its node id."""
        if type(node) in native_numeric_types:
            return self._const(float(node))
        hit = self.memo.get(id(node))
        if hit is not None:
            return hit[1]
        out = self._record(node)
        self.memo[id(node)] = (node, out)
        return out

    def _record(self, node: object) -> int:
        if node.is_variable_type():
            return self.var_pos[id(node)]
        if node.is_parameter_type():
            pos = self.par_pos.get(id(node))
            return self._const(float(pyo.value(node))) if pos is None else self.n_x + pos
        if node.is_named_expression_type():
            return self.record(node.expr)
        if not node.is_expression_type():
            return self._const(float(pyo.value(node)))
        name = type(node).__name__.removeprefix("NPV_")
        args = [self.record(a) for a in node.args]
        if name in ("SumExpression", "LinearExpression"):
            return self._sum(args)
        if name in ("ProductExpression", "MonomialTermExpression"):
            return self._binary(MUL, args[0], args[1])
        if name == "DivisionExpression":
            return self._binary(DIV, args[0], args[1])
        if name == "PowExpression":
            base, expo = args
            if self.const_value.get(expo) == 2.0:
                return self._binary(MUL, base, base)
            return self._binary(POW, base, expo)
        if name == "NegationExpression":
            return self._new(NEG, args[0], -1, 1 + self._lvl(args[0]))
        if name == "UnaryFunctionExpression":
            return self._new(_UNARY_NAMES[node.getname()], args[0], -1, 1 + self._lvl(args[0]))
        if name == "AbsExpression":
            return self._new(ABS, args[0], -1, 1 + self._lvl(args[0]))
        raise TypeError(f"cannot compile Pyomo expression node {type(node).__name__}")


    def build(self, x: ca.SX, p: ca.SX, roots: list[int]) -> ca.SX:
        """The SX column of the root nodes, built with one vectorised call per (level, op)."""
        base = self.n_x + self.n_p
        const_nodes = sorted(self.const_value)
        leaves = ca.vertcat(x, p, ca.SX(ca.DM([self.const_value[c] for c in const_nodes])))
        where: dict[int, tuple[int, int]] = {}
        for k in range(base):
            where[k] = (0, k)
        for pos, c in enumerate(const_nodes):
            where[c] = (0, base + pos)
        vectors = [leaves]
        groups: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for k, (op, lvl) in enumerate(zip(self.op, self.level)):
            if op != LEAF:
                groups[lvl][op].append(base + k)

        def gather(nodes: list[int]) -> ca.SX:
            by_level: dict[int, list[int]] = defaultdict(list)
            for k, nd in enumerate(nodes):
                by_level[where[nd][0]].append(k)
            pieces, order = [], []
            for lvl, ks in by_level.items():
                pieces.append(vectors[lvl][[where[nodes[k]][1] for k in ks]])
                order += ks
            joined = ca.vertcat(*pieces)
            if order == list(range(len(nodes))):
                return joined
            inverse = [0] * len(order)
            for pos, k in enumerate(order):
                inverse[k] = pos
            return joined[inverse]

        for lvl in sorted(groups):
            parts, size = [], 0
            for op, nodes in groups[lvl].items():
                a = gather([self.a[nd - base] for nd in nodes])
                if op in _BINARY:
                    parts.append(_BINARY[op](a, gather([self.b[nd - base] for nd in nodes])))
                else:
                    parts.append(_UNARY[op](a))
                for k, nd in enumerate(nodes):
                    where[nd] = (len(vectors), size + k)
                size += len(nodes)
            vectors.append(ca.vertcat(*parts))
        return gather(roots)
