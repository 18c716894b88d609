"""Hand-built results Datasets that follow the results contract (cge.results, cge.variables).

The values are arbitrary but reproducible (seeded); the tests check that tables and
charts carry them through unchanged, not that they are economically meaningful.
"""

from __future__ import annotations

import json
from typing import Callable

import numpy as np
import pytest
import xarray as xr

from cge.variables import attach_metadata

REGIONS = ["USA", "CHN", "ROW"]
SECTORS = ["PRI", "MAN", "SRV"]
FACTORS = ["LAB", "CAP"]
COMPONENTS = ["import_tariffs", "terms_of_trade", "trade_balance"]
STATISTICS = ["mean", "std", "normal_lo", "normal_hi", "chebyshev_lo", "chebyshev_hi"]

DIMS: dict[str, tuple[str, ...]] = {
    "ev_usd_million": ("region",), "ev_pct_income": ("region",), "real_gdp_pct": ("region",),
    "tot_pct": ("region",), "output_pct": ("region", "sector"),
    "exports_pct": ("region", "sector"), "imports_pct": ("region", "sector"),
    "bilateral_trade_pct": ("exporter", "importer", "sector"),
    "factor_price_pct": ("factor", "region"), "tariff_revenue_usd_million": ("region",),
    "quota_rent_usd_million": ("region",), "income_usd_million": ("region",),
    "output_usd_million": ("region", "sector"),
    "bilateral_trade_usd_million": ("exporter", "importer", "sector"),
    "tariff_benchmark_pct": ("exporter", "importer", "sector"),
    "tariff_pct": ("exporter", "importer", "sector"),
}


def synthetic_results(name: str, seed: int = 0, regions: list[str] | None = None,
                      sectors: list[str] | None = None, elasticity_set: str = "gtap",
                      split_parents: dict[str, str] | None = None, dataset: str = "tiny",
                      shocked: list[str] | None = None, decomposition: bool = False,
                      title: str | None = None) -> xr.Dataset:
    """A results Dataset with every contract variable and attribute, seeded values.

    ``split_parents`` (child -> parent) makes a critical-inputs-like dataset: the children's
    definitions are splits, the parents' definitions exclude them."""
    rng = np.random.default_rng(seed)
    regions = regions or REGIONS
    sectors = sectors or SECTORS
    coords = {"region": regions, "exporter": regions, "importer": regions, "sector": sectors,
              "factor": FACTORS}
    data = {}
    for var, dims in DIMS.items():
        shape = tuple(len(coords[d]) for d in dims)
        values = rng.uniform(100, 5000, shape) if var.startswith(("income", "output_usd", "bilateral_trade_usd")) \
            else rng.uniform(0, 20, shape) if var.startswith("tariff_") else rng.normal(0, 2, shape)
        data[var] = (dims, values)
    ds = xr.Dataset(data, coords=coords)
    diagonal = np.eye(len(regions), dtype=bool)[:, :, None]
    ds["bilateral_trade_usd_million"] = ds["bilateral_trade_usd_million"].where(~diagonal, 0.0)
    ds["ev_pct_income"] = ds["ev_usd_million"] / ds["income_usd_million"] * 100
    if decomposition:
        parts = rng.normal(0, 50, (len(regions), len(COMPONENTS)))
        parts[:, -1] = ds["ev_usd_million"].values - parts[:, :-1].sum(axis=1)
        ds = ds.assign_coords(ev_component=COMPONENTS, subtotal=["us_side", "china_side"])
        ds["ev_component_usd_million"] = (("region", "ev_component"), parts)
        half = rng.normal(0, 50, len(regions))
        ds["subtotal_ev_usd_million"] = (("subtotal", "region"),
                                         np.vstack([half, ds["ev_usd_million"].values - half]))
    parents = split_parents or {}
    mapping = {s: [f"c_{s}"] for s in sectors if s not in parents}
    for child, parent in parents.items():
        mapping[parent] = [f"c_{parent}"]
    ds.attrs = {
        "scenario_name": name, "scenario_title": title or name.replace("_", " ").title(),
        "scenario_description": f"synthetic scenario {name}",
        "scenario_yaml": f"name: {name}\n", "dataset": dataset, "dataset_title": f"{dataset} data",
        "dataset_source": "WIOD 2013 release (Timmer et al. 2015)", "base_year": 2011,
        "elasticity_set": elasticity_set,
        "closure": "capital=mobile; labour=full_employment; trade_balance=fixed; numeraire=world_output_price",
        "closure_in_words": "capital mobile across sectors (long run); full employment",
        "code_version": "0.1.0", "solver_status": "converged", "solver_iterations": 7 + seed,
        "max_residual": 1e-10, "input_hash": f"hash-{name}",
        "shocked_regions": json.dumps(shocked if shocked is not None else regions[:2]),
        "region_mapping": json.dumps({r: [r] for r in regions}),
        "sector_mapping": json.dumps(mapping), "split_parents": json.dumps(parents),
        "region_order": json.dumps(regions), "sector_order": json.dumps(sectors),
    }
    if decomposition:
        ds.attrs.update({"subtotal_groups": "us_side, china_side", "decomposition_error_usd_million": 1e-4})
    return attach_metadata(ds)


def fake_ssa(ds: xr.Dataset, spread: float = 0.1) -> xr.Dataset:
    """A sensitivity-analysis result as cge.ssa writes it: every variable with a leading
    ``statistic`` dimension (mean, std, normal and Chebyshev 95% bounds) and ssa_* attrs."""
    numeric = ds[[v for v in ds.data_vars if np.issubdtype(ds[v].dtype, np.number)]]
    std = abs(numeric) * spread
    parts = [numeric, std, numeric - 1.96 * std, numeric + 1.96 * std, numeric - 4.47 * std, numeric + 4.47 * std]
    out = xr.concat(parts, dim=xr.DataArray(STATISTICS, dims="statistic", name="statistic"))
    for name in out.data_vars:
        out[name] = out[name].transpose("statistic", ...)
    out.attrs = {**ds.attrs, "ssa_method": "quadrature", "ssa_points": 8, "ssa_failed": 0}
    return out


@pytest.fixture
def make_results() -> Callable[..., xr.Dataset]:
    """Factory of synthetic single-scenario results Datasets."""
    return synthetic_results
