"""The Python API: the same results as the command line, provenance of what was solved,
many scenarios in memory, and a built model reused."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

import cge
from cge.errors import CGEInputError

SPEC = {"name": "api_tariff", "description": "US +10 points on China", "dataset": "tiny",
        "shocks": [{"name": "us", "type": "import_tariff", "importers": "USA", "exporters": "CHN",
                    "add_pct_points": 10}]}


def test_dict_to_results_round_trip_equals_the_cli(tmp_path):
    """dict -> scenario -> run -> Dataset gives the numbers `cge run FILE --json` prints, to the
    solver's accuracy (residuals below 1e-8: a factorisation reused from an earlier solve in this
    process may end the Newton iterations at a slightly different point)."""
    ds = cge.run(cge.scenario(SPEC))
    path = tmp_path / "api_tariff.yaml"
    path.write_text(yaml.safe_dump(SPEC))
    out = subprocess.run([sys.executable, "-c", "from cge.cli import app; app()", "run", str(path),
                          "--out", str(tmp_path / "res"), "--json"], capture_output=True, text=True, check=True)
    printed = json.loads(out.stdout)
    for r in ds.region.values:
        assert printed["regions"][r]["ev_usd_million"] == pytest.approx(float(ds.ev_usd_million.sel(region=r)),
                                                                        rel=1e-8)


def test_provenance_of_an_edited_scenario_records_the_edit_and_a_new_hash():
    """After changing add_pct_points from 10 to 50 in Python, the results' scenario_yaml shows 50
    and the input hash differs from the original's."""
    sc = cge.scenario(SPEC)
    edited = cge.edit(sc, "shocks.0.add_pct_points", 50)
    a, b = cge.run(sc), cge.run(edited)
    assert yaml.safe_load(b.attrs["scenario_yaml"])["shocks"][0]["add_pct_points"] == 50
    assert yaml.safe_load(a.attrs["scenario_yaml"])["shocks"][0]["add_pct_points"] == 10
    assert a.attrs["input_hash"] != b.attrs["input_hash"]
    from cge.data.datasets import dataset_path

    tiny = dataset_path("tiny")
    assert b.attrs["dataset_sha256"] == hashlib.sha256(tiny.read_bytes()).hexdigest()
    assert float(b.ev_usd_million.sel(region="CHN")) < float(a.ev_usd_million.sel(region="CHN"))


def test_a_built_model_is_reused_for_scenarios_of_the_same_structure():
    model = cge.Model(cge.scenario(SPEC))
    first = model.run()
    second = model.run(cge.edit(model.scenario, "shocks.0.add_pct_points", 20))
    assert second.attrs["model_reused"] == 1
    assert float(second.ev_usd_million.sel(region="CHN")) < float(first.ev_usd_million.sel(region="CHN"))
    other = cge.edit(model.scenario, "closure.capital", "sector_specific")
    with pytest.raises(CGEInputError):
        model.run(other)


@pytest.mark.slow
def test_many_scenarios_in_memory_on_dask():
    """run_many solves Scenario objects on a local Dask cluster without writing files, in order."""
    scs = [cge.edit(cge.scenario(SPEC), "shocks.0.add_pct_points", pts) for pts in (5, 20)]
    scs = [cge.edit(s, "name", f"api_{k}") for k, s in enumerate(scs)]
    ds = cge.run_many(scs, workers=2)
    assert list(ds.scenario.values) == ["api_0", "api_1"]
    single = cge.run(scs[1])
    assert np.allclose(ds.ev_usd_million.sel(scenario="api_1"), single.ev_usd_million, rtol=1e-8)


def test_editing_a_loaded_seed_scenario_records_the_edit_not_the_file():
    """The issue's case: a seed scenario read from its file and edited in Python; the results
    record the edited value and a hash that differs from the file's."""
    from cge.runner import scenario_hash

    sc = cge.load_scenario("ev_tariffs_eu_us")
    edited = cge.edit(sc, "shocks.0.mode", "rate_pct")
    assert yaml.safe_load(cge.runner.scenario_to_yaml(edited))["shocks"][0]["mode"] == "rate_pct"
    assert scenario_hash(edited) != scenario_hash(sc)
    assert edited.path == sc.path   # tables are still found beside the original file


def test_edit_keeps_omitted_selectors_omitted_and_names_a_bad_path():
    sc = cge.scenario({**SPEC, "shocks": [{"type": "import_tariff", "importers": "USA", "exporters": "CHN",
                                           "add_pct_points": 10}]})
    edited = cge.edit(sc, "shocks.0.add_pct_points", 20)
    assert "sectors" not in edited.shocks[0].model_fields_set
    with pytest.raises(CGEInputError, match="no field 'shocks.3.rate_pct'"):
        cge.edit(sc, "shocks.3.rate_pct", 1)


def test_omitted_selectors_are_recorded_as_warnings_with_the_results():
    sc = cge.scenario({**SPEC, "shocks": [{"type": "import_tariff", "importers": "USA", "exporters": "CHN",
                                           "add_pct_points": 10}]})
    warnings = json.loads(cge.run(sc).attrs["warnings"])
    assert any("'shocks.0.sectors': not given" in w for w in warnings)


def test_check_schema_and_info_are_part_of_the_api(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({**SPEC, "name": "bad", "shocks": [{"type": "iceberg", "change_pct": -200}]}))
    report = cge.check(path)
    assert not report.ok and any("change_pct" in e for e in report.errors)
    assert "ImportTariff" in cge.schema()["$defs"]
    assert cge.info()["datasets"]["tiny"]["built"]


@pytest.mark.slow
def test_many_scenarios_on_a_running_dask_scheduler():
    """run_many on a scheduler given by its address (tcp://...), as on a cluster."""
    from distributed import LocalCluster

    scs = [cge.edit(cge.edit(cge.scenario(SPEC), "shocks.0.add_pct_points", pts), "name", f"sched_{pts}")
           for pts in (5, 15)]
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp",
                      dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://")
        ds = cge.run_many(scs, scheduler=cluster.scheduler_address)
    assert list(ds.scenario.values) == ["sched_5", "sched_15"] and json.loads(ds.attrs["failed"]) == {}
    chn = ds.ev_usd_million.sel(region="CHN")
    assert float(chn.sel(scenario="sched_15")) < float(chn.sel(scenario="sched_5")) < 0


@pytest.mark.slow
def test_the_notebook_tour_runs_cell_by_cell():
    """examples/api_tour.py, executed as a notebook would: its code cells in order, in one
    namespace."""
    text = (Path(__file__).resolve().parents[2] / "examples" / "api_tour.py").read_text()
    cells = [c for c in text.split("# %%") if c.strip() and not c.startswith(" [markdown]")]
    namespace: dict = {"__name__": "__main__"}
    for cell in cells:
        exec(compile(cell, "api_tour.py", "exec"), namespace)  # noqa: S102 (the project's own example)
    assert list(namespace["batch"].scenario.values) == ["us_tariff_on_chinese_electronics", "us_tariff_50"]
    assert float(namespace["strong"].ev_usd_million.sel(region="CHN")) < float(
        namespace["result"].ev_usd_million.sel(region="CHN"))
