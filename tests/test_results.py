"""Results: definitions of welfare and the third-country spillover summary."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cge.results import spillover_summary
from cge.runner import run_scenario
from cge.scenario import scenario_from_dict
from cge.variables import VARIABLES


@pytest.fixture(scope="module")
def us_tariff_on_china():
    return run_scenario(scenario_from_dict({
        "name": "us_on_chn", "description": "US +30 points on China", "dataset": "tiny",
        "shocks": [{"type": "import_tariff", "importers": "USA", "exporters": "CHN",
                    "add_pct_points": 30}]}))


def test_ev_pct_is_ev_over_benchmark_income(us_tariff_on_china):
    """ev_pct is 100 x EV / benchmark regional income."""
    ds = us_tariff_on_china
    assert (100 * ds.ev_usd_million / ds.income_usd_million).values == pytest.approx(ds.ev_pct_income.values)


def test_spillovers_cover_only_third_countries_and_show_trade_diversion(us_tariff_on_china):
    """Only ROW is neither source nor target; a US tariff on China diverts US demand to ROW,
    whose exports to the US rise, and the figure equals the bilateral-trade results."""
    spill = spillover_summary(us_tariff_on_china)
    assert list(spill.region) == ["ROW"]
    row = spill.iloc[0]
    assert row.exports_to_USA_pct > 0
    ds = us_tariff_on_china
    base = ds.bilateral_trade_usd_million.sel(exporter="ROW", importer="USA")
    new = base * (1 + ds.bilateral_trade_pct.sel(exporter="ROW", importer="USA") / 100)
    assert row.exports_to_USA_pct == pytest.approx(100 * (float(new.sum()) / float(base.sum()) - 1))
    assert row.outcome == ("gains" if row.ev_usd_million >= 0 else "loses")


def test_ev_sources_sum_exactly_to_ev(us_tariff_on_china):
    """The income-source decomposition of EV adds up to EV in every region, and a US tariff
    on China shows up as US tariff revenue."""
    ds = us_tariff_on_china
    total = ds.ev_source_usd_million.sum("income_source")
    tol = 1e-9 * float(ds.income_usd_million.max())  # the income equation holds to ~1e-10 relative
    assert total.values == pytest.approx(ds.ev_usd_million.values, abs=tol)
    assert float(ds.ev_source_usd_million.sel(region="USA", income_source="tariffs")) > 0


@pytest.fixture(scope="module")
def quota_and_subsidy_decomposed():
    """A tiny scenario with a tariff, an export quota and an output subsidy, decomposed by
    shock group (so decomposition and subtotal variables are present too)."""
    return run_scenario(scenario_from_dict({
        "name": "mixed", "description": "tariff, quota, subsidy", "dataset": "tiny",
        "shocks": [{"name": "tariff", "type": "import_tariff", "importers": "USA", "exporters": "CHN",
                    "add_pct_points": 20},
                   {"name": "quota", "type": "export_quota", "exporters": "CHN", "importers": "USA",
                    "sectors": "PRI", "change_pct": -20},
                   {"name": "subsidy", "type": "output_tax", "regions": "CHN", "sectors": "MAN",
                    "add_pct_points": -5}],
        "subtotals": {"US tariff": ["tariff"], "China's measures": ["quota", "subsidy"]}}), decompose=True)


def test_every_results_variable_has_long_name_units_and_kind(quota_and_subsidy_decomposed):
    """Every variable of a results Dataset (with decomposition and subtotals) carries a long
    name, units that say base or post-shock, and a measure from the results dictionary; the
    dictionary is what docs/results.md lists."""
    ds = quota_and_subsidy_decomposed
    for name, var in ds.data_vars.items():
        assert var.attrs.get("long_name") and var.attrs.get("units"), name
        assert var.attrs["measure"] in ("change", "base", "scenario"), name
        if var.attrs["measure"] == "base" and "usd_million" in name:
            assert "base" in var.attrs["units"], name
    assert ds["output_usd_million"].attrs["units"] == "USD million, base value"
    assert ds["tariff_revenue_usd_million"].attrs["units"] == "USD million, post-shock value"
    doc = (Path(__file__).resolve().parents[1] / "docs" / "results.md").read_text()
    missing = [name for name in VARIABLES if f"`{name}`" not in doc]
    assert not missing, f"docs/results.md lacks {missing}"


def test_instruments_are_stored_before_and_after_by_flow(quota_and_subsidy_decomposed):
    """The applied tariff, the quota and the output subsidy appear per flow or activity:
    the US tariff on Chinese goods rises by 20 points, the quota is 80% of the base flow,
    China's MAN output tax falls by 5 points; untouched flows keep their base rates."""
    ds = quota_and_subsidy_decomposed
    pre, post = ds["tariff_benchmark_pct"], ds["tariff_pct"]
    rise = (post - pre).sel(exporter="CHN", importer="USA")
    assert rise.values == pytest.approx(20.0, abs=1e-9)
    assert (post - pre).sel(exporter="USA", importer="CHN").values == pytest.approx(0.0, abs=1e-12)
    assert ds["export_quota_pct"].sel(exporter="CHN", importer="USA", sector="PRI").item() == pytest.approx(80.0)
    assert np.isnan(ds["export_quota_pct"].sel(exporter="CHN", importer="USA", sector="MAN").item())
    change = ds["output_tax_pct"] - ds["output_tax_benchmark_pct"]
    assert change.sel(region="CHN", sector="MAN").item() == pytest.approx(-5.0)
    assert change.sel(region="USA").values == pytest.approx(0.0, abs=1e-12)
