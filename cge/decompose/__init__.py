"""Explaining results: welfare decomposition and subtotals by shock, by path integration
(docs/decomposition.md).

The scenario's instruments move along a path p(t) from the base (t = 0) to the scenario
(t = 1).  The model is solved at quadrature nodes (one compiled model, each solve
warm-started from the nearest solved point); at each node the implicit-function theorem gives the
direction of the solution, dx/dt = -J^-1 (dg/dp) dp/dt, exactly (sparse AD and one LU), and
splits it by subtotal group g: dx_g/dt = -J^-1 (dg/dp) dp_g/dt, where dp_g/dt holds the
instruments that group's shocks change.  The path is cut where a quota or target starts or stops
binding; each smooth piece is integrated by Gauss-Legendre quadrature with more nodes until
the integral of every region's welfare rate matches its change in EV (known exactly at both
ends from the levels solutions) within ``tolerance`` x income -- the error of the EV
decomposition itself, since the components add up to the welfare rate at every point.

- welfare components (:mod:`cge.decompose.welfare`) sum to EV at every point exactly, so
  their integrals sum to the EV of the levels solution up to the integration error;
- subtotals of every results variable: rates from the results function in the group's
  direction (central differences, step 1e-6), so subtotals add up to the total change;
  they do not depend on the order of the shocks in the file.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse.linalg as spla
import xarray as xr

from cge.decompose.quadrature import NODE_COUNTS, gauss_legendre
from cge.decompose.welfare import BY_SECTOR, COMPONENTS, welfare_rates
from cge.model.algebra import values
from cge.model.demand import utility
from cge.errors import CGEInputError, SolveError
from cge.progress import step
from cge.results import CHANGE_VARIABLES, State, result_arrays, state_terms
from cge.scenario import Scenario, subtotal_groups
from cge.shocks import ShockRecord, instrument_path

FD_STEP = 1e-6
DEFAULT_TOLERANCE = 1e-6   # integration error of welfare, relative to each region's income
SWITCH_SCAN = 8            # intervals of the scan for switching points
SWITCH_TOLERANCE = 1e-9    # where on the path a quota or target starts or stops binding


@dataclass
class PointRates:
    """Everything integrated, at one grid point."""

    x: np.ndarray                   # the solution there
    dev: np.ndarray
    components: np.ndarray          # (component, region)
    by_sector: np.ndarray           # (component, region, sector)
    trade: np.ndarray               # (2, region, partner, sector)
    group_components: np.ndarray    # (group, component, region)
    group_results: dict[str, np.ndarray]  # variable -> (group, *dims)
    identity_residual: float


@dataclass
class Decomposition:
    """Integrated components, subtotals and their accuracy."""

    components: np.ndarray
    by_sector: np.ndarray
    trade: np.ndarray
    group_components: np.ndarray
    group_results: dict[str, np.ndarray]
    dims: dict[str, tuple[str, ...]]
    groups: list[str]
    intervals: int                    # quadrature nodes used (all pieces)
    error: np.ndarray                 # integration error estimate of EV by region
    identity_residual: float
    seconds: float
    history: list[dict] = field(default_factory=list)
    breaks: list[float] = field(default_factory=list)


def group_masks(record: ShockRecord, groups: dict[str, list[int]], n_par: int,
                label: Callable[[int], str]) -> np.ndarray:
    """(group, parameter) 0/1 masks: the instruments each group's shocks change.  One
    instrument changed by shocks of two groups cannot be attributed: refused in one line."""
    owner_group = {k: g for g, ks in groups.items() for k in ks}
    names = list(groups)
    masks = np.zeros((len(names), n_par))
    for pos, shocks in record.owners.items():
        gs = {owner_group[s] for s in shocks}
        if len(gs) > 1:
            raise CGEInputError(f"subtotals: {label(pos)} is changed by shocks in groups "
                                f"{', '.join(sorted(gs))}; put those shocks in one group")
        masks[names.index(gs.pop()), pos] = 1.0
    return masks


def _rates(cgem, solver, base_terms, cpi_base, x, p, dp, masks) -> PointRates:  # noqa: ANN001
    cm = solver.compiled
    lu = spla.splu(cm.jacobian(x, p).tocsc())
    dx = -lu.solve(cm.parameter_jvp(x, p, dp))
    total = welfare_rates(cgem, x, p, dx, dp, cpi_base)
    group_comp, group_res = [], {}
    for mask in masks:
        dp_g = dp * mask
        dx_g = -lu.solve(cm.parameter_jvp(x, p, dp_g))
        group_comp.append(welfare_rates(cgem, x, p, dx_g, dp_g, cpi_base).components)
        up = result_arrays(cgem, base_terms, state_terms(cgem, State(x + FD_STEP * dx_g, p + FD_STEP * dp_g)),
                           p + FD_STEP * dp_g)
        dn = result_arrays(cgem, base_terms, state_terms(cgem, State(x - FD_STEP * dx_g, p - FD_STEP * dp_g)),
                           p - FD_STEP * dp_g)
        for name, (_, arr) in up.items():
            group_res.setdefault(name, []).append((arr - dn[name][1]) / (2 * FD_STEP))
    return PointRates(x=x, dev=total.dev, components=total.components, by_sector=total.by_sector,
                      trade=total.trade,
                      group_components=np.array(group_comp).reshape((len(masks),) + total.components.shape),
                      group_results={k: np.asarray(v) for k, v in group_res.items()},
                      identity_residual=float(np.abs(total.identity_residual).max()))


def switching_values(cgem, x: np.ndarray, p: np.ndarray) -> np.ndarray:  # noqa: ANN001
    """slack - instrument of every complementarity (quotas, max targets): positive while
    the restriction is slack, negative while it binds; a sign change is a kink of the path."""
    _, e = cgem.evaluate(x, p)
    var, par, tr = cgem.variables, cgem.parameters, cgem.trade
    rent = x[var.slice("rent")]
    exports = np.asarray(e.trade.exports)
    slack = p[par.slice("quota")] - exports[tr.quota_flow] / tr.x_bar[tr.quota_flow]
    out = [slack - rent]
    if len(cgem.targets):
        mx = cgem.target_data.maximum
        share = np.asarray(e.target_share)
        out.append((p[par.slice("target_level")] - share)[mx] - x[var.slice("tgt")][mx])
    return np.concatenate(out)


def decompose(cached, sc: Scenario, p_target: np.ndarray, record: ShockRecord,  # noqa: ANN001
              tolerance: float = DEFAULT_TOLERANCE, min_nodes: int = NODE_COUNTS[0],
              max_nodes: int = NODE_COUNTS[-1]) -> Decomposition:
    """Integrate welfare components and subtotals along the path from the base to ``p_target``.

    The path is split where a quota or target switches between slack and binding (found by
    bisection on the switching values); each smooth piece is integrated by Gauss-Legendre
    quadrature with more nodes until the integral of every region's welfare rate matches
    the change in its EV between the piece's ends within ``tolerance`` x income."""
    start = time.perf_counter()
    cgem, solver, base = cached.cgem, cached.solver, cached.base
    groups = subtotal_groups(sc)
    masks = group_masks(record, groups, cgem.parameters.size, cgem.parameters.label)
    path = instrument_path(cgem, base.p, p_target, smoothing=False)
    base_terms = state_terms(cgem, base)
    cpi_base, income, u_base = base_terms.cpi, base_terms.inc, base_terms.utility
    base_arrays = result_arrays(cgem, base_terms, base_terms, base.p)
    dims = {k: d for k, (d, _) in base_arrays.items()}
    # no subtotal groups (a scenario whose instruments only the optimiser sets): empty subtotals
    no_groups = {k: np.zeros((0,) + np.shape(arr)) for k, (_, arr) in base_arrays.items()}
    solved: dict[float, np.ndarray] = {0.0: base.x.copy()}

    def solve_at(t: float) -> np.ndarray:
        if t not in solved:
            t0 = min(solved, key=lambda s: abs(s - t))
            solver.x, solver.p = solved[t0].copy(), path(t0)
            try:
                solver.solve(path(t), path=lambda s: path(t0 + s * (t - t0)))
            except SolveError as exc:
                raise SolveError(f"decomposition: no solution at t = {t:.4g} of the path: {exc}") from None
            solved[t] = solver.x.copy()
            step(0, f"decomposition: {len(solved) - 1} points of the shock path solved")
        return solved[t]

    def ev_at(t: float) -> np.ndarray:
        u = utility(cgem.demand, cgem.variables.split(solve_at(t)), cgem.parameters.split(path(t)))
        return cgem.demand.income_bar * cpi_base * (values(u) - u_base)

    def switching(t: float) -> np.ndarray:
        return switching_values(cgem, solve_at(t), path(t))

    breaks = _switches(switching, SWITCH_SCAN)
    pieces = list(zip([0.0] + breaks, breaks + [1.0]))
    totals: list[dict] = []
    history: list[dict] = []
    err = np.zeros(len(income))
    nodes_used = 0
    counts = [n for n in NODE_COUNTS if min_nodes <= n <= max_nodes] or [min_nodes]
    for a, b in pieces:
        change = ev_at(b) - ev_at(a)
        for n in counts:
            ts, ws = gauss_legendre(n, a, b)
            grid = [_rates(cgem, solver, base_terms, cpi_base, solve_at(float(t)), path(float(t)),
                           path.derivative(float(t)), masks) for t in ts]
            e_piece = np.abs(np.tensordot(ws, np.array([g.dev for g in grid]), axes=(0, 0)) - change)
            history.append({"from": a, "to": b, "nodes": n, "max_relative_error": float((e_piece / income).max())})
            if (e_piece / income).max() <= tolerance / len(pieces):
                break
        err = err + e_piece
        nodes_used += n

        def integral(get: Callable[[PointRates], np.ndarray], grid=grid, ws=ws) -> np.ndarray:
            return np.tensordot(ws, np.array([get(g) for g in grid]), axes=(0, 0))
        totals.append({
            "components": integral(lambda g: g.components), "by_sector": integral(lambda g: g.by_sector),
            "trade": integral(lambda g: g.trade), "group_components": integral(lambda g: g.group_components),
            "group_results": {k: integral(lambda g, k=k: g.group_results[k]) for k in grid[0].group_results},
            "identity": max(g.identity_residual for g in grid)})

    def add(key: str) -> np.ndarray:
        return sum(t[key] for t in totals)
    return Decomposition(
        components=add("components"), by_sector=add("by_sector"), trade=add("trade"),
        group_components=add("group_components"),
        group_results={k: sum(t["group_results"][k] for t in totals) for k in totals[0]["group_results"]}
        if len(masks) else no_groups,
        dims=dims, groups=list(groups), intervals=nodes_used, error=err,
        identity_residual=max(t["identity"] for t in totals),
        seconds=time.perf_counter() - start, history=history, breaks=breaks)


