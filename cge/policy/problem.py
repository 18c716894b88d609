"""Optimal policy as a mathematical program with equilibrium constraints (MPEC):

    max_u  objective(x, p(u))   s.t.  g(x, p(u)) = 0  (the whole model),
                                      share_k(x, p(u)) <= level_k,   lower <= u <= upper,

where u are the instruments the optimiser sets (each replaces the rates of the flows or
activities it covers) and p(u) the model's parameters.  The problem is declared on a CasADi
MX graph of the model's own equations (:meth:`cge.model.build.CGEModel.equations` run on MX
vectors), so Ipopt gets exact first and second derivatives (the Lagrangian's Hessian) and
converges in a few Newton-like iterations; the parameters stay symbolic, so one built
problem serves every solve (best responses of a Nash iteration re-solve it with the other
players' tariffs changed).  Every optimum is checked with the model's own evaluator: the
equilibrium residual must be below the solver tolerance.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import SimpleNamespace

import casadi as ca
import numpy as np
import scipy.sparse as sp

from cge.errors import CGEInputError, SolveError
from cge.model.build import CGEModel
from cge.model.demand import utility
from cge.model.targets import TargetSpec, prepare_targets, target_shares
from cge.policy.spec import InstrumentSpec, OptimisationSpec
from cge.results import State
from cge.scenario import Scenario, Selection
from cge.shocks import share_flows
from cge.solve.compile import CompiledModel, residual_norm
from cge.solve.quiet import solver_output_to_stderr

IPOPT = {"tol": 1e-9, "constr_viol_tol": 1e-10, "mu_strategy": "adaptive", "max_iter": 500,
         "print_level": 0, "sb": "yes"}
# From a feasible start (an equilibrium), Ipopt is first run warm-started with a small barrier, so
# it stays near the start and climbs the objective's own slope: started with a large barrier, an
# interior-point method can wander onto a plateau where a prohibitive instrument has choked
# trade off (the objective is flat there, so the plateau is a spurious stationary point).  The
# default start is the fallback; a result worse than the start is never accepted.
IPOPT_LOCAL = {**IPOPT, "warm_start_init_point": "yes", "mu_init": 1e-8, "bound_push": 1e-10,
               "bound_frac": 1e-10, "warm_start_bound_push": 1e-10, "warm_start_mult_bound_push": 1e-10}
TOLERANCE = 1e-8
# no console noise from trial points Ipopt rejects or from multipliers nobody reads
CASADI_OPTIONS = {"print_time": False, "show_eval_warnings": False, "error_on_fail": False, "calc_lam_p": False}
PARAMETER = {"import_tariff": "tm", "export_tax": "te", "output_tax": "to"}


@dataclass
class InstrumentSet:
    """Instruments as columns: each column sets the parameter entries in its group."""

    labels: list[str]
    positions: list[np.ndarray]     # parameter positions each instrument sets
    lower: np.ndarray               # bounds, as rates
    upper: np.ndarray

    def matrix(self, n_par: int) -> sp.csc_matrix:
        rows = np.concatenate(self.positions)
        cols = np.concatenate([np.full(len(p), k) for k, p in enumerate(self.positions)])
        return sp.csc_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_par, len(self.positions)))

    def values(self, p: np.ndarray) -> np.ndarray:
        """Current rate of every instrument (mean over its entries)."""
        return np.array([p[pos].mean() for pos in self.positions])

    def apply(self, p: np.ndarray, u: np.ndarray) -> np.ndarray:
        out = p.copy()
        for pos, val in zip(self.positions, u):
            out[pos] = val
        return out


def instrument_set(cgem: CGEModel, sc: Scenario, specs: list[InstrumentSpec],
                   where: str = "instruments") -> InstrumentSet:
    """Resolve instrument specifications against the model's flows and activities."""
    b = cgem.benchmark
    par = cgem.parameters
    labels: list[str] = []
    positions: list[np.ndarray] = []
    lower, upper = [], []
    taken: dict[int, str] = {}
    for k, spec in enumerate(specs):
        field = f"{where}[{k}]"
        sel = Selection(sc, b.regions, b.sectors, field)
        name = PARAMETER[spec.type]
        groups: dict[tuple, list[int]] = {}
        sectors = sel.sectors(spec.sectors, "sectors")
        if spec.type == "output_tax":
            for r in sel.regions(spec.regions, "regions"):
                for j in sectors:
                    pos = _position(par, name, (j, r))
                    if pos is not None:
                        key = (r if "region" in spec.vary_by else "selected regions",
                               j if "sector" in spec.vary_by else "all sectors")
                        groups.setdefault(key, []).append(pos)
            head = "output tax"
        else:
            importers = sel.regions(spec.importers, "importers")
            exporters = sel.regions(spec.exporters, "exporters")
            partners = exporters if spec.type == "import_tariff" else importers
            for i in sectors:
                for e in exporters:
                    for r in importers:
                        pos = _position(par, name, (i, e, r))
                        if pos is None:
                            continue
                        partner = e if spec.type == "import_tariff" else r
                        own = r if spec.type == "import_tariff" else e
                        key = (own, partner if "partner" in spec.vary_by else None,
                               i if "sector" in spec.vary_by else None)
                        groups.setdefault(key, []).append(pos)
            head = spec.type.replace("_", " ")
            arrow = "<-" if spec.type == "import_tariff" else "->"
            every = ("all partners" if len(partners) == len(b.regions) - 1 or len(partners) > 3
                     else ",".join(partners))
            groups = {(own, f"{arrow} {partner or every}", sector or "all sectors"): pos
                      for (own, partner, sector), pos in groups.items()}
        if not groups:
            raise CGEInputError(f"{field}: selects no flow or activity with benchmark trade or output")
        for key, pos in groups.items():
            for q in pos:
                if q in taken:
                    raise CGEInputError(f"{field}: {par.label(q)} is already set by {taken[q]}; "
                                        "instruments must not overlap")
                taken[q] = field
            labels.append(f"{head} {' '.join(k for k in key if k)}")
            positions.append(np.array(pos, dtype=np.int64))
            lower.append(spec.lower_pct / 100.0)
            upper.append(spec.upper_pct / 100.0)
    return InstrumentSet(labels, positions, np.array(lower), np.array(upper))


