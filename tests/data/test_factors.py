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


@pytest.mark.parametrize("name", ["default_2011", "default"])
def test_factor_income_splits_net_value_added(request, name):
    """The factors add up to value added net of tariffs on intermediates (2011: LAB + CAP;
    2023: LAB + CAP + LND + NRS)."""
    ds = request.getfixturevalue(name)
    total = ds["factor_income"].sum("factor")
    net = ds["output"] - ds["int_dom"].sum("commodity") \
        - ds["int_imp"].sum("commodity") - ds["int_tariff"]
    assert float(abs(total - net).max()) < 1e-6


def test_us_labour_share_2011_is_pwt(default_2011):
    """2011: LAB / (LAB + CAP) of the US is its PWT 10.0 labsh 2011."""
    us = default_2011["factor_income"].sel(region="USA").sum("sector")
    assert float(us.sel(factor="LAB") / us.sum()) == pytest.approx(0.592656255, rel=1e-9)


def test_every_wiod_economy_has_its_own_share():
    """Each of the 41 WIOD economies (incl. RoW) has a (country, *) row, so none falls back to (*, *)."""
    shares = load_labour_shares()
    own = set(shares.country[shares.industry == "*"])
    wiod = {"AUS", "AUT", "BEL", "BGR", "BRA", "CAN", "CHN", "CYP", "CZE", "DEU", "DNK", "ESP", "EST",
            "FIN", "FRA", "GBR", "GRC", "HUN", "IDN", "IND", "IRL", "ITA", "JPN", "KOR", "LTU", "LUX",
            "LVA", "MEX", "MLT", "NLD", "POL", "PRT", "ROM", "RUS", "SVK", "SVN", "SWE", "TUR", "TWN",
            "USA", "RoW"}
    assert wiod - own == set()


def test_china_uses_its_penn_world_table_share(default_2011):
    """China's labour income is PWT 10.0 labsh 2011 (0.549982905) times its net value added, not the US share."""
    cn = default_2011["factor_income"].sel(region="CHN").sum("sector")
    assert float(cn.sel(factor="LAB") / cn.sum()) == pytest.approx(0.549982905, rel=1e-9)
