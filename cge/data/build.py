"""Build a base dataset from the raw data: read, clean, (update,) aggregate, tariffs, factors.

Pipeline (``docs/data.md`` describes each step):

1. :func:`cge.data.wiod.read_wiod` -- raw country x industry table of the base year;
2. :func:`cge.data.clean.clean_table` -- non-negative, balanced, three final-demand agents;
   for 2023, :func:`cge.data.base2023.world_2023` -- the 2011 table with Viet Nam and
   other ASEAN split out of RoW, updated to 2023 targets by cross-entropy;
3. :func:`cge.data.aggregate.aggregate` -- regions and sectors of the mapping;
4. baseline tariffs (:mod:`cge.data.tariffs`) on the cleaned country-level trade; tariff
   revenue = rate x trade, kept apart from the flows at world prices; tariffs paid on
   imported intermediates at the importer's average rate per good are carved out of
   WIOD value added, so gross output is unchanged;
5. :mod:`cge.data.factors` -- the rest of value added split into factors: LAB and CAP
   (2011), LAB, CAP, LND and NRS with supply elasticities (2023);
6. elasticity sets (:mod:`cge.data.elasticities`) weighted by world imports;
7. provenance attributes, :func:`cge.data.validate.validate_dataset`, atomic write.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

import cge
from cge.atomic import write_netcdf_atomic
from cge.data import elasticities, tariffs
from cge.data.aggregate import aggregate, country_trade
from cge.data.clean import CleanTable, clean_table
from cge.data.factors import aggregate_labour_share, load_labour_shares, split_factor_income
from cge.data.mapping import MAPPING_YEARS, Mapping, load_mapping
from cge.data.schema import (COMMODITY, EXPORTER, FD, FIELD_BY_NAME, IMPORTER, REGION,
                             SECTOR)
from cge.data.validate import validate_dataset
from cge.data.wiod import WIOD_CITATION, read_wiod, repo_root
from cge.errors import CGEInputError
from cge.resources import dataset_build_dir


def datasets_dir() -> Path:
    """Where built datasets are written: ``calibration/datasets`` in a checkout, the user's
    dataset folder for an installed package (:func:`cge.resources.dataset_build_dir`)."""
    return dataset_build_dir()


UPDATE_YEAR = 2023   # built by updating the WIOD 2011 table (cge.data.base2023)


def default_output_path(ds: xr.Dataset) -> Path:
    """``calibration/datasets/<wiod|base><year>_<regions>x<sectors>.nc`` for a built dataset
    (``base2023`` for the updated table: no WIOD table exists for 2023)."""
    year = int(ds.attrs["base_year"])
    stem = "base" if year == UPDATE_YEAR else "wiod"
    return datasets_dir() / f"{stem}{year}_{ds.sizes[REGION]}x{ds.sizes[SECTOR]}.nc"


def mapping_year(mapping: str | Path) -> int:
    """The year a mapping is built for by default: its named year, else 2023."""
    return MAPPING_YEARS.get(str(mapping), UPDATE_YEAR)


def code_version() -> str:
    """Package version plus the git commit of the source tree when it is known."""
    try:
        commit = subprocess.run(["git", "-C", str(repo_root()), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return cge.__version__
    return f"{cge.__version__} (git {commit})" if commit else cge.__version__


def _average_tariff(rate: xr.DataArray, trade: xr.DataArray) -> xr.DataArray:
    """tbar(i, r): trade-weighted average tariff of importer r on good i (0 if no imports)."""
    imports = trade.sum(EXPORTER)
    revenue = (rate * trade).sum(EXPORTER)
    tbar = xr.where(imports > 0, revenue / imports.where(imports > 0, 1.0), 0.0)
    return tbar.rename({SECTOR: COMMODITY, IMPORTER: REGION})


def baseline_tariff_rates(table: CleanTable, mapping: Mapping, flows: xr.Dataset,
                          data_dir: Path | None,
                          split: tariffs.SplitEconomies | None = None) -> xr.DataArray:
    """Call the tariff module on country-level trade and align the result to the dataset."""
    rate = tariffs.baseline_tariffs(country_trade(table), mapping.regions, mapping.sectors,
                                    data_dir=data_dir, split=split)
    rate = rate.transpose(SECTOR, EXPORTER, IMPORTER).reindex_like(flows["trade"])
    if rate.isnull().any():
        k = int(np.argmax(rate.isnull().values))
        pos = np.unravel_index(k, rate.shape)
        where = ", ".join(str(rate[d].values[p]) for d, p in zip(rate.dims, pos))
        raise CGEInputError(f"baseline tariffs: no rate for ({where}) (sector, exporter, importer)")
    return rate.astype(float)


def add_tariffs(flows: xr.Dataset, rate: xr.DataArray) -> xr.Dataset:
    """Tariff rate, revenue and tariffs paid by using sectors and final-demand agents."""
    tbar = _average_tariff(rate, flows["trade"])
    return flows.assign(
        tariff_rate=rate,
        tariff_revenue=rate * flows["trade"],
        int_tariff=(tbar * flows["int_imp"]).sum(COMMODITY).transpose(SECTOR, REGION),
        fd_tariff=(tbar * flows["fd_imp"]).sum(COMMODITY).transpose(FD, REGION),
    )


def net_value_added(ds: xr.Dataset) -> xr.DataArray:
    """WIOD value added less tariffs on intermediates; fails if a tariff bill exceeds it."""
    net = ds["value_added"] - ds["int_tariff"]
    worst = float(net.min())
    if worst < -1e-9 * float(ds["value_added"].max()):
        k = int(np.argmin(net.values))
        pos = np.unravel_index(k, net.shape)
        where = ", ".join(str(net[d].values[p]) for d, p in zip(net.dims, pos))
        raise CGEInputError(f"tariffs on intermediates of ({where}) exceed its value added by "
                            f"{-worst:.6g} USD million; the baseline tariffs are inconsistent "
                            "with WIOD value added")
    return net.clip(min=0.0)


def elasticity_parameters(table: CleanTable, mapping: Mapping,
                          data_dir: Path | None) -> xr.Dataset:
    """Elasticity sets from :mod:`cge.data.elasticities`, weighted by world imports."""
    weights = country_trade(table).sum((EXPORTER, IMPORTER)).to_series()
    weights.index = pd.Index(list(table.industries))
    return elasticities.elasticity_sets(mapping.sectors, weights, data_dir=data_dir)


def provenance(mapping: Mapping, year: int, cleaning: dict, tariff_source: str,
               elasticity_sources: str, factor_sources: str) -> dict[str, str | int]:
    """Dataset attributes of ``schema.REQUIRED_ATTRS`` plus names and factor-share sources."""
    return {
        "title": f"WIOD {year}, {len(mapping.regions)} regions x {len(mapping.sectors)} sectors",
        "source": WIOD_CITATION,
        "base_year": year,
        "mapping": mapping.name,
        "region_mapping": json.dumps(mapping.regions),
        "sector_mapping": json.dumps(mapping.sectors),
        "region_names": json.dumps(mapping.region_names),
        "sector_names": json.dumps(mapping.sector_names),
        "cleaning": json.dumps(cleaning),
        "tariff_source": tariff_source,
        "elasticity_sources": elasticity_sources,
        "factor_share_sources": factor_sources,
        "code_version": code_version(),
        "units": "USD million at world (basic) prices unless a variable says otherwise",
    }


def labour_share_sources(shares: pd.DataFrame) -> str:
    """JSON of the PWT labour-share rows (2011 datasets)."""
    return json.dumps([{"country": r.country, "industry": r.industry, "labour_share": r.labour_share,
                        "source": r.source} for r in shares.itertuples()])


def finish(ds: xr.Dataset, clean: CleanTable, agg_map: Mapping, data_dir: Path | None) -> xr.Dataset:
    """Trade balance, elasticities, units: the steps common to every build."""
    trade = ds["trade"]
    ds["trade_balance"] = (trade.sum((SECTOR, IMPORTER)).rename({EXPORTER: REGION})
                           - trade.sum((SECTOR, EXPORTER)).rename({IMPORTER: REGION}))
    elast = elasticity_parameters(clean, agg_map, data_dir)
    for name in ("esub_dm", "esub_mm", "esub_va"):
        ds[name] = elast[name].reindex({SECTOR: list(agg_map.sectors)})
    ds = ds.drop_vars("value_added")
    for name, var in ds.data_vars.items():
        field = FIELD_BY_NAME[name]
        var.attrs = {"units": field.units, "description": field.description}
    ds.attrs["elasticity_sources"] = str(elast.attrs.get("elasticity_sources", "{}"))
    return ds


def build_dataset(mapping: str | Path = "default", year: int | None = None,
                  data_dir: Path | None = None) -> xr.Dataset:
    """Build and validate the base dataset of ``mapping`` for ``year`` from the raw data.

    ``year`` 1995-2011 reads that WIOD table; 2023 updates WIOD 2011 (:mod:`cge.data.base2023`);
    ``None`` takes the mapping's own year (2011 for ``*_2011``, else 2023).
    """
    year = mapping_year(mapping) if year is None else int(year)
    if year == UPDATE_YEAR:
        from cge.data.build2023 import build_dataset_2023

        return build_dataset_2023(mapping, data_dir)
    table = read_wiod(year, data_dir)
    agg_map = load_mapping(mapping, table.countries, table.industries)
    shares = load_labour_shares()
    clean = clean_table(table)
    flows = aggregate(clean, agg_map)
    ds = add_tariffs(flows, baseline_tariff_rates(clean, agg_map, flows, data_dir))
    labour_share = aggregate_labour_share(clean, agg_map, shares)
    ds["factor_income"] = split_factor_income(net_value_added(ds), labour_share)
    ds = finish(ds, clean, agg_map, data_dir)
    ds.attrs = provenance(agg_map, year, clean.report, tariffs.baseline_tariffs_source(),
                          ds.attrs["elasticity_sources"], labour_share_sources(shares))
    validate_dataset(ds)
    return ds


def write_dataset(ds: xr.Dataset, path: Path) -> Path:
    """Write ``ds`` as compressed NetCDF atomically: a failed write leaves ``path`` intact.

    Encodings carried over from a file the dataset was read from are dropped: they fix
    string widths, so a new, longer label (e.g. SEMI among three-letter codes) would be
    truncated on writing.
    """
    ds = ds.copy()
    for var in ds.variables.values():
        var.encoding = {}
    encoding = {v: {"zlib": True, "complevel": 6} for v in ds.data_vars}
    return write_netcdf_atomic(Path(path), ds, encoding)


def build(mapping: str | Path = "default", year: int | None = None, data_dir: Path | None = None,
          out: Path | None = None) -> Path:
    """Build the dataset of ``mapping`` and write it (default: ``calibration/datasets``)."""
    ds = build_dataset(mapping, year, data_dir)
    return write_dataset(ds, Path(out) if out is not None else default_output_path(ds))
