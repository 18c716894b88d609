"""Hand-built results Datasets that follow the results contract (issue 4).

The values are arbitrary but reproducible (seeded); the tests check that tables and
charts carry them through unchanged, not that they are economically meaningful.
"""

from __future__ import annotations

import json
from typing import Callable

import numpy as np
import pytest
import xarray as xr

REGIONS = ["USA", "CHN", "ROW"]
SECTORS = ["PRI", "MAN", "SRV"]
FACTORS = ["LAB", "CAP"]

DIMS: dict[str, tuple[str, ...]] = {
    "ev_usd_million": ("region",), "ev_pct_income": ("region",), "real_gdp_pct": ("region",),
    "tot_pct": ("region",), "output_pct": ("region", "sector"),
    "exports_pct": ("region", "sector"), "imports_pct": ("region", "sector"),
    "bilateral_trade_pct": ("exporter", "importer", "sector"),
    "factor_price_pct": ("factor", "region"), "tariff_revenue_usd_million": ("region",),
    "quota_rent_usd_million": ("region",), "income_usd_million": ("region",),
    "output_usd_million": ("region", "sector"),
    "bilateral_trade_usd_million": ("exporter", "importer", "sector"),
}
COORDS = {"region": REGIONS, "sector": SECTORS, "factor": FACTORS,
          "exporter": REGIONS, "importer": REGIONS}


def synthetic_results(name: str, seed: int = 0, regions: list[str] | None = None,
                      sectors: list[str] | None = None, elasticity_set: str = "gtap") -> xr.Dataset:
    """A results Dataset with every contract variable and attribute, seeded values."""
    rng = np.random.default_rng(seed)
    coords = dict(COORDS)
    if regions is not None:
        coords.update(region=regions, exporter=regions, importer=regions)
    if sectors is not None:
        coords["sector"] = sectors
    data = {}
    for var, dims in DIMS.items():
        shape = tuple(len(coords[d]) for d in dims)
        values = rng.uniform(100, 5000, shape) if "usd_million" in var and var.startswith(
            ("income", "output", "bilateral")) else rng.normal(0, 2, shape)
        data[var] = (dims, values)
    ds = xr.Dataset(data, coords={d: coords[d] for d in set(coords)})
    diagonal = np.eye(len(coords["region"]), dtype=bool)[:, :, None]
    ds["bilateral_trade_usd_million"] = ds["bilateral_trade_usd_million"].where(~diagonal, 0.0)
    ds["ev_pct_income"] = ds["ev_usd_million"] / ds["income_usd_million"] * 100
    ds.attrs = {
        "scenario_name": name, "scenario_description": f"synthetic scenario {name}",
        "scenario_yaml": f"name: {name}\n", "dataset": "tiny",
        "dataset_source": "WIOD 2013 release (Timmer et al. 2015)", "base_year": 2011,
        "elasticity_set": elasticity_set,
        "closure": "capital mobile, full employment, fixed trade balance, world output price",
        "code_version": "0.1.0", "solver_status": "converged", "solver_iterations": 7 + seed,
        "max_residual": 1e-10, "input_hash": f"hash-{name}",
        "shocked_regions": json.dumps(coords["region"][:2]),
    }
    return ds


@pytest.fixture
def make_results() -> Callable[..., xr.Dataset]:
    """Factory of synthetic single-scenario results Datasets."""
    return synthetic_results
