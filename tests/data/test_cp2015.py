"""Caliendo-Parro (2015) end to end: import the raw files, validate, configure the model as CP
from the scenario file alone, run the NAFTA tariff change, and check the economics -- benchmark
replication, Walras, the welfare decomposition adding up -- and agreement to 1e-8 with the
independent exact-hat-algebra solver of CP's equations in tests/replication (it reads the raw
files itself and shares no code with cge).

The raw folder ../shared/data/cp2015 is needed; without it the tests skip with that reason.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from cge.cli import app
from cge.data.cp2015 import NAFTA, REGION_CODES, SECTOR_CODES, read_raw, scenario
from cge.data.tariffs import CP_COUNTRIES
from cge.data.wiod import default_data_dir
from cge.errors import CGEInputError
from tests.replication import hat_algebra as hat

RAW = default_data_dir() / "cp2015"
pytestmark = [pytest.mark.skipif(not (RAW / "xbilat1993.txt").is_file(),
                                 reason=f"raw Caliendo-Parro files not found in {RAW}"),
              pytest.mark.slow]  # the 31 x 40 model: about 2 minutes with the decomposition
runner = CliRunner()


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    """`cge data import-cp` into a fresh folder; returns the scenario file it wrote."""
    out = tmp_path_factory.mktemp("cp2015")
    res = runner.invoke(app, ["data", "import-cp", str(RAW), "--out-dir", str(out)])
    assert res.exit_code == 0, res.output
    return out / "cp2015_nafta.yaml"


@pytest.fixture(scope="module")
def solved(imported):
    """The scenario run with the welfare decomposition, and the cached model it used."""
    from cge.runner import get_model, solve_scenario
    from cge.scenario import load_scenario

    sc = load_scenario(imported)
    ds = solve_scenario(sc, decompose=True)
    cached, _ = get_model(sc)
    return ds, cached


@pytest.fixture(scope="module")
def reference():
    """CP's zero-deficit baseline and the NAFTA counterfactual, by the hat-algebra solver."""
    d = hat.read_inputs(RAW)
    zero = np.zeros_like(d.deficit)
    base = hat.solve(d, d.tau, zero)
    nafta = hat.solve(d, hat.nafta_tariffs(d, CP_COUNTRIES), zero, w0=base.w_hat)
    return d, base, nafta


def test_import_validates_and_cli_validate_exits_zero(imported):
    """The imported dataset passes every identity; `cge data validate` says so and exits 0."""
    res = runner.invoke(app, ["data", "validate", str(imported.parent / "cp2015_31x40.nc")])
    assert res.exit_code == 0, res.output
    assert "row balance" in res.output and "FAIL" not in res.output


def test_scenario_file_alone_configures_the_model_as_caliendo_parro(imported):
    """Cobb-Douglas top and intermediate nests and final demand, one factor, one CES level with
    sigma = theta + 1, zero deficits: all from the YAML the importer wrote."""
    from cge.model.calibration import calibrate
    from cge.scenario import load_scenario

    sc = load_scenario(imported)
    assert sc.closure.trade_balance == "zero" and sc.model.armington == "single_level"
    b = calibrate(xr.load_dataset(imported.parent / sc.dataset), sc.elasticities, options=sc.model)
    theta = read_raw(RAW).theta
    assert b.factors == ["LAB"] and b.fd_agents == ["hh"]
    assert np.all(b.esub_top == 1.0) and np.all(b.esub_int == 1.0) and np.all(b.esub_fd == 1.0)
    assert np.allclose(b.esub_mm[:20], (theta[:20] + 1.0)[:, None]) and np.array_equal(b.esub_dm, b.esub_mm)


def test_imported_benchmark_is_an_equilibrium_of_cps_model(imported, reference):
    """The hat-algebra solver, given the dataset's trade deficits and no tariff change, finds
    wages unchanged and every bilateral flow of the dataset (1e-8 relative): the importer's
    benchmark is an equilibrium of CP's model on CP's trade shares, wages and coefficients."""
    d = reference[0]
    ds = xr.load_dataset(imported.parent / "cp2015_31x40.nc")
    deficit = -ds["trade_balance"].values * 1e6                 # USD million -> USD
    e = hat.solve(d, d.tau, deficit)
    assert np.abs(e.w_hat - 1).max() < 1e-9
    flows = e.imports.copy()
    own = np.arange(flows.shape[0])
    flows[own, own, :] = 0.0
    data = ds["trade"].transpose("importer", "exporter", "sector").values * 1e6
    assert np.abs(flows - data).max() < 1e-8 * data.max()


def test_benchmark_replicates_and_walras_holds(solved):
    """The calibrated benchmark solves the model (relative residual < 1e-8); the market Walras'
    law drops holds at the scenario's solution."""
    from cge.solve.compile import residual_norm

    ds, cached = solved
    resid, _ = residual_norm(cached.solver.compiled, cached.cgem.x0, cached.cgem.p0)
    assert resid < 1e-8
    assert abs(ds.attrs["walras_residual"]) < 1e-8
    assert ds.attrs["max_residual"] < 1e-8


