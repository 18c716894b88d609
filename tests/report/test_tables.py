"""Comparison tables: the numbers are the results' numbers in the given order, aggregates are
the documented weighted sums, every format carries units and the note, no cell prints
-0.00, and the LaTeX of a 10-scenario comparison fits the page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from openpyxl import load_workbook

from cge.batch import combine_scenarios
from cge.report import load_results
from cge.report.combine import combine_results
from cge.report.latex import LANDSCAPE_WIDTH_PT, _layout, latex_document, latex_table
from cge.report.notes import note_text, scenario_attr
from cge.report.tables import (FORMATS, TOP_PAIRS, WORLD, bilateral_total_pct, comparison_tables,
                               decomposition_table, key_pairs, read_csv_table, real_gdp_table,
                               spillover_table, ssa_table, subtotal_table, welfare_pct_table,
                               welfare_usd_table, write_tables)
from cge.report.writers import format_number
from tests.report.conftest import fake_ssa


@pytest.fixture
def two_scenarios(make_results) -> xr.Dataset:
    """Two synthetic scenarios (given as war, then truce) with different elasticity sets."""
    return combine_results([make_results("war", 0), make_results("truce", 1, elasticity_set="cp2015")])


def test_welfare_tables_equal_results_in_given_order_and_world_is_income_weighted(two_scenarios):
    """EV by region is copied from the results, rows in the dataset's region order, columns
    in the order given; world EV is the sum and world EV in % is over world income."""
    ds = two_scenarios
    usd, pct = welfare_usd_table(ds), welfare_pct_table(ds)
    for s in ("war", "truce"):
        for r in ("USA", "CHN", "ROW"):
            assert usd.frame.loc[r, s] == ds["ev_usd_million"].sel(scenario=s, region=r).item()
            assert pct.frame.loc[r, s] == ds["ev_pct_income"].sel(scenario=s, region=r).item()
        ev, income = ds["ev_usd_million"].sel(scenario=s), ds["income_usd_million"].sel(scenario=s)
        assert usd.frame.loc[WORLD, s] == pytest.approx(float(ev.sum()))
        assert pct.frame.loc[WORLD, s] == pytest.approx(100 * float(ev.sum() / income.sum()))
    assert list(usd.frame.columns) == ["war", "truce"] and list(usd.frame.index) == ["USA", "CHN", "ROW", WORLD]
    assert usd.label("war") == "War" and usd.units == ds["ev_usd_million"].attrs["units"]


def test_bilateral_total_is_base_value_weighted_and_key_pairs_are_bounded(two_scenarios):
    """Total bilateral trade change = sum over sectors of base value x % change over the base
    value; the key-pairs table lists at most TOP_PAIRS flows, largest USD change first."""
    ds = two_scenarios
    base = ds["bilateral_trade_usd_million"].sel(scenario="war", exporter="CHN", importer="USA")
    pct = ds["bilateral_trade_pct"].sel(scenario="war", exporter="CHN", importer="USA")
    assert bilateral_total_pct(ds).sel(scenario="war", exporter="CHN", importer="USA").item() == \
        pytest.approx(float((base * pct).sum() / base.sum()))
    pairs = key_pairs(ds)
    assert len(pairs) <= TOP_PAIRS and all(e != i for e, i in pairs)
    change = abs(bilateral_total_pct(ds) * ds["bilateral_trade_usd_million"].sum("sector") / 100).max("scenario")
    sizes = [float(change.sel(exporter=e, importer=i)) for e, i in pairs]
    assert sizes == sorted(sizes, reverse=True)


def test_spillovers_are_relative_to_the_regions_each_scenario_shocks(make_results):
    """An EU-China scenario's third countries exclude EUR and CHN (not USA and CHN), and their
    exports to the shocked regions are the base-weighted change of exports to EUR and CHN."""
    regions = ["USA", "CHN", "EUR", "ROW"]
    ds = combine_results([make_results("us_china", 0, regions=regions, shocked=["USA", "CHN"]),
                          make_results("eu_china", 1, regions=regions, shocked=["EUR", "CHN"])])
    frame = spillover_table(ds).frame
    assert list(frame.loc["eu_china"].index) == ["USA", "ROW"]
    assert list(frame.loc["us_china"].index) == ["EUR", "ROW"]
    one = ds.sel(scenario="eu_china")
    base = one["bilateral_trade_usd_million"].sel(exporter="USA", importer=["EUR", "CHN"])
    new = base * (1 + one["bilateral_trade_pct"].sel(exporter="USA", importer=["EUR", "CHN"]) / 100)
    assert frame.loc[("eu_china", "USA"), "exports to shocked regions"] == \
        pytest.approx(100 * (float(new.sum()) / float(base.sum()) - 1))


def test_decomposition_and_subtotal_tables_add_up_to_ev(make_results):
    """The welfare components and the subtotals by shock group each sum to the EV column."""
    ds = combine_results([make_results("peak", 0, decomposition=True), make_results("plain", 1)])
    for table in (decomposition_table(ds), subtotal_table(ds)):
        frame = table.frame
        assert list(frame.index.get_level_values("scenario").unique()) == ["peak"]
        parts = frame.drop(columns="EV").sum(axis=1)
        assert parts.values == pytest.approx(frame["EV"].values)


def test_every_format_is_written_with_units_note_and_the_results_numbers(two_scenarios, tmp_path):
    """md, csv, tex and xlsx are written; CSV and XLSX hold the results' numbers at full
    precision, XLSX with a frozen header and the table's decimals; every format states the
    units once and the note (base year, data source, closure in words, elasticities)."""
    ds = two_scenarios
    tables = comparison_tables(ds)
    written = write_tables(tables, tmp_path, FORMATS)
    assert {p.suffix for p in written} == {".md", ".csv", ".tex", ".xlsx"}
    note = note_text(ds)
    assert "base year 2011" in note and "Elasticities: gtap (War); cp2015 (Truce)." in note
    assert "Closure: capital mobile across sectors (long run); full employment." in note
    assert note.count("WIOD 2013 release") == 1

    csv = read_csv_table(tmp_path / "welfare_ev_usd.csv").set_index("region")
    xlsx = pd.read_excel(tmp_path / "tables.xlsx", sheet_name="welfare_ev_usd", header=4).set_index("region")
    for frame in (csv, xlsx):
        assert frame.loc["CHN", "truce"] == pytest.approx(
            ds["ev_usd_million"].sel(scenario="truce", region="CHN").item(), rel=1e-12)
    sheet = load_workbook(tmp_path / "tables.xlsx")["welfare_ev_pct"]
    assert sheet.freeze_panes == "B6"
    assert sheet["B6"].number_format.startswith("#,##0.00")
    md = (tmp_path / "tables.md").read_text()
    assert md.count("Units: % of base regional income") == 1 and "| War " in md
    tex = (tmp_path / "tables.tex").read_text()
    assert r"\toprule" in tex and r"\midrule" in tex and r"\bottomrule" in tex and "S[table-format=" in tex


def test_no_cell_prints_minus_zero(make_results, tmp_path):
    """A value that rounds to zero prints without a sign in Markdown and LaTeX, and its XLSX
    cell gets a number format without a minus sign (the cell keeps the exact value)."""
    assert format_number(-0.004, 2) == "0.00" and format_number(-0.006, 2) == "-0.01"
    assert format_number(-0.4, 0) == "0" and format_number(float("nan"), 2) == "n/a"
    tiny = make_results("tiny", 0)
    tiny["ev_pct_income"][:] = [-1e-5, -0.004, 0.3]
    tiny["real_gdp_pct"][:] = [-0.0001, -2e-9, -0.5]
    tables = comparison_tables(combine_results([tiny]))
    write_tables(tables, tmp_path, FORMATS)
    for name in ("tables.md", "tables.tex"):
        text = (tmp_path / name).read_text()
        assert not re.search(r"(?<![\d.])-0\.0+(?!\d*[1-9])", text), name
    sheet = load_workbook(tmp_path / "tables.xlsx")["real_gdp"]
    assert sheet["B6"].value == pytest.approx(-0.0001) and "-" not in sheet["B6"].number_format
    assert "-#,##0.00" in sheet["B8"].number_format


def test_sensitivity_table_shows_mean_std_and_intervals(make_results):
    """SSA results give a table of EV mean, std and both 95% intervals by region."""
    ds = combine_results([fake_ssa(make_results("peak", 0))])
    frame = ssa_table(ds).frame
    ev = make_results("peak", 0)["ev_pct_income"]
    assert frame.loc[("peak_ssa", "CHN"), "mean"] == pytest.approx(ev.sel(region="CHN").item())
    assert frame.loc[("peak_ssa", "CHN"), "chebyshev_hi"] == pytest.approx(
        ev.sel(region="CHN").item() + 4.47 * abs(ev.sel(region="CHN").item()) * 0.1)


TEN = ["US-China 2025: peak tariffs", "US-China 2025: Geneva truce", "US-China trade war 2018-19",
       "China's rare-earth magnet controls, 2025", "Reciprocal de-risking (Bown 2026)",
       "EU and US tariffs on Chinese EVs", "Nexperia chip export stop, 2025", "US chip export controls",
       "China's industrial subsidies", "US-China 2025: November truce"]
REGIONS = ["USA", "CHN", "EUR", "GBR", "JPN", "KOR", "TWN", "MEX", "CAN", "IND", "BRA", "ROW"]


@pytest.fixture
def ten_scenarios(make_results) -> xr.Dataset:
    """Ten scenarios with the seed scenarios' titles on the default dataset's 12 regions,
    EV up to hundreds of thousands of USD million (wide numbers)."""
    singles = []
    for k, title in enumerate(TEN):
        one = make_results(f"s{k}", k, regions=REGIONS, title=title)
        one["ev_usd_million"] = one["ev_usd_million"] * 40000
        singles.append(one)
    return combine_results(singles)


def test_ten_scenario_latex_fits_the_text_width(ten_scenarios, tmp_path):
    """Each paper table of a 10-scenario comparison is laid out within the page: its
    estimated width is at most the landscape line width (wide tables go landscape, headers
    wrap); when pdflatex (with siunitx) is installed, the document compiles without an
    overfull box, i.e. every table fits the text width."""
    tables = [t for t in comparison_tables(ten_scenarios) if t.paper]
    for table in tables:
        tex = latex_table(table)
        widths = [sum(lay["widths"]) for lay in _layout(table, True)]
        assert min(widths) <= LANDSCAPE_WIDTH_PT or "continued" in tex, table.name
        assert tex.count(r"\begin{landscape}") == tex.count(r"\end{landscape}")
    welfare = latex_table(tables[0])
    assert r"\begin{landscape}" in welfare and r"\makecell[b]{US-China \\ 2025: peak" in welfare
    if shutil.which("pdflatex") is None or subprocess.run(["kpsewhich", "siunitx.sty"], capture_output=True,
                                                          text=True).stdout.strip() == "":
        pytest.skip("pdflatex with siunitx not installed: layout checked by estimate only")
    write_tables(tables, tmp_path, ["tex"])
    assert (tmp_path / "tables_document.tex").read_text() == latex_document("tables.tex")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "tables_document.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=240)
    log = (tmp_path / "tables_document.log").read_text(errors="replace")
    assert run.returncode == 0, log[-2000:]
    assert "Overfull \\hbox" not in log, [line for line in log.splitlines() if "Overfull" in line]


def test_load_results_rejects_missing_unreadable_and_foreign_files(tmp_path, make_results):
    """Bad results inputs are one-line input errors naming the file; repeated scenario
    names are refused."""
    (tmp_path / "notes.nc").write_text("not netcdf")
    xr.Dataset({"x": ("a", [1.0])}).to_netcdf(tmp_path / "other.nc", engine="h5netcdf")
    for path, message in ((tmp_path / "none.nc", "does not exist"),
                          (tmp_path / "notes.nc", "not a readable NetCDF"),
                          (tmp_path / "other.nc", "lacks the variables ev_usd_million")):
        with pytest.raises(Exception, match=message) as err:
            load_results([path])
        assert "\n" not in str(err.value) and str(path) in str(err.value)
    make_results("a", 0).to_netcdf(tmp_path / "a.nc", engine="h5netcdf")
    combine_scenarios([make_results("b", 1), make_results("c", 2)]).to_netcdf(tmp_path / "batch.nc",
                                                                              engine="h5netcdf")
    ds = load_results([tmp_path / "batch.nc", tmp_path / "a.nc"])
    assert [str(s) for s in ds["scenario"].values] == ["b", "c", "a"]
    with pytest.raises(Exception, match="repeated: a"):
        load_results([tmp_path / "a.nc", tmp_path / "a.nc"])
    assert json.loads(scenario_attr(ds, "sector_labels", "a")) == {"PRI": "PRI", "MAN": "MAN", "SRV": "SRV"}
    assert np.isfinite(real_gdp_table(ds).frame.values).all()
