"""Industry labour shares (WIOD SEA) and the land / natural-resource split of value added."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cge.data.factors import labour_share_matrix, load_labour_shares
from cge.data.resources import factor_shares, load_factor_supply, supply_elasticity
from cge.data.sea import sea_labour_shares
from cge.data.tariffs import WIOD_COUNTRIES, WIOD_INDUSTRIES
from cge.errors import CGEInputError

COUNTRIES = tuple(c for c in WIOD_COUNTRIES if c != "RoW")


@pytest.fixture(scope="module")
def sea(raw_available):
    pwt = labour_share_matrix(load_labour_shares(), COUNTRIES, WIOD_INDUSTRIES)
    return sea_labour_shares(COUNTRIES, WIOD_INDUSTRIES, pwt), pwt


def test_sea_shares_by_industry(sea):
    """US 2009 (LAB stops in 2009 outside the EU): mining 0.28, refining 0.15, real estate 0.06,
    private households 1.00 (the SEA README's figures); Germany uses 2011."""
    shares, _ = sea
    us, de = COUNTRIES.index("USA"), COUNTRIES.index("DEU")
    ind = {i: k for k, i in enumerate(WIOD_INDUSTRIES)}
    assert shares.share[us, ind["c2"]] == pytest.approx(0.2835, abs=1e-4)
    assert shares.share[us, ind["c8"]] == pytest.approx(0.1493, abs=1e-4)
    assert shares.share[us, ind["c29"]] == pytest.approx(0.0569, abs=1e-4)
    assert shares.share[us, ind["c35"]] == pytest.approx(1.0)
    assert shares.origin[us, ind["c2"]] == "sea2009" and shares.origin[de, ind["c2"]] == "sea2011"


def test_unusable_cells_fall_back_to_pwt(sea):
    """Polish agriculture has LAB / VA = 2.12 in the SEA (self-employed): it takes Poland's
    PWT share; every share lies in [0, 1]."""
    shares, pwt = sea
    pl = COUNTRIES.index("POL")
    assert shares.origin[pl, 0] == "pwt_fallback" and shares.share[pl, 0] == pwt[pl, 0]
    assert ((shares.share >= 0) & (shares.share <= 1)).all()
    assert shares.report()["cells"]["pwt_fallback"] == 83


def test_resource_shares_capped_at_non_labour_income():
    """NRS = rents / mining VA, at most mining's non-labour share; LND = agriculture's
    non-labour share; the four shares add up to one in every cell."""
    labour = np.full((2, 35), 0.6)
    va = np.ones((2, 35))
    out = factor_shares(("AAA", "BBB"), WIOD_INDUSTRIES, labour, va, {"AAA": 0.1, "BBB": 5.0})
    nrs, lnd = out.share[3], out.share[2]
    assert nrs[0, 1] == pytest.approx(0.1) and nrs[1, 1] == pytest.approx(0.4)   # capped
    assert lnd[:, 0] == pytest.approx(0.4) and out.share[1, :, 0] == pytest.approx(0.0)
    np.testing.assert_allclose(out.share.sum(axis=0), 1.0)
    assert out.report["NRS"]["capped"] == ["BBB"]


def test_supply_elasticity_table(tmp_path):
    """Committed table: LND 0.25, NRS 0, every row cited; an economy row beats (factor, *);
    a negative elasticity is a one-line error."""
    table = load_factor_supply()
    eta = supply_elasticity(table, ("LAB", "CAP", "LND", "NRS"), ("USA", "CHN"))
    assert eta[2].tolist() == [0.25, 0.25] and eta[3].tolist() == [0.0, 0.0]
    extra = pd.concat([table, pd.DataFrame([{"factor": "NRS", "economy": "CHN",
                                             "supply_elasticity": 0.5, "source": "s"}])])
    assert supply_elasticity(extra, ("NRS",), ("USA", "CHN")).tolist() == [[0.0, 0.5]]
    bad = tmp_path / "s.csv"
    bad.write_text("factor,economy,supply_elasticity,source\nNRS,*,-1,x\n")
    with pytest.raises(CGEInputError, match=r"supply_elasticity of \(NRS, \*\) is '-1'"):
        load_factor_supply(bad)