def _position(par, name: str, label: tuple) -> int | None:  # noqa: ANN001
    try:
        return par.position(name, label)
    except KeyError:
        return None


@dataclass
class Optimum:
    """The solution of one optimisation."""

    x: np.ndarray
    p: np.ndarray
    u: np.ndarray
    objective: float
    status: str
    iterations: int
    seconds: float
    max_residual: float


@dataclass
class PolicyProblem:
    """An MPEC built once for a model, an instrument set, an objective and constraints."""

    cgem: CGEModel
    compiled: CompiledModel
    base: State
    instruments: InstrumentSet
    spec: OptimisationSpec
    sc: Scenario
    build_seconds: float = 0.0
    _solver: object = field(default=None, repr=False)

    def __post_init__(self) -> None:
        start = time.perf_counter()
        cgem, b = self.cgem, self.cgem.benchmark
        var, par = cgem.variables, cgem.parameters
        for r in self.spec.objective.weights:
            if r not in b.regions:
                raise CGEInputError(f"objective.weights: unknown region '{r}'; allowed: {', '.join(b.regions)}")
        x = ca.MX.sym("x", var.size)
        u = ca.MX.sym("u", len(self.instruments.positions))
        P = ca.MX.sym("P", par.size)
        M = self.instruments.matrix(par.size)
        keep = np.ones(par.size)
        keep[M.indices] = 0.0
        Mdm = ca.DM(ca.Sparsity(par.size, M.shape[1], M.indptr.tolist(), M.indices.tolist()), M.data)
        p = P * ca.DM(keep) + ca.mtimes(Mdm, u)
        v = SimpleNamespace(**{k: x[var.slice(k)] for k in var.blocks})
        q = SimpleNamespace(**{k: p[par.slice(k)] for k in par.blocks})
        fam, e = cgem.equations(v, q)
        g = ca.vertcat(*[fam[k] for k in cgem.rows.blocks])[self.compiled.active.tolist()]
        U = utility(cgem.demand, v, q)
        base_terms = cgem.evaluate(self.base.x, self.base.p)[1]
        cpi0 = np.asarray(base_terms.cpi, float)
        u0 = np.asarray(utility(cgem.demand, var.split(self.base.x), par.split(self.base.p)), float)
        inc_bar = cgem.demand.income_bar
        self._ev = ca.Function("ev", [x, u, P], [inc_bar * cpi0 * (U - u0)])
        ev = inc_bar * cpi0 * (U - u0)
        obj = self.spec.objective
        idx = [b.ri[r] for r in obj.weights]
        w = np.array(list(obj.weights.values()))
        if obj.kind == "welfare":
            scale = float((np.abs(w) * inc_bar[idx]).sum()) / 100.0  # objective in % of income
            f = -ca.dot(ca.DM(w), ev[idx]) / scale
        else:
            rel = ev[idx] / ca.DM(inc_bar[idx] / 100.0)
            f = ca.dot(ca.DM(w), rel * rel)
        cons = [g]
        self._share_names = []
        if self.spec.constraints:
            specs = []
            for k, c in enumerate(self.spec.constraints):
                flows, market, dom = share_flows(self.sc, b, c, f"constraints[{k}]")
                specs.append(TargetSpec(c.name, tuple(flows), tuple(market), tuple(dom), "import_tariff", "max"))
                self._share_names.append(c.name)
            td = prepare_targets(b, cgem.sets, specs)
            share = target_shares(td, e.trade.pcif * e.trade.exports, v.py * e.home)
            cons.append(share)
            self._share_fn = ca.Function("share", [x, u, P], [share])
        self._levels = np.array([c.max_share for c in self.spec.constraints])
        self._nlp = {"x": ca.vertcat(x, u), "p": P, "f": f, "g": ca.vertcat(*cons)}
        self._objective = ca.Function("objective", [ca.vertcat(x, u), P], [f])
        self._solver = ca.nlpsol("policy", "ipopt", self._nlp, {"ipopt": IPOPT, **CASADI_OPTIONS})
        self._local = None
        self._n = var.size
        self.build_seconds = time.perf_counter() - start

    def _local_solver(self):  # noqa: ANN202
        """The warm-started, small-barrier Ipopt (built on first use)."""
        if self._local is None:
            self._local = ca.nlpsol("policy_local", "ipopt", self._nlp, {"ipopt": IPOPT_LOCAL, **CASADI_OPTIONS})
        return self._local

    def ev(self, x: np.ndarray, u: np.ndarray, p: np.ndarray) -> np.ndarray:
        """EV of every region at a point."""
        return np.asarray(self._ev(x, u, p)).ravel()

    def solve(self, p: np.ndarray, x0: np.ndarray, u0: np.ndarray | None = None) -> Optimum:
        """Optimise the instruments given every other parameter in ``p`` (warm start x0, u0)."""
        start = time.perf_counter()
        ins = self.instruments
        u0 = ins.values(p) if u0 is None else u0
        n = self._n
        z0 = np.concatenate([x0, np.clip(u0, ins.lower, ins.upper)])
        bounds = {"p": p, "lbx": np.concatenate([np.full(n, -np.inf), ins.lower]),
                  "ubx": np.concatenate([np.full(n, np.inf), ins.upper]),
                  "lbg": np.concatenate([np.zeros(n), np.full(len(self._levels), -np.inf)]),
                  "ubg": np.concatenate([np.zeros(n), self._levels])}
        start_value = float(self._objective(z0, p))
        feasible_start = residual_norm(self.compiled, x0, ins.apply(p, np.clip(u0, ins.lower, ins.upper)))[0] \
            <= TOLERANCE and not self._levels.size
        attempts = [self._local_solver(), self._solver] if feasible_start else [self._solver]
        sol = stats = None
        for solver in attempts:
            with solver_output_to_stderr():
                trial = solver(x0=z0, **bounds)
            if solver.stats()["success"] and (sol is None or float(trial["f"]) < float(sol["f"])):
                sol, stats = trial, solver.stats()
            if sol is not None and (not feasible_start or float(sol["f"]) <= start_value):
                break
        if sol is None:
            sol, stats = trial, solver.stats()
        z = np.asarray(sol["x"]).ravel()
        x, u = z[:n], z[n:]
        p_opt = ins.apply(p, u)
        resid, row = residual_norm(self.compiled, x, p_opt)
        status = str(stats["return_status"])
        if status in ("Infeasible_Problem_Detected", "Restoration_Failed") and self._levels.size:
            raise CGEInputError(f"constraints: no instrument values within the bounds meet the share "
                                f"constraints ({status}); widen the bounds or loosen the constraints")
        if feasible_start and float(sol["f"]) > start_value + 1e-9 * max(1.0, abs(start_value)):
            raise SolveError(f"optimisation ended at a worse point than it started (objective "
                             f"{float(sol['f']):.6g} > {start_value:.6g}); status '{status}'")
        if not stats["success"] or resid > TOLERANCE:
            raise SolveError(f"optimisation failed: status '{status}', {stats['iter_count']} iterations, "
                             f"largest equilibrium residual {resid:.3g} in {self.compiled.row_label(row)}")
        return Optimum(x=x, p=p_opt, u=u, objective=float(sol["f"]), status=status,
                       iterations=int(stats["iter_count"]), seconds=time.perf_counter() - start,
                       max_residual=resid)

    def shares(self, x: np.ndarray, u: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Values of the share constraints at a point."""
        if not self._levels.size:
            return np.zeros(0)
        return np.asarray(self._share_fn(x, u, p)).ravel()
