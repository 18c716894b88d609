"""Scenario files: validation errors are one line naming the field and the allowed values."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cge.errors import CGEInputError
from cge.runner import run_scenario
from cge.scenario import load_scenario, scenario_from_dict

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
     ("nowhere.csv", "no such file")),
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


# ---- the strict front door (issue 13): numbers, bounds, YAML, the Python API ---------------

def _tree(shock: dict) -> dict:
    return {"name": "s", "description": "bounds", "dataset": "tiny", "shocks": [shock]}


@pytest.mark.parametrize("shock,needles", [
    ({"type": "import_tariff", "rate_pct": 10001}, ("rate_pct", "10,000%", "prohibitive")),
    ({"type": "import_tariff", "rate_pct": -100}, ("rate_pct", "not be positive")),
    ({"type": "output_tax", "rate_pct": 100}, ("rate_pct", "(-100, 100)", "leaves producers nothing")),
    ({"type": "export_quota", "change_pct": 20000}, ("change_pct", "cannot bind")),
    ({"type": "iceberg", "change_pct": -100}, ("change_pct", "cannot fall by 100%")),
    ({"type": "productivity", "change_pct": 1001}, ("change_pct", "elevenfold")),
    ({"type": "import_tariff", "scale_power": 0}, ("scale_power", "positive")),
    ({"type": "import_tariff", "add_pct_points": "10"}, ("add_pct_points", "must be a number", "'10'")),
    ({"type": "productivity", "change_pct": False}, ("change_pct", "must be a number")),
    ({"type": "export_tax", "add_pct_points": float("inf")}, ("add_pct_points", "finite")),
    ({"type": "export_quota", "exporters": [], "change_pct": -50}, ("exporters", "empty list")),
], ids=["tariff_above_10000", "tariff_at_-100", "output_tax_100", "quota_above_cap", "iceberg_-100",
        "productivity_above_cap", "zero_power", "text_number", "bool_number", "infinite", "empty_exporters"])
def test_every_rate_has_stated_bounds_and_a_reason(shock, needles):
    """Out-of-range, non-numeric and non-finite values are refused in one line that names the
    field, the allowed range and why."""
    with pytest.raises(CGEInputError) as err:
        scenario_from_dict(_tree(shock), "s.yaml")
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("s.yaml: field 'shocks.0")
    assert all(n in msg for n in needles), msg


def test_python_api_accepts_tuples_and_numpy_numbers_but_not_nan():
    import numpy as np

    sc = scenario_from_dict(_tree({"type": "import_tariff", "importers": ("USA",), "add_pct_points": np.float64(5)}))
    assert sc.shocks[0].importers == ["USA"] and sc.shocks[0].add_pct_points == 5.0
    with pytest.raises(CGEInputError, match="must be a finite number"):
        scenario_from_dict(_tree({"type": "import_tariff", "add_pct_points": np.float64("nan")}))


def test_yaml_alias_bomb_is_refused(tmp_path):
    """Nine nested aliases expand a small file to a billion entries: refused by its size."""
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]" for k in range(1, 9)]
    path = tmp_path / "bomb.yaml"
    path.write_text("name: bomb\ndescription: x\n" + "\n".join(lines) + "\n")
    with pytest.raises(CGEInputError, match="more than 100,000 entries"):
        load_scenario(path)


def test_yaml_1_2_exponents_are_numbers(tmp_path):
    path = write(tmp_path, "- {type: iceberg, change_pct: 1e2}")
    assert load_scenario(path).shocks[0].change_pct == 100.0


def test_resolution_errors_name_the_scenario_file(tmp_path):
    path = write(tmp_path, "- {type: import_tariff, importers: [USA], exporters: [XXX], add_pct_points: 5}")
    assert one_line_error(path).startswith("s.yaml: shocks[0].exporters")
