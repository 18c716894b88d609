"""`cge ssa` as a user runs it: statistics file written, table printed, bad input in one line."""

from __future__ import annotations

import json

import xarray as xr
import yaml
from typer.testing import CliRunner

from cge.cli import app

TINY = {"name": "tiny_ssa", "description": "25-point US tariff on China", "dataset": "tiny",
        "shocks": [{"type": "import_tariff", "importers": "USA", "exporters": "CHN", "sectors": "all",
                    "add_pct_points": 25}]}


def test_ssa_command_writes_statistics(tmp_path):
    scenario = tmp_path / "tiny_ssa.yaml"
    scenario.write_text(yaml.safe_dump(TINY))
    res = CliRunner().invoke(app, ["ssa", str(scenario), "--vary", "esub_mm", "--pct", "30", "--workers", "1",
                                   "--out", str(tmp_path / "out"), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["points"] == 6 and doc["failed"] == []
    assert set(doc["ev_pct_income"]["USA"]) == {"mean", "std", "normal_lo", "normal_hi",
                                                "chebyshev_lo", "chebyshev_hi"}
    with xr.open_dataset(tmp_path / "out" / "tiny_ssa_ssa.nc", engine="h5netcdf") as ds:
        assert ds.ev_pct_income.dims[0] == "statistic"


def test_ssa_bad_input_is_one_line(tmp_path):
    res = CliRunner().invoke(app, ["ssa", "trade_war_2018_2019", "--vary", "esub_mm", "--pct", "150"])
    assert res.exit_code == 2
    lines = [x for x in res.output.splitlines() if x.strip()]
    assert len(lines) == 1 and "non-positive elasticity" in lines[0]
