"""Running scenarios: no shock returns the benchmark; results are written atomically."""

from __future__ import annotations

import numpy as np
import pytest

import cge.runner as runner
from cge.errors import OutputError, CGEInputError
from cge.runner import load_results, run_scenario, write_results
from cge.scenario import scenario_from_dict

BASE = {"name": "noshock", "description": "no shock", "dataset": "tiny", "elasticities": "gtap"}


def test_scenario_without_shocks_returns_the_benchmark():
    """With no shock every reported change is zero (to 1e-8) and EV is zero."""
    ds = run_scenario(scenario_from_dict({**BASE, "shocks": []}))
    for var in ("ev_pct_income", "real_gdp_pct", "tot_pct", "output_pct", "exports_pct", "imports_pct",
                "bilateral_trade_pct", "factor_price_pct"):
        vals = ds[var].values
        assert np.nanmax(np.abs(vals)) < 1e-8, var
    assert float(np.abs(ds.ev_usd_million).max()) < 1e-6


def test_results_carry_provenance():
    """Results name the scenario, data source, elasticity set, closure, code version and solver."""
    ds = run_scenario(scenario_from_dict({**BASE, "shocks": []}))
    for key in ("scenario_name", "dataset_source", "base_year", "elasticity_set", "closure",
                "code_version", "solver_status", "solver_iterations", "max_residual"):
        assert key in ds.attrs and ds.attrs[key] != ""
    assert "Timmer" in ds.attrs["dataset_source"]


def test_written_results_round_trip(tmp_path):
    """NetCDF and tidy CSV files hold the same numbers as the returned Dataset."""
    sc = scenario_from_dict({**BASE, "name": "tariff", "shocks": [
        {"type": "import_tariff", "importers": "USA", "exporters": "CHN", "add_pct_points": 20}]})
    ds = run_scenario(sc, out_dir=tmp_path)
    back = load_results(tmp_path / "tariff.nc")
    assert np.allclose(back.ev_usd_million, ds.ev_usd_million)
    import pandas as pd
    csv = pd.read_csv(tmp_path / "tariff" / "ev_pct_income.csv").set_index("region")["ev_pct_income"]
    assert csv["USA"] == pytest.approx(float(ds.ev_pct_income.sel(region="USA")))


def test_failed_write_leaves_previous_results_untouched(tmp_path, monkeypatch):
    """If writing fails midway, the earlier results file stays as it was and no partial file remains."""
    sc = scenario_from_dict({**BASE, "name": "atomic", "shocks": []})
    ds = run_scenario(sc, out_dir=tmp_path)
    before = (tmp_path / "atomic.nc").read_bytes()

    def broken(self, *args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(type(ds), "to_netcdf", broken)
    with pytest.raises(OutputError, match="disk full"):
        write_results(ds, tmp_path)
    assert (tmp_path / "atomic.nc").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atomic", "atomic.nc"]


def test_failed_run_writes_nothing(tmp_path):
    """A scenario that fails validation writes no results file."""
    sc = scenario_from_dict({**BASE, "name": "bad", "shocks": [
        {"type": "import_tariff", "importers": "XXX", "add_pct_points": 5}]})
    with pytest.raises(CGEInputError):
        run_scenario(sc, out_dir=tmp_path)
    assert not (tmp_path / "bad.nc").exists()


def test_model_is_built_once_per_structure():
    """A second scenario with the same structure reuses the built and compiled model."""
    runner._CACHE.clear()
    a = run_scenario(scenario_from_dict({**BASE, "shocks": []}))
    b = run_scenario(scenario_from_dict({**BASE, "name": "other", "shocks": [
        {"type": "productivity", "regions": "CHN", "change_pct": 1}]}))
    assert a.attrs["model_reused"] == 0 and b.attrs["model_reused"] == 1


def test_models_with_different_targets_are_not_confused_by_the_cache():
    """A scenario with a reciprocity target does not reuse the cached model of the same
    scenario without it (the cache key covers every target type)."""
    plain = {**BASE, "name": "plain", "shocks": [
        {"type": "import_tariff", "importers": "USA", "exporters": "CHN", "add_pct_points": 10}]}
    run_scenario(scenario_from_dict(plain))
    with_target = {**plain, "name": "recip", "shocks": plain["shocks"] + [
        {"type": "reciprocity_target", "name": "xxviii", "side_a": "USA", "side_b": "CHN"}]}
    ds = run_scenario(scenario_from_dict(with_target))
    assert "target_instrument_pct" in ds
