"""The Python API: the same results as the command line, provenance of what was solved,
many scenarios in memory, and a built model reused."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import yaml

import cge
from cge.errors import CGEInputError

SPEC = {"name": "api_tariff", "description": "US +10 points on China", "dataset": "tiny",
        "shocks": [{"name": "us", "type": "import_tariff", "importers": "USA", "exporters": "CHN",
                    "add_pct_points": 10}]}


def test_dict_to_results_round_trip_equals_the_cli(tmp_path):
    """dict -> scenario -> run -> Dataset gives the numbers `cge run FILE --json` prints."""
    ds = cge.run(cge.scenario(SPEC))
    path = tmp_path / "api_tariff.yaml"
    path.write_text(yaml.safe_dump(SPEC))
    out = subprocess.run([sys.executable, "-c", "from cge.cli import app; app()", "run", str(path),
                          "--out", str(tmp_path / "res"), "--json"], capture_output=True, text=True, check=True)
    printed = json.loads(out.stdout)
    for r in ds.region.values:
        assert printed["regions"][r]["ev_usd_million"] == pytest.approx(float(ds.ev_usd_million.sel(region=r)),
                                                                        rel=1e-10)


def test_provenance_of_an_edited_scenario_records_the_edit_and_a_new_hash():
    """After changing add_pct_points from 10 to 50 in Python, the results' scenario_yaml shows 50
    and the input hash differs from the original's."""
    sc = cge.scenario(SPEC)
    edited = cge.edit(sc, "shocks.0.add_pct_points", 50)
    a, b = cge.run(sc), cge.run(edited)
    assert yaml.safe_load(b.attrs["scenario_yaml"])["shocks"][0]["add_pct_points"] == 50
    assert yaml.safe_load(a.attrs["scenario_yaml"])["shocks"][0]["add_pct_points"] == 10
    assert a.attrs["input_hash"] != b.attrs["input_hash"]
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
    # equal to the solver's tolerance: both solves stop at a residual below 1e-8
    assert np.allclose(ds.ev_usd_million.sel(scenario="api_1"), single.ev_usd_million, rtol=1e-8)
