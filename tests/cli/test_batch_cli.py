"""`cge batch`: exit codes scripts can rely on (0 all solved or unchanged, 1 some
scenario failed, 2 bad input) and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cge.batch
from tests.conftest import write_tariff_scenario

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "calibration" / "datasets" / "base2023_3x3.nc"


def write(folder: Path, name: str, points: float = 10, importer: str = "USA") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    write_tariff_scenario(path, name, importer=importer, points=points)
    return path


def _one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert all(f in lines[0] for f in fragments), lines[0]
    assert "Traceback" not in result.output


def test_bad_paths_and_options_exit_2_with_one_line(cli, tmp_path, monkeypatch):
    """A missing path, a folder without scenarios, a non-YAML file, --workers 0 and an
    unreachable scheduler are input errors: status 2, one line, no stack trace."""
    runner = CliRunner()
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.txt").write_text("x")
    good = write(tmp_path / "sc", "t10")
    _one_line_error(runner.invoke(cli, ["batch", str(tmp_path / "nope")]), "does not exist")
    _one_line_error(runner.invoke(cli, ["batch", str(tmp_path / "empty")]), "no scenario files")
    _one_line_error(runner.invoke(cli, ["batch", str(tmp_path / "notes.txt")]), ".yaml")
    _one_line_error(runner.invoke(cli, ["batch", str(good), "--workers", "0", "--out",
                                        str(tmp_path / "out")]), "--workers")
    monkeypatch.setattr(cge.batch, "SCHEDULER_TIMEOUT", "1s")
    _one_line_error(runner.invoke(cli, ["batch", str(good), "--scheduler", "tcp://127.0.0.1:1",
                                        "--out", str(tmp_path / "out")]), "scheduler")
    assert not (tmp_path / "out" / "batch.nc").exists()


@pytest.mark.slow
@pytest.mark.skipif(not TINY.is_file(), reason="tiny dataset calibration/datasets/base2023_3x3.nc "
                    "not built (run: cge data build --dataset tiny)")
def test_failed_scenario_exits_1_and_unchanged_rerun_exits_0(cli, tmp_path):
    """With one broken scenario among three the batch exits 1 and names it in one line;
    re-running only the good ones solves nothing (all unchanged) and exits 0."""
    runner = CliRunner()
    good = [write(tmp_path / "sc", f"t{p}", p) for p in (5, 20)]
    write(tmp_path / "sc", "broken", importer="XXX")
    out = tmp_path / "out"
    first = runner.invoke(cli, ["batch", str(tmp_path / "sc"), "--workers", "2", "--out", str(out)])
    assert first.exit_code == 1, first.output
    assert "failed: broken: " in first.stderr and "XXX" in first.stderr
    assert "2 solved, 0 unchanged (skipped), 1 failed" in first.stdout

    again = runner.invoke(cli, ["batch", *map(str, good), "--out", str(out), "--json"])
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert [s["status"] for s in report["scenarios"]] == ["skipped", "skipped"]
    assert Path(report["batch_file"]).is_file()
