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


# Bad shocks: (id, what is wrong, the shock list, texts the one-line error must contain).
BAD_SHOCKS = [
    ("unknown_region", "an unknown region: names the shock field and lists the regions",
     "- {type: import_tariff, importers: [USA], exporters: [XXX], add_pct_points: 5}",
     ("shocks[0].exporters", "XXX", "USA, CHN, ROW")),
    ("unknown_sector", "an unknown sector: names the field and lists the sectors",
     "- {type: output_tax, regions: CHN, sectors: [STEEL], add_pct_points: -2}",
     ("shocks[0].sectors", "PRI, MAN, SRV")),
    ("wrong_type", "a rate that is not a number: names the field",
     "- {type: import_tariff, add_pct_points: ten}",
     ("shocks.0.add_pct_points",)),
    ("unknown_shock_type", "an unknown shock type: lists the allowed types",
     "- {type: embargo}",
     ("import_tariff", "export_quota")),
    ("tariff_below_minus_100", "a tariff level at or below -100%: rejected by the schema",
     "- {type: import_tariff, rate_pct: -120}",
     ("rate_pct", "-100")),
    ("points_push_tariff_below_minus_100", "added points taking a tariff below -100%: names "
     "the shock and the limit",
     "- {type: import_tariff, importers: USA, exporters: CHN, add_pct_points: -150}",
     ("shocks[0]", "-100%")),
    ("quota_outside_range", "a quota change below -100%: names change_pct",
     "- {type: export_quota, exporters: CHN, importers: USA, sectors: MAN, change_pct: -150}",
     ("change_pct", "-100")),
    ("missing_tariff_table", "a tariff table that does not exist: named in the error",
     "- {type: import_tariff, table: nowhere.csv}",
     ("nowhere.csv", "does not exist")),
    ("share_target_of_zero", "a target share of 0 cannot be reached by a finite tariff",
     "- {type: share_target, name: zero, exporters: CHN, importers: USA, sectors: MAN, max_share: 0}",
     ("max_share", "cannot be reached")),
    ("table_and_rate", "a tariff shock with both a table and a rate: rejected, not guessed",
     "- {type: import_tariff, table: t.csv, add_pct_points: 5}",
     ("table", "add_pct_points")),
]


@pytest.mark.parametrize("case,what,shocks,needles", BAD_SHOCKS, ids=[c[0] for c in BAD_SHOCKS])
def test_bad_shock_fails_in_one_line_naming_the_field(tmp_path, case, what, shocks, needles):
    """A bad shock (``what``) fails with one line naming the field and, where the values form a
    closed set, the allowed values."""
    msg = one_line_error(write(tmp_path, shocks))
    for needle in needles:
        assert needle in msg, (what, msg)


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
