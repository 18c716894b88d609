"""Comparison outputs for papers: tables (Markdown, CSV, LaTeX, XLSX) and charts.

:func:`load_results` reads results files (one scenario each, a combined ``batch.nc``, a
sensitivity analysis ``<name>_ssa.nc``, in any mix) into one Dataset along a ``scenario``
dimension (:mod:`.combine`: given order, each dataset's own region and sector order, labels
that mean different things kept apart); :mod:`.tables` and :mod:`.charts` turn it into
tables and figures that carry units (from the results dictionary, cge.variables) and a
note built by :mod:`.notes` from the results' provenance attributes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

import xarray as xr

from cge.batch import split_scenarios
from cge.errors import CGEInputError
from cge.integrity import check_sealed
from cge.report.combine import DEFAULT_INTERVAL, INTERVALS, REGION_DIMS, combine_results

#: Variables the comparison tables and charts read; a results file must hold them all.
REQUIRED_VARIABLES: tuple[str, ...] = (
    "ev_usd_million", "ev_pct_income", "real_gdp_pct", "tot_pct", "output_pct",
    "bilateral_trade_pct", "income_usd_million", "output_usd_million",
    "bilateral_trade_usd_million", "tariff_pct", "tariff_benchmark_pct",
)


def open_results(path: Path) -> xr.Dataset:
    """Read one results NetCDF file fully into memory, checking it is a results file."""
    path = Path(path)
    if not path.is_file():
        raise CGEInputError(f"results file {path} does not exist")
    check_sealed(path, "results file")
    try:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            ds = ds.load()
    except Exception as exc:  # noqa: BLE001 (h5py raises OSError, KeyError, RuntimeError, ... on damage)
        raise CGEInputError(f"results file {path} is not a readable NetCDF file "
                            f"({type(exc).__name__}: damaged or not NetCDF)") from None
    missing = [v for v in REQUIRED_VARIABLES if v not in ds]
    if missing:
        raise CGEInputError(f"results file {path} lacks the variables {', '.join(missing)} "
                            "(expected a file written by `cge run` or `cge batch`)")
    if "scenario" not in ds.dims and "scenario_name" not in ds.attrs:
        ds.attrs["scenario_name"] = path.stem
    return ds


def own_labels(ds: xr.Dataset) -> xr.Dataset:
    """A scenario split off a batch with only its own dataset's regions and sectors, in that
    dataset's order (a batch of several datasets holds the union of their labels)."""
    orders = {"sector": ("sector_order", ("sector",)), "region": ("region_order", REGION_DIMS)}
    for dim, (attr, dims) in orders.items():
        text = ds.attrs.get(attr, "")
        if isinstance(text, str) and text.strip():
            order = json.loads(text)
        elif dim == "sector" and "output_usd_million" in ds:
            held = ds["output_usd_million"].notnull().any([d for d in ds["output_usd_million"].dims if d != "sector"])
            order = [str(s) for s, keep in zip(ds["sector"].values, held.values) if keep]
        else:
            continue
        ds = ds.sel({d: order for d in dims if d in ds.dims})
    return ds


def load_results(paths: Iterable[Path], interval: str = DEFAULT_INTERVAL) -> xr.Dataset:
    """Combine results files into one Dataset along ``scenario``, in the order given
    (scenario names must be unique; SSA results enter as ``<name>_ssa`` with ``interval``,
    one of :data:`cge.report.combine.INTERVALS`, as error bars)."""
    if interval not in INTERVALS:
        raise CGEInputError(f"--interval must be one of {', '.join(INTERVALS)}, got {interval!r}")
    singles, sources = [], []
    for path in paths:
        for single in split_scenarios(open_results(path)):
            singles.append(own_labels(single))
            sources.append(str(path))
    if not singles:
        raise CGEInputError("no results files given (expected one or more .nc files)")
    return combine_results(singles, sources, interval)
