"""Tests of the named elasticity sets (cge/data/elasticities.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cge.data.elasticities import (
    ELASTICITY_SETS,
    cp2015_theta,
    elasticity_sets,
    gtap_industry_elasticities,
    select_elasticity_set,
)
from cge.data.tariffs import WIOD_INDUSTRIES
from cge.errors import CGEInputError

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
