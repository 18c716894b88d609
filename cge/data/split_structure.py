"""A split sector's own structure: cost shares, a natural-resource factor, elasticities.

By default a sector split out of a parent (:mod:`cge.data.split`) copies the parent's
column and elasticities.  These functions give it its own, where a split definition
(:mod:`cge.data.split_spec`) says so, while every identity of the base dataset keeps
holding:

- :func:`shift_input_purchases` raises (or lowers) one input of a split sector and pays for
  it by scaling all its other inputs (intermediates, factors, tariffs) pro rata; the
  sector's parent takes the opposite change, so parent + new = old parent stays exact cell
  by cell, and every row total (each good's total use) is unchanged.
- :func:`set_cost_shares` uses it to give the new sector named input cost shares (GTAP
  SplitCom's user-supplied cost structure).
- :func:`add_resource_factor` carves a sector-specific natural-resource factor out of the new
  sector's value added (the other factors scaled down pro rata, regional value added
  unchanged) and records its supply elasticity and mobility for the model.
- :func:`set_elasticities` sets the new sector's own substitution elasticities.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from cge.data.elasticities import ELASTICITY_SETS
from cge.data.schema import COMMODITY, FACTOR, FIELDS, REGION, SECTOR
from cge.data.split_spec import ResourceSpec, SplitSpec
from cge.errors import CGEInputError

_DIM_ORDER = {f.name: f.dims for f in FIELDS}
SUPPLY_ELASTICITY = "factor_supply_elasticity"
SPECIFIC = "sector_specific"
TOL = 1e-9  # USD million


def _column(out: xr.Dataset, name: str, sector: str) -> np.ndarray:
    dims = [d for d in _DIM_ORDER[name] if d != SECTOR]
    return out[name].sel({SECTOR: sector}).transpose(*dims).values.astype(float)


def _set_column(out: xr.Dataset, name: str, sector: str, values: np.ndarray) -> None:
    da = out[name].transpose(..., SECTOR, REGION).copy()
    dims = [d for d in da.dims if d != SECTOR]
    current = out[name].sel({SECTOR: sector}).transpose(*dims)
    da.loc[{SECTOR: sector}] = xr.DataArray(values, dims=current.dims, coords=current.coords)
    out[name] = da.transpose(*_DIM_ORDER[name])


def shift_input_purchases(out: xr.Dataset, user: str, donor: str, commodity: str,
                          add_dom: np.ndarray, add_imp: np.ndarray, what: str) -> float:
    """Add ``add_dom``/``add_imp`` (by region, USD million, may be negative) to ``user``'s
    purchases of ``commodity``; scale every other cost of ``user`` so its column total is
    unchanged, and give ``donor`` (the user's parent) the opposite of both changes.

    Fails with a one-line :class:`CGEInputError` naming ``what`` when the donor's purchases
    of the commodity, or the user's other costs, cannot cover the change.  Returns the
    largest absolute change of one purchase (USD million)."""
    k = [str(c) for c in out[COMMODITY].values].index(commodity)
    regions = [str(r) for r in out[REGION].values]
    cols = {name: (_column(out, name, user), _column(out, name, donor))
            for name in ("int_dom", "int_imp", "factor_income", "int_tariff")}
    add = {"int_dom": np.asarray(add_dom, float), "int_imp": np.asarray(add_imp, float)}
    others = sum(u.sum(axis=0) if u.ndim == 2 else u for u, _ in cols.values())
    others = others - cols["int_dom"][0][k] - cols["int_imp"][0][k]
    total_add = add["int_dom"] + add["int_imp"]
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = np.where(others > 0, (others - total_add) / others, 1.0)
    if (lam <= 0).any():
        r = int(np.argmin(lam))
        raise CGEInputError(f"{what}: {user}'s other costs in {regions[r]} ({others[r]:.6g}) "
                            f"cannot pay for {total_add[r]:.6g} more {commodity}")
    updated = {}
    for name, (u, p) in cols.items():
        moved = u * (1.0 - lam)
        if name in add:
            moved[k] = -add[name]
        donor_new = p + moved
        short = donor_new < -TOL * np.maximum(1.0, np.abs(moved))
        if short.any():
            pos = np.unravel_index(int(np.argmax(short)), short.shape)
            row = f" of {commodity}" if name in add and pos[0] == k else ""
            raise CGEInputError(f"{what}: {donor}'s {name}{row} in {regions[pos[-1]]} "
                                f"({p[pos]:.6g}) cannot give {user} {-moved[pos]:.6g}")
        updated[name] = (u - moved, np.maximum(donor_new, 0.0))
    for name, (u_new, p_new) in updated.items():
        _set_column(out, name, user, u_new)
        _set_column(out, name, donor, p_new)
    return float(np.abs(total_add).max()) if total_add.size else 0.0


def set_cost_shares(out: xr.Dataset, spec: SplitSpec) -> float:
    """Give the new sector the input cost shares of ``spec.costs`` (share of its gross
    output, domestic + imported at the mix it inherited); its parent takes the difference.
    Returns the largest purchase moved (USD million)."""
    regions = [str(r) for r in out[REGION].values]
    y_n = out["output"].sel({SECTOR: spec.new}).transpose(REGION).values.astype(float)
    moved = 0.0
    for good, cost in spec.costs.items():
        share = np.array([(cost.by_region or {}).get(r, cost.cost_share) for r in regions])
        dom = out["int_dom"].sel({COMMODITY: good, SECTOR: spec.new}).transpose(REGION).values
        imp = out["int_imp"].sel({COMMODITY: good, SECTOR: spec.new}).transpose(REGION).values
        have = dom + imp
        missing = (have <= 0) & (y_n > 0)
        if missing.any():
            r = regions[int(np.argmax(missing))]
            raise CGEInputError(f"split {spec.new}: costs.{good}: the parent {spec.parent} buys "
                                f"no {good} in {r}, so the mix of domestic and imported "
                                f"{good} is unknown")
        add = share * y_n - have
        with np.errstate(divide="ignore", invalid="ignore"):
            dom_share = np.where(have > 0, dom / have, 0.0)
        moved = max(moved, shift_input_purchases(out, spec.new, spec.parent, good,
                                                 add * dom_share, add * (1.0 - dom_share),
                                                 f"split {spec.new}: costs.{good}"))
    return moved


def _extend_factor(out: xr.Dataset, factor: str) -> xr.Dataset:
    """Add ``factor`` (zero everywhere) to the factor dimension of every variable."""
    if factor in [str(f) for f in out[FACTOR].values]:
        return out
    new_vars = {}
    for name, da in out.data_vars.items():
        if FACTOR in da.dims:
            zero = xr.zeros_like(da.isel({FACTOR: [0]})).assign_coords({FACTOR: [factor]})
            da = xr.concat([da, zero], dim=FACTOR)
            da.attrs = dict(out[name].attrs)
        new_vars[name] = da
    return xr.Dataset(new_vars, attrs=dict(out.attrs))


def _record_supply(out: xr.Dataset, resource: ResourceSpec, tag: str) -> xr.Dataset:
    """Set the resource's supply elasticity (all regions) and sector-specific mobility;
    a different value already recorded for that factor is a one-line error."""
    f = resource.factor
    if SUPPLY_ELASTICITY not in out:
        shape = (out.sizes[FACTOR], out.sizes[REGION])
        out[SUPPLY_ELASTICITY] = xr.DataArray(
            np.zeros(shape), dims=(FACTOR, REGION),
            coords={FACTOR: out[FACTOR], REGION: out[REGION]},
            attrs={"units": "1", "description": "elasticity of factor supply to its real price "
                   "(0 = fixed endowment)"})
    eta = out[SUPPLY_ELASTICITY].sel({FACTOR: f}).values
    if np.any(eta != 0.0) and not np.allclose(eta, resource.supply_elasticity, rtol=0, atol=1e-12):
        raise CGEInputError(
            f"{tag}: resource.supply_elasticity {resource.supply_elasticity:g} differs from the "
            f"dataset's supply elasticity of {f} ({eta.min():g} to {eta.max():g}); the model holds "
            f"one elasticity per factor and region: omit it or name another factor")
    da = out[SUPPLY_ELASTICITY].copy()
    da.loc[{FACTOR: f}] = resource.supply_elasticity
    out[SUPPLY_ELASTICITY] = da
    mobility = json.loads(out.attrs.get("factor_mobility", "{}"))
    if mobility.get(f, SPECIFIC) != SPECIFIC:
        raise CGEInputError(f"{tag}: resource.factor {f} is '{mobility[f]}' in the dataset "
                            f"attribute factor_mobility; a resource factor must be {SPECIFIC}")
    mobility[f] = SPECIFIC
    out.attrs["factor_mobility"] = json.dumps(mobility, sort_keys=True)
    return out


def add_resource_factor(out: xr.Dataset, spec: SplitSpec) -> tuple[xr.Dataset, float]:
    """Give the new sector a natural-resource factor worth ``share_of_value_added`` of its
    value added in every region; its other factors are scaled down pro rata, so its value
    added (and the region's) is unchanged.  Works whether or not the dataset (or the parent)
    already has the factor.  Returns the dataset and world resource income (USD million)."""
    resource = spec.resource
    assert resource is not None
    out = _extend_factor(out, resource.factor)
    out = _record_supply(out, resource, f"split {spec.new}")
    fi = out["factor_income"].transpose(FACTOR, SECTOR, REGION).copy()
    col = fi.sel({SECTOR: spec.new}).values
    f = [str(x) for x in out[FACTOR].values].index(resource.factor)
    va = col.sum(axis=0)
    rest = va - col[f]
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(rest > 0, va * (1.0 - resource.share_of_value_added) / rest, 0.0)
    new = col * scale[None, :]
    new[f] = va * resource.share_of_value_added
    fi.loc[{SECTOR: spec.new}] = new
    out["factor_income"] = fi.transpose(*_DIM_ORDER["factor_income"])
    return out, float(new[f].sum())


def set_elasticities(out: xr.Dataset, spec: SplitSpec) -> None:
    """Set the new sector's own esub_dm, esub_mm, esub_va in the named elasticity sets and
    append their sources to the dataset attribute ``elasticity_sources``; a project set
    (``cge.data.elasticities.ELASTICITY_SETS``) the dataset lacks is skipped."""
    sets = [str(s) for s in out["elasticity_set"].values]
    sources = json.loads(out.attrs.get("elasticity_sources", "{}") or "{}")
    for name, values in spec.elasticities.items():
        if name not in sets:
            if name in ELASTICITY_SETS:
                continue   # a known set this dataset was built without
            raise CGEInputError(f"split {spec.new}: elasticities.{name}: unknown elasticity set; "
                                f"allowed: {' '.join(sorted(set(sets) | set(ELASTICITY_SETS)))}")
        for var in ("esub_dm", "esub_mm", "esub_va"):
            value = getattr(values, var)
            if value is not None:
                da = out[var].copy()
                da.loc[{"elasticity_set": name, SECTOR: spec.new}] = value
                out[var] = da
        if name in sources:
            sources[name] = f"{sources[name]}; {spec.new} (split): {values.source}"
    if spec.elasticities:
        out.attrs["elasticity_sources"] = json.dumps(sources)
