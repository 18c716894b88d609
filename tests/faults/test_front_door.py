"""Every probe class of issue 13 through the command line, as a user meets it: a bad input
ends in exit status 2 and one line ``error: ...`` naming the file and the field (never a
stack trace, a hang or a silent run); a legitimate input runs (with a note where part of
it has no effect).  One test per probe class."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "calibration" / "datasets" / "wiod2011_3x3.nc"
TARIFF = "- {type: import_tariff, importers: USA, exporters: CHN, add_pct_points: 10}\n"


def scenario(folder: Path, name: str, shocks: str = TARIFF, dataset: str = "tiny",
             suffix: str = ".yaml") -> Path:
    path = folder / f"{name}{suffix}"
    path.write_text(f"name: {name}\ndescription: probe\ndataset: {dataset}\nshocks:\n"
                    + textwrap.indent(textwrap.dedent(shocks), "  "))
    return path


def dataset_variant(folder: Path, name: str, change) -> Path:  # noqa: ANN001 (Dataset -> None)
    with xr.open_dataset(TINY, engine="h5netcdf") as ds:
        ds = ds.load()
    change(ds)
    path = folder / f"{name}.nc"
    ds.to_netcdf(path, engine="h5netcdf")
    return path


def table(folder: Path, name: str, rows: str) -> Path:
    path = folder / name
    path.write_text("importer,exporter,sector,rate_pct\n" + rows)
    return path


def cge(cli, *args: object, cwd: Path):  # noqa: ANN001, ANN201
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, [str(a) for a in args])
    finally:
        os.chdir(old)


def refused(result, *needles: str) -> str:  # noqa: ANN001
    """Exit status 2 and a single line ``error: ...`` containing every needle."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert all(n in lines[0] for n in needles), lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def results_file(tmp_path_factory, cli) -> Path:  # noqa: ANN001
    """A results file written by cge run (for the probes that misuse one)."""
    folder = tmp_path_factory.mktemp("res")
    assert cge(cli, "run", scenario(folder, "okrun"), "--out", folder / "out", cwd=folder).exit_code == 0
    return folder / "out" / "okrun.nc"


# ---- tracebacks in the probe --------------------------------------------------------------

def test_out_naming_an_existing_file(cli, tmp_path):
    (tmp_path / "taken").write_text("keep me")
    refused(cge(cli, "run", scenario(tmp_path, "s"), "--out", tmp_path / "taken", cwd=tmp_path),
            "--out", "taken", "is a file")
    assert (tmp_path / "taken").read_text() == "keep me"


def test_data_summary_on_a_results_file(cli, tmp_path, results_file):
    refused(cge(cli, "data", "summary", results_file, cwd=tmp_path), "okrun.nc", "results file")


def test_dataset_with_flipped_bytes(cli, tmp_path):
    raw = bytearray(TINY.read_bytes())
    for k in range(2000, 2400):
        raw[k] ^= 0xFF
    (tmp_path / "flipped.nc").write_bytes(bytes(raw))
    refused(cge(cli, "run", scenario(tmp_path, "s", dataset="flipped.nc"), cwd=tmp_path),
            "flipped.nc", "not a readable NetCDF")


def test_dataset_without_trade(cli, tmp_path):
    path = dataset_variant(tmp_path, "notrade", lambda ds: ds.__delitem__("trade"))
    refused(cge(cli, "run", scenario(tmp_path, "s", dataset=path.name), cwd=tmp_path),
            "notrade.nc", "'trade' missing")


def test_dataset_with_a_nan_in_output(cli, tmp_path):
    def nan(ds: xr.Dataset) -> None:
        ds["output"].values[0, 0] = np.nan
    path = dataset_variant(tmp_path, "nan", nan)
    refused(cge(cli, "run", scenario(tmp_path, "s", dataset=path.name), cwd=tmp_path),
            "nan.nc", "finite values", "output")


def test_results_file_given_as_dataset(cli, tmp_path, results_file):
    refused(cge(cli, "run", scenario(tmp_path, "s", dataset=str(results_file)), cwd=tmp_path),
            "okrun.nc", "results file")


def test_scenario_of_binary_garbage(cli, tmp_path):
    (tmp_path / "garbage.yaml").write_bytes(bytes(range(256)) * 8)
    refused(cge(cli, "run", tmp_path / "garbage.yaml", cwd=tmp_path), "garbage.yaml", "binary")


def test_scenario_in_utf16(cli, tmp_path):
    (tmp_path / "u16.yaml").write_text(scenario(tmp_path, "u16").read_text(), encoding="utf-16")
    refused(cge(cli, "run", tmp_path / "u16.yaml", cwd=tmp_path), "u16.yaml", "UTF-16")


