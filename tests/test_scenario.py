"""Scenario files: validation errors are one line naming the field and the allowed values."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cge.errors import CGEInputError
from cge.runner import run_scenario
from cge.scenario import load_scenario

GOOD = """
name: {name}
description: test scenario
dataset: tiny
elasticities: gtap
shocks:
{shocks}
"""


def write(tmp_path: Path, shocks: str, name: str = "s", extra: str = "") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(GOOD.format(name=name, shocks=textwrap.indent(textwrap.dedent(shocks), "  ")) + extra)
    return path


def one_line_error(path: Path) -> str:
    with pytest.raises(CGEInputError) as err:
        run_scenario(path)
    msg = str(err.value)
    assert "\n" not in msg
    return msg


def test_every_seed_scenario_file_validates():
    """All scenario files shipped in scenarios/ pass the schema."""
    for path in sorted(Path("scenarios").glob("*.yaml")):
        assert load_scenario(path).name == path.stem


def test_unknown_region_names_field_and_allowed_values(tmp_path):
    """An unknown region names the shock field and lists the dataset's regions."""
    msg = one_line_error(write(tmp_path, """
        - type: import_tariff
          importers: [USA]
          exporters: [XXX]
          add_pct_points: 5
    """))
    assert "shocks[0].exporters" in msg and "XXX" in msg and "USA, CHN, ROW" in msg


def test_unknown_sector(tmp_path):
    """An unknown sector names the field and lists the sectors."""
    msg = one_line_error(write(tmp_path, """
        - type: output_tax
          regions: CHN
          sectors: [STEEL]
          add_pct_points: -2
    """))
    assert "shocks[0].sectors" in msg and "PRI, MAN, SRV" in msg


def test_wrong_type_of_value(tmp_path):
    """A rate that is not a number names the field."""
    msg = one_line_error(write(tmp_path, """
        - type: import_tariff
          add_pct_points: ten
    """))
    assert "shocks.0.add_pct_points" in msg


def test_unknown_shock_type_lists_allowed(tmp_path):
    """An unknown shock type lists the allowed types."""
    msg = one_line_error(write(tmp_path, """
        - type: embargo
    """))
    assert "import_tariff" in msg and "export_quota" in msg


def test_tariff_below_minus_100_percent(tmp_path):
    """A tariff level at or below -100% is rejected by the schema."""
    msg = one_line_error(write(tmp_path, """
        - type: import_tariff
          rate_pct: -120
    """))
    assert "rate_pct" in msg and "-100" in msg


def test_added_points_that_push_a_tariff_below_minus_100_percent(tmp_path):
    """Adding points that take a tariff below -100% names the shock and the limit."""
    msg = one_line_error(write(tmp_path, """
        - type: import_tariff
          importers: USA
          exporters: CHN
          add_pct_points: -150
    """))
    assert "shocks[0]" in msg and "-100%" in msg


def test_quota_outside_its_range(tmp_path):
    """A quota change below -100% is rejected and names change_pct."""
    msg = one_line_error(write(tmp_path, """
        - type: export_quota
          exporters: CHN
          importers: USA
          sectors: MAN
          change_pct: -150
    """))
    assert "change_pct" in msg and "-100" in msg


def test_missing_tariff_table(tmp_path):
    """A tariff table that does not exist is named in the error."""
    msg = one_line_error(write(tmp_path, """
        - type: import_tariff
          table: nowhere.csv
    """))
    assert "nowhere.csv" in msg and "does not exist" in msg


def test_malformed_yaml(tmp_path):
    """Broken YAML gives the file name and line."""
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nshocks: [\n")
    msg = one_line_error(path)
    assert "bad.yaml" in msg and "malformed YAML" in msg


def test_name_must_match_file(tmp_path):
    """The scenario name must equal the file name, so results files are predictable."""
    path = write(tmp_path, "[]", name="s")
    path.write_text(path.read_text().replace("name: s", "name: other"))
    assert "field 'name'" in one_line_error(path)


def test_unknown_closure_value_lists_allowed(tmp_path):
    """A closure option outside its set names the allowed options."""
    path = write(tmp_path, "[]", extra="closure:\n  capital: frozen\n")
    msg = one_line_error(path)
    assert "closure.capital" in msg and "mobile" in msg and "sector_specific" in msg


def test_share_target_of_zero_is_rejected_as_unreachable(tmp_path):
    """A target share of 0 cannot be reached by a finite tariff: rejected with one line."""
    msg = one_line_error(write(tmp_path, """
        - type: share_target
          name: zero
          exporters: CHN
          importers: USA
          sectors: MAN
          max_share: 0
    """))
    assert "max_share" in msg and "cannot be reached" in msg


def test_table_and_rate_together_are_ambiguous(tmp_path):
    """A tariff shock with both a table and a rate is rejected rather than guessed."""
    msg = one_line_error(write(tmp_path, """
        - type: import_tariff
          table: t.csv
          add_pct_points: 5
    """))
    assert "table" in msg and "add_pct_points" in msg
