"""Region split (cge.data.region_split): the documented prior rules, and one-line errors for a
split that is malformed, assigns a country twice or leaves a source country out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cge.data.region_split import (RegionSplit, economies, load_countries, load_region_split,
                                   split_prior)
from cge.errors import CGEInputError

COUNTRIES = pd.DataFrame({"iso3": ["AAA", "BBB", "PPP", "QQQ", "XXX"],
                          "name": ["A", "B", "P", "Q", "X"],
                          "wiod_economy": ["AAA", "BBB", "RoW", "RoW", "RoW"]})
WIOD = ("AAA", "BBB", "RoW")


def split_of(members: list[str], proxy: str = "BBB") -> RegionSplit:
    return RegionSplit.model_validate({"parent": "RoW", "parts": {
        "PAR": {"name": "part", "members": members, "proxy": proxy}}})


def test_committed_split_and_concordance_are_consistent():
    """Viet Nam and the other ASEAN members of WIOD's RoW are split out, with China as proxy;
    every member is a RoW country of the concordance."""
    split = load_region_split()
    econ = economies(split, ("CHN", "USA", "RoW"), countries=load_countries().assign(
        wiod_economy=lambda t: np.where(t.wiod_economy.isin(["CHN", "USA"]), t.wiod_economy, "RoW")))
    assert list(split.parts) == ["VNM", "OAS"] and split.parts["VNM"].proxy == "CHN"
    assert econ.codes == ("CHN", "USA", "VNM", "OAS", "RoW")
    assert econ.members("OAS") == ["BRN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA"]


def test_member_of_another_economy_is_rejected():
    with pytest.raises(CGEInputError, match="country 'AAA' belongs to AAA, not to the parent RoW"):
        economies(split_of(["AAA"]), WIOD, COUNTRIES, "countries.csv")


def test_member_in_two_parts_is_rejected():
    split = RegionSplit.model_validate({"parent": "RoW", "parts": {
        "P1": {"name": "one", "members": ["PPP"], "proxy": "BBB"},
        "P2": {"name": "two", "members": ["PPP", "QQQ"], "proxy": "BBB"}}})
    with pytest.raises(CGEInputError, match="country 'PPP' is in parts.P1 and parts.P2"):
        economies(split, WIOD, COUNTRIES, "countries.csv")


def test_source_country_left_out_is_a_one_line_error():
    """A country of a raw source (BACI, WDI) that the concordance does not assign fails."""
    econ = economies(split_of(["PPP"]), WIOD, COUNTRIES, "countries.csv")
    with pytest.raises(CGEInputError, match=r"BACI 2023: country ZZZ is not assigned to any economy "
                                            r"in countries.csv \(1 countries left out\)"):
        econ.check_covers(["AAA", "ZZZ"], "BACI 2023")


def test_malformed_split_file(tmp_path):
    bad = tmp_path / "split.yaml"
    bad.write_text("parent: RoW\nparts:\n  VNM: {name: Viet Nam, members: [], proxy: CHN}\n")
    with pytest.raises(CGEInputError, match="parts.VNM.members: .*needs at least one member"):
        load_region_split(bad)
    bad.write_text("parent: RoW\nparts: [oops\n")
    with pytest.raises(CGEInputError, match="malformed YAML"):
        load_region_split(bad)


def test_prior_follows_the_documented_rules():
    """Three WIOD economies A, B (proxy) and R (parent); part P has GDP 10, rest 30, B 50.
    s_P = 10/50, w_P = 10/40, w_rest = 30/40."""
    rng = np.random.default_rng(0)
    z = rng.uniform(1, 2, (3, 2, 3, 2))
    f = rng.uniform(1, 2, (3, 2, 3, 1))
    va = rng.uniform(1, 2, (3, 2))
    split = split_of(["PPP"])
    codes = ("AAA", "BBB", "PAR", "RoW")
    out = split_prior(WIOD, z, f, va, split, codes, {"PAR": 10.0, "RoW": 30.0, "BBB": 50.0})
    A, B, R = 0, 1, 2
    P, r = 2, 3
    s, wp, wr = 0.2, 0.25, 0.75
    np.testing.assert_allclose(out.inter[A, :, B], z[A, :, B])
    np.testing.assert_allclose(out.inter[P, :, P], s * z[B, :, B])       # domestic: proxy's
    np.testing.assert_allclose(out.inter[P, :, A], s * z[B, :, A])       # sales to others
    np.testing.assert_allclose(out.inter[A, :, P], s * z[A, :, B])       # purchases from others
    np.testing.assert_allclose(out.inter[P, :, B], s * z[B, :, R])       # sells to proxy like B to R
    np.testing.assert_allclose(out.inter[B, :, P], wp * z[B, :, R])      # buys its share of B -> R
    np.testing.assert_allclose(out.inter[P, :, r], s * wr * z[B, :, R])
    np.testing.assert_allclose(out.inter[r, :, P], s * wr * z[R, :, B])
    np.testing.assert_allclose(out.inter[r, :, A], wr * z[R, :, A])
    np.testing.assert_allclose(out.inter[r, :, r], wr * z[R, :, R])
    np.testing.assert_allclose(out.final[A, :, P], s * f[A, :, B])
    np.testing.assert_allclose(out.value_added[P], s * va[B])
    np.testing.assert_allclose(out.value_added[r], wr * va[R])
