"""`cge run`, `cge info` and the CLI's hygiene: JSON only on stdout for every backend, choices
shown in help, one-line usage errors, a correct `cge info`, and the CLI calling the API."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import cge.api
from cge.model.closure import Closure
from cge.scenario import SHOCK_TYPES
from cge.solve.backends import pyomo_ipopt_available
from cge.solve.solver import BACKENDS

SPEC = {"name": "cli_tariff", "description": "US +10 points on China", "dataset": "tiny",
        "shocks": [{"type": "import_tariff", "importers": "USA", "exporters": "CHN", "sectors": "all",
                    "add_pct_points": 10}]}


def cge_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The `cge` command in a subprocess, so output written by C libraries (Ipopt) is seen."""
    return subprocess.run([sys.executable, "-c", "from cge.cli import app; app()", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("backend", BACKENDS)
def test_json_output_is_only_json_for_every_backend(backend, tmp_path):
    """`--json` prints one JSON document on stdout whichever backend solves (Ipopt's banner and
    logs go to stderr); the pyomo backend without an ipopt executable is a one-line input
    error with nothing on stdout."""
    path = tmp_path / "cli_tariff.yaml"
    path.write_text(yaml.safe_dump(SPEC))
    out = cge_cli("run", str(path), "--backend", backend, "--json", "--out", str(tmp_path / "res"), cwd=tmp_path)
    if backend == "pyomo" and not pyomo_ipopt_available():
        assert out.returncode == 2 and out.stdout == ""
        assert out.stderr.count("\n") == 1 and "ipopt executable" in out.stderr
        return
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["scenario"] == "cli_tariff" and doc["regions"]["CHN"]["ev_usd_million"] < 0


def test_help_shows_the_choices_and_completion_is_on(cli):
    runner = CliRunner(env={"COLUMNS": "250"})
    run_help = runner.invoke(cli, ["run", "--help"]).output
    assert "auto|newton|cyipopt|casadi|pyomo" in run_help
    compare_help = runner.invoke(cli, ["compare", "--help"]).output
    assert "md|csv|tex|xlsx|all" in compare_help and "png|svg|pdf|all" in compare_help
    assert "--install-completion" in runner.invoke(cli, ["--help"]).output


@pytest.mark.parametrize("args,fragment", [
    (["run", "x", "--backend", "fast"], "'fast' is not one of 'auto'"),
    (["run"], "Missing argument"),
    (["runn"], "No such command 'runn'"),
    (["compare", "x.nc", "--format", "docx"], "'docx' is not one of 'md'"),
])
def test_usage_errors_are_one_line_with_exit_2(cli, args, fragment):
    result = CliRunner().invoke(cli, args)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert fragment in lines[0]


def test_info_lists_every_shock_type_and_closure_and_how_to_build(cli, tmp_path, monkeypatch):
    """`cge info` takes shock types and closures from the schema, and an unbuilt dataset names
    the command that builds it (`--dataset critical` for the critical-inputs dataset)."""
    doc = json.loads(CliRunner().invoke(cli, ["info", "--json"]).stdout)
    assert doc["shock_types"] == list(SHOCK_TYPES) and "share_target" in doc["shock_types"]
    assert doc["closures"]["trade_balance"] == list(Closure.model_fields["trade_balance"].annotation.__args__)
    assert "trade_war_2018_2019" in doc["scenarios"]
    monkeypatch.setattr("cge.data.datasets.dataset_dirs", lambda: [tmp_path])
    text = CliRunner().invoke(cli, ["info"]).stdout
    assert "cge data build --dataset critical" in text and "cge data build --dataset tiny" in text
    assert "--mapping critical" not in text


def test_the_cli_is_a_thin_layer_over_the_api(cli, tmp_path, monkeypatch):
    """`cge run`, `cge batch` and `cge info` call cge.run, cge.run_batch and cge.info."""
    calls = []

    def fake(name):
        def record(*args, **kwargs):
            calls.append(name)
            raise cge.errors.CGEInputError(f"{name} was called")
        return record
    for name in ("run", "run_batch", "info"):
        monkeypatch.setattr(cge.api, name, fake(name))
    runner = CliRunner()
    assert "run was called" in runner.invoke(cli, ["run", "anything"]).stderr
    assert "run_batch was called" in runner.invoke(cli, ["batch", str(tmp_path)]).stderr
    runner.invoke(cli, ["info"])
    assert calls == ["run", "run_batch", "info"]
