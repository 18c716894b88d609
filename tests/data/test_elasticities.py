"""Tests of the named elasticity sets (cge/data/elasticities.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cge.data.elasticities import (
    DEFAULT_ELASTICITY_SET,
    ELASTICITY_SETS,
    cp2015_industry_theta,
    cp2015_theta,
    elasticity_sets,
    gtap_industry_elasticities,
    gtap_sector_weights,
    protee_industry_elasticities,
    protee_industry_sigma,
    protee_products,
    select_elasticity_set,
)
from cge.data.hs_weights import hs6_trade_weights, weights_for_codes
from cge.data.tariffs import WIOD_INDUSTRIES
from cge.errors import CGEInputError

# these tests read the raw files in ../shared/data: skipped where they are absent
pytestmark = pytest.mark.usefixtures("raw_available")

ROOT = Path(__file__).resolve().parents[2]
MAPPING = {"AGR": ["c1"], "MAN": [f"c{k}" for k in range(2, 17)],
           "SRV": [f"c{k}" for k in range(17, 36)]}
WEIGHTS = pd.Series(np.arange(1.0, 36.0), index=list(WIOD_INDUSTRIES))


def test_unknown_set_fails_with_one_line() -> None:
    """Asking for an elasticity set that does not exist names the allowed sets in one line."""
    with pytest.raises(CGEInputError) as error:
        elasticity_sets(MAPPING, WEIGHTS, names=["armington99"])
    message = str(error.value)
    assert "\n" not in message and all(name in message for name in ELASTICITY_SETS)
    with pytest.raises(CGEInputError):
        select_elasticity_set(elasticity_sets(MAPPING, WEIGHTS), "armington99")


def test_cp2015_sigma_is_theta_plus_one() -> None:
    """In the CP set the import CES elasticity is exactly theta + 1, the same for dom/imp."""
    sets = elasticity_sets(MAPPING, WEIGHTS).sel(elasticity_set="cp2015")
    theta = cp2015_theta(MAPPING, WEIGHTS)
    np.testing.assert_allclose(sets.esub_mm.values, theta.values + 1.0, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(sets.esub_dm.values, sets.esub_mm.values)
    assert np.all(sets.esub_va.values == 1.0)


def test_gtap_rule_of_two() -> None:
    """In the GTAP set the among-sources elasticity is twice the domestic/import one."""
    table = gtap_industry_elasticities()
    assert not table.isna().any().any()
    np.testing.assert_allclose(table.esub_mm, 2 * table.esub_dm)


def test_weighted_mean_and_zero_weight_simple_mean() -> None:
    """A sector's value is the import-weighted mean of its industries; zero weight -> simple mean."""
    table = gtap_industry_elasticities()
    mapping = {"X": ["c4", "c5"]}
    weights = pd.Series(0.0, index=list(WIOD_INDUSTRIES))
    weights["c4"], weights["c5"] = 3.0, 1.0
    value = float(elasticity_sets(mapping, weights).esub_dm.sel(elasticity_set="gtap", sector="X"))
    assert value == pytest.approx((3 * table.esub_dm["c4"] + table.esub_dm["c5"]) / 4)
    zero = float(elasticity_sets(mapping, weights * 0).esub_dm.sel(elasticity_set="gtap", sector="X"))
    assert zero == pytest.approx((table.esub_dm["c4"] + table.esub_dm["c5"]) / 2)


@pytest.mark.parametrize("path", sorted((ROOT / "calibration" / "elasticities").glob("*.csv")))
def test_every_value_has_a_source(path: Path) -> None:
    """Every number in an elasticity table carries a non-empty source next to it."""
    table = pd.read_csv(path)
    sources = [c for c in table.columns if "source" in c]
    assert sources
    for column in sources:
        assert table[column].fillna("").str.strip().str.len().gt(0).all(), column


def test_protee_sigma_is_the_trade_weighted_tariff_elasticity() -> None:
    """ProTEE goods: esub_mm = the trade-weighted mean of minus the file's tariff elasticity
    of duty-exclusive import values (-sigma in a CES import demand) over the industry's HS6
    products, esub_dm = esub_mm / 2 (rule of two); services come from the gtap set."""
    products = protee_products()
    assert (products.sigma > 0).all()          # the file's negative sign was turned round
    c14 = products[products.wiod_industry == "c14"]
    sigma = float((c14.sigma * c14.trade_usd).sum() / c14.trade_usd.sum())
    assert protee_industry_sigma()["c14"] == pytest.approx(sigma)
    table = protee_industry_elasticities()
    assert table.esub_mm["c14"] == pytest.approx(sigma)
    np.testing.assert_allclose(table.esub_dm[:16], table.esub_mm[:16] / 2)
    gtap = gtap_industry_elasticities()
    pd.testing.assert_frame_equal(table.iloc[16:], gtap.iloc[16:])
    np.testing.assert_allclose(table.esub_va, gtap.esub_va)
    assert DEFAULT_ELASTICITY_SET == "protee"


def test_protee_flags_keep_cepii_hs4_averages() -> None:
    """Flagged products (zero / positive) carry CEPII's HS4 average: one value per HS4 heading
    is shared by several HS6 lines, as the ProTEE page describes."""
    products = protee_products()
    flagged = products[(products.zero == 1) | (products.positive == 1)]
    assert len(flagged) > 1000
    shared = flagged.groupby(flagged.hs6.str[:4]).sigma.nunique()
    assert (shared == 1).mean() > 0.5


def test_weights_of_newer_codes_pass_to_their_heading() -> None:
    """HS2022 codes missing from the older list give their trade to its same-heading codes, so
    no trade of a heading that the list covers is lost."""
    trade = hs6_trade_weights()
    heading = trade.index[trade.index.str.startswith("8541")]
    older = pd.Index(["854110", "854121"])
    w = weights_for_codes(older)
    assert w.sum() == pytest.approx(trade[heading].sum())
    assert w["854110"] >= trade.get("854110", 0.0)


def test_gtap_industries_are_trade_weighted() -> None:
    """Mining is the trade-weighted mean over coal, oil, gas and other minerals (oil dominates
    trade), not the simple mean that gas (ESUBD 17.2) pulled up to 6.59."""
    weights = gtap_sector_weights()
    values = pd.read_csv(ROOT / "calibration" / "elasticities" / "gtap.csv").set_index("gtap_sector")
    w = weights["c2"]
    expected = float((values.esubd[w.index] * w).sum() / w.sum())
    got = gtap_industry_elasticities().esub_dm["c2"]
    assert got == pytest.approx(expected)
    assert w["oil"] > 0.5 * w.sum()
    assert got < values.esubd[["coa", "oil", "gas", "omn"]].mean()


def test_cp2015_services_do_not_respond_to_trade_costs() -> None:
    """CP treat services as non-traded: theta = 0, so the import CES is Cobb-Douglas (sigma 1)
    and services trade shares stay at their benchmark values."""
    theta = cp2015_industry_theta()
    assert (theta[[f"c{k}" for k in range(17, 36)]] == 0).all()
    sets = elasticity_sets({"SRV": ["c17", "c30"]}, WEIGHTS, names=["cp2015"])
    assert float(sets.esub_mm.sel(elasticity_set="cp2015", sector="SRV")) == 1.0
