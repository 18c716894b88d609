"""Assemble a base dataset from an external table's flows (shared by the CP and GTAP importers).

An importer supplies the flows at world (tariff-exclusive) prices -- gross output, domestic
and imported intermediate and final use, bilateral trade, factor income -- with the
benchmark tariff rates, elasticities and provenance; this module derives what follows from
them by the schema's identities (tariff revenue = rate x trade; tariffs paid by each user at
the importer's average rate per good; trade balance = exports - imports), attaches the
schema's units, validates, and writes atomically (docs/data.md, "Writing a dataset for the
model").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from cge.atomic import write_netcdf_atomic
from cge.data.schema import FIELDS
from cge.data.validate import validate_dataset


@dataclass
class ExternalTable:
    """Flows of an external table on the schema's axes (USD million, world prices)."""

    regions: list[str]
    sectors: list[str]
    factors: list[str]
    agents: list[str]
    output: np.ndarray          # (j, r)
    int_dom: np.ndarray         # (i, j, r)
    int_imp: np.ndarray         # (i, j, r) at world prices
    fd_dom: np.ndarray          # (i, a, r)
    fd_imp: np.ndarray          # (i, a, r) at world prices
    trade: np.ndarray           # (i, s, r)
    tariff_rate: np.ndarray     # (i, s, r) fractions
    factor_income: np.ndarray   # (f, j, r)
    elasticities: dict[str, dict[str, np.ndarray]]  # set -> {esub_dm, esub_mm, esub_va: (j,)}
    attrs: dict[str, object] = field(default_factory=dict)


def average_tariff(trade: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """tbar(i, r): importer r's trade-weighted benchmark tariff on good i."""
    imports = trade.sum(axis=1)
    revenue = (rate * trade).sum(axis=1)
    return np.divide(revenue, imports, out=np.zeros_like(revenue), where=imports > 0)


def to_dataset(t: ExternalTable) -> xr.Dataset:
    """The base dataset of an external table: derived fields, units and attributes."""
    tbar = average_tariff(t.trade, t.tariff_rate)
    exports = t.trade.sum(axis=(0, 2))
    imports = t.trade.sum(axis=(0, 1))
    sets = list(t.elasticities)
    esub = {k: np.stack([t.elasticities[s][k] for s in sets]) for k in ("esub_dm", "esub_mm", "esub_va")}
    coords = {"region": t.regions, "sector": t.sectors, "commodity": t.sectors, "exporter": t.regions,
              "importer": t.regions, "factor": t.factors, "fd": t.agents, "elasticity_set": sets}
    ds = xr.Dataset(
        {
            "output": (("sector", "region"), t.output),
            "int_dom": (("commodity", "sector", "region"), t.int_dom),
            "int_imp": (("commodity", "sector", "region"), t.int_imp),
            "fd_dom": (("commodity", "fd", "region"), t.fd_dom),
            "fd_imp": (("commodity", "fd", "region"), t.fd_imp),
            "trade": (("sector", "exporter", "importer"), t.trade),
            "factor_income": (("factor", "sector", "region"), t.factor_income),
            "tariff_rate": (("sector", "exporter", "importer"), t.tariff_rate),
            "tariff_revenue": (("sector", "exporter", "importer"), t.tariff_rate * t.trade),
            "int_tariff": (("sector", "region"), (tbar[:, None, :] * t.int_imp).sum(axis=0)),
            "fd_tariff": (("fd", "region"), (tbar[:, None, :] * t.fd_imp).sum(axis=0)),
            "trade_balance": (("region",), exports - imports),
            **{k: (("elasticity_set", "sector"), v) for k, v in esub.items()},
        },
        coords=coords,
    )
    for f in FIELDS:
        ds[f.name].attrs["units"] = f.units
    ds.attrs.update({k: (v if isinstance(v, (str, int, float)) else json.dumps(v)) for k, v in t.attrs.items()})
    return ds


def write_dataset(ds: xr.Dataset, path: Path) -> Path:
    """Validate, then write ``path`` atomically (an existing file is replaced only on success)."""
    validate_dataset(ds)
    encoding = {v: {"zlib": True, "complevel": 6} for v in ds.data_vars}
    return write_netcdf_atomic(Path(path), ds, encoding)