def _switches(values: Callable[[float], np.ndarray], n: int) -> list[float]:
    """Points in (0, 1) where a switching value changes sign, located by bisection after a scan
    of ``n`` intervals."""
    ts = np.linspace(0.0, 1.0, n + 1)
    vals = [np.sign(values(float(t))) for t in ts]
    out: list[float] = []
    for (a, va), (b, vb) in zip(zip(ts, vals), zip(ts[1:], vals[1:])):
        changed = np.flatnonzero((va != vb) & (va != 0) & (vb != 0))
        for k in changed:
            lo, hi, s_lo = float(a), float(b), va[k]
            while hi - lo > SWITCH_TOLERANCE:
                mid = 0.5 * (lo + hi)
                if np.sign(values(mid)[k]) == s_lo:
                    lo = mid
                else:
                    hi = mid
            out.append(0.5 * (lo + hi))
    return sorted({round(t, 12) for t in out})


def add_decomposition(ds: xr.Dataset, d: Decomposition) -> xr.Dataset:
    """The results Dataset with the decomposition and subtotal variables added."""
    out = ds.assign_coords(ev_component=list(COMPONENTS), trade_view=["terms_of_trade", "volume_of_trade"],
                           partner=ds["region"].values, subtotal=d.groups)
    out["ev_component_usd_million"] = (("region", "ev_component"), d.components.T)
    sec = np.where(np.isin(COMPONENTS, BY_SECTOR)[:, None, None], d.by_sector, np.nan)
    out["ev_component_by_sector_usd_million"] = (("region", "ev_component", "sector"), sec.transpose(1, 0, 2))
    out["ev_trade_usd_million"] = (("region", "trade_view", "partner", "sector"), d.trade.transpose(1, 0, 2, 3))
    out["subtotal_ev_component_usd_million"] = (("subtotal", "region", "ev_component"),
                                                d.group_components.transpose(0, 2, 1))
    for name in CHANGE_VARIABLES:
        out[f"subtotal_{name}"] = (("subtotal",) + d.dims[name], d.group_results[name])
    out.attrs.update({
        "decomposition_nodes": d.intervals,
        "decomposition_error_usd_million": float(d.error.max()),
        "decomposition_identity_residual": d.identity_residual,
        "decomposition_seconds": d.seconds,
        "subtotal_groups": ", ".join(d.groups),
        "decomposition_breaks": ", ".join(f"{t:.6g}" for t in d.breaks),
    })
    return out
