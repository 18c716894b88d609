"""Split one sector of a base dataset into two, like GTAP's SplitCom.

A split carves a new sector (e.g. ``SEMI``) out of a parent (e.g. ``ELE``) so that
every total of the parent is preserved exactly: output, bilateral trade by pair,
tariff revenue by pair, value added, and every use (parent + new = old parent).
What is known about the new good comes from a :class:`SplitSpec` (one YAML file per
new sector under ``calibration/splits/``); everything else is proportional to the
parent.

Method (all by region ``r``; ``p`` = parent, ``n`` = new):

1. Output: ``Y_n[r]`` from the spec (shares of world output times a world value,
   or shares of the parent's output); ``s[r] = Y_n[r] / Y_p[r]``.
2. Cost structure: the parent's column (intermediates, factor income, tariffs on
   inputs) is split in proportion ``s[r]``: the new sector has the parent's
   input-output coefficients and factor shares.
3. Exports: exporter totals ``E_n[x]`` from the spec's exporter shares of world
   exports, kept within ``[max(0, Y_n - (Y_p - E_p)), min(Y_n, E_p)]`` so that
   domestic sales of both goods stay non-negative; destinations proportional to
   the parent's, or fitted to importer shares by a bounded RAS capped at the
   parent's bilateral flow.  Tariff rates are the parent's, so revenue by pair is
   preserved.
4. Uses: the absorption ``A_n = Y_n - E_n + M_n`` is allocated across users.
   Users named in the spec take their specified share of their use of the parent
   good; the rest goes to the residual users in proportion to their use of the
   parent good, each capped at its use of the parent good.  If the specified
   shares conflict with absorption, they are scaled (rebalancing), and the size of
   the adjustment is recorded.
5. Domestic/imported split of each use: a common domestic share, adjusted within
   bounds so that no use of the parent remainder turns negative.

Tariffs paid by users (``int_tariff``, ``fd_tariff``) stay as they were for every
user other than the split column (the schema records them by using sector, not by
commodity), so the importer's tariff totals are preserved exactly.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from cge.data.build import write_dataset
from cge.data.schema import (COMMODITY, EXPORTER, FACTOR, FD, FIELDS,
                             IMPORTER, REGION, SECTOR)
from cge.data.split_spec import DEFAULT, OTHER, SplitSpec, load_split_spec
from cge.data.split_structure import (add_resource_factor, set_cost_shares, set_elasticities,
                                      shift_input_purchases)
from cge.errors import CGEInputError
from cge.integrity import open_netcdf
from cge.resources import calibration_dir

__all__ = ["SplitSpec", "load_split_spec", "split_sector", "apply_splits",
           "allocate_within_bounds", "build_critical_dataset", "SPLITS_DIR", "CRITICAL_SPLITS"]

_DIM_ORDER = {f.name: f.dims for f in FIELDS}


# ------------------------------------------------------------------ allocation
def allocate_within_bounds(total: float, weights: np.ndarray, lo: np.ndarray,
                           hi: np.ndarray, what: str) -> np.ndarray:
    """Split ``total`` in proportion to ``weights`` with each part in ``[lo, hi]``.

    Solves ``sum(clip(lam * weights, lo, hi)) = total`` for ``lam`` (bisection; the
    sum is monotone in ``lam``), then removes the last rounding error on the
    unbounded entries so the parts add up to ``total`` to machine precision."""
    weights = np.asarray(weights, float)
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    eff_hi = np.where(weights > 0, hi, lo)
    scale = max(abs(total), 1.0)
    if total < lo.sum() - 1e-9 * scale or total > eff_hi.sum() + 1e-9 * scale:
        raise CGEInputError(f"{what}: cannot allocate {total:.6g} within bounds "
                            f"[{lo.sum():.6g}, {eff_hi.sum():.6g}]")
    if weights.sum() <= 0:
        return lo.copy()
    pos = weights > 0
    lam_hi = 1.0
    while np.clip(lam_hi * weights, lo, hi).sum() < total and lam_hi < 1e300:
        lam_hi *= 2.0
    lam_lo = 0.0
    for _ in range(200):
        lam = 0.5 * (lam_lo + lam_hi)
        if np.clip(lam * weights, lo, hi).sum() < total:
            lam_lo = lam
        else:
            lam_hi = lam
    x = np.clip(lam_hi * weights, lo, hi)
    free = pos & (x > lo) & (x < hi)
    gap = total - x.sum()
    if free.any() and x[free].sum() > 0:
        x[free] += gap * x[free] / x[free].sum()
    return x


def _shares_to_vector(shares: dict[str, float], regions: list[str],
                      spread: np.ndarray) -> np.ndarray:
    """Region shares (with an optional 'other' key) -> vector over ``regions``;
    'other' is spread over unlisted regions in proportion to ``spread``."""
    vec = np.array([shares.get(r, 0.0) for r in regions])
    rest = shares.get(OTHER, 0.0)
    unlisted = np.array([r not in shares for r in regions])
    if rest > 0:
        base = np.where(unlisted, spread, 0.0)
        if base.sum() <= 0:
            base = unlisted.astype(float)
        vec = vec + rest * base / base.sum()
    return vec


# ------------------------------------------------------------------ the split
def _check_codes(ds: xr.Dataset, spec: SplitSpec) -> None:
    sectors = [str(s) for s in ds[SECTOR].values]
    regions = [str(r) for r in ds[REGION].values]
    agents = [str(f) for f in ds[FD].values]
    tag = f"split {spec.new}"
    if spec.parent not in sectors:
        raise CGEInputError(f"{tag}: parent: unknown sector '{spec.parent}'; allowed: {' '.join(sectors)}")
    if spec.new in sectors:
        raise CGEInputError(f"{tag}: new: sector '{spec.new}' already exists in the dataset")
    users = sectors + [spec.new] + agents
    for good in spec.costs:
        if good not in sectors:
            raise CGEInputError(f"{tag}: costs.{good}: unknown sector; allowed: {' '.join(sectors)}")
    for field, keys in (("uses", list(spec.uses)), ("residual_users", spec.residual_users or [])):
        for key in keys:
            if key not in users:
                raise CGEInputError(f"{tag}: {field}.{key}: unknown sector or final-demand agent; "
                                    f"allowed: {' '.join(users)}")
    region_maps: list[tuple[str, dict[str, float] | None, set[str]]] = [
        ("output.region_shares", spec.output.region_shares, {OTHER}),
        ("output.share_of_parent", spec.output.share_of_parent, {DEFAULT}),
        ("trade.exporter_shares", spec.trade.exporter_shares, {OTHER}),
        ("trade.importer_shares", spec.trade.importer_shares, {OTHER}),
    ] + [(f"uses.{k}.by_region", u.by_region, set()) for k, u in spec.uses.items()] + [
        (f"costs.{k}.by_region", c.by_region, set()) for k, c in spec.costs.items()]
    for field, mapping, extra in region_maps:
        for key in mapping or {}:
            if key not in regions and key not in extra:
                raise CGEInputError(f"{tag}: {field}.{key}: unknown region; allowed: "
                                    f"{' '.join(regions + sorted(extra))}")


def _insert_label(labels: list[str], parent: str, new: str) -> list[str]:
    i = labels.index(parent)
    return labels[: i + 1] + [new] + labels[i + 1:]


def _extend(da: xr.DataArray, dim: str, parent: str, new: str) -> xr.DataArray:
    """Add label ``new`` on ``dim`` right after ``parent`` (a copy of the parent)."""
    labels = [str(x) for x in da[dim].values]
    copy = da.sel({dim: [parent]}).assign_coords({dim: [new]})
    return xr.concat([da, copy], dim=dim).sel({dim: _insert_label(labels, parent, new)})


def split_sector(ds: xr.Dataset, spec: SplitSpec) -> xr.Dataset:
    """Split ``spec.parent`` into parent remainder and ``spec.new``; see module doc.

    Returns a new dataset with the new label on ``sector`` and ``commodity``, the
    attrs ``split_parents`` (JSON new -> parent) and ``splits`` (JSON list of
    definitions, sources and adjustment sizes) updated."""
    _check_codes(ds, spec)
    p, n = spec.parent, spec.new
    regions = [str(r) for r in ds[REGION].values]
    agents = [str(f) for f in ds[FD].values]
    R = len(regions)
    adjust: dict[str, Any] = {}

    # 1. output
    y_p = ds["output"].sel({SECTOR: p}).transpose(REGION).values.astype(float)
    if spec.output.share_of_parent is not None:
        sop = spec.output.share_of_parent
        s = np.array([sop.get(r, sop[DEFAULT]) for r in regions])
        y_n = s * y_p
    else:
        y_n = spec.output.world_usd_m * _shares_to_vector(spec.output.region_shares, regions, y_p)
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.where(y_p > 0, y_n / y_p, 0.0)
        too_big = s >= 1.0
        if too_big.any():
            r = regions[int(np.argmax(s))]
            raise CGEInputError(f"split {n}: output.region_shares.{r}: new sector output "
                                f"{y_n[regions.index(r)]:.6g} is not below the parent's "
                                f"{y_p[regions.index(r)]:.6g}")
        y_n = s * y_p

    # 2. extend every variable, then split the parent column in proportion s
    extended = {}
    for name, da in ds.data_vars.items():
        for dim in (SECTOR, COMMODITY):
            if dim in da.dims:
                da = _extend(da, dim, p, n)
        extended[name] = da
    out = xr.Dataset(extended, attrs=dict(ds.attrs))
    for name in ("output", "int_dom", "int_imp", "factor_income", "int_tariff"):
        da = out[name].transpose(..., SECTOR, REGION).copy()
        col_p = da.sel({SECTOR: p}).values.copy()
        da.loc[{SECTOR: n}] = col_p * s
        da.loc[{SECTOR: p}] = col_p * (1.0 - s)
        out[name] = da.transpose(*_DIM_ORDER[name])
    for name in ("int_dom", "int_imp", "fd_dom", "fd_imp"):
        da = out[name].copy()
        da.loc[{COMMODITY: n}] = 0.0   # the new good's row is filled in step 4
        out[name] = da
    set_elasticities(out, spec)
    if spec.costs:
        adjust["cost_shares_moved_usd_m"] = set_cost_shares(out, spec)

    # 3. trade
    trade_p = ds["trade"].sel({SECTOR: p}).transpose(EXPORTER, IMPORTER).values.astype(float)
    e_p = trade_p.sum(axis=1)
    intensity = s * e_p
    world_x = spec.trade.world_exports_usd_m or intensity.sum()
    target = (world_x * _shares_to_vector(spec.trade.exporter_shares, regions, intensity)
              if spec.trade.exporter_shares else
              world_x * intensity / max(intensity.sum(), 1e-300))
    lo = np.maximum(0.0, y_n - (y_p - e_p))
    hi = np.minimum(y_n, e_p)
    e_n = allocate_within_bounds(world_x, target, lo, hi, f"split {n}: trade.exporter_shares")
    adjust["exports_moved_share"] = float(np.abs(e_n - target).sum() / (2 * world_x)) if world_x else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        trade_n = np.where(e_p[:, None] > 0, trade_p * (e_n / e_p)[:, None], 0.0)
    if spec.trade.importer_shares:
        imp_target = world_x * _shares_to_vector(spec.trade.importer_shares, regions,
                                                 trade_n.sum(axis=0))
        trade_n = _bounded_ras(trade_n, e_n, imp_target, trade_p, n)
        adjust["imports_target_gap_share"] = float(
            np.abs(trade_n.sum(axis=0) - imp_target).sum() / (2 * world_x))
    m_n = trade_n.sum(axis=0)
    dom_n = y_n - e_n
    moved = _adjust_user_costs(out, spec, dom_n, m_n)
    if moved:
        adjust["user_costs_moved_usd_m"] = moved

    # 4-5. uses of the new good
    sectors_new = [str(x) for x in out[SECTOR].values]
    int_dom = out["int_dom"].transpose(COMMODITY, SECTOR, REGION)
    int_imp = out["int_imp"].transpose(COMMODITY, SECTOR, REGION)
    fd_dom = out["fd_dom"].transpose(COMMODITY, FD, REGION)
    fd_imp = out["fd_imp"].transpose(COMMODITY, FD, REGION)
    users = sectors_new + agents
    d_p = np.vstack([int_dom.sel({COMMODITY: p}).values, fd_dom.sel({COMMODITY: p}).values])
    i_p = np.vstack([int_imp.sel({COMMODITY: p}).values, fd_imp.sel({COMMODITY: p}).values])
    u_p = d_p + i_p
    y_users = np.vstack([out["output"].transpose(SECTOR, REGION).values, np.zeros((len(agents), R))])
    t_spec = np.full(u_p.shape, np.nan)
    clipped = 0.0
    for key, use in spec.uses.items():
        k = users.index(key)
        with np.errstate(divide="ignore", invalid="ignore"):
            if use.world_usd_m is not None:
                sigma = np.full(R, use.world_usd_m / max(u_p[k].sum(), 1e-300))
            elif use.cost_share is not None:
                cs = np.array([(use.by_region or {}).get(r, use.cost_share) for r in regions])
                sigma = np.where(u_p[k] > 0, cs * y_users[k] / u_p[k], 0.0)
            else:
                sigma = np.array([(use.by_region or {}).get(r, use.share_of_parent_use)
                                  for r in regions])
        clipped = max(clipped, float(np.max(sigma)) - 1.0) if sigma.size else clipped
        t_spec[k] = np.minimum(sigma, 1.0) * u_p[k]
    adjust["use_share_clipped_by"] = max(clipped, 0.0)
    specified = ~np.isnan(t_spec[:, 0])
    resid = np.zeros(len(users), bool)
    if spec.residual_users is None:
        resid[~specified] = True
    else:
        resid[[users.index(u) for u in spec.residual_users]] = True
        resid &= ~specified
    t = np.zeros_like(u_p)
    use_moved = 0.0
    for j in range(R):
        t[:, j] = _allocate_uses(dom_n[j] + m_n[j], np.nan_to_num(t_spec[:, j]), u_p[:, j],
                                 specified, resid, f"split {n} in {regions[j]}")
        spec_total = np.nan_to_num(t_spec[:, j]).sum()
        if spec_total > 0:
            use_moved = max(use_moved, float(np.abs(t[specified, j] - t_spec[specified, j]).sum()
                                             / spec_total))
    adjust["specified_uses_rescaled_share"] = use_moved
    d_n, i_n = np.zeros_like(u_p), np.zeros_like(u_p)
    split_moved = 0.0
    for j in range(R):
        # common domestic share; users with no target get a tiny weight so they can
        # take what users at their cap (their parent purchases) cannot
        where = f"split {n}: uses in {regions[j]}"
        d_n[:, j] = _allocate_with_fallback(dom_n[j], t[:, j], u_p[:, j], d_p[:, j],
                                            f"{where} (domestic)")
        i_n[:, j] = _allocate_with_fallback(m_n[j], t[:, j], u_p[:, j], i_p[:, j],
                                            f"{where} (imported)")
        absorption = dom_n[j] + m_n[j]
        if absorption > 0:
            split_moved = max(split_moved, float(np.abs(d_n[:, j] + i_n[:, j] - t[:, j]).sum()
                                                 / (2 * absorption)))
    adjust["uses_moved_by_dom_imp_bounds_share"] = split_moved
    ns = len(sectors_new)
    for name, arr, new_rows, dim in (("int_dom", int_dom, d_n[:ns], SECTOR),
                                     ("int_imp", int_imp, i_n[:ns], SECTOR),
                                     ("fd_dom", fd_dom, d_n[ns:], FD),
                                     ("fd_imp", fd_imp, i_n[ns:], FD)):
        vals = arr.copy()
        vals.loc[{COMMODITY: n}] = new_rows
        vals.loc[{COMMODITY: p}] = arr.sel({COMMODITY: p}).values - new_rows
        out[name] = vals.transpose(*_DIM_ORDER[name])

    # trade, tariffs, elasticities
    trade = out["trade"].transpose(SECTOR, EXPORTER, IMPORTER).copy()
    trade.loc[{SECTOR: n}] = trade_n
    trade.loc[{SECTOR: p}] = trade_p - trade_n
    out["trade"] = trade.transpose(*_DIM_ORDER["trade"])
    revenue = out["tariff_revenue"].transpose(SECTOR, EXPORTER, IMPORTER).copy()
    rate = out["tariff_rate"].transpose(SECTOR, EXPORTER, IMPORTER)
    for code, flow in ((p, trade_p - trade_n), (n, trade_n)):
        revenue.loc[{SECTOR: code}] = rate.sel({SECTOR: code}).values * flow
    out["tariff_revenue"] = revenue.transpose(*_DIM_ORDER["tariff_revenue"])

    adjust["tariff_reattribution_usd_m"] = _reattribute_tariffs(out)
    if spec.resource is not None:
        out, adjust["resource_income_usd_m"] = add_resource_factor(out, spec)

    for name in ds.data_vars:
        out[name].attrs = dict(ds[name].attrs)
    out.attrs = dict(ds.attrs) | {k: out.attrs[k] for k in ("elasticity_sources", "factor_mobility")
                                  if k in out.attrs}
    parents = json.loads(ds.attrs.get("split_parents", "{}"))
    parents[n] = p
    out.attrs["split_parents"] = json.dumps(parents)
    splits = json.loads(ds.attrs.get("splits", "[]"))
    splits.append({"new": n, "parent": p, "name": spec.name,
                   "definition": spec.model_dump(exclude_none=True), "adjustments": adjust})
    out.attrs["splits"] = json.dumps(splits)
    return out


def _adjust_user_costs(out: xr.Dataset, spec: SplitSpec, dom_n: np.ndarray,
                       m_n: np.ndarray) -> dict[str, float]:
    """For users named with ``adjust_user_costs``: raise their purchases of the parent good by
    the new good's cost share of their output (domestic and imported at the new good's
    mix in each region), paid for by their other inputs; their own parent takes the opposite
    change (:func:`cge.data.split_structure.shift_input_purchases`)."""
    parents = json.loads(out.attrs.get("split_parents", "{}"))
    regions = [str(r) for r in out[REGION].values]
    moved = {}
    for user, use in spec.uses.items():
        if not use.adjust_user_costs:
            continue
        if user not in parents:
            raise CGEInputError(f"split {spec.new}: uses.{user}.adjust_user_costs: {user} is not a "
                                f"split sector, so no parent can take the opposite change")
        share = np.array([(use.by_region or {}).get(r, use.cost_share) for r in regions])
        target = share * out["output"].sel({SECTOR: user}).transpose(REGION).values
        absorption = dom_n + m_n
        with np.errstate(divide="ignore", invalid="ignore"):
            dom_share = np.where(absorption > 0, dom_n / absorption, 0.0)
        moved[user] = shift_input_purchases(out, user, parents[user], spec.parent,
                                            target * dom_share, target * (1.0 - dom_share),
                                            f"split {spec.new}: uses.{user}.adjust_user_costs")
    return moved


def _allocate_with_fallback(total: float, target: np.ndarray, parent_use: np.ndarray,
                            cap: np.ndarray, what: str) -> np.ndarray:
    """Allocate in proportion to the use targets within ``[0, cap]``; if users with a
    target cannot take it all, every user with parent purchases shares the rest."""
    zero = np.zeros_like(cap)
    try:
        return allocate_within_bounds(total, target, zero, cap, what)
    except CGEInputError:
        return allocate_within_bounds(total, target + 1e-9 * parent_use, zero, cap, what)


def _reattribute_tariffs(out: xr.Dataset) -> float:
    """Recompute tariffs paid by users from the importer's average tariff on each
    good (the schema's identity ``int_tariff = sum_i tbar(i,r) int_imp(i,j,r)``).

    Splitting a good changes the average tariff of its two halves (their source
    mixes differ), which moves tariff payments between users of the same region;
    their sum, the importer's revenue, is unchanged.  Each sector's change is
    absorbed by its factor income (pro rata across factors) so the column still
    balances; regional value added plus tariffs is unchanged.  Returns the largest
    absolute change of one user's tariff bill (USD million)."""
    imports = out["trade"].sum(EXPORTER)
    revenue = out["tariff_revenue"].sum(EXPORTER)
    tbar = xr.where(imports > 0, revenue / imports.where(imports > 0, 1.0), 0.0)
    tbar = tbar.rename({SECTOR: COMMODITY, IMPORTER: REGION})
    int_tariff = (tbar * out["int_imp"]).sum(COMMODITY).transpose(*_DIM_ORDER["int_tariff"])
    fd_tariff = (tbar * out["fd_imp"]).sum(COMMODITY).transpose(*_DIM_ORDER["fd_tariff"])
    delta = int_tariff - out["int_tariff"]
    fi = out["factor_income"]
    total = fi.sum(FACTOR)
    weight = xr.where(total > 0, fi / total.where(total > 0, 1.0), 1.0 / fi.sizes[FACTOR])
    out["factor_income"] = (fi - weight * delta).transpose(*_DIM_ORDER["factor_income"])
    moved = max(float(np.abs(delta).max()),
                float(np.abs(fd_tariff - out["fd_tariff"]).max()))
    out["int_tariff"] = int_tariff
    out["fd_tariff"] = fd_tariff
    return moved


def _allocate_uses(absorption: float, t_spec: np.ndarray, u_p: np.ndarray,
                   specified: np.ndarray, resid: np.ndarray, what: str) -> np.ndarray:
    """Allocate one region's absorption of the new good across users.

    Specified users get their target; residual users share the remainder in
    proportion to their use of the parent good.  If the targets exceed
    absorption they are scaled down; if the residual users cannot take the
    remainder (capped at their parent use), it goes to the other users in
    proportion to their parent use, each capped at its parent use."""
    t = np.zeros_like(u_p)
    spec_total = t_spec[specified].sum()
    rest = absorption - spec_total
    cap = u_p[resid].sum()
    if rest < 0:
        t[specified] = t_spec[specified] * absorption / spec_total
    elif rest <= cap:
        t[specified] = t_spec[specified]
        if cap > 0:
            t[resid] = rest * u_p[resid] / cap
    else:
        lo = np.where(specified, t_spec, np.where(resid, u_p, 0.0))
        t = allocate_within_bounds(absorption, u_p, lo, u_p, f"{what}: uses")
    return t


def _bounded_ras(x0: np.ndarray, rows: np.ndarray, cols: np.ndarray, cap: np.ndarray,
                 new: str, iterations: int = 200) -> np.ndarray:
    """Fit a matrix to column targets keeping row totals exact and cells <= cap
    (RAS with bounds); the last step restores the row totals exactly."""
    x = x0.copy()
    for _ in range(iterations):
        for m in range(x.shape[1]):
            col_hi = min(cols[m], cap[:, m].sum())
            x[:, m] = allocate_within_bounds(col_hi, np.where(x[:, m] > 0, x[:, m], cap[:, m]),
                                             np.zeros(x.shape[0]), cap[:, m],
                                             f"split {new}: trade.importer_shares")
        for e in range(x.shape[0]):
            x[e] = allocate_within_bounds(rows[e], np.where(x[e] > 0, x[e], cap[e]),
                                          np.zeros(x.shape[1]), cap[e],
                                          f"split {new}: trade.exporter_shares")
        if np.abs(x.sum(axis=0) - cols).max() <= 1e-9 * max(cols.sum(), 1.0):
            break
    return x


# ------------------------------------------------------------------ pipeline
def apply_splits(ds: xr.Dataset, spec_paths: list[str | Path]) -> xr.Dataset:
    """Apply several split definitions in order (later ones may name earlier new
    sectors as users) and record ``critical_inputs`` (JSON list of new codes)."""
    for path in spec_paths:
        ds = split_sector(ds, load_split_spec(path))
    ds.attrs["critical_inputs"] = json.dumps(list(json.loads(ds.attrs["split_parents"])))
    return ds


SPLITS_DIR = calibration_dir() / "splits"
CRITICAL_SPLITS: tuple[str, ...] = ("mag.yaml", "semi.yaml", "ree.yaml")
"""Order matters: MAG and SEMI come out of ELE first, so REE can name MAG as a user."""


def build_critical_dataset(default_path: str | Path, out_path: str | Path,
                           splits_dir: str | Path = SPLITS_DIR) -> xr.Dataset:
    """Split REE, MAG and SEMI out of the default dataset and write it atomically.

    The file is written by :func:`cge.data.build.write_dataset` (atomic, compressed),
    so a failed build never damages an existing output.  Returns the split dataset."""
    default_path, out_path = Path(default_path), Path(out_path)
    if not default_path.is_file():
        raise CGEInputError(f"default dataset {default_path}: file not found "
                            f"(build it first with `cge data build`)")
    base = open_netcdf(default_path, "dataset file")
    start = time.perf_counter()
    ds = apply_splits(base, [Path(splits_dir) / f for f in CRITICAL_SPLITS])
    seconds = time.perf_counter() - start
    n_sec, n_reg = ds.sizes[SECTOR], ds.sizes[REGION]
    ds.attrs["title"] = f"{base.attrs.get('title', 'base dataset')} with critical inputs split " \
                        f"({n_reg} regions x {n_sec} sectors)"
    write_dataset(ds, out_path)
    ds.attrs["split_seconds"] = round(seconds, 3)
    return ds
