"""Tests of the baseline applied tariffs (cge/data/tariffs.py)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from cge.data.tariffs import (
    CP_COUNTRIES,
    CP_TRADABLE_SECTORS,
    WIOD_COUNTRIES,
    WIOD_INDUSTRIES,
    baseline_tariffs,
    industry_tariffs,
    load_cp2015,
)
from cge.errors import CGEInputError

# these tests read the raw files in ../shared/data: skipped where they are absent
pytestmark = pytest.mark.usefixtures("raw_available")

IDENTITY_SECTORS = {k: [k] for k in WIOD_INDUSTRIES}
IDENTITY_REGIONS = {c: [c] for c in WIOD_COUNTRIES}


def _trade(countries: list[str], industries: list[str], values: np.ndarray | None = None) -> xr.DataArray:
    """Hand-made (industry, exporter, importer) trade with a zero diagonal."""
    shape = (len(industries), len(countries), len(countries))
    data = np.ones(shape) if values is None else values
    data = data * (1 - np.eye(len(countries)))[None]
    return xr.DataArray(data, dims=("industry", "exporter", "importer"),
                        coords={"industry": industries, "exporter": countries,
                                "importer": countries})


@pytest.fixture(scope="module")
def full_identity() -> xr.DataArray:
    return baseline_tariffs(_trade(list(WIOD_COUNTRIES), list(WIOD_INDUSTRIES)),
                            IDENTITY_REGIONS, IDENTITY_SECTORS)


def test_zero_on_diagonal_services_and_within_eu(full_identity: xr.DataArray) -> None:
    """Own trade is untaxed, services (c17..c35) carry no tariff, the EU single market is duty free."""
    n = len(WIOD_COUNTRIES)
    assert np.all(full_identity.values[:, np.arange(n), np.arange(n)] == 0)
    assert float(abs(full_identity.sel(sector=list(WIOD_INDUSTRIES[16:]))).max()) == 0
    assert float(full_identity.sel(exporter="FRA", importer="POL").max()) == 0
    assert float(full_identity.sel(exporter="USA", importer="POL").max()) > 0


def test_zero_within_model_region() -> None:
    """Trade between two countries of one model region is domestic and carries no tariff."""
    trade = _trade(["USA", "CAN", "CHN"], ["c1", "c15"])
    rates = baseline_tariffs(trade, {"NAM": ["USA", "CAN"], "CHN": ["CHN"]},
                             {"AGR": ["c1"], "TRN": ["c15"]})
    assert np.all(rates.sel(exporter="NAM", importer="NAM").values == 0)
    assert float(rates.sel(exporter="NAM", importer="CHN", sector="TRN")) > 0


def test_identity_reproduces_cp_rate(full_identity: xr.DataArray) -> None:
    """A CP country pair in a WIOD industry made of one CP sector keeps CP's own 2005 rate."""
    cp = load_cp2015()
    for industry, sector in (("c1", "Agriculture"), ("c13", "Machinery n.e.c"), ("c8", "Petroleum")):
        s = CP_TRADABLE_SECTORS.index(sector)
        expected = cp.rate[s, CP_COUNTRIES.index("China"), CP_COUNTRIES.index("USA")]
        ours = float(full_identity.sel(sector=industry, exporter="USA", importer="CHN"))
        assert ours == pytest.approx(expected, abs=1e-12)


def test_trade_weighting_three_countries() -> None:
    """The regional rate is sum(trade * rate) / sum(trade) over the member country pairs."""
    countries, industries = ["USA", "MEX", "CHN"], ["c3", "c14"]
    values = np.zeros((2, 3, 3))
    values[0, 2, 0], values[0, 2, 1] = 30.0, 10.0   # food: CHN -> USA, CHN -> MEX
    values[1, 2, 0], values[1, 2, 1] = 50.0, 0.0    # electronics: CHN -> USA only
    trade = _trade(countries, industries, values)
    rates = baseline_tariffs(trade, {"NAM": ["USA", "MEX"], "CHN": ["CHN"]},
                             {"GDS": ["c3", "c14"]})
    tau = industry_tariffs()
    expected = (30 * tau.sel(industry="c3", exporter="CHN", importer="USA")
                + 10 * tau.sel(industry="c3", exporter="CHN", importer="MEX")
                + 50 * tau.sel(industry="c14", exporter="CHN", importer="USA")) / 90
    assert float(rates.sel(sector="GDS", exporter="CHN", importer="NAM")) == pytest.approx(float(expected))


def test_aggregate_between_component_min_and_max() -> None:
    """A trade-weighted mean lies between the smallest and largest rate it averages."""
    countries = ["DEU", "FRA", "ITA", "JPN", "KOR"]
    industries = [f"c{k}" for k in range(1, 17)]
    rng = np.random.default_rng(0)
    trade = _trade(countries, industries, rng.uniform(0, 100, (16, 5, 5)))
    rates = baseline_tariffs(trade, {"EU": ["DEU", "FRA", "ITA"], "ASIA": ["JPN", "KOR"]},
                             {"MAN": industries})
    tau = industry_tariffs().sel(industry=industries, exporter=["JPN", "KOR"],
                                 importer=["DEU", "FRA", "ITA"])
    value = float(rates.sel(sector="MAN", exporter="ASIA", importer="EU"))
    assert float(tau.min()) <= value <= float(tau.max())
    assert float(tau.min()) < value < float(tau.max())


def test_unknown_code_is_one_line_error() -> None:
    """A mapping naming a country that is not in the trade data fails with one line."""
    trade = _trade(["USA", "CHN"], ["c1"])
    with pytest.raises(CGEInputError) as error:
        baseline_tariffs(trade, {"USA": ["USA"], "XXX": ["XXX"]}, {"AGR": ["c1"]})
    assert "\n" not in str(error.value) and "XXX" in str(error.value)


def test_taiwan_importer_uses_mfn_fallback(full_identity: xr.DataArray) -> None:
    """Taiwan (absent from CP) applies its 2005 MFN averages: 13.18% agri-food, 4.22% industrial."""
    assert float(full_identity.sel(sector="c1", exporter="USA", importer="TWN")) == pytest.approx(0.1318)
    assert float(full_identity.sel(sector="c14", exporter="JPN", importer="TWN")) == pytest.approx(0.0422)
