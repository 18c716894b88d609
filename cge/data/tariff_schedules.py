"""Tariff schedules for the seed scenarios, built from the raw tariff files.

Each builder turns published tariff data into a table of (importer, exporter, sector,
rate_pct) rows in the model's region and sector codes, and each table is a CHANGE in
percentage points relative to the 2011 base dataset (scenarios apply it with
``mode: add_pct_points``).  The chain is always

    product code (NAICS3 or HS2/HS4) -> WIOD 2013 industry (c1..c35, hand concordance in
    ``calibration/concordances/``) -> model sector (the mapping file, e.g. default.yaml),

with trade weights from the same source as the tariffs.  The builders also return the
trade-weighted average LEVELS that can be compared with Chad Bown's (PIIE) published
averages; :func:`headline_checks` collects them.  Everything is derived from
``<data_dir>/tariffs`` and ``<data_dir>/wiod2013``; nothing here is tuned to a target.

Sources (cite them with the tables):
  * Waugh, M. (2021), tradewar-tracker (github.com/mwaugh0328/tradewar-tracker):
    monthly NAICS3 trade-weighted US tariffs on China and Chinese tariffs on the US.
  * tradewartracker (2026), trade-war-redux-2025 (github.com/tradewartracker/
    trade-war-redux-2025): US 2025 tariff increases by partner and date, partner x HS2
    increases, Census 2024 HS10 imports.
  * Bown, C. P. (PIIE), "US-China Trade War Tariffs: An Up-to-Date Chart" (versions of
    2019-12-19, 2020-02-14 and 2025), transcribed in ``tariffs/bown_us_china_averages``.
  * Timmer et al. (2015), WIOD 2013 release, for China's 2011 output and value added.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cge.atomic import write_atomic
from cge.data.mapping import Mapping, load_mapping
from cge.data.wiod import N_INDUSTRIES, default_data_dir, read_wiod, repo_root
from cge.errors import CGEInputError

COLUMNS = ["importer", "exporter", "sector", "rate_pct"]

# --- 2018-19 trade war (Waugh's monthly NAICS3 series) -------------------------------
WAR_START = "2018-01-01"   # before the first Section 301 list (6 July 2018)
WAR_END = "2020-02-01"     # month of Bown's check value (14 Feb 2020, Phase One in force)
WAR_WEIGHT_YEAR = "2017"   # Bown weights by 2017 trade; so do we (US imports / exports)

# --- 2025 (tradewartracker state of US tariffs on China by announcement date) --------
US_2025_DATES: dict[str, str] = {
    # reciprocal 125% + IEEPA fentanyl 20%, after the 11 April consumer-electronics
    # carve-out (EO 14257 amendment); in force 11 April - 13 May 2025
    "peak": "2025-04-11",
    # Geneva joint statement: reciprocal cut to 10% effective 14 May 2025
    "geneva": "2025-05-12",
    # Busan/Kuala Lumpur truce: fentanyl tariff 20 -> 10% effective 10 Nov 2025, plus
    # the 14 Nov 2025 Annex II agricultural exemptions
    "november_truce": "2025-11-14",
}
CHINA_2025_ADD_PCT_POINTS: dict[str, float] = {
    # China's counter-tariffs on all US goods on top of earlier tariffs:
    # 34 (4 Apr) + 50 (9 Apr) + 41 (11 Apr) = 125 points (MOFCOM / State Council Tariff
    # Commission announcements; Bown (PIIE) 2025: "125 percentage points")
    "peak": 125.0,
    # Geneva joint statement (12 May 2025): China keeps 10 of the 34 points, suspends 24
    "geneva": 10.0,
    # Tariff Commission announcement of 5 Nov 2025, effective 10 Nov: keeps the 10%,
    # suspends the 24 points for a year, lifts the 4 March 2025 farm tariffs
    "november_truce": 10.0,
}
CHINA_CTY_CODE = "5700"    # US Census country code of China

# --- EV measures ----------------------------------------------------------------------
# Commission Implementing Regulation (EU) 2024/2754 of 29 Oct 2024: definitive
# countervailing duty on BEVs from China, 17.0% (BYD) to 35.3% (SAIC, non-cooperating);
# 20.7% for cooperating exporters not sampled = the weighted average of the sampled ones.
EU_BEV_CVD_PCT = 20.7
# US Section 301 tariff on Chinese EVs raised to 100% from 27 Sep 2024 (USTR notice of
# modification, Federal Register, 18 Sep 2024); the 2011 base has no Section 301 duty,
# so the whole 100 points are added.
US_EV_301_PCT = 100.0
# Eurostat (Statistics Explained, "Trade and production of hybrid and electric cars",
# data of Oct 2024): EU imports of electric cars from China in 2023 = EUR 9.7 bn.
EU_BEV_IMPORTS_FROM_CHN_2023_EUR_BN = 9.7
# Eurostat (ext_st_eu27_2020sitc): EU imports of goods from China in 2023 = EUR 514 bn
# (exports EUR 223 bn, deficit EUR 291 bn as in Eurostat news of 4 March 2024).
EU_IMPORTS_FROM_CHN_2023_EUR_BN = 514.0
EV_HS6 = "870380"          # HS 8703.80: vehicles with only an electric motor (BEV)
TRN_HS2 = ("86", "87", "88", "89")

# --- Chinese industrial subsidies ---------------------------------------------------
# Garcia-Macia, Kothari and Tao (2025), "Industrial Policy in China: Quantification and
# Impact on Misallocation", IMF WP/25/155: cash subsidies, tax benefits, subsidised
# credit and land for favoured sectors "about 4 percent of GDP per year".
CHINA_INDUSTRIAL_POLICY_PCT_GDP = 4.0
SUBSIDY_SECTORS = ("MET", "ELE", "TRN")
MANUFACTURING_INDUSTRIES = tuple(f"c{k}" for k in range(3, 17))  # WIOD c3..c16


@dataclass(frozen=True)
class Schedule:
    """A built tariff table and the check values measured while building it."""

    name: str
    table: pd.DataFrame
    checks: dict[str, float]


# ------------------------------------------------------------------------------------
# Helpers: paths, concordances, sector mapping
# ------------------------------------------------------------------------------------
def tariffs_dir(data_dir: Path | None = None) -> Path:
    """``<data_dir>/tariffs``, with the data folder as in :func:`default_data_dir`."""
    base = Path(data_dir) if data_dir is not None else default_data_dir()
    path = base / "tariffs"
    if not path.is_dir():
        raise CGEInputError(f"tariff data folder not found: {path} "
                            "(set --data-dir or CGE_DATA_DIR to the folder holding tariffs/)")
    return path


def schedules_dir() -> Path:
    """Where the built tables are committed: ``calibration/tariff_schedules``."""
    return repo_root() / "calibration" / "tariff_schedules"


def load_concordance(name: str) -> dict[str, str]:
    """Product code -> WIOD industry from ``calibration/concordances/<name>.csv``.

    Codes with an empty ``wiod`` (special classification provisions, goods returned)
    have no industry of origin and are left out of the result.
    """
    path = repo_root() / "calibration" / "concordances" / f"{name}.csv"
    if not path.is_file():
        raise CGEInputError(f"concordance {name!r} not found: {path} "
                            "(allowed: naics3_wiod, hs_wiod)")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {code: wiod for code, wiod in zip(frame.iloc[:, 0], frame["wiod"]) if wiod}


def wiod_to_sector(mapping: Mapping) -> dict[str, str]:
    """WIOD industry -> model sector, inverted from the mapping file."""
    return {ind: sector for sector, members in mapping.sectors.items() for ind in members}


def default_mapping(mapping: str | Path = "default") -> Mapping:
    """Load a sector/region mapping without reading WIOD (the codes are fixed)."""
    industries = tuple(f"c{k}" for k in range(1, N_INDUSTRIES + 1))
    countries = _wiod_countries(mapping)
    return load_mapping(mapping, countries, industries)


def _wiod_countries(mapping: str | Path) -> tuple[str, ...]:
    """The WIOD country codes named in a mapping file (it must partition them)."""
    from cge.data.mapping import mapping_path
    import yaml

    doc = yaml.safe_load(mapping_path(mapping).read_text())
    return tuple(c for entry in doc["regions"].values() for c in entry["members"])


def _weighted_by_sector(values: pd.Series, weights: pd.Series, sector_of: pd.Series,
                        order: list[str]) -> pd.Series:
    """Trade-weighted mean of ``values`` within each sector, in ``order``."""
    frame = pd.DataFrame({"v": values, "w": weights, "s": sector_of}).dropna(subset=["s"])
    frame = frame[frame.w > 0]
    sums = frame.assign(vw=frame.v * frame.w).groupby("s")[["vw", "w"]].sum()
    means = sums.vw / sums.w
    return means.reindex([s for s in order if s in means.index])


def _weighted_mean(values: pd.Series, weights: pd.Series) -> float:
    """Trade-weighted mean over the common index."""
    weights = weights.reindex(values.index).fillna(0.0)
    return float((values * weights).sum() / weights.sum())


def _rows(importer: str, exporter: str, rates: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"importer": importer, "exporter": exporter,
                         "sector": list(rates.index), "rate_pct": rates.to_numpy(float)})


# ------------------------------------------------------------------------------------
# 2018-19 trade war
# ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WarSide:
    """One direction of the 2018-19 war by model sector, with 2017 weights."""

    change: pd.Series        # Jan 2018 -> Feb 2020 change, percentage points
    level_end: pd.Series     # Feb 2020 trade-weighted level, %
    weights: pd.Series       # 2017 trade by sector, USD
    avg_level_end: float     # all-goods trade-weighted level at WAR_END, %
    avg_level_start: float   # same at WAR_START


def war_side(file: str, data_dir: Path | None = None,
             mapping: Mapping | None = None) -> WarSide:
    """Sector changes and levels of one side of the war from a Waugh NAICS3 file.

    ``file`` is ``imports_by_naics.csv`` (US tariff on China, weights = US imports from
    China) or ``exports_by_naics.csv`` (China's tariff on the US, weights = US exports
    to China).  Weights are the 2017 annual totals of the ``china_trade`` column.
    """
    mapping = mapping or default_mapping()
    path = tariffs_dir(data_dir) / "us_china_2018_2020" / file
    if not path.is_file():
        raise CGEInputError(f"tariff file not found: {path} "
                            "(allowed: imports_by_naics.csv, exports_by_naics.csv)")
    raw = pd.read_csv(path, dtype={"naics3": str})
    weights = raw[raw.time.str.startswith(WAR_WEIGHT_YEAR)].groupby("naics3").china_trade.sum()
    start = raw[raw.time == WAR_START].set_index("naics3").tariff_trd_w_avg
    end = raw[raw.time == WAR_END].set_index("naics3").tariff_trd_w_avg
    if start.empty or end.empty:
        raise CGEInputError(f"{path}: no rows for time {WAR_START} or {WAR_END}")
    naics = load_concordance("naics3_wiod")
    to_sector = wiod_to_sector(mapping)
    codes = end.index.intersection(start.index)
    sector_of = pd.Series({c: to_sector.get(naics.get(c, ""), None) for c in codes})
    w = weights.reindex(codes).fillna(0.0)
    order = list(mapping.sectors)
    change = _weighted_by_sector(end[codes] - start[codes], w, sector_of, order)
    level_end = _weighted_by_sector(end[codes], w, sector_of, order)
    mapped = sector_of.dropna().index
    sector_w = w[mapped].groupby(sector_of[mapped]).sum().reindex(change.index)
    return WarSide(change=change, level_end=level_end, weights=sector_w,
                   avg_level_end=_weighted_mean(end[mapped], w[mapped]),
                   avg_level_start=_weighted_mean(start[mapped], w[mapped]))


def build_trade_war_2018_2019(data_dir: Path | None = None,
                              mapping: Mapping | None = None) -> Schedule:
    """US tariffs on China and China's retaliation, change Jan 2018 -> Feb 2020."""
    mapping = mapping or default_mapping()
    us = war_side("imports_by_naics.csv", data_dir, mapping)
    cn = war_side("exports_by_naics.csv", data_dir, mapping)
    table = pd.concat([_rows("USA", "CHN", us.change), _rows("CHN", "USA", cn.change)])
    checks = {
        "us_on_china_level_2020_02": us.avg_level_end,
        "china_on_us_level_2020_02": cn.avg_level_end,
        "us_on_china_level_2018_01": us.avg_level_start,
        "china_on_us_level_2018_01": cn.avg_level_start,
    }
    return Schedule("trade_war_2018_2019", table, checks)