def test_scenario_that_is_a_directory(cli, tmp_path):
    (tmp_path / "folder.yaml").mkdir()
    refused(cge(cli, "run", tmp_path / "folder.yaml", cwd=tmp_path), "folder.yaml", "is a folder")


def test_unreadable_scenario(cli, tmp_path, monkeypatch):
    """Permission denied (simulated: root reads any file) is named, not a traceback."""
    path = scenario(tmp_path, "locked")
    real_open = Path.open

    def deny(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if self.name == "locked.yaml":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)
    monkeypatch.setattr(Path, "open", deny)
    refused(cge(cli, "run", path, cwd=tmp_path), "locked.yaml", "permission denied")


@pytest.mark.parametrize("shock,field", [
    ("- {type: import_tariff, rate_pct: .nan}", "shocks.0.rate_pct"),
    ("- {type: import_tariff, add_pct_points: .nan}", "shocks.0.add_pct_points"),
    ("- {type: output_tax, rate_pct: .nan}", "shocks.0.rate_pct"),
], ids=["rate_nan", "points_nan", "output_tax_nan"])
def test_nan_rates(cli, tmp_path, shock, field):
    refused(cge(cli, "run", scenario(tmp_path, "s", shock), cwd=tmp_path), "s.yaml", field, "finite")


def test_tariff_table_rate_is_text(cli, tmp_path):
    table(tmp_path, "t.csv", "USA,CHN,MAN,ten\n")
    refused(cge(cli, "run", scenario(tmp_path, "s", "- {type: import_tariff, table: t.csv}"), cwd=tmp_path),
            "t.csv", "line 2", "rate_pct 'ten' is not a number")


def test_tariff_table_path_is_a_directory(cli, tmp_path):
    (tmp_path / "t.csv").mkdir()
    refused(cge(cli, "run", scenario(tmp_path, "s", "- {type: import_tariff, table: t.csv}"), cwd=tmp_path),
            "shocks[0]", "t.csv", "is a folder")


# ---- silently accepted in the probe --------------------------------------------------------

def test_dataset_with_a_negative_trade_flow(cli, tmp_path):
    def negative(ds: xr.Dataset) -> None:
        ds["trade"].values[0, 1, 2] = -5.0
    path = dataset_variant(tmp_path, "neg", negative)
    refused(cge(cli, "run", scenario(tmp_path, "s", dataset=path.name), cwd=tmp_path),
            "neg.nc", "non-negativity", "trade")
    assert not list((tmp_path / "results").iterdir())  # refused before any model was built or written


def test_dataset_with_unbalanced_accounts(cli, tmp_path):
    def unbalance(ds: xr.Dataset) -> None:
        ds["trade"].values[0, 1, 2] *= 1000
    path = dataset_variant(tmp_path, "unbal", unbalance)
    refused(cge(cli, "run", scenario(tmp_path, "s", dataset=path.name), cwd=tmp_path),
            "unbal.nc", "balance violated")


def test_two_shocks_keys(cli, tmp_path):
    path = scenario(tmp_path, "s")
    path.write_text(path.read_text() + "shocks: []\n")
    refused(cge(cli, "run", path, cwd=tmp_path), "s.yaml", "'shocks' is given twice", "lines 4 and 6")


def test_key_repeated_inside_a_shock(cli, tmp_path):
    path = scenario(tmp_path, "s", "- type: import_tariff\n  add_pct_points: 10\n  add_pct_points: 1000\n")
    refused(cge(cli, "run", path, cwd=tmp_path), "s.yaml", "'add_pct_points' is given twice")


def test_rate_given_as_true(cli, tmp_path):
    refused(cge(cli, "run", scenario(tmp_path, "s", "- {type: import_tariff, rate_pct: true}"),
                cwd=tmp_path), "s.yaml", "shocks.0.rate_pct", "must be a number")


def test_absurd_points(cli, tmp_path):
    refused(cge(cli, "run", scenario(tmp_path, "s", "- {type: import_tariff, add_pct_points: 1e300}"),
                cwd=tmp_path), "shocks.0.add_pct_points", "[-10000, 10000]")


def test_empty_sector_list(cli, tmp_path):
    refused(cge(cli, "run", scenario(tmp_path, "s", "- {type: import_tariff, sectors: [], add_pct_points: 5}"),
                cwd=tmp_path), "shocks.0.sectors", "empty list")


def test_shock_on_imports_from_itself(cli, tmp_path):
    shock = "- {type: import_tariff, importers: USA, exporters: USA, add_pct_points: 10}"
    refused(cge(cli, "run", scenario(tmp_path, "s", shock), cwd=tmp_path), "shocks[0]",
            "does not import from itself")


