"""Baseline applied import tariffs from Caliendo & Parro (2015), mapped to WIOD and the model.

The source is the applied-tariff matrix for 2005 that Caliendo and Parro (2015) built
from UNCTAD-TRAINS: 20 tradable ISIC Rev.3 sectors x 31 importers x 31 exporters, in
percent.  The pipeline has three steps, each driven by a human-readable table under
``calibration/concordances``:

1. CP sectors -> WIOD industries c1..c16 (``cp2015_sector_wiod.csv``); where several CP
   sectors form one WIOD industry (c12, c14, c15) the rate is their mean weighted by
   CP's own 1993 bilateral imports of the same country pair.
2. CP countries -> the 41 WIOD countries (``cp2015_country_wiod.csv``), with documented
   fallbacks for countries CP lacks (EU members take the EU common external tariff;
   Russia takes CP's rest of world; Taiwan as importer takes its own 2005 average MFN
   rates, ``taiwan_tariff_2005.csv``; WIOD's RoW is CP's Row plus the five CP countries
   WIOD leaves in RoW).  Trade among EU members is duty free.
3. WIOD industries x countries -> model sectors x regions, weighted by the bilateral
   trade flows of the base year (``country_trade``).  Service industries c17..c35
   carry no tariff, and trade between two countries of the same region is domestic.

Result: ``tariff_rate`` (sector, exporter, importer) as a fraction, see docs/tariffs.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from cge.data.aggregate import country_trade
from cge.data.clean import clean_table
from cge.data.wiod import raw_data_dir, read_wiod
from cge.errors import CGEInputError
from cge.resources import calibration_dir

WIOD_COUNTRIES: tuple[str, ...] = (
    "AUS", "AUT", "BEL", "BGR", "BRA", "CAN", "CHN", "CYP", "CZE", "DEU", "DNK", "ESP",
    "EST", "FIN", "FRA", "GBR", "GRC", "HUN", "IDN", "IND", "IRL", "ITA", "JPN", "KOR",
    "LTU", "LUX", "LVA", "MEX", "MLT", "NLD", "POL", "PRT", "ROM", "RUS", "SVK", "SVN",
    "SWE", "TUR", "TWN", "USA", "RoW",
)
WIOD_INDUSTRIES: tuple[str, ...] = tuple(f"c{k}" for k in range(1, 36))
GOODS_INDUSTRIES: tuple[str, ...] = WIOD_INDUSTRIES[:16]

# Country and sector order of the CP2015 text files, as listed in cp2015_nafta.rda
# (sets$regions, sets$sectors; R package github.com/paulofelipe/cp2015) and checked
# against tariffs1993.txt, which the same .rda holds in tidy form (identical values).
CP_COUNTRIES: tuple[str, ...] = (
    "Argentina", "Australia", "Austria", "Brazil", "Canada", "Chile", "China", "Denmark",
    "Finland", "France", "Germany", "Greece", "Hungary", "India", "Indonesia", "Ireland",
    "Italy", "Japan", "Korea", "Mexico", "Netherlands", "New Zealand", "Norway",
    "Portugal", "South Africa", "Spain", "Sweden", "Turkey", "UK", "USA", "Row",
)
CP_TRADABLE_SECTORS: tuple[str, ...] = (
    "Agriculture", "Mining", "Food", "Textile", "Wood", "Paper", "Petroleum", "Chemicals",
    "Plastic", "Minerals", "Basic metals", "Metal products", "Machinery n.e.c", "Office",
    "Electrical", "Communication", "Medical", "Auto", "Other Transport", "Other",
)
# EU members in CP (EU-25 in 2005); their rates on outsiders are the common external tariff.
CP_EU_MEMBERS: tuple[str, ...] = (
    "Austria", "Denmark", "Finland", "France", "Germany", "Greece", "Hungary", "Ireland",
    "Italy", "Netherlands", "Portugal", "Spain", "Sweden", "UK",
)
# The 27 EU members of 2011 (the WIOD base year) that WIOD lists.
WIOD_EU_MEMBERS: frozenset[str] = frozenset({
    "AUT", "BEL", "BGR", "CYP", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GBR",
    "GRC", "HUN", "IRL", "ITA", "LTU", "LUX", "LVA", "MLT", "NLD", "POL", "PRT", "ROM",
    "SVK", "SVN", "SWE",
})

_CONCORDANCES = calibration_dir() / "concordances"


def _require(path: Path) -> Path:
    if not path.is_file():
        raise CGEInputError(f"missing data file {path} (set --data-dir or CGE_DATA_DIR)")
    return path


@dataclass(frozen=True)
class CPTariffs:
    """CP2015 tariffs (fractions) and 1993 imports (weights), both (sector, importer, exporter)."""

    rate: np.ndarray
    imports: np.ndarray


@lru_cache(maxsize=4)
def load_cp2015(data_dir: Path | None = None) -> CPTariffs:
    """Read the CP2015 applied tariffs of 2005 and the bilateral imports of 1993.

    Layout (cp2015 README): 620 x 31, one block of 31 importer rows per tradable sector,
    columns = exporters; tariffs in percent, imports in thousand USD.
    """
    folder = raw_data_dir(data_dir) / "cp2015"
    shape = (len(CP_TRADABLE_SECTORS), len(CP_COUNTRIES), len(CP_COUNTRIES))
    rate = np.loadtxt(_require(folder / "tariffs2005.txt")).reshape(shape) / 100.0
    imports = np.loadtxt(_require(folder / "xbilat1993.txt")).reshape(shape)
    return CPTariffs(rate=rate, imports=imports)


def _sector_matrix() -> np.ndarray:
    """(16 WIOD goods industries x 20 CP sectors) 0/1 matrix from cp2015_sector_wiod.csv."""
    table = pd.read_csv(_CONCORDANCES / "cp2015_sector_wiod.csv")
    matrix = np.zeros((len(GOODS_INDUSTRIES), len(CP_TRADABLE_SECTORS)))
    for _, row in table.iterrows():
        for industry in str(row.wiod_industry).split(";"):
            matrix[GOODS_INDUSTRIES.index(industry), int(row.cp_sector) - 1] = 1.0
    return matrix


def _country_matrices() -> tuple[np.ndarray, np.ndarray]:
    """(41 WIOD countries x 31 CP countries) 0/1 proxy matrices as importer and as exporter."""
    table = pd.read_csv(_CONCORDANCES / "cp2015_country_wiod.csv").set_index("wiod_country")
    shape = (len(WIOD_COUNTRIES), len(CP_COUNTRIES))
    importer, exporter = np.zeros(shape), np.zeros(shape)
    for matrix, column in ((importer, "importer_proxy"), (exporter, "exporter_proxy")):
        for k, country in enumerate(WIOD_COUNTRIES):
            proxy = table.loc[country, column]
            names = CP_EU_MEMBERS if proxy == "EU" else () if proxy == "TAIWAN" else proxy.split(";")
            for name in names:
                matrix[k, CP_COUNTRIES.index(name)] = 1.0
    return importer, exporter


def _taiwan_import_rates() -> np.ndarray:
    """Taiwan's 2005 MFN rate (fraction) for each CP sector, from taiwan_tariff_2005.csv."""
    table = pd.read_csv(_CONCORDANCES / "taiwan_tariff_2005.csv")
    rates = np.full(len(CP_TRADABLE_SECTORS), np.nan)
    for _, row in table.iterrows():
        for sector in row.cp_sectors.split(";"):
            rates[CP_TRADABLE_SECTORS.index(sector)] = row.rate_pct / 100.0
    return rates


