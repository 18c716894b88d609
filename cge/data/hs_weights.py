"""HS6 products: their WIOD industry and the trade that weights them when product-level
values (ProTEE elasticities, GTAP sector values) are averaged to WIOD industries.

* Industry: HS6 -> ISIC Rev.3 (``hs_isic3``, every HS revision) -> WIOD 2013 industry
  (``wiod_2013``), both from the R package ``concordance`` (Kim, Liao and Imai, v2.1.0,
  MIT licence) in ``../shared/data/concordances``.  The ten HS6 codes with two ISIC
  classes take the first, as listed.
* Weights: US imports for consumption from all partners in 2024, customs value in USD,
  by HS6 (HS2022), summed over the HS10 lines of the 50 largest partners and the EU
  (about USD 3.2 tn, some 98% of US goods imports), US Census data in
  ``../shared/data/tariffs/us_2025/data/2024-hs10-imports*.parquet``.  They are the only
  product-level trade values with every partner in the raw data: the composition of US
  imports stands in for that of world trade (docs/elasticities.md says what that
  implies).  HS2022 codes that do not exist in the older revision of the values being
  weighted (ProTEE uses HS2007) pass their weight to the codes of the same HS4 heading
  that do, in equal parts (:func:`weights_for_codes`).
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

import pandas as pd

from cge.data.wiod import raw_data_dir
from cge.errors import CGEInputError

WEIGHT_SOURCE = ("US Census imports for consumption 2024, customs value by HS6 (HS2022), all partners "
                 "(top 50 and the EU; ../shared/data/tariffs/us_2025/data)")
CONCORDANCE_SOURCE = ("HS6 -> ISIC Rev.3 -> WIOD 2013 industry: R package concordance v2.1.0 "
                      "(hs_isic3, wiod_2013; ../shared/data/concordances)")


def _require(path: Path) -> Path:
    if not path.is_file():
        raise CGEInputError(f"missing data file {path} (set --data-dir or CGE_DATA_DIR)")
    return path


def _read_rda(path: Path, name: str) -> pd.DataFrame:
    import rdata

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tibble classes are read as data frames
        return rdata.read_rda(str(_require(path)))[name]


@lru_cache(maxsize=4)
def _hs6_industry(data_dir: str) -> pd.Series:
    folder = Path(data_dir) / "concordances"
    hs = _read_rda(folder / "hs_isic3.RData", "hs_isic3").drop_duplicates("HS_6d")
    wiod = _read_rda(folder / "wiod_2013.RData", "wiod_2013").dropna(subset=["WIOT2013_n"])
    isic_to_wiod = dict(zip(wiod.ISIC3_4d, "c" + wiod.WIOT2013_n.astype(int).astype(str)))
    industry = hs.ISIC3_4d.map(isic_to_wiod)
    return pd.Series(industry.to_numpy(), index=hs.HS_6d.to_numpy(), name="wiod_industry").dropna()


def hs6_industry(data_dir: Path | None = None) -> pd.Series:
    """WIOD industry (c1..c35) of every HS6 code of any HS revision."""
    return _hs6_industry(str(raw_data_dir(data_dir)))


@lru_cache(maxsize=4)
def _hs6_trade(data_dir: str) -> pd.Series:
    files = sorted((Path(data_dir) / "tariffs" / "us_2025" / "data").glob("2024-hs10-imports*.parquet"))
    if not files:
        raise CGEInputError(f"missing data files {Path(data_dir) / 'tariffs/us_2025/data'}/"
                            "2024-hs10-imports*.parquet (set --data-dir or CGE_DATA_DIR)")
    rows = pd.concat([pd.read_parquet(f, columns=["HS6", "imports"]) for f in files])
    return rows.groupby("HS6").imports.sum().rename("trade_usd")


def hs6_trade_weights(data_dir: Path | None = None) -> pd.Series:
    """US imports by HS6 code (HS2022), USD, 2024 (module docstring)."""
    return _hs6_trade(str(raw_data_dir(data_dir)))


def weights_for_codes(codes: pd.Index, data_dir: Path | None = None) -> pd.Series:
    """Trade weight of each of ``codes`` (HS6 of an older revision): its own trade, plus an
    equal part of the trade of same-heading (HS4) codes that are not among ``codes``."""
    trade = hs6_trade_weights(data_dir)
    own = trade.reindex(codes).fillna(0.0)
    orphans = trade[~trade.index.isin(codes)]
    by_heading = orphans.groupby(orphans.index.str[:4]).sum()
    heading = pd.Series(codes.str[:4], index=codes)
    members = heading.map(heading.value_counts())
    extra = heading.map(by_heading).fillna(0.0) / members
    return (own + extra).rename("trade_usd")