# ------------------------------------------------------------------------------------
# 2025 escalation and truces
# ------------------------------------------------------------------------------------
def us_2025_increase(stage: str, data_dir: Path | None = None,
                     mapping: Mapping | None = None) -> tuple[pd.Series, pd.Series, float]:
    """US 2025 tariff increase on China by model sector at a stage, and 2024 weights.

    The sector profile is the tracker's partner x HS2 ``2025_tariff_increase`` for China,
    weighted by Census 2024 HS10 imports (HS10 -> WIOD by the longest matching prefix in
    ``hs_wiod.csv``); it is scaled so that its 2024-import-weighted mean equals the
    tracker's all-goods increase on the stage's date (``country-by-time.csv``).
    Returns (increase by sector in points, 2024 imports by sector, all-goods increase).
    """
    if stage not in US_2025_DATES:
        raise CGEInputError(f"2025 stage {stage!r} unknown (allowed: {', '.join(US_2025_DATES)})")
    mapping = mapping or default_mapping()
    base = tariffs_dir(data_dir) / "us_2025"
    hs2 = pd.read_csv(base / "data-hs2" / f"hs2-tariff-{CHINA_CTY_CODE}.csv", dtype={"HS2": str})
    hs2_increase = hs2.set_index(hs2.HS2.str.zfill(2))["2025_tariff_increase"]
    by_date = pd.read_csv(base / "country-by-time.csv")
    china = by_date[(by_date.country_name == "CHINA") & (by_date.date == US_2025_DATES[stage])]
    if china.empty:
        raise CGEInputError(f"country-by-time.csv: no CHINA row on {US_2025_DATES[stage]}")
    target = float(china["effective tariff"].iloc[0])
    imports = hs10_imports(data_dir)
    sector_of = hs10_sector(imports.index, mapping)
    inc = pd.Series(hs2_increase.reindex(imports.index.str[:2]).to_numpy(), index=imports.index)
    profile_mean = _weighted_mean(inc.dropna(), imports)
    order = list(mapping.sectors)
    increase = _weighted_by_sector(inc, imports, sector_of, order) * (target / profile_mean)
    weights = imports.groupby(sector_of).sum().reindex(increase.index)
    return increase, weights, target