def test_table_row_on_imports_from_itself(cli, tmp_path):
    table(tmp_path, "t.csv", "USA,USA,MAN,10\n")
    refused(cge(cli, "run", scenario(tmp_path, "s", "- {type: import_tariff, table: t.csv}"), cwd=tmp_path),
            "t.csv", "line 2", "importer and exporter are both USA")


@pytest.mark.parametrize("rows", ["USA,CHN,MAN,10\nUSA,CHN,MAN,10\n", "USA,CHN,MAN,10\nUSA,CHN,MAN,50\n"],
                         ids=["added_twice", "conflicting"])
def test_duplicate_table_rows(cli, tmp_path, rows):
    table(tmp_path, "t.csv", rows)
    refused(cge(cli, "run", scenario(tmp_path, "s", "- {type: import_tariff, table: t.csv}"), cwd=tmp_path),
            "t.csv", "line 3", "repeats line 2")


def test_table_row_overlapping_through_a_group(cli, tmp_path):
    """Two rows that set the same flow (one through 'all') would add twice: refused."""
    table(tmp_path, "t.csv", "USA,CHN,MAN,10\nUSA,all,MAN,20\n")
    refused(cge(cli, "run", scenario(tmp_path, "s", "- {type: import_tariff, table: t.csv}"), cwd=tmp_path),
            "line 3", "already set by line 2")


def test_table_rows_outside_the_shocks_selectors_are_noted(cli, tmp_path):
    """Legitimate (one table can feed several shocks): the run goes on and names the rows
    no shock applies."""
    table(tmp_path, "t.csv", "USA,CHN,MAN,10\nCHN,USA,MAN,50\n")
    result = cge(cli, "run", scenario(tmp_path, "s", "- {type: import_tariff, table: t.csv, importers: USA}"),
                 "--json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "t.csv: 1 row(s) (lines 3) fall outside" in result.stderr


def test_sixty_megabyte_scenario(cli, tmp_path):
    path = scenario(tmp_path, "s")
    with path.open("a") as fh:
        fh.write("# " + "x" * (60 << 20) + "\n")
    refused(cge(cli, "run", path, cwd=tmp_path), "s.yaml", "60.0 MiB", "limit is 1 MiB")


def test_scenario_named_txt(cli, tmp_path):
    refused(cge(cli, "run", scenario(tmp_path, "s", suffix=".txt"), cwd=tmp_path), "s.txt", ".yaml")


def test_invalid_utf8_byte(cli, tmp_path):
    path = scenario(tmp_path, "s")
    path.write_bytes(path.read_bytes().replace(b"probe", b"pr\xffobe"))
    refused(cge(cli, "run", path, cwd=tmp_path), "s.yaml", "line 2", "not valid UTF-8")


# ---- the hang -------------------------------------------------------------------------------

def test_absurd_productivity_is_refused_at_once(cli, tmp_path):
    refused(cge(cli, "run", scenario(tmp_path, "s", "- {type: productivity, change_pct: 1e9}"), cwd=tmp_path),
            "shocks.0.change_pct", "(-100, 1000]", "elevenfold")


def test_compare_on_a_dataset_or_a_damaged_results_file(cli, tmp_path, results_file):
    """`cge compare` recognises what is not a results file: a base dataset, a damaged file."""
    refused(cge(cli, "compare", TINY, "--out", tmp_path / "cmp", cwd=tmp_path), "wiod2011_3x3.nc", "lacks")
    raw = bytearray(results_file.read_bytes())
    for k in range(2000, 2400):
        raw[k] ^= 0xFF
    (tmp_path / "damaged.nc").write_bytes(bytes(raw))
    refused(cge(cli, "compare", tmp_path / "damaged.nc", "--out", tmp_path / "cmp", cwd=tmp_path),
            "damaged.nc", "not a readable NetCDF")


def test_batch_out_naming_an_existing_file(cli, tmp_path):
    (tmp_path / "taken").write_text("keep me")
    refused(cge(cli, "batch", scenario(tmp_path, "s"), "--out", tmp_path / "taken", cwd=tmp_path),
            "--out", "is a file")
    assert (tmp_path / "taken").read_text() == "keep me"


@pytest.mark.parametrize("make", ["folder", "binary"])
def test_elasticity_file_that_is_a_folder_or_binary(cli, tmp_path, make):
    target = tmp_path / "el.csv"
    target.mkdir() if make == "folder" else target.write_bytes(bytes(range(256)))
    path = tmp_path / "e.yaml"
    path.write_text("name: e\ndescription: probe\ndataset: tiny\nelasticity_file: el.csv\nshocks: []\n")
    refused(cge(cli, "run", path, cwd=tmp_path), "e.yaml", "elasticities", "el.csv")
