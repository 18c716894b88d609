"""Tests of the seed tariff schedules (cge.data.tariff_schedules) and the scenario files.

The committed tables must be what the project's own code derives from the raw tariff
files, use only model codes, and reproduce published average tariff levels within the
tolerances documented in calibration/tariff_schedules/README.md.
"""


import pandas as pd
import pytest
import yaml

from cge.data import tariff_schedules as ts
from cge.data.wiod import default_data_dir, repo_root

ROOT = repo_root()
TABLES = sorted(p for p in ts.schedules_dir().glob("*.csv") if p.name != "checks.csv")
SCENARIOS = ("trade_war_2018_2019", "us_china_2025_peak", "us_china_2025_geneva",
             "us_china_2025_november_truce", "ev_tariffs_eu_us", "china_industrial_subsidies")
RAW = default_data_dir() / "tariffs"
needs_raw = pytest.mark.skipif(not RAW.is_dir(), reason="raw data ../shared/data not present")

# Tolerances (percentage points) documented in calibration/tariff_schedules/README.md.
TOL_2018_2020 = 2.5
TOL_2025_REL = 0.15


def bown(date: str, column: str, kind: str = "observed") -> float:
    """A value of Bown's (PIIE) transcribed averages."""
    frame = pd.read_csv(RAW / "bown_us_china_averages"
                        / "bown_piie_us_china_average_tariffs_transcribed.csv")
    row = frame[(frame.date == date) & (frame.kind == kind)]
    return float(row[column].iloc[0])


@pytest.fixture(scope="module")
def built():
    """Every schedule rebuilt from the raw files (about 4 s)."""
    return {s.name: s for s in ts.build_all()}


def test_tables_use_model_codes_and_valid_rates():
    """Each table has the four columns, only known region and sector codes, one row per
    (importer, exporter, sector), no self-trade, and tariff changes that cannot push a
    rate below -100%."""
    mapping = ts.default_mapping()
    assert {p.stem for p in TABLES} == {"trade_war_2018_2019", "us_china_2025_peak",
                                        "us_china_2025_geneva", "us_china_2025_november_truce",
                                        "ev_tariffs_eu_us"}
    for path in TABLES:
        table = pd.read_csv(path)
        assert list(table.columns) == ts.COLUMNS, path
        assert set(table.importer) | set(table.exporter) <= set(mapping.regions), path
        assert set(table.sector) <= set(mapping.sectors), path
        assert not table.duplicated(["importer", "exporter", "sector"]).any(), path
        assert (table.importer != table.exporter).all(), path
        assert (table.rate_pct > -100).all() and table.rate_pct.notna().all(), path


@needs_raw
def test_rebuild_reproduces_committed_tables_byte_for_byte(built, tmp_path):
    """The committed tables are derived by the project's code: rebuilding from the raw
    files into a fresh folder gives identical bytes (deterministic builder)."""
    written = ts.write_schedules(tmp_path)
    for name, path in written.items():
        assert path.read_bytes() == (ts.schedules_dir() / name).read_bytes(), name


@needs_raw
def test_trade_war_levels_match_bown_february_2020(built):
    """Trade-weighted (2017 weights) average levels in February 2020 are within 2.5
    points of Bown's 19.3% (US on China) and 21.1% (China on the US)."""
    checks = built["trade_war_2018_2019"].checks
    assert checks["us_on_china_level_2020_02"] == pytest.approx(
        bown("2020-02-14", "us_avg_tariff_on_china_pct", "observed_revised"), abs=TOL_2018_2020)
    assert checks["china_on_us_level_2020_02"] == pytest.approx(
        bown("2020-02-14", "china_avg_tariff_on_us_pct", "observed_revised"), abs=TOL_2018_2020)


@needs_raw
def test_trade_war_raises_tariffs_on_average(built):
    """The war raised both sides' tariffs: the trade-weighted change is positive and
    equals the February 2020 level minus the January 2018 level."""
    checks = built["trade_war_2018_2019"].checks
    table = built["trade_war_2018_2019"].table
    us = ts.war_side("imports_by_naics.csv")
    us_change = (us.change * us.weights).sum() / us.weights.sum()
    assert us_change == pytest.approx(checks["us_on_china_level_2020_02"]
                                      - checks["us_on_china_level_2018_01"], abs=1e-9)
    assert (table.groupby("importer").rate_pct.mean() > 0).all()


@needs_raw
@pytest.mark.parametrize("stage,us_date,cn_value", [
    ("peak", "2025-04-12", None), ("geneva", "2025-05-14", "2025-05-14")])