def hs10_imports(data_dir: Path | None = None) -> pd.Series:
    """Census 2024 US imports from China by HS10 (USD), indexed by HS10 code."""
    path = tariffs_dir(data_dir) / "us_2025" / "data" / f"2024-hs10-imports{CHINA_CTY_CODE}.parquet"
    if not path.is_file():
        raise CGEInputError(f"HS10 import file not found: {path}")
    frame = pd.read_parquet(path, columns=["HS10", "imports"])
    return frame.groupby("HS10").imports.sum().astype(float)


def hs10_sector(codes: pd.Index, mapping: Mapping) -> pd.Series:
    """Model sector of each HS10 code by the longest prefix in ``hs_wiod.csv``."""
    concordance = load_concordance("hs_wiod")
    to_sector = wiod_to_sector(mapping)
    excluded = {"98", "99"}

    def sector(code: str) -> str | None:
        for n in (4, 2):
            if code[:n] in concordance:
                return to_sector[concordance[code[:n]]]
        if code[:2] in excluded:
            return None
        raise CGEInputError(f"hs_wiod.csv has no row for HS code {code[:2]} (HS10 {code})")

    return pd.Series([sector(c) for c in codes], index=codes)


def build_us_china_2025(stage: str, data_dir: Path | None = None,
                        mapping: Mapping | None = None) -> Schedule:
    """US and Chinese tariffs at a 2025 stage, as changes relative to the 2011 base.

    Change = the 2018-19 war change by sector (Jan 2018 -> Feb 2020) plus the 2025
    increase by sector: for the US from the tracker (see :func:`us_2025_increase`), for
    China the across-the-board counter-tariff of ``CHINA_2025_ADD_PCT_POINTS``.
    Changes between Feb 2020 and Jan 2025 (Biden's 2024 Section 301 increases, China's
    tariff exclusions) and China's targeted lists of Feb/Mar 2025 are not included.
    """
    mapping = mapping or default_mapping()
    us_war = war_side("imports_by_naics.csv", data_dir, mapping)
    cn_war = war_side("exports_by_naics.csv", data_dir, mapping)
    increase, weights_2024, tracker_increase = us_2025_increase(stage, data_dir, mapping)
    us_change = us_war.change.add(increase, fill_value=0.0)
    china_add = CHINA_2025_ADD_PCT_POINTS[stage]
    cn_change = cn_war.change + china_add
    table = pd.concat([_rows("USA", "CHN", us_change), _rows("CHN", "USA", cn_change)])
    us_level = us_war.level_end.add(increase, fill_value=0.0)
    cn_level = cn_war.level_end + china_add
    checks = {
        "us_on_china_level": _weighted_mean(us_level, weights_2024),
        "us_increase_2025_tracker": tracker_increase,
        "china_on_us_level": _weighted_mean(cn_level, cn_war.weights),
    }
    return Schedule(f"us_china_2025_{stage}", table, checks)


