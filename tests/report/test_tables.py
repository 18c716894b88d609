"""Comparison tables: the numbers are the results files' numbers, aggregates are the
documented weighted sums, and every format carries units and the provenance note."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from cge.batch import combine_scenarios
from cge.errors import CGEInputError
from cge.report import load_results
from cge.report.notes import note_text
from cge.report.tables import (FORMATS, WORLD, bilateral_pairs_table, bilateral_total_pct,
                               comparison_tables, key_pairs, read_csv_table, real_gdp_table,
                               spillover_table, welfare_pct_table, welfare_usd_table, write_tables)


@pytest.fixture
def two_scenarios(make_results) -> xr.Dataset:
    """Two synthetic scenarios with different elasticity sets, combined."""
    return combine_scenarios([make_results("war", 0), make_results("truce", 1, elasticity_set="cp2015")])


def test_welfare_tables_equal_results_and_world_is_income_weighted(two_scenarios):
    """EV by region is copied from the results; world EV is the sum over regions and world
    EV in % is world EV over world benchmark income (not a mean of regional %)."""
    ds = two_scenarios
    usd, pct = welfare_usd_table(ds).frame, welfare_pct_table(ds).frame
    for s in ("war", "truce"):
        for r in ("USA", "CHN", "ROW"):
            assert usd.loc[r, s] == ds["ev_usd_million"].sel(scenario=s, region=r).item()
            assert pct.loc[r, s] == ds["ev_pct_income"].sel(scenario=s, region=r).item()
        ev, income = ds["ev_usd_million"].sel(scenario=s), ds["income_usd_million"].sel(scenario=s)
        assert usd.loc[WORLD, s] == pytest.approx(float(ev.sum()))
        assert pct.loc[WORLD, s] == pytest.approx(100 * float(ev.sum() / income.sum()))
    assert list(usd.columns) == ["war", "truce"]


def test_bilateral_total_is_benchmark_value_weighted(two_scenarios):
    """Total bilateral trade change = sum over sectors of benchmark value x % change,
    divided by total benchmark value (a fixed-weight index)."""
    ds = two_scenarios
    base = ds["bilateral_trade_usd_million"].sel(scenario="war", exporter="CHN", importer="USA")
    pct = ds["bilateral_trade_pct"].sel(scenario="war", exporter="CHN", importer="USA")
    expected = float((base * pct).sum() / base.sum())
    assert bilateral_total_pct(ds).sel(scenario="war", exporter="CHN", importer="USA").item() == \
        pytest.approx(expected)
    assert np.isnan(bilateral_total_pct(ds).sel(scenario="war", exporter="USA", importer="USA").item())


def test_key_pairs_start_with_flows_among_shocked_regions(two_scenarios):
    """The paper table lists every flow between shocked regions first, both directions,
    then other flows, never a region's trade with itself."""
    pairs = key_pairs(two_scenarios)
    shocked = json.loads(two_scenarios.attrs["shocked_regions"])
    assert set(pairs[:2]) == {(shocked[0], shocked[1]), (shocked[1], shocked[0])}
    assert all(e != i for e, i in pairs) and len(pairs) == len(set(pairs)) == 6
    table = bilateral_pairs_table(two_scenarios).frame
    assert table.loc[("CHN", "USA"), "war"] == pytest.approx(
        bilateral_total_pct(two_scenarios).sel(scenario="war", exporter="CHN", importer="USA").item())


def test_spillovers_cover_only_unshocked_regions(two_scenarios):
    """Third-country spillovers list regions neither source nor target of any shock."""
    frame = spillover_table(two_scenarios).frame
    assert set(frame.index.get_level_values("region")) == {"ROW"}
    assert frame.loc[("truce", "ROW"), "ev_pct_income"] == pytest.approx(
        two_scenarios["ev_pct_income"].sel(scenario="truce", region="ROW").item())


def test_every_format_is_written_with_units_note_and_the_results_numbers(two_scenarios, tmp_path):
    """md, csv, tex and xlsx are all written; CSV and XLSX hold the results' numbers at
    full precision; every text format states units and the note (base year, source,
    elasticities per scenario, closure)."""
    ds = two_scenarios
    tables = comparison_tables(ds)
    written = write_tables(tables, tmp_path, FORMATS)
    assert {p.suffix for p in written} == {".md", ".csv", ".tex", ".xlsx"}
    note = note_text(ds)
    assert "Base year: 2011" in note and "gtap (war), cp2015 (truce)" in note and "Closure:" in note

    csv = read_csv_table(tmp_path / "welfare_ev_usd.csv").set_index("region")
    xlsx = pd.read_excel(tmp_path / "tables.xlsx", sheet_name="welfare_ev_usd", header=4).set_index("region")
    for frame in (csv, xlsx):
        assert frame.loc["CHN", "truce"] == pytest.approx(
            ds["ev_usd_million"].sel(scenario="truce", region="CHN").item(), rel=1e-12)
    long = read_csv_table(tmp_path / "bilateral_trade_by_sector.csv")
    row = long.query("scenario == 'war' and exporter == 'CHN' and importer == 'USA' and sector == 'MAN'")
    assert row["change_pct"].item() == pytest.approx(
        ds["bilateral_trade_pct"].sel(scenario="war", exporter="CHN", importer="USA", sector="MAN").item())
    header = (tmp_path / "welfare_ev_pct.csv").read_text().splitlines()[:3]
    assert header[1] == "# Units: % of benchmark regional income" and header[2] == f"# {note}"

    md, tex = (tmp_path / "tables.md").read_text(), (tmp_path / "tables.tex").read_text()
    for text in (md, tex):
        assert "Units" in text or "USD million" in text
        assert text.count("Base year: 2011") == sum(t.paper for t in tables)
    assert "bilateral_trade_by_sector" not in md
    assert r"\begin{tabular}" in tex and r"gtap (war), cp2015 (truce)" in tex
    assert r"ev\_usd\_million" in tex and "ev_usd_million" not in tex
    sheet = pd.read_excel(tmp_path / "tables.xlsx", sheet_name="real_gdp", header=None, nrows=3)
    assert sheet.iloc[1, 0] == "Units: " + real_gdp_table(ds).units and sheet.iloc[2, 0] == note


def test_load_results_rejects_missing_unreadable_and_foreign_files(tmp_path, make_results):
    """Bad results inputs are one-line input errors naming the file; a results file and a
    batch file combine, and repeated scenario names are refused."""
    (tmp_path / "notes.nc").write_text("not netcdf")
    xr.Dataset({"x": ("a", [1.0])}).to_netcdf(tmp_path / "other.nc", engine="h5netcdf")
    for path, message in ((tmp_path / "none.nc", "does not exist"),
                          (tmp_path / "notes.nc", "not a readable NetCDF"),
                          (tmp_path / "other.nc", "lacks the variables ev_usd_million")):
        with pytest.raises(CGEInputError, match=message) as err:
            load_results([path])
        assert "\n" not in str(err.value) and str(path) in str(err.value)

    make_results("a", 0).to_netcdf(tmp_path / "a.nc", engine="h5netcdf")
    combine_scenarios([make_results("b", 1), make_results("c", 2)]).to_netcdf(
        tmp_path / "batch.nc", engine="h5netcdf")
    ds = load_results([tmp_path / "batch.nc", tmp_path / "a.nc"])
    assert [str(s) for s in ds["scenario"].values] == ["b", "c", "a"]
    with pytest.raises(CGEInputError, match="repeated: a"):
        load_results([tmp_path / "a.nc", tmp_path / "a.nc"])
