"""Batch runs on Dask: discovery, failure isolation, resume by input hash, combination.

Most tests use an in-process Dask client and a stand-in runner module (installed as
``cge.runner`` in ``sys.modules``) so that they check the batch bookkeeping in a
second; one slow test starts a real 2-worker local cluster and solves scenarios on
the tiny WIOD dataset with the real runner.
"""

from __future__ import annotations

import hashlib
import json
import sys
import types
from pathlib import Path

import pytest
import xarray as xr

from cge.batch import (BATCH_FILE, MANIFEST_FILE, combine_scenarios, discover_scenarios,
                       one_line, run_batch, split_scenarios)
from cge.errors import CGEInputError, SolveError
from tests.conftest import write_tariff_scenario

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "calibration" / "datasets" / "base2023_3x3.nc"

def write_scenarios(folder: Path, points: dict[str, float], broken: str | None = "broken") -> None:
    """Scenario files ``<name>.yaml``; ``broken`` names one with an unknown region (XXX)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, value in points.items():
        write_tariff_scenario(folder / f"{name}.yaml", name, importer="USA", points=value)
    if broken:
        write_tariff_scenario(folder / f"{broken}.yaml", broken, importer="XXX", points=10)


class FakeRunner(types.ModuleType):
    """Stand-in for ``cge.runner``: hashes the file text; a file naming region XXX fails
    to converge; otherwise writes a one-variable result carrying the hash."""

    def __init__(self) -> None:
        super().__init__("cge.runner")
        self.solved: list[str] = []

    def scenario_hash(self, path: str | Path) -> str:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]

    def run_scenario(self, path: str | Path, out_dir: Path | None = None) -> xr.Dataset:
        text = Path(path).read_text()
        if "XXX" in text:
            raise SolveError("solver stopped after 3000 iterations\nmax residual 1e-2")
        name = Path(path).stem
        points = float(text.split("add_pct_points:")[1])
        ds = xr.Dataset({"ev_pct_income": ("region", [-0.01 * points, 0.02 * points])},
                        coords={"region": ["USA", "CHN"]},
                        attrs={"scenario_name": name, "input_hash": self.scenario_hash(path),
                               "elasticity_set": "gtap", "solver_iterations": int(points)})
        self.solved.append(name)
        if out_dir is not None:
            ds.to_netcdf(Path(out_dir) / f"{name}.nc", engine="h5netcdf")
        return ds


@pytest.fixture(scope="module")
def client():
    """An in-process Dask client (threads), so the stand-in runner is visible to tasks."""
    distributed = pytest.importorskip("distributed")
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2,
                            dashboard_address=None) as c:
        yield c


@pytest.fixture
def fake_runner(monkeypatch) -> FakeRunner:
    """Install the stand-in runner as ``cge.runner`` for this test."""
    runner = FakeRunner()
    monkeypatch.setitem(sys.modules, "cge.runner", runner)
    return runner


def test_failure_is_isolated_and_recorded_in_one_line(tmp_path, client, fake_runner):
    """A scenario that fails is recorded as failed with a one-line error; the others are
    solved and combined along `scenario`, and the batch reports exit status 1."""
    write_scenarios(tmp_path / "sc", {"t5": 5, "t20": 20})
    report = run_batch([tmp_path / "sc"], tmp_path / "out", client=client)
    status = {o.name: o.status for o in report.outcomes}
    assert status == {"broken": "failed", "t5": "ok", "t20": "ok"}
    failed = next(o for o in report.outcomes if o.status == "failed")
    assert failed.error == "solver stopped after 3000 iterations"
    assert report.exit_code == 1
    with xr.open_dataset(tmp_path / "out" / BATCH_FILE) as ds:
        assert [str(s) for s in ds["scenario"].values] == ["t5", "t20"]
        assert ds["ev_pct_income"].sel(scenario="t20", region="CHN").item() == pytest.approx(0.4)
    manifest = json.loads((tmp_path / "out" / MANIFEST_FILE).read_text())
    assert manifest["counts"] == {"ok": 2, "failed": 1, "skipped": 0}
    assert {e["name"]: e["error"] for e in manifest["scenarios"]}["broken"] == failed.error


def test_second_run_solves_nothing_new(tmp_path, client, fake_runner):
    """Re-running a batch with identical inputs skips every solved scenario, still
    combines them all, and re-solves only a scenario whose file changed (or all with force)."""
    write_scenarios(tmp_path / "sc", {"t5": 5, "t20": 20, "t50": 50}, broken=None)
    first = run_batch([tmp_path / "sc"], tmp_path / "out", client=client)
    assert first.exit_code == 0 and sorted(fake_runner.solved) == ["t20", "t5", "t50"]

    fake_runner.solved.clear()
    second = run_batch([tmp_path / "sc"], tmp_path / "out", client=client)
    assert fake_runner.solved == []
    assert [o.status for o in second.outcomes] == ["skipped"] * 3
    with xr.open_dataset(second.batch_file) as ds:
        assert ds.sizes["scenario"] == 3

    write_scenarios(tmp_path / "sc", {"t20": 25}, broken=None)
    run_batch([tmp_path / "sc"], tmp_path / "out", client=client)
    assert fake_runner.solved == ["t20"]

    fake_runner.solved.clear()
    run_batch([tmp_path / "sc"], tmp_path / "out", client=client, force=True)
    assert sorted(fake_runner.solved) == ["t20", "t5", "t50"]


def test_discovery_orders_naturally_and_refuses_bad_paths(tmp_path):
    """Folders yield their *.yaml files in natural order; missing paths, empty folders,
    non-YAML files and two files with one name are input errors."""
    write_scenarios(tmp_path / "a", {"t5": 5, "t20": 20, "t100": 100}, broken=None)
    assert [p.stem for p in discover_scenarios([tmp_path / "a"])] == ["t5", "t20", "t100"]
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.txt").write_text("x")
    write_scenarios(tmp_path / "b", {"t5": 7}, broken=None)
    for bad, field in ([tmp_path / "missing"], "does not exist"), ([tmp_path / "empty"], "no scenario"), \
            ([tmp_path / "notes.txt"], ".yaml or .yml"), ([tmp_path / "a", tmp_path / "b"], "share the name"):
        with pytest.raises(CGEInputError, match=field) as err:
            discover_scenarios(bad)
        assert "\n" not in str(err.value)


def test_combine_keeps_differing_attributes_per_scenario(tmp_path):
    """Provenance that differs between scenarios survives combination and a NetCDF round
    trip as per-scenario coordinates, and splitting restores each scenario's attributes."""
    a = xr.Dataset({"ev_pct_income": ("region", [1.0])}, coords={"region": ["USA"]},
                   attrs={"scenario_name": "a", "elasticity_set": "gtap", "base_year": 2011,
                          "solver_iterations": 7})
    b = a.copy(deep=True).assign_attrs(scenario_name="b", elasticity_set="cp2015", solver_iterations=9)
    combined = combine_scenarios([a, b])
    combined.to_netcdf(tmp_path / "c.nc", engine="h5netcdf")
    with xr.open_dataset(tmp_path / "c.nc", engine="h5netcdf") as back:
        restored = split_scenarios(back.load())
    assert combined.attrs == {"base_year": 2011}
    assert [r.attrs["elasticity_set"] for r in restored] == ["gtap", "cp2015"]
    assert [r.attrs["solver_iterations"] for r in restored] == [7, 9]
    with pytest.raises(CGEInputError, match="repeated: a"):
        combine_scenarios([a, a])