# ------------------------------------------------------------------------------------
# EV tariffs
# ------------------------------------------------------------------------------------
def us_ev_share_of_trn(data_dir: Path | None = None) -> float:
    """Share of BEVs (HS 8703.80) in US 2024 imports of transport equipment (HS 86-89)
    from China, from the Census HS10 data."""
    imports = hs10_imports(data_dir)
    trn = imports[imports.index.str[:2].isin(TRN_HS2)].sum()
    return float(imports[imports.index.str[:6] == EV_HS6].sum() / trn)


def eu_ev_share_of_trn(data_dir: Path | None = None, mapping: Mapping | None = None) -> float:
    """Share of BEVs in EU imports of transport equipment from China, 2023.

    Numerator: Eurostat EU imports of electric cars from China, 2023.  Denominator: EU
    imports of TRN from China in 2023, estimated as WIOD 2011's TRN share of China's
    exports to the EU members of EUR times Eurostat's 2023 total EU imports from China
    (no HS-level EU data is in the shared data; an approximation, see docs).
    """
    mapping = mapping or default_mapping()
    wiod = read_wiod(2011, data_dir)
    exports = _bilateral_exports(wiod, "CHN", mapping.regions["EUR"])
    trn = [wiod.industries.index(i) for i in mapping.sectors["TRN"]]
    trn_share = exports[trn].sum() / exports.sum()
    return EU_BEV_IMPORTS_FROM_CHN_2023_EUR_BN / (trn_share * EU_IMPORTS_FROM_CHN_2023_EUR_BN)


