"""Results: definitions of welfare and the third-country spillover summary."""

from __future__ import annotations

import pytest

from cge.results import spillover_summary
from cge.runner import run_scenario
from cge.scenario import scenario_from_dict


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
