"""Factor split: labour shares with sources, most specific row first, exact split of value added."""

from __future__ import annotations

import pandas as pd
import pytest

from cge.data.factors import labour_share_matrix, load_labour_shares
from cge.errors import CGEInputError


def test_committed_shares_have_sources():
    """Every labour share in calibration/factor_shares.csv lies in [0, 1] and cites a source."""
    shares = load_labour_shares()
    assert shares.labour_share.between(0, 1).all()
    assert shares.source.str.len().min() > 20


def test_most_specific_share_wins():
    """(country, industry) beats (country, *), which beats (*, industry) and (*, *)."""
    shares = pd.DataFrame({"country": ["*", "USA", "*", "USA"], "industry": ["*", "*", "c2", "c2"],
                           "labour_share": [0.5, 0.6, 0.3, 0.2], "source": ["s"] * 4})
    m = labour_share_matrix(shares, ("USA", "CHN"), ("c1", "c2"))
    assert m.tolist() == [[0.6, 0.2], [0.5, 0.3]]


def test_bad_share_rejected(tmp_path):
    """A labour share above one is rejected in one line naming the row."""
    path = tmp_path / "s.csv"
    path.write_text("country,industry,labour_share,source\n*,*,1.5,x\n")
    with pytest.raises(CGEInputError, match=r"labour_share of \(\*, \*\) is 1.5"):
        load_labour_shares(path)


def test_factor_income_splits_net_value_added(default):
    """LAB + CAP = value added net of tariffs on intermediates, and LAB/(LAB+CAP) = share."""
    fi = default["factor_income"]
    total = fi.sum("factor")
    net = default["output"] - default["int_dom"].sum("commodity") \
        - default["int_imp"].sum("commodity") - default["int_tariff"]
    assert float(abs(total - net).max()) < 1e-6
    us = fi.sel(region="USA").sum("sector")
    assert float(us.sel(factor="LAB") / us.sum()) == pytest.approx(0.59984, rel=1e-9)