def _bilateral_exports(wiod, exporter: str, importers: list[str]) -> np.ndarray:
    """Exports by industry of one WIOD country to a set of countries (int. + final)."""
    c = wiod.countries.index(exporter)
    d = [wiod.countries.index(k) for k in importers if k != exporter]
    return wiod.inter[c][:, d].sum(axis=(1, 2)) + wiod.final[c][:, d].sum(axis=(1, 2))


def build_ev_tariffs(data_dir: Path | None = None, mapping: Mapping | None = None) -> Schedule:
    """EU CVDs and the US Section 301 tariff on Chinese EVs as TRN-level adds.

    add_TRN = s_EV * add_EV, with s_EV the EVs' share of China's TRN exports to the
    importer: the ad valorem equivalent that raises the same revenue on the TRN
    aggregate at benchmark prices (an approximation: it spreads the tax over all TRN).
    """
    eu_share = eu_ev_share_of_trn(data_dir, mapping)
    us_share = us_ev_share_of_trn(data_dir)
    table = pd.DataFrame({"importer": ["EUR", "USA"], "exporter": ["CHN", "CHN"],
                          "sector": ["TRN", "TRN"],
                          "rate_pct": [eu_share * EU_BEV_CVD_PCT, us_share * US_EV_301_PCT]})
    checks = {"eu_ev_share_of_trn": eu_share, "us_ev_share_of_trn": us_share}
    return Schedule("ev_tariffs_eu_us", table, checks)


