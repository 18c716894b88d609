"""Mapping files: named mappings load; a mapping that is not a partition fails in one line."""

from __future__ import annotations

import pytest

from cge.data.mapping import load_mapping
from cge.data.region_split import economies, load_region_split
from cge.data.wiod import INDUSTRY_NAMES
from cge.errors import CGEInputError

COUNTRIES = ("AUS", "CHN", "USA", "RoW")
INDUSTRIES = tuple(INDUSTRY_NAMES)
WIOD_COUNTRIES = ("AUS AUT BEL BGR BRA CAN CHN CYP CZE DEU DNK ESP EST FIN FRA GBR GRC HUN "
                  "IDN IND IRL ITA JPN KOR LTU LUX LVA MEX MLT NLD POL PRT ROM RUS SVK SVN "
                  "SWE TUR TWN USA RoW").split()
ECONOMIES_2023 = economies(load_region_split(), tuple(WIOD_COUNTRIES)).codes


def _write(tmp_path, regions: str, sectors: str = "  ALL: {members: [%s]}") -> str:
    if "%s" in sectors:
        sectors = sectors % ", ".join(INDUSTRIES)
    path = tmp_path / "m.yaml"
    path.write_text(f"name: t\nregions:\n{regions}\nsectors:\n{sectors}\n")
    return str(path)


@pytest.mark.parametrize("name,n_regions,n_sectors", [
    ("default", 14, 15), ("tiny", 3, 3), ("full", 43, 35),
    ("default_2011", 12, 15), ("tiny_2011", 3, 3), ("full_2011", 41, 35)])
def test_named_mappings_are_partitions(name, n_regions, n_sectors):
    """The 2023 mappings partition the 43 economies of the split table (WIOD with VNM and
    OAS out of RoW), the 2011 ones the 41 WIOD economies."""
    codes = tuple(WIOD_COUNTRIES) if name.endswith("_2011") else ECONOMIES_2023
    m = load_mapping(name, codes, INDUSTRIES)
    assert (len(m.regions), len(m.sectors)) == (n_regions, n_sectors)
    assert sum(len(v) for v in m.regions.values()) == len(codes)
    assert m.region_matrix(codes).sum(axis=0).tolist() == [1.0] * len(codes)


def test_default_sector_codes():
    """The default sector codes other modules rely on, with EUR = 26 EU members; Viet Nam and
    the rest of ASEAN are regions of their own."""
    m = load_mapping("default", ECONOMIES_2023, INDUSTRIES)
    assert m.regions["VNM"] == ["VNM"] and m.regions["ASN"] == ["IDN", "OAS"]
    assert list(m.sectors) == ["AGR", "MIN", "FOD", "TEX", "CHM", "RPN", "MET", "MCH", "ELE",
                               "TRN", "OMF", "UTL", "CNS", "TTS", "OSV"]
    assert len(m.regions["EUR"]) == 26 and "GBR" not in m.regions["EUR"]


def test_country_left_out(tmp_path):
    """A country assigned to no region is named in a one-line error."""
    path = _write(tmp_path, "  A: {members: [AUS, CHN, USA]}")
    with pytest.raises(CGEInputError, match="country RoW not assigned"):
        load_mapping(path, COUNTRIES, INDUSTRIES)


def test_country_assigned_twice(tmp_path):
    """A country in two regions is named with both regions."""
    path = _write(tmp_path, "  A: {members: [AUS, CHN]}\n  B: {members: [CHN, USA, RoW]}")
    with pytest.raises(CGEInputError, match=r"'CHN' assigned twice \(regions.A and regions.B\)"):
        load_mapping(path, COUNTRIES, INDUSTRIES)


def test_unknown_code(tmp_path):
    """An unknown industry code is named with the allowed codes."""
    path = _write(tmp_path, "  A: {members: [AUS, CHN, USA, RoW]}", "  X: {members: [c1, c99]}")
    with pytest.raises(CGEInputError, match="unknown industry 'c99'") as err:
        load_mapping(path, COUNTRIES, INDUSTRIES)
    assert "\n" not in str(err.value)


def test_malformed_and_missing_files(tmp_path):
    """Malformed YAML and a missing file each give one line."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("regions: [unclosed\n")
    with pytest.raises(CGEInputError, match="malformed YAML"):
        load_mapping(str(bad), COUNTRIES, INDUSTRIES)
    with pytest.raises(CGEInputError, match="neither a mapping name"):
        load_mapping(str(tmp_path / "nope.yaml"), COUNTRIES, INDUSTRIES)
