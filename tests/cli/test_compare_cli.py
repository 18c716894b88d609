"""`cge compare`: one-line errors with status 2 for bad inputs, and on real results of
the tiny dataset every table format and chart is written with the results' numbers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import xarray as xr
from typer.testing import CliRunner

from cge.report.tables import read_csv_table
from tests.conftest import write_tariff_scenario

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "calibration" / "datasets" / "base2023_3x3.nc"


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory) -> list[Path]:
    """Three solved tiny-dataset scenarios: US tariff on China, China's retaliation, and a
    US tariff on the rest of the world."""
    if not TINY.is_file():
        pytest.skip("tiny dataset calibration/datasets/base2023_3x3.nc not built "
                    "(run: cge data build --dataset tiny)")
    from cge.runner import run_scenario

    folder = tmp_path_factory.mktemp("tiny")
    paths = []
    for name, importer, exporter in (("us_tariff", "USA", "CHN"), ("retaliation", "CHN", "USA"),
                                     ("us_on_row", "USA", "ROW")):
        scenario = folder / f"{name}.yaml"
        write_tariff_scenario(scenario, name, importer=importer, exporter=exporter, points=25)
        run_scenario(scenario, out_dir=folder / "out")
        paths.append(folder / "out" / f"{name}.nc")
    return paths


def test_bad_inputs_exit_2_with_one_line(cli, tmp_path):
    """A missing file, a non-NetCDF file, a NetCDF that is not a results file and an
    unknown format are input errors: status 2, one line naming the problem."""
    (tmp_path / "notes.nc").write_text("not netcdf")
    xr.Dataset({"x": ("a", [1.0])}).to_netcdf(tmp_path / "other.nc", engine="h5netcdf")
    cases = (([str(tmp_path / "none.nc")], "does not exist"),
             ([str(tmp_path / "notes.nc")], "not a readable NetCDF"),
             ([str(tmp_path / "other.nc")], "lacks the variables"),
             ([str(tmp_path / "other.nc"), "--format", "docx"], "'docx' is not one of 'md', 'csv'"))
    for args, fragment in cases:
        result = CliRunner().invoke(cli, ["compare", *args, "--out", str(tmp_path / "out")])
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], lines
    assert not (tmp_path / "out").exists()


def test_every_format_and_chart_from_real_results(cli, tiny_results, tmp_path):
    """All table formats and PNG+SVG charts are written; the welfare numbers in CSV and
    XLSX equal the results files; the Markdown note names the base year and source."""
    out = tmp_path / "cmp"
    result = CliRunner().invoke(cli, ["compare", *map(str, tiny_results[:2]), "--format", "all",
                                      "--plot", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "compared 2 scenario(s)" in result.stdout
    for name in ("tables.md", "tables.tex", "tables.xlsx", "welfare_ev_usd.csv",
                 "spillovers.csv", "welfare_ev_pct.png", "welfare_ev_pct.svg",
                 "output_pct_us_tariff.png", "bilateral_trade_retaliation.svg"):
        assert (out / name).stat().st_size > 0, name
    csv = read_csv_table(out / "welfare_ev_usd.csv").set_index("region")
    xlsx = pd.read_excel(out / "tables.xlsx", sheet_name="welfare_ev_pct", header=4).set_index("region")
    for path in tiny_results[:2]:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            name = ds.attrs["scenario_name"]
            for region in ("USA", "CHN", "ROW"):
                assert csv.loc[region, name] == pytest.approx(
                    ds["ev_usd_million"].sel(region=region).item(), rel=1e-12)
                assert xlsx.loc[region, name] == pytest.approx(
                    ds["ev_pct_income"].sel(region=region).item(), rel=1e-12)
    md = (out / "tables.md").read_text()
    assert "base year 2023" in md and "World Input-Output Database" in md


def test_a_batch_and_two_single_results_in_any_order(cli, tiny_results, tmp_path):
    """`cge compare batch.nc one.nc two.nc` works (no traceback) and keeps the scenarios in
    the order of the arguments; the welfare table holds each file's numbers."""
    from cge.batch import combine_scenarios
    from cge.runner import load_results

    combine_scenarios([load_results(tiny_results[2])]).to_netcdf(tmp_path / "batch.nc", engine="h5netcdf")
    out = tmp_path / "cmp"
    args = ["compare", str(tiny_results[1]), str(tmp_path / "batch.nc"), str(tiny_results[0]),
            "--format", "csv", "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "compared 3 scenario(s)" in result.stdout
    csv = read_csv_table(out / "welfare_ev_usd.csv").set_index("region")
    assert list(csv.columns) == ["retaliation", "us_on_row", "us_tariff"]
    assert csv.loc["ROW", "us_on_row"] == pytest.approx(
        load_results(tiny_results[2])["ev_usd_million"].sel(region="ROW").item(), rel=1e-12)
