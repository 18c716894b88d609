"""Cleaning: RAS hits its targets; the cleaned WIOD table is non-negative and balanced."""

from __future__ import annotations

import numpy as np
import pytest

from cge.data.clean import clean_table, ras
from cge.data.wiod import read_wiod


@pytest.fixture(scope="module")
def raw(raw_available):
    return read_wiod(2011, raw_available)


@pytest.fixture(scope="module")
def cleaned(raw):
    return clean_table(raw)


def test_ras_reaches_row_and_column_targets():
    """Biproportional scaling of a positive matrix matches consistent row and column totals."""
    m = np.array([[1.0, 2.0, 0.0], [3.0, 1.0, 4.0]])
    rows, cols = np.array([5.0, 9.0]), np.array([4.0, 4.0, 6.0])
    out, iterations = ras(m, rows, cols)
    assert np.allclose(out.sum(axis=1), rows) and np.allclose(out.sum(axis=0), cols)
    assert out[0, 2] == 0.0 and iterations > 1


def test_cleaned_table_nonnegative_and_row_balanced(cleaned):
    """Every flow is >= 0 and every row balances: output = intermediate + final sales."""
    assert cleaned.inter.min() >= 0 and cleaned.final.min() >= 0
    sales = cleaned.inter.sum(axis=(2, 3)) + cleaned.final.sum(axis=(2, 3))
    assert np.abs(sales - cleaned.output).max() < 1e-6
    assert cleaned.value_added.min() >= 0


def test_output_unchanged_and_adjustment_reported(raw, cleaned):
    """Gross output equals the source exactly; the report sizes every removed amount."""
    assert np.array_equal(cleaned.output, raw.output)
    rep = cleaned.report
    assert rep["inventory_change_folded_into_inv_usd_million"]["negative"] < 0
    assert rep["negative_final_demand_zeroed_usd_million"]["cells"] > 0
    assert 0 < rep["total_abs_adjustment_pct_of_world_output"] < 1
    assert rep["final_demand_unplaced_usd_million"] == 0


def test_column_totals_keep_country_absorption(raw, cleaned):
    """Each country's net final demand total (inventories included) is kept up to the
    common rounding-residual scale factor: cleaning moves spending across goods, not countries."""
    scale = cleaned.report["column_target_scale"]
    before = raw.final.sum(axis=(0, 1, 3))
    after = cleaned.final.sum(axis=(0, 1, 3))
    assert np.allclose(after, before * scale, rtol=1e-6)
