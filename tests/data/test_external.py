"""Bringing your own dataset: `cge data validate` reports every identity and fails loudly; bad
datasets (a missing variable, wrong dims, negative flows, unknown agent or factor names) are refused
in one line naming the problem, by the validator, the CLI and a scenario run; `cge data balance`
makes an almost-balanced table valid, keeping output, trade, tariffs and factor income."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from cge.cli import app
from cge.data.balance import balance_dataset
from cge.data.synthetic import synthetic_dataset
from cge.data.validate import check_dataset, identity_report, validate_dataset
from cge.errors import CGEInputError

runner = CliRunner()


@pytest.fixture
def ds() -> xr.Dataset:
    """A balanced synthetic economy (3 regions, 3 sectors, 5% tariffs)."""
    return synthetic_dataset(["A", "B", "C"], ["X", "Y", "Z"], tariff=0.05, seed=5)


def _save(ds: xr.Dataset, path) -> str:  # noqa: ANN001
    ds.to_netcdf(path, engine="h5netcdf")
    return str(path)


def _drop(ds):  # noqa: ANN001, ANN202
    return ds.drop_vars("fd_tariff")


def _transpose(ds):  # noqa: ANN001, ANN202
    return ds.assign(trade=ds["trade"].transpose("importer", "exporter", "sector"))


def _negative(ds):  # noqa: ANN001, ANN202
    out = ds.copy(deep=True)
    out["fd_dom"].loc[{"commodity": "Y", "fd": "gov", "region": "B"}] = -3.0
    return out


def _attr(key: str, value: dict):  # noqa: ANN202
    def change(ds):  # noqa: ANN001, ANN202
        out = ds.copy()
        out.attrs[key] = json.dumps(value)
        return out
    return change


BAD = [
    (_drop, "variable 'fd_tariff' missing"),
    (_transpose, "trade has dims ('importer', 'exporter', 'sector'), schema says ('sector', 'exporter', 'importer')"),
    (_negative, "non-negativity violated: fd_dom(Y, gov, B) = 0 vs itself clipped at zero: it is -3"),
    (_attr("fd_roles", {"private": "households"}), "fd_roles.private = 'households' is not a final-demand agent"),
    (_attr("fd_roles", {"consumers": "hh"}), "fd_roles names unknown role 'consumers'"),
    (_attr("factor_roles", {"labour": "L"}), "factor_roles.labour = 'L' is not a factor of the dataset; "
                                             "allowed: LAB, CAP"),
    (_attr("factor_mobility", {"LND": "mobile"}), "factor_mobility names unknown factor 'LND'"),
]


@pytest.mark.parametrize("change, message", BAD, ids=[m.split(" ")[0] for _, m in BAD])
def test_bad_dataset_is_refused_in_one_line_naming_it(tmp_path, ds, change, message):
    """The validator, `cge data validate` (exit 1) and a scenario run (exit 2) all say what is wrong."""
    bad = change(ds)
    with pytest.raises(CGEInputError, match=re.escape(message)) as err:
        validate_dataset(bad)
    assert "\n" not in str(err.value)
    path = _save(bad, tmp_path / "bad.nc")
    res = runner.invoke(app, ["data", "validate", path])
    assert res.exit_code == 1
    assert any(line.startswith("FAIL") for line in res.output.splitlines())
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: s\ndescription: test\ndataset: bad.nc\nelasticities: synthetic\nshocks: []\n")
    res = runner.invoke(app, ["run", str(scenario), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and res.output.startswith("error: s.yaml: dataset file bad.nc: ") and res.output.count("\n") == 1


def test_validate_reports_every_identity_with_the_largest_violation(tmp_path, ds):
    """An imbalance in one cell: each identity it breaks is named with the cell's coordinates;
    the others are reported as passing."""
    bad = ds.copy(deep=True)
    bad["int_dom"].loc[{"commodity": "Y", "sector": "Z", "region": "C"}] += 5.0
    report = {r.identity: r for r in identity_report(bad)}
    assert not report["row balance"].ok and "output(Y, C)" in report["row balance"].message
    assert not report["column balance"].ok and "output(Z, C)" in report["column balance"].message
    assert report["trade balance"].ok and report["import balance"].ok
    res = runner.invoke(app, ["data", "validate", _save(bad, tmp_path / "bad.nc")])
    assert res.exit_code == 1
    assert "FAIL  row balance" in res.output and "2 fail" in res.output


def test_balance_makes_an_almost_balanced_table_valid(tmp_path, ds):
    """Noise of 1% on every use cell and a negative final-demand cell: after balancing every
    identity holds, output, trade, tariff rates and factor income are unchanged, and the report
    says what moved."""
    rng = np.random.default_rng(0)
    noisy = ds.copy(deep=True)
    for v in ("int_dom", "int_imp", "fd_dom", "fd_imp"):
        noisy[v] = noisy[v] * rng.uniform(0.99, 1.01, noisy[v].shape)
    noisy["fd_dom"].loc[{"commodity": "X", "fd": "inv", "region": "A"}] = -2.0
    assert check_dataset(noisy)
    balanced, report = balance_dataset(noisy)
    assert check_dataset(balanced) == []
    for v in ("output", "trade", "tariff_rate", "factor_income"):
        assert np.array_equal(balanced[v].values, noisy[v].values), v
    assert report.zeroed["fd_dom"]["cells"] == 1
    moved = report.moved["int_dom"]
    assert 0 < moved["pct_of_world_output"] < 1 and "region=" in moved["largest"]["at"]
    assert "balance" in json.loads(balanced.attrs["cleaning"])
    res = runner.invoke(app, ["data", "balance", _save(noisy, tmp_path / "noisy.nc"), "--out", str(tmp_path / "b.nc")])
    assert res.exit_code == 0, res.output
    assert "negative cells set to zero" in res.output and "validated" in res.output


def test_balance_leaves_a_balanced_table_alone(ds):
    """A table that already balances moves by rounding only."""
    balanced, report = balance_dataset(ds)
    assert max(m["sum_abs_usd_million"] for m in report.moved.values()) < 1e-6
    assert check_dataset(balanced) == []


def test_balance_refuses_output_below_exports(tmp_path, ds):
    """Output below exports cannot be balanced without moving output: one line naming the cell;
    the output file is not written."""
    bad = ds.copy(deep=True)
    bad["output"].loc[{"sector": "Y", "region": "B"}] = 1.0
    with pytest.raises(CGEInputError, match="region B: output - exports of sector Y is"):
        balance_dataset(bad)
    res = runner.invoke(app, ["data", "balance", _save(bad, tmp_path / "bad.nc"), "--out", str(tmp_path / "b.nc")])
    assert res.exit_code == 2 and not (tmp_path / "b.nc").exists()
