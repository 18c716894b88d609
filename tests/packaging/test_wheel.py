"""The installed package finds its data: a wheel built from the source tree, installed into a
fresh virtual environment, runs a seed scenario from an empty folder and builds a dataset into
the user's dataset folder, never into the package.

To stay fast the fresh environment gets the already installed dependencies through a ``.pth``
line (the wheel itself is installed with ``--no-deps``, so nothing is downloaded); the test
checks that ``cge`` is imported from the fresh environment, not from the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from cge.data.datasets import DATASET_FILES

from cge.resources import checkout_root

ROOT = Path(__file__).resolve().parents[2]
SKIP = shutil.ignore_patterns(".venv", ".git", "build", "*.egg-info", "results", "__pycache__",
                              ".pytest_cache", "dask-worker-space")


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the project's wheel installed; returns its bin/ folder."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=SKIP)   # a clean tree: no stale build/ from earlier builds
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"), str(src)],
                 cwd=tmp)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp / "dist").glob("cge_trade-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for data in ("cge/_data/calibration/datasets/wiod2011_12x15.nc", "cge/_data/calibration/mappings/default.yaml",
                 "cge/_data/calibration/elasticities/gtap.csv", "cge/_data/calibration/splits/ree.yaml",
                 "cge/_data/calibration/parameters/critical_input_parameters.csv",
                 "cge/_data/scenarios/trade_war_2018_2019.yaml"):
        assert data in names, f"{data} not in the wheel"
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    purelib = _run([str(bin_dir / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                   cwd=tmp).stdout.strip()
    Path(purelib, "_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    inst = _run([str(bin_dir / "python"), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], cwd=tmp)
    assert inst.returncode == 0, inst.stderr
    return bin_dir


@pytest.mark.slow
def test_the_installed_package_runs_a_seed_scenario_from_an_empty_folder(installed, tmp_path):
    work = tmp_path / "empty"
    work.mkdir()
    where = _run([str(installed / "python"), "-c", "import cge, cge.resources as r; "
                  "print(cge.__file__); print(r.checkout_root())"], cwd=work)
    module_file, root = where.stdout.split()
    assert Path(module_file).is_relative_to(installed.parent) and root == "None", where.stdout
    out = _run([str(installed / "cge"), "run", "trade_war_2018_2019", "--json"], cwd=work)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["regions"]["CHN"]["ev_usd_million"] < 0 < doc["regions"]["MEX"]["ev_usd_million"]
    assert (work / "results" / "trade_war_2018_2019.nc").is_file()
    info = json.loads(_run([str(installed / "cge"), "info", "--json"], cwd=work).stdout)
    assert all(d["built"] for d in info["datasets"].values())
    assert "trade_war_2018_2019" in info["scenarios"]


@pytest.mark.slow
def test_the_installed_package_builds_datasets_into_the_user_folder(installed, tmp_path):
    """`cge data build` of an installed package writes to $XDG_DATA_HOME/cge-trade/datasets (raw
    data from CGE_DATA_DIR), the build is found by name, and the package is left as it was."""
    raw = Path(os.environ.get("CGE_DATA_DIR", ROOT.parent / "shared" / "data"))
    if not (raw / "wiod2013" / "wiot_2011.RData").is_file():
        pytest.skip(f"raw WIOD not found under {raw}")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg"), "CGE_DATA_DIR": str(raw)}
    built = _run([str(installed / "cge"), "data", "build", "--dataset", "tiny"], cwd=tmp_path, env=env)
    assert built.returncode == 0, built.stderr
    target = tmp_path / "xdg" / "cge-trade" / "datasets" / DATASET_FILES["tiny"]
    assert target.is_file() and str(target) in built.stdout
    found = _run([str(installed / "python"), "-c", "from cge.data.datasets import dataset_path; "
                  "print(dataset_path('tiny'))"], cwd=tmp_path, env=env)
    assert found.stdout.strip() == str(target)
    packaged = _run([str(installed / "python"), "-c", "import cge.resources as r; "
                     f"print(r.PACKAGED_DATA / 'calibration' / 'datasets' / '{DATASET_FILES['tiny']}')"],
                    cwd=tmp_path)
    shipped = Path(packaged.stdout.strip())
    assert shipped.read_bytes() == (ROOT / "calibration" / "datasets" / DATASET_FILES["tiny"]).read_bytes()


def test_a_checkout_reads_and_writes_its_own_calibration_folder():
    """Run from the source tree, data come from calibration/ and scenarios/ beside cge/."""
    from cge.resources import dataset_build_dir, scenario_dir

    assert checkout_root() == ROOT
    assert dataset_build_dir() == ROOT / "calibration" / "datasets"
    assert scenario_dir() == ROOT / "scenarios"


def test_ci_runs_exactly_the_readme_test_command_with_the_pinned_versions():
    readme = (ROOT / "README.md").read_text()
    ci = [ln for ln in (ROOT / ".ci" / "run").read_text().splitlines() if ln.startswith("python3 -m venv")]
    assert len(ci) == 1 and f"\n{ci[0]}\n" in readme
    assert "-c constraints.txt" in ci[0]
    pins = [ln for ln in (ROOT / "constraints.txt").read_text().splitlines() if ln and not ln.startswith("#")]
    assert all("==" in ln for ln in pins) and any(ln.startswith("pydantic==") for ln in pins)
