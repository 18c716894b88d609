"""Split of value added into primary factors.

2011 datasets: labour (LAB) and capital (CAP).  Labour shares come from
``calibration/factor_shares.csv`` (columns country, industry, labour_share, source,
note), where ``*`` is a wildcard.  The most specific row wins: (country, industry)
before (country, *) before (*, industry) before (*, *).

2023 datasets: LAB, CAP, land (LND) and natural resources (NRS), with shares by
economy x industry from :mod:`cge.data.sea` and :mod:`cge.data.resources`; the PWT
table above is the fallback of the SEA labour shares.

Either way shares are applied at the WIOD economy x industry level, so that any
mapping aggregates the same factor incomes; an aggregated sector's share is the
value-added weighted mean of its industries' shares.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from cge.data.clean import CleanTable
from cge.data.mapping import Mapping
from cge.data.schema import FACTOR, REGION, SECTOR
from cge.data.wiod import repo_root
from cge.data.csv_tables import read_table_csv
from cge.errors import CGEInputError

FACTORS: tuple[str, ...] = ("LAB", "CAP")
WILDCARD = "*"


def factor_shares_file() -> Path:
    """The committed labour-share table, ``calibration/factor_shares.csv``."""
    return repo_root() / "calibration" / "factor_shares.csv"


def load_labour_shares(path: Path | None = None) -> pd.DataFrame:
    """Read and check the labour-share table: shares in [0, 1], every row with a source."""
    path = Path(path) if path is not None else factor_shares_file()
    table = read_table_csv(path, "factor-share file", {"country", "industry", "labour_share", "source"},
                           dtype={"country": str, "industry": str})
    bad = table[(table.labour_share < 0) | (table.labour_share > 1) | table.labour_share.isna()]
    if len(bad):
        row = bad.iloc[0]
        raise CGEInputError(f"factor-share file {path}: labour_share of ({row.country}, "
                            f"{row.industry}) is {row.labour_share} (allowed: 0 to 1)")
    if table.source.isna().any() or (table.source.astype(str).str.strip() == "").any():
        raise CGEInputError(f"factor-share file {path}: every row needs a source")
    if not ((table.country == WILDCARD) & (table.industry == WILDCARD)).any():
        raise CGEInputError(f"factor-share file {path}: needs a default row (*, *)")
    return table


def labour_share_matrix(shares: pd.DataFrame, countries: tuple[str, ...],
                        industries: tuple[str, ...]) -> np.ndarray:
    """Labour share of value added by (country, industry), most specific row first."""
    lookup = {(r.country, r.industry): float(r.labour_share) for r in shares.itertuples()}
    out = np.empty((len(countries), len(industries)))
    for c, country in enumerate(countries):
        for i, industry in enumerate(industries):
            for key in ((country, industry), (country, WILDCARD), (WILDCARD, industry),
                        (WILDCARD, WILDCARD)):
                if key in lookup:
                    out[c, i] = lookup[key]
                    break
    return out


def aggregate_labour_share(table: CleanTable, mapping: Mapping,
                           shares: pd.DataFrame) -> xr.DataArray:
    """Value-added weighted labour share of each (sector, region) of the mapping."""
    va = table.value_added
    lab = labour_share_matrix(shares, table.countries, table.industries) * va
    rmat = mapping.region_matrix(table.countries)
    smat = mapping.sector_matrix(table.industries)
    lab_agg = smat @ lab.T @ rmat.T
    va_agg = smat @ va.T @ rmat.T
    # Where a sector has no value added, fall back to the unweighted mean share.
    mean_share = (smat @ (lab / np.where(va > 0, va, 1.0) * (va > 0)).T @ rmat.T)
    counts = smat @ (va > 0).T.astype(float) @ rmat.T
    fallback = np.divide(mean_share, counts, out=np.zeros_like(mean_share), where=counts > 0)
    share = np.divide(lab_agg, va_agg, out=fallback, where=va_agg > 0)
    return xr.DataArray(share, dims=(SECTOR, REGION),
                        coords={SECTOR: list(mapping.sectors), REGION: list(mapping.regions)})


def split_factor_income(net_value_added: xr.DataArray, labour_share: xr.DataArray) -> xr.DataArray:
    """factor_income(factor, sector, region): LAB = share * net value added, CAP = the rest."""
    lab = labour_share * net_value_added
    cap = net_value_added - lab
    return xr.concat([lab, cap], dim=FACTOR).assign_coords({FACTOR: list(FACTORS)}).transpose(
        FACTOR, SECTOR, REGION)


def aggregate_factor_shares(shares: np.ndarray, value_added: np.ndarray, mapping: Mapping,
                            countries: tuple[str, ...], industries: tuple[str, ...],
                            factors: tuple[str, ...]) -> xr.DataArray:
    """Value-added weighted share of each factor in each (sector, region) of the mapping.

    ``shares`` (factor, economy, industry) sum to one over factors; a (sector, region)
    without value added takes the unweighted mean of its members' shares.
    """
    rmat = mapping.region_matrix(countries)
    smat = mapping.sector_matrix(industries)
    va_agg = smat @ value_added.T @ rmat.T
    out = np.empty((len(factors), len(mapping.sectors), len(mapping.regions)))
    count = smat @ np.ones_like(value_added).T @ rmat.T
    for k in range(len(factors)):
        weighted = smat @ (shares[k] * value_added).T @ rmat.T
        mean = (smat @ shares[k].T @ rmat.T) / count
        out[k] = np.divide(weighted, va_agg, out=mean, where=va_agg > 0)
    return xr.DataArray(out, dims=(FACTOR, SECTOR, REGION),
                        coords={FACTOR: list(factors), SECTOR: list(mapping.sectors),
                                REGION: list(mapping.regions)})


def factor_income_by_shares(net_value_added: xr.DataArray, shares: xr.DataArray) -> xr.DataArray:
    """factor_income(factor, sector, region) = share x value added net of tariffs on inputs."""
    return (shares * net_value_added).transpose(FACTOR, SECTOR, REGION)


def aggregate_supply_elasticity(eta: np.ndarray, shares: np.ndarray, value_added: np.ndarray,
                                mapping: Mapping, countries: tuple[str, ...],
                                factors: tuple[str, ...]) -> xr.DataArray:
    """(factor, region) supply elasticity: the economies' values weighted by factor income
    (simple mean where a region pays a factor nothing)."""
    rmat = mapping.region_matrix(countries)
    income = (shares * value_added[None]).sum(axis=2)                  # (factor, economy)
    weighted = (eta * income) @ rmat.T
    total = income @ rmat.T
    mean = eta @ rmat.T / rmat.sum(axis=1)[None, :]
    out = np.divide(weighted, total, out=mean, where=total > 0)
    return xr.DataArray(out, dims=(FACTOR, REGION),
                        coords={FACTOR: list(factors), REGION: list(mapping.regions)})
