"""Comparison outputs for papers: tables (Markdown, CSV, LaTeX, XLSX) and charts.

:func:`load_results` reads results files (one scenario each, or a combined
``batch.nc``) into one Dataset along a ``scenario`` dimension; :mod:`.tables` and
:mod:`.charts` turn it into tables and figures that carry units and a note built by
:mod:`.notes` from the results' provenance attributes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import xarray as xr

from cge.batch import combine_scenarios, split_scenarios
from cge.errors import CGEInputError

#: Variables the comparison tables and charts read; a results file must hold them all.
REQUIRED_VARIABLES: tuple[str, ...] = (
    "ev_usd_million", "ev_pct_income", "real_gdp_pct", "tot_pct", "output_pct",
    "bilateral_trade_pct", "income_usd_million", "output_usd_million",
    "bilateral_trade_usd_million",
)


def open_results(path: Path) -> xr.Dataset:
    """Read one results NetCDF file fully into memory, checking it is a results file."""
    path = Path(path)
    if not path.is_file():
        raise CGEInputError(f"results file {path} does not exist")
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


def load_results(paths: Iterable[Path]) -> xr.Dataset:
    """Combine results files into one Dataset along ``scenario`` (names must be unique)."""
    singles = [single for path in paths for single in split_scenarios(open_results(path))]
    if not singles:
        raise CGEInputError("no results files given (expected one or more .nc files)")
    return combine_scenarios(singles)