def test_welfare_agrees_with_the_hat_algebra_solver(solved, reference):
    """EV (% of baseline income) = 100 (real income change) of CP's exact hat algebra; the real
    wage too; to 1e-8 (percentage points), every region."""
    ds, _ = solved
    d, base, nafta = reference
    welfare = 100 * (nafta.real_income(d.alpha) / base.real_income(d.alpha) - 1)
    p_index = np.exp((d.alpha * np.log(nafta.p_hat / base.p_hat)).sum(axis=1))
    real_wage = 100 * (nafta.w_hat / base.w_hat / p_index - 1)
    assert list(ds.region.values) == list(REGION_CODES)      # the order of CP's files
    assert np.abs(ds.ev_pct_income.values - welfare).max() < 1e-8
    assert np.abs(ds.real_factor_price_pct.sel(factor="LAB").values - real_wage).max() < 1e-8


def test_bilateral_trade_agrees_with_the_hat_algebra_solver(solved, reference, imported):
    """Every bilateral flow's value change (world output price numeraire) and quantity change
    agree with the hat-algebra solution: the ratios new / base to 1e-8 relative."""
    ds, _ = solved
    d, base, nafta = reference
    output = xr.load_dataset(imported.parent / "cp2015_31x40.nc")["output"].transpose("region", "sector").values
    # the model's numeraire: sum of benchmark output x producer price = sum of benchmark output
    base_s = base.scaled(output.sum() / (output * base.c_hat).sum())
    nafta_s = nafta.scaled(output.sum() / (output * nafta.c_hat).sum())
    m0, m1 = base_s.imports, nafta_s.imports                  # (importer, exporter, sector)
    own = np.arange(m0.shape[0])
    m0[own, own, :] = m1[own, own, :] = 0.0                   # domestic sales are not trade
    live = np.isfinite(ds.bilateral_trade_value_pct.values)   # (exporter, importer, sector)
    value = 100 * (m1 / np.where(m0 > 0, m0, 1) - 1)
    qty = 100 * ((m1 / nafta_s.c_hat[None]) / np.where(m0 > 0, m0 / base_s.c_hat[None], 1) - 1)
    assert live.sum() == (m0 > 0).sum()
    for model, ref in ((ds.bilateral_trade_value_pct, value), (ds.bilateral_trade_pct, qty)):
        a, b = 1 + model.values[live] / 100, 1 + ref.transpose(1, 0, 2)[live] / 100
        assert np.abs(a / b - 1).max() < 1e-8          # changes up to +3,400% (MEX -> USA PET)


def test_welfare_decomposition_adds_up_to_ev(solved):
    """The path-integrated components (terms of trade, efficiency, ...) sum to each region's EV."""
    ds, _ = solved
    gap = np.abs(ds.ev_component_usd_million.sum("ev_component") - ds.ev_usd_million) / ds.income_usd_million
    assert float(gap.max()) < 1e-6                    # the decomposition's tolerance, x income
    mex = ds.ev_component_usd_million.sel(region="MEX")
    # Mexico cuts its own tariffs most: efficiency gains from its import tariffs, terms-of-trade loss
    assert float(mex.sel(ev_component="import_tariffs")) > 0 > float(mex.sel(ev_component="terms_of_trade"))


def test_nafta_table_rows_without_base_trade_are_warned(solved):
    """Tariff-table rows for NAFTA flows with no 1993 trade are reported, not silently skipped."""
    ds, _ = solved
    assert "names flows with no benchmark trade" in ds.attrs["warnings"]


def test_importer_refuses_a_truncated_file_in_one_line(tmp_path):
    """A raw file with the wrong shape: one line naming the file and the shape expected."""
    for name in ("xbilat1993.txt", "tariffs1993.txt", "tariffs2005.txt", "IO.txt", "B.txt", "GO.txt", "T.txt"):
        (tmp_path / name).write_text((RAW / name).read_text())
    lines = (RAW / "GO.txt").read_text().splitlines()
    (tmp_path / "GO.txt").write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(CGEInputError, match=r"GO.txt has shape 39 x 31, expected 40 x 31"):
        read_raw(tmp_path)
    res = runner.invoke(app, ["data", "import-cp", str(tmp_path), "--out-dir", str(tmp_path / "out")])
    assert res.exit_code == 2 and res.output.count("\n") == 1
    assert not (tmp_path / "out" / "cp2015_31x40.nc").exists()


def test_codes_and_scenario_name_the_nafta_members():
    """Region and sector codes are unique and NAFTA's members exist."""
    assert len(set(REGION_CODES)) == 31 and len(set(SECTOR_CODES)) == 40
    assert set(NAFTA) <= set(REGION_CODES)
    assert scenario("d.nc", "t.csv")["shocks"][0]["importers"] == list(NAFTA)
