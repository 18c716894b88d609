"""`cge scenario check | schema | reference`: every mistake at once, one line each, naming the
field and what is allowed; the JSON Schema; a reference that is generated and up to date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import cge
from cge.scenario import SHOCK_TYPES
from cge.scenario_check import allowed_fields
from cge.scenario_reference import (COMPLETE_EXAMPLE, SHOCK_EXAMPLES, TABLE_EXAMPLE, documented_models,
                                    field_help, reference_markdown)

ROOT = Path(__file__).resolve().parents[2]

THREE_MISTAKES = """\
name: three
description: three mistakes
dataset: default
closure: {capital: fixed}
shocks:
  - {type: import_tariff, importer: USA, exporters: CHN, add_pct_points: 10}
  - {type: export_quota, exporters: CHN, importers: [USA, JPN], sectors: [ELE, STEEL], change_pct: -50}
"""


def test_a_file_with_three_mistakes_reports_three_lines(cli, tmp_path):
    """A bad closure value, a misspelt field and an unknown sector: three error lines, each
    naming its field and the allowed values; the omitted selectors are warnings on stderr."""
    path = tmp_path / "three.yaml"
    path.write_text(THREE_MISTAKES)
    result = CliRunner().invoke(cli, ["scenario", "check", str(path)])
    assert result.exit_code == 2
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3 and all(ln.startswith("error: three.yaml: field '") for ln in lines), lines
    capital, importer, sector = lines
    assert "'closure.capital'" in capital and "allowed: mobile, sector_specific" in capital
    assert "'shocks.0.importer'" in importer and "did you mean 'importers'" in importer
    assert "allowed: type, name, exporters, importers, sectors" in importer
    assert "'shocks.1.sectors'" in sector and "STEEL" in sector and "ELE" in sector
    assert "field 'shocks.0.importers': not given, so the shock applies to all importers" in result.stderr


def test_a_run_reports_the_first_error_in_one_line_and_counts_the_rest(tmp_path):
    path = tmp_path / "three.yaml"
    path.write_text(THREE_MISTAKES)
    with pytest.raises(cge.errors.CGEInputError) as err:
        cge.load_scenario(path)
    assert "\n" not in str(err.value) and "and 1 more: `cge scenario check`" in str(err.value)


def test_every_seed_scenario_checks_clean(cli):
    names = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
    result = CliRunner().invoke(cli, ["scenario", "check", *names])
    assert result.exit_code == 0 and result.stdout.count("ok: ") == len(names), result.output


def test_schema_is_json_schema_with_every_shock_type_and_field_meanings(cli):
    doc = json.loads(CliRunner().invoke(cli, ["scenario", "schema"]).stdout)
    mapping = doc["properties"]["shocks"]["items"]["discriminator"]["mapping"]
    assert sorted(mapping) == sorted(SHOCK_TYPES)
    assert "path" not in doc["properties"] and "text" not in doc["properties"]
    assert doc["$defs"]["ImportTariff"]["properties"]["table"]["description"].startswith("CSV of rates")


def test_every_field_of_the_language_is_documented():
    """A field added to the schema without a meaning fails here (add it to FIELD_HELP or give
    it a description)."""
    missing = [f"{m.__name__}.{f}" for m in documented_models() for f in allowed_fields(m) if not field_help(m, f)]
    assert not missing


def test_the_reference_in_docs_is_up_to_date():
    text = (ROOT / "docs" / "scenario_reference.md").read_text()
    assert text == reference_markdown(), "regenerate: cge scenario reference --out docs/scenario_reference.md"
    for tag in SHOCK_TYPES:
        assert f"### {tag}" in text


def test_every_example_of_the_reference_checks_clean(tmp_path):
    """Each shock example is a valid shock of the default dataset, with its selectors given."""
    for tag, shock in SHOCK_EXAMPLES.items():
        path = tmp_path / f"ex_{tag}.yaml"
        path.write_text(yaml.safe_dump({"name": path.stem, "description": tag, "dataset": "default",
                                        "shocks": [shock]}))
        report = cge.check(path)
        assert report.ok and not report.warnings, (tag, report.errors, report.warnings)


@pytest.mark.slow
def test_the_complete_example_of_the_reference_solves(tmp_path):
    """Written from the docs alone: selectors, a group, a tariff table, a share target, a
    monitor and subtotals -- it checks clean and solves, and the cap holds."""
    (tmp_path / "my_scenario.yaml").write_text(COMPLETE_EXAMPLE)
    (tmp_path / "my_tariffs.csv").write_text(TABLE_EXAMPLE)
    report = cge.check(tmp_path / "my_scenario.yaml")
    assert report.ok and not report.warnings, (report.errors, report.warnings)
    ds = cge.run(tmp_path / "my_scenario.yaml")
    assert float(ds["target_share_pct"].sel(target="ele_cap")) <= 30 + 1e-6
    assert float(ds["target_benchmark_share_pct"].sel(target="ele_cap")) > 30   # the cap binds
    assert "monitor_share_pct" in ds
