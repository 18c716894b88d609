"""`cge data summary` and `cge data build`: figures, --pair, one-line errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cge.cli.data import app
from cge.data.summary import summarize

runner = CliRunner()


@pytest.fixture(scope="module")
def tiny_file(pipeline, tiny, tmp_path_factory):
    return pipeline.write_dataset(tiny, tmp_path_factory.mktemp("ds") / "tiny.nc")


def test_summary_figures(tiny):
    """World value added = factor income + tariffs on inputs; exports sum to imports."""
    s = summarize(tiny, ("USA", "CHN"))
    assert s["regions"] == ["USA", "CHN", "ROW"] and s["factors"] == ["LAB", "CAP", "LND", "NRS"]
    assert sum(s["exports_by_region"].values()) == pytest.approx(sum(s["imports_by_region"].values()))
    assert s["pair"]["imports"] == pytest.approx(
        float(tiny["trade"].sel(exporter="CHN", importer="USA").sum()))


def test_cli_summary_json_and_table(tiny_file):
    """--json prints parseable JSON with --pair; the table form names the figures."""
    result = runner.invoke(app, ["summary", str(tiny_file), "--json", "--pair", "USA,CHN"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["base_year"] == 2023 and data["pair"]["exporter"] == "CHN"
    table = runner.invoke(app, ["summary", str(tiny_file)])
    assert table.exit_code == 0 and "world gross output" in table.output


def test_cli_errors_one_line(tiny_file):
    """An unknown dataset or region exits with status 2 and one line, no traceback."""
    result = runner.invoke(app, ["summary", "nonexistent"])
    assert result.exit_code == 2 and "unknown dataset" in result.output
    result = runner.invoke(app, ["summary", str(tiny_file), "--pair", "USA,XXX"])
    assert result.exit_code == 2 and "unknown region 'XXX'" in result.output
    assert "Traceback" not in result.output


def test_cli_build_bad_mapping_one_line(pipeline, tmp_path):
    """`cge data build` with a mapping that misses countries fails in one line, writes nothing."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("regions: {A: {members: [USA]}}\nsectors: {B: {members: [c1]}}\n")
    result = runner.invoke(app, ["build", "--mapping", str(bad), "--out", str(tmp_path / "x.nc")])
    assert result.exit_code == 2 and "not assigned" in result.output
    assert not (tmp_path / "x.nc").exists()