def test_2025_levels_near_bown(built, stage, us_date, cn_value):
    """2025 trade-weighted average levels are within 15% of Bown's headline levels
    (US 124.1% at the peak, 51.1% after Geneva; China 32.6% after Geneva and 21.2 + 125
    points at the peak)."""
    checks = built[f"us_china_2025_{stage}"].checks
    us_target = bown(us_date, "us_avg_tariff_on_china_pct")
    assert checks["us_on_china_level"] == pytest.approx(us_target, rel=TOL_2025_REL)
    if cn_value is None:
        cn_target = bown("2025-01-20", "china_avg_tariff_on_us_pct", "observed_china_derived") \
            + ts.CHINA_2025_ADD_PCT_POINTS["peak"]
    else:
        cn_target = bown(cn_value, "china_avg_tariff_on_us_pct")
    assert checks["china_on_us_level"] == pytest.approx(cn_target, rel=TOL_2025_REL)


@needs_raw
def test_2025_stages_are_ordered(built):
    """Escalation then de-escalation: the US average is highest at the peak, lower after
    Geneva and lower again after the November truce (fentanyl tariff halved)."""
    levels = [built[f"us_china_2025_{s}"].checks["us_on_china_level"]
              for s in ("peak", "geneva", "november_truce")]
    assert levels[0] > levels[1] > levels[2]


@needs_raw
def test_ev_adds_are_share_weighted(built):
    """The TRN adds equal the EV share of TRN times the EV measure, with shares in (0, 1)."""
    sched = built["ev_tariffs_eu_us"]
    rates = sched.table.set_index("importer").rate_pct
    assert 0 < sched.checks["eu_ev_share_of_trn"] < 1 and 0 < sched.checks["us_ev_share_of_trn"] < 1
    assert rates["EUR"] == pytest.approx(sched.checks["eu_ev_share_of_trn"] * ts.EU_BEV_CVD_PCT)
    assert rates["USA"] == pytest.approx(sched.checks["us_ev_share_of_trn"] * ts.US_EV_301_PCT)


@needs_raw
def test_subsidy_scenario_uses_the_imf_total():
    """china_industrial_subsidies.yaml sizes its subsidies as the IMF's 4.4% of China's GDP
    (the evidence table's figure) through a subsidy_budget shock (the rates follow the
    dataset's GDP at run time: tests/test_seed_scenarios.py), and the uniform-rate check
    value keeps a plausible 2011 GDP (China's 2011 GDP was about 7.5 tn USD)."""
    measured = ts.china_subsidy_rate_pct()
    doc = yaml.safe_load((ROOT / "scenarios" / "china_industrial_subsidies.yaml").read_text())
    evidence = pd.read_csv(ROOT / "calibration" / "parameters" / "china_subsidy_evidence.csv")
    total = float(evidence.loc[evidence["item"] == "total industrial-policy support", "value"].iloc[0])
    assert doc["shocks"][0]["type"] == "subsidy_budget"
    assert doc["shocks"][0]["pct_of_gdp"] == pytest.approx(total)
    assert 6.5e6 < measured["gdp_usd_million"] < 8.5e6


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_files_are_complete(name):
    """Each seed scenario names itself after its file, describes itself, cites sources,
    picks a built WIOD dataset (the 2025 episodes use the critical-inputs variant of the
    default, so their dependence monitors can be compared with the de-risking scenario) and
    GTAP elasticities, and every table it uses exists."""
    path = ROOT / "scenarios" / f"{name}.yaml"
    doc = yaml.safe_load(path.read_text())
    assert doc["name"] == name
    assert len(doc["description"]) > 200 and doc["sources"]
    assert doc["dataset"] in ("default", "critical") and doc["elasticities"] == "protee"
    assert doc["shocks"]
    for shock in doc["shocks"]:
        if "table" in shock:
            assert (path.parent / shock["table"]).resolve().is_file()
            assert shock["mode"] == "add_pct_points"


def test_unknown_stage_is_one_line_error():
    """A 2025 stage that does not exist fails with one line naming the allowed stages."""
    from cge.errors import CGEInputError

    with pytest.raises(CGEInputError, match="allowed: peak, geneva, november_truce"):
        ts.us_2025_increase("summer")


def test_concordances_cover_known_wiod_goods_industries():
    """Every concordance row maps to a WIOD goods industry (c1..c16), so tariffs never
    land on a service sector."""
    goods = {f"c{k}" for k in range(1, 17)}
    for name in ("naics3_wiod", "hs_wiod"):
        assert set(ts.load_concordance(name).values()) <= goods, name