def test_one_line_keeps_the_first_line_and_names_foreign_errors():
    """Errors are reported in one line; non-CGE errors carry their type for diagnosis."""
    assert one_line(SolveError("did not converge\ndetails")) == "did not converge"
    assert one_line(KeyError("x")) == "KeyError: 'x'"


@pytest.mark.slow
@pytest.mark.skipif(not TINY.is_file(), reason="tiny dataset calibration/datasets/base2023_3x3.nc "
                    "not built (run: cge data build --dataset tiny)")
def test_two_worker_local_cluster_batch_with_a_broken_scenario(tmp_path):
    """A real 2-process local cluster solves three tiny-dataset tariff scenarios and
    records the broken one (unknown region) as failed; higher US tariffs on China
    lower China's welfare more; a second run solves nothing new."""
    write_scenarios(tmp_path / "sc", {"tariff_5": 5, "tariff_20": 20, "tariff_50": 50})
    report = run_batch([tmp_path / "sc"], tmp_path / "out", workers=2)
    status = {o.name: o.status for o in report.outcomes}
    assert status == {"broken": "failed", "tariff_5": "ok", "tariff_20": "ok", "tariff_50": "ok"}
    assert "XXX" in next(o.error for o in report.outcomes if o.name == "broken")
    with xr.open_dataset(report.batch_file) as ds:
        china = ds["ev_pct_income"].sel(region="CHN").values
        assert ds.attrs["elasticity_set"] == "gtap"
    assert china[0] > china[1] > china[2]

    again = run_batch([tmp_path / "sc"], tmp_path / "out", workers=2)
    assert {o.name: o.status for o in again.outcomes if o.name != "broken"} == \
        {"tariff_5": "skipped", "tariff_20": "skipped", "tariff_50": "skipped"}