def _importer_mean(cp: CPTariffs, sectors: np.ndarray, importer: np.ndarray,
                   weights: np.ndarray) -> np.ndarray:
    """(industry, WIOD importer): each importer's CP-1993-weighted mean rate on all suppliers."""
    return (np.einsum("ks,mn,sni->km", sectors, importer, weights * cp.rate)
            / np.maximum(np.einsum("ks,mn,sni->km", sectors, importer, weights), 1e-300))


def industry_tariffs(data_dir: Path | None = None) -> xr.DataArray:
    """Applied tariffs by WIOD industry x exporter x importer (fractions), all 41 x 35.

    Each (industry k, exporter e, importer m) is the mean of the CP rates
    tau[s, n, i] over the CP sectors s of k, the CP importers n standing for m and the
    CP exporters i standing for e (n != i), weighted by CP's 1993 imports; with no
    such trade, the simple mean; when every combination lies on CP's diagonal (both
    sides are CP's Row), the importer's trade-weighted mean rate on all its suppliers.
    """
    cp = load_cp2015(data_dir)
    sectors = _sector_matrix()
    importer, exporter = _country_matrices()
    off_diagonal = 1.0 - np.eye(len(CP_COUNTRIES))[None, :, :]
    weights = cp.imports * off_diagonal

    def aggregate(values: np.ndarray) -> np.ndarray:
        return np.einsum("ks,mn,ei,sni->kem", sectors, importer, exporter, values,
                         optimize=True)

    weighted_sum, weight = aggregate(weights * cp.rate), aggregate(weights)
    simple_sum = aggregate(off_diagonal * cp.rate)
    count = aggregate(np.broadcast_to(off_diagonal, cp.rate.shape))
    importer_mean = _importer_mean(cp, sectors, importer, weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(weight > 0, weighted_sum / weight,
                        np.where(count > 0, simple_sum / count, importer_mean[:, None, :]))

    taiwan = WIOD_COUNTRIES.index("TWN")
    cp_weights = cp.imports.sum(axis=(1, 2))
    rate[:, :, taiwan] = (sectors @ (cp_weights * _taiwan_import_rates())
                          / (sectors @ cp_weights))[:, None]
    eu = np.array([c in WIOD_EU_MEMBERS for c in WIOD_COUNTRIES])
    rate[:, eu[:, None] & eu[None, :]] = 0.0
    rate[:, np.arange(len(WIOD_COUNTRIES)), np.arange(len(WIOD_COUNTRIES))] = 0.0

    full = np.zeros((len(WIOD_INDUSTRIES), len(WIOD_COUNTRIES), len(WIOD_COUNTRIES)))
    full[: len(GOODS_INDUSTRIES)] = rate
    return xr.DataArray(
        full, dims=("industry", "exporter", "importer"),
        coords={"industry": list(WIOD_INDUSTRIES), "exporter": list(WIOD_COUNTRIES),
                "importer": list(WIOD_COUNTRIES)},
        name="tariff_rate", attrs={"units": "fraction"},
    )


@dataclass(frozen=True)
class SplitEconomies:
    """Economies carved out of a WIOD economy (:mod:`cge.data.region_split`) for the tariffs."""

    parent_of: dict[str, str]          # part -> WIOD economy it came from
    duty_free: frozenset[str] = frozenset()   # parts that trade duty free among themselves


def split_industry_tariffs(split: SplitEconomies, data_dir: Path | None = None) -> xr.DataArray:
    """:func:`industry_tariffs` with split parts added after their parent.

    A part applies and faces its parent's rates (e.g. Viet Nam those of WIOD's rest of
    the world); between two economies of one split group (parts and the parent's rest),
    once domestic trade in WIOD, the rate is the parent's CP-weighted mean rate on all
    its suppliers, and zero between parts in ``duty_free`` (a free-trade area).
    """
    base = industry_tariffs(data_dir)
    cp = load_cp2015(data_dir)
    importer, _ = _country_matrices()
    weights = cp.imports * (1.0 - np.eye(len(CP_COUNTRIES))[None, :, :])
    mean = _importer_mean(cp, _sector_matrix(), importer, weights)          # (16, 41)
    codes = list(WIOD_COUNTRIES)
    for part, parent in split.parent_of.items():
        codes.insert(codes.index(parent), part)
    src = [split.parent_of.get(c, c) for c in codes]
    rate = base.sel(exporter=src, importer=src).values.copy()
    for a, ca in enumerate(codes):
        for b, cb in enumerate(codes):
            if a != b and src[a] == src[b]:
                free = ca in split.duty_free and cb in split.duty_free
                parent = WIOD_COUNTRIES.index(src[b])
                rate[: len(GOODS_INDUSTRIES), a, b] = 0.0 if free else mean[:, parent]
    return xr.DataArray(rate, dims=base.dims,
                        coords={"industry": list(WIOD_INDUSTRIES), "exporter": codes, "importer": codes},
                        name="tariff_rate", attrs=base.attrs)


def _membership(mapping: dict[str, list[str]], known: list[str], field: str) -> np.ndarray:
    """0/1 matrix (groups x known codes); unknown or doubly assigned codes are input errors."""
    matrix = np.zeros((len(mapping), len(known)))
    seen: set[str] = set()
    for g, members in enumerate(mapping.values()):
        for code in members:
            if code not in known:
                raise CGEInputError(f"{field}: unknown code {code!r}; allowed: {', '.join(known)}")
            if code in seen:
                raise CGEInputError(f"{field}: code {code!r} is assigned to more than one group")
            seen.add(code)
            matrix[g, known.index(code)] = 1.0
    return matrix


def aggregate_tariffs(
    rates: xr.DataArray,
    country_trade: xr.DataArray,
    region_mapping: dict[str, list[str]],
    sector_mapping: dict[str, list[str]],
) -> xr.DataArray:
    """Trade-weighted mean of industry x country rates over each (sector, exporter, importer).

    Weights are ``country_trade`` (USD million); where a cell has no trade at all, the
    simple mean of its component rates.  Cells inside one region are set to zero.
    """
    if set(country_trade.dims) != {"industry", "exporter", "importer"}:
        raise CGEInputError(
            f"country_trade: dims {country_trade.dims}; allowed: (industry, exporter, importer)")
    trade = country_trade.transpose("industry", "exporter", "importer")
    if float(trade.min()) < 0:
        raise CGEInputError("country_trade: negative trade flow; allowed: values >= 0")
    countries = [str(c) for c in trade.exporter.values]
    if countries != [str(c) for c in trade.importer.values]:
        raise CGEInputError("country_trade: exporter and importer coordinates must be identical")
    industries = [str(k) for k in trade.industry.values]
    regions = _membership(region_mapping, countries, "region_mapping")
    sectors = _membership(sector_mapping, industries, "sector_mapping")
    tau = rates.sel(industry=industries, exporter=countries, importer=countries).values
    flows = trade.values
    off_diagonal = 1.0 - np.eye(len(countries))

    def aggregate(values: np.ndarray) -> np.ndarray:
        return np.einsum("sk,ae,bm,kem->sab", sectors, regions, regions, values,
                         optimize=True)

    weight = aggregate(flows * off_diagonal)
    count = aggregate(np.broadcast_to(off_diagonal, flows.shape))
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(weight > 0, aggregate(flows * tau) / weight,
                        aggregate(tau * off_diagonal) / count)
    rate = np.nan_to_num(rate, nan=0.0)
    rate[:, np.arange(len(region_mapping)), np.arange(len(region_mapping))] = 0.0
    names = list(region_mapping)
    return xr.DataArray(
        rate, dims=("sector", "exporter", "importer"),
        coords={"sector": list(sector_mapping), "exporter": names, "importer": names},
        name="tariff_rate",
        attrs={"units": "fraction", "description": "benchmark applied ad valorem import tariff"},
    )


def baseline_tariffs(
    country_trade: xr.DataArray,
    region_mapping: dict[str, list[str]],
    sector_mapping: dict[str, list[str]],
    data_dir: Path | None = None,
    split: SplitEconomies | None = None,
) -> xr.DataArray:
    """Benchmark applied tariffs by (sector, exporter, importer) for a model aggregation.

    ``country_trade`` (industry, exporter, importer) in USD million at world prices
    supplies the weights; the mappings may cover any subset of its codes, each code at
    most once; ``split`` adds economies split out of a WIOD economy.  Returns fractions
    with zeros on the diagonal, for services and within a region.
    """
    rates = industry_tariffs(data_dir) if split is None else split_industry_tariffs(split, data_dir)
    return aggregate_tariffs(rates, country_trade, region_mapping, sector_mapping)


def baseline_tariffs_source() -> str:
    """Provenance of the baseline tariffs, stored in the dataset attrs."""
    return (
        "Applied import tariffs for 2005 from Caliendo, L. and Parro, F. (2015), "
        "'Estimates of the Trade and Welfare Effects of NAFTA', Review of Economic Studies "
        "82(1), 1-44, supplementary data (tariffs2005.txt, UNCTAD-TRAINS based, 20 ISIC Rev.3 "
        "tradable sectors x 31 countries); CP sectors mapped to WIOD c1..c16 and CP countries "
        "to WIOD countries by calibration/concordances/cp2015_*.csv, within-industry "
        "weights = CP 1993 bilateral imports; fallbacks: EU members not in CP apply the EU "
        "common external tariff and trade duty free within the EU (27 members of 2011), "
        "Russia = CP rest of world, WIOD RoW = CP Row + Argentina, Chile, New Zealand, Norway, "
        "South Africa, Taiwan as importer = its 2005 average nominal MFN rates (13.18% "
        "agricultural HS 1-24, 4.22% industrial HS 25-97; Taiwan Ministry of Finance, "
        "Department of Customs Administration), as exporter = CP rest of world; services "
        "(c17..c35) untaxed; aggregated to model sectors and regions weighted by WIOD "
        "base-year bilateral trade. See docs/tariffs.md."
    )


def wiod_country_trade(year: int = 2011, data_dir: Path | None = None) -> xr.DataArray:
    """Bilateral trade (industry, exporter, importer) in USD million between WIOD countries,
    from the cleaned table the build uses (``read_wiod`` -> ``clean_table`` -> ``country_trade``);
    weights the WITS cross-check when no trade is given."""
    return country_trade(clean_table(read_wiod(year, data_dir)))


# WITS reporter/partner names in wits_ahs_weighted_tariffs_2023.csv -> WIOD countries.
WITS_REGIONS: dict[str, list[str]] = {
    "USA": ["USA"], "CHN": ["CHN"], "EUR": sorted(WIOD_EU_MEMBERS - {"GBR"}), "GBR": ["GBR"],
    "JPN": ["JPN"], "CAN": ["CAN"], "MEX": ["MEX"], "BRA": ["BRA"], "IND": ["IND"],
    "ROW": ["AUS", "IDN", "KOR", "RUS", "TUR", "TWN", "RoW"],
}
_WITS_NAMES: dict[str, str] = {
    "United States": "USA", "China": "CHN", "EuropeanUnion": "EUR", "United Kingdom": "GBR",
    "Japan": "JPN", "Canada": "CAN", "Mexico": "MEX", "Brazil": "BRA", "India": "IND",
    "RestOfTheWorld": "ROW",
}


def _wits_region(name: str) -> str:
    return _WITS_NAMES[name.split(" --- ")[0].strip()]


def load_wits_2023(data_dir: Path | None = None) -> pd.DataFrame:
    """WITS effectively applied (AHS) trade-weighted tariffs 2023, tidy, in percent."""
    path = _require(raw_data_dir(data_dir) / "tariffs" / "wits_ahs2023_usitc_monthly"
                    / "wits_ahs_weighted_tariffs_2023.csv")
    raw = pd.read_csv(path)
    return pd.DataFrame({
        "importer": raw["Reporter Name"].map(_wits_region),
        "exporter": raw["Partner Name"].map(_wits_region),
        "product_group": raw["Product Name"],
        "wits2023_pct": raw["Weighted Average"].astype(float),
    })


def wits_product_groups() -> dict[str, list[str]]:
    """WITS product group -> WIOD industries, from wiod_wits_product_groups.csv."""
    table = pd.read_csv(_CONCORDANCES / "wiod_wits_product_groups.csv")
    return {row.wits_group: row.wiod_industries.split(";") for row in table.itertuples()}


def wits_comparison(
    country_trade: xr.DataArray | None = None, data_dir: Path | None = None
) -> pd.DataFrame:
    """CP-2005-based baseline vs WITS 2023 applied tariffs at their common resolution.

    Regions: the default model regions with KOR and TWN folded into ROW (WITS has 10
    regions); products: the 9 WITS groups mapped to WIOD industries.  Both rates in
    percent, with the WIOD trade that weights the baseline cell.  Pairs inside one
    region are left out.  ``country_trade`` defaults to WIOD 2011.
    """
    trade = wiod_country_trade(2011, data_dir) if country_trade is None else country_trade
    groups = wits_product_groups()
    rates = baseline_tariffs(trade, WITS_REGIONS, groups, data_dir)
    sectors = _membership(groups, [str(k) for k in trade.industry.values], "sector_mapping")
    regions = _membership(WITS_REGIONS, [str(c) for c in trade.exporter.values], "region_mapping")
    weight = np.einsum("sk,ae,bm,kem->sab", sectors, regions, regions,
                       trade.transpose("industry", "exporter", "importer").values, optimize=True)
    ours = rates.to_dataframe().reset_index().rename(
        columns={"sector": "product_group", "tariff_rate": "cp2005_pct"})
    ours["cp2005_pct"] *= 100.0
    ours["trade_usd_million"] = weight.reshape(-1)
    ours = ours[ours.exporter != ours.importer]
    table = ours.merge(load_wits_2023(data_dir), on=["importer", "exporter", "product_group"],
                       how="left")
    table["difference_pp"] = table["cp2005_pct"] - table["wits2023_pct"]
    return table[["importer", "exporter", "product_group", "cp2005_pct", "wits2023_pct",
                  "difference_pp", "trade_usd_million"]].reset_index(drop=True)


def wits_summary(comparison: pd.DataFrame) -> pd.DataFrame:
    """Trade-weighted mean tariff each importer applies, CP-2005 baseline vs WITS 2023.

    Both means use the same WIOD 2011 trade weights over the cells WITS reports.
    """
    rows = comparison.dropna(subset=["wits2023_pct"])

    def weighted(frame: pd.DataFrame) -> pd.Series:
        w = frame["trade_usd_million"]
        return pd.Series({
            "cp2005_pct": float((frame["cp2005_pct"] * w).sum() / w.sum()),
            "wits2023_pct": float((frame["wits2023_pct"] * w).sum() / w.sum()),
            "trade_usd_million": float(w.sum()),
        })

    return rows.groupby("importer")[["cp2005_pct", "wits2023_pct", "trade_usd_million"]] \
        .apply(weighted).round(2)
