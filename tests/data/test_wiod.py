"""Reader of the raw WIOD 2013 release: shapes, final-demand column order, 2011 totals."""

from __future__ import annotations

import pytest

from cge.data.wiod import FD_CATEGORIES, read_wiod
from cge.errors import CGEInputError


@pytest.fixture(scope="module")
def wiot(raw_available):
    return read_wiod(2011, raw_available)


def test_shapes_and_labels(wiot):
    """41 countries x 35 industries, 5 final-demand categories per country, labels in order."""
    assert wiot.inter.shape == (41, 35, 41, 35)
    assert wiot.final.shape == (41, 35, 41, 5)
    assert wiot.countries[0] == "AUS" and wiot.countries[-1] == "RoW"
    assert wiot.industries == tuple(f"c{k}" for k in range(1, 36))


def test_world_totals_2011(wiot):
    """World gross output 141.8 tn USD and value added 69.3 tn USD (source README check)."""
    assert wiot.output.sum() == pytest.approx(141.8e6, rel=1e-3)
    assert wiot.value_added.sum() == pytest.approx(69.3e6, rel=1e-3)


def test_final_demand_column_order(wiot):
    """CONS_h is the largest category and only INVEN (the fifth) has many negative entries."""
    totals = wiot.final.sum(axis=(0, 1, 2))
    assert FD_CATEGORIES[int(totals.argmax())] == "CONS_h"
    negatives = (wiot.final < 0).sum(axis=(0, 1, 2))
    assert FD_CATEGORIES[int(negatives.argmax())] == "INVEN"
    assert negatives[:3].sum() == 0


def test_bilateral_trade_2011(wiot):
    """US imports from China 412.8 bn USD and China's from the US 175.3 bn (raw table)."""
    usa, chn = wiot.countries.index("USA"), wiot.countries.index("CHN")
    us_from_cn = wiot.inter[chn, :, usa].sum() + wiot.final[chn, :, usa].sum()
    cn_from_us = wiot.inter[usa, :, chn].sum() + wiot.final[usa, :, chn].sum()
    assert us_from_cn == pytest.approx(412.8e3, rel=1e-3)
    assert cn_from_us == pytest.approx(175.3e3, rel=1e-3)


def test_missing_file_one_line(tmp_path):
    """A year or folder without a WIOD file gives a one-line error naming the file."""
    with pytest.raises(CGEInputError) as err:
        read_wiod(2011, tmp_path)
    assert "wiot_2011.RData" in str(err.value) and "\n" not in str(err.value)