# ------------------------------------------------------------------------------------
# Chinese industrial subsidies
# ------------------------------------------------------------------------------------
def china_subsidy_rate_pct(data_dir: Path | None = None) -> dict[str, float]:
    """Output subsidy rate (% of output) for MET, ELE, TRN in China, WIOD 2011.

    The IMF's ~4% of GDP is spread uniformly over China's manufacturing output (WIOD
    c3..c16): rate = 4% * GDP / manufacturing output; ``share_of_spending`` is the share of
    MET, ELE and TRN in manufacturing output.  A check value only: the scenario
    china_industrial_subsidies sizes its subsidies with a ``subsidy_budget`` shock (4.4% of
    GDP, computed from the dataset at run time).
    """
    wiod = read_wiod(2011, data_dir)
    c = wiod.countries.index("CHN")
    gdp = float(wiod.value_added[c].sum())
    manu = [wiod.industries.index(i) for i in MANUFACTURING_INDUSTRIES]
    manu_output = float(wiod.output[c, manu].sum())
    three = [wiod.industries.index(i) for i in ("c12", "c14", "c15")]
    rate = CHINA_INDUSTRIAL_POLICY_PCT_GDP * gdp / manu_output
    return {"rate_pct": rate, "gdp_usd_million": gdp,
            "manufacturing_output_usd_million": manu_output,
            "share_of_spending": float(wiod.output[c, three].sum()) / manu_output}


# ------------------------------------------------------------------------------------
# Build, check and write
# ------------------------------------------------------------------------------------
def build_all(data_dir: Path | None = None, mapping: Mapping | None = None) -> list[Schedule]:
    """Every committed schedule, in a fixed order."""
    mapping = mapping or default_mapping()
    schedules = [build_trade_war_2018_2019(data_dir, mapping)]
    schedules += [build_us_china_2025(stage, data_dir, mapping) for stage in US_2025_DATES]
    schedules.append(build_ev_tariffs(data_dir, mapping))
    return schedules


def to_csv_text(table: pd.DataFrame) -> str:
    """The canonical CSV text of a table (fixed column order, 4 decimals, LF)."""
    buffer = io.StringIO()
    table[COLUMNS].to_csv(buffer, index=False, float_format="%.4f", lineterminator="\n")
    return buffer.getvalue()


def checks_table(schedules: list[Schedule], data_dir: Path | None = None) -> pd.DataFrame:
    """All check values measured while building, one row per (schedule, quantity)."""
    rows = [(s.name, k, v) for s in schedules for k, v in s.checks.items()]
    rows += [("china_industrial_subsidies", k, v)
             for k, v in china_subsidy_rate_pct(data_dir).items()]
    return pd.DataFrame(rows, columns=["schedule", "quantity", "value"])


def write_schedules(out_dir: Path | None = None, data_dir: Path | None = None) -> dict[str, Path]:
    """Build every schedule and the check table, then write them (all or nothing).

    Everything is built in memory first, so a failed build leaves the existing files
    untouched; each file is then replaced atomically.
    """
    out = Path(out_dir) if out_dir is not None else schedules_dir()
    schedules = build_all(data_dir)
    texts = {f"{s.name}.csv": to_csv_text(s.table) for s in schedules}
    checks = checks_table(schedules, data_dir)
    buffer = io.StringIO()
    checks.to_csv(buffer, index=False, float_format="%.4f", lineterminator="\n")
    texts["checks.csv"] = buffer.getvalue()
    written = {}
    for name, text in texts.items():
        write_atomic(out / name, lambda tmp, text=text: tmp.write_text(text, newline=""))
        written[name] = out / name
    return written


def main(out_dir: Path | None = None, data_dir: Path | None = None) -> None:
    """Build and write the schedules, then print the check values (``cge data schedules``)."""
    written = write_schedules(out_dir, data_dir)
    checks = pd.read_csv(written["checks.csv"])
    for path in written.values():
        print(f"wrote {path}")
    print(checks.to_string(index=False))


if __name__ == "__main__":
    main()
