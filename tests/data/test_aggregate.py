"""Aggregation preserves world output, value added and bilateral trade per region pair."""

from __future__ import annotations

import json

import numpy as np
import pytest


@pytest.fixture(scope="module")
def full(pipeline):
    return pipeline.build_dataset("full")


def _value_added(ds):
    return float(ds["factor_income"].sum() + ds["int_tariff"].sum())


def test_world_output_and_value_added_preserved(default, full, tiny):
    """Every mapping has the same world gross output and value added (to rounding)."""
    for ds in (default, tiny):
        assert float(ds["output"].sum()) == pytest.approx(float(full["output"].sum()), rel=1e-12)
        assert _value_added(ds) == pytest.approx(_value_added(full), rel=1e-12)


def test_bilateral_trade_preserved(default, full):
    """Trade between two default regions equals the sum of the country flows between them."""
    regions = json.loads(default.attrs["region_mapping"])
    trade = full["trade"].sum("sector")
    for a, members_a in regions.items():
        for b, members_b in regions.items():
            if a == b:
                continue
            expected = float(trade.sel(exporter=members_a, importer=members_b).sum())
            got = float(default["trade"].sel(exporter=a, importer=b).sum())
            assert got == pytest.approx(expected, rel=1e-12, abs=1e-9)


def test_trade_within_region_is_domestic(default, full):
    """Trade among EU members becomes EUR's domestic use, so total world trade shrinks by it."""
    eur = json.loads(default.attrs["region_mapping"])["EUR"]
    intra = float(full["trade"].sel(exporter=eur, importer=eur).sum())
    assert intra > 0
    assert float(default["trade"].sum()) == pytest.approx(
        float(full["trade"].sum()) - intra - _intra_other(default, full), rel=1e-12)
    assert np.all(np.diagonal(default["trade"].values, axis1=1, axis2=2) == 0)


def _intra_other(default, full):
    regions = json.loads(default.attrs["region_mapping"])
    return sum(float(full["trade"].sel(exporter=m, importer=m).sum())
               for r, m in regions.items() if r != "EUR" and len(m) > 1)
