"""Faults while writing results: a batch killed (SIGKILL) or interrupted (SIGINT) mid-run and
resumed, two batches on one folder, a read-only and a full output folder, a failing
scenario among good ones.  What must hold (docs/guarantees.md): finished results are kept,
no partial or temporary file is left at a result's name, the resumed batch equals a clean
run, a second writer is refused, a failed write leaves the previous results unchanged and is
reported in one line, a failing scenario fails alone."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xarray as xr
from typer.testing import CliRunner

from cge.batch import BATCH_FILE, MANIFEST_FILE, folder_lock, run_batch
from cge.cli import app
from cge.errors import CGEInputError, OutputError
from tests.conftest import write_tariff_scenario

# The child gets Python's own SIGINT handler: a test runner started in the background of a
# non-interactive shell inherits SIGINT ignored (POSIX shells ignore it for background jobs),
# and the batch would then never see the Ctrl-C this test sends.
CGE = [sys.executable, "-c",
       "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); from cge.cli import app; app()"]
POINTS = {"t05": 5, "t10": 10, "t15": 15, "t20": 20, "t25": 25, "t30": 30}
FAILING = "no_equilibrium"  # a productivity fall that leaves no positive value added


def scenarios(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, points in POINTS.items():
        write_tariff_scenario(folder / f"{name}.yaml", name, points=points)
    (folder / f"{FAILING}.yaml").write_text(
        f"name: {FAILING}\ndescription: world productivity falls by 99%\ndataset: tiny\n"
        "shocks:\n  - {type: productivity, change_pct: -99}\n")
    return folder


def batch(inputs: Path, out: Path, **popen) -> subprocess.Popen:  # noqa: ANN003
    return subprocess.Popen(CGE + ["batch", str(inputs), "--workers", "1", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, **popen)


def results(out: Path) -> list[Path]:
    return sorted(p for p in out.glob("*.nc") if p.name != BATCH_FILE)


def temporaries(out: Path) -> list[Path]:
    return [p for p in out.iterdir() if p.name.startswith(".") and p.name != ".cge-batch.lock"]


def wait_for_first_result(proc: subprocess.Popen, out: Path, timeout: float = 600) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        if out.is_dir() and results(out):
            return
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail(f"no result appeared (batch exit {proc.poll()})")


def assert_same_results(a: Path, b: Path) -> None:
    """Same scenarios solved, same numbers within the solver tolerance: the factorisation a
    worker reuses depends on which scenarios it solved before, so the Newton iterates (not the
    equilibrium) differ; measured differences are below 1e-9 relative (1e-5 USD million on EV
    of 5e4)."""
    assert [p.name for p in results(a)] == [p.name for p in results(b)]
    for pa, pb in zip(results(a), results(b)):
        with xr.open_dataset(pa, engine="h5netcdf") as da, xr.open_dataset(pb, engine="h5netcdf") as db:
            assert da.attrs["input_hash"] == db.attrs["input_hash"]
            xr.testing.assert_allclose(da.load(), db.load(), rtol=1e-8, atol=1e-3)


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory) -> tuple[Path, Path]:  # noqa: ANN001
    """The scenarios and their results from an undisturbed batch."""
    root = tmp_path_factory.mktemp("clean")
    inputs = scenarios(root / "in")
    proc = batch(inputs, root / "out")
    _, err = proc.communicate(timeout=900)
    assert proc.returncode == 1, err  # one scenario fails, the rest are written
    assert f"failed: {FAILING}: " in err and "no economic equilibrium" in err
    assert len(results(root / "out")) == len(POINTS)
    return inputs, root / "out"


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_killed_batch_keeps_finished_results_and_resumes_to_the_clean_run(tmp_path, clean_run, sig):
    inputs, clean = clean_run
    out = tmp_path / "out"
    proc = batch(inputs, out)
    wait_for_first_result(proc, out)
    os.killpg(proc.pid, sig)  # the whole process group, as Ctrl-C or a killed session would
    try:
        _, err = proc.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the batch did not stop after the signal")
    if sig == signal.SIGINT:
        assert proc.returncode == 130, err
        last = err.strip().splitlines()[-1]
        assert last.startswith("error: batch interrupted: ") and "run the same command again" in last
    kept = {p.name: p.stat().st_mtime_ns for p in results(out)}
    assert kept, "finished results are kept"
    for path in results(out):  # every result at its name is complete
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            assert "input_hash" in ds.attrs
    resumed = batch(inputs, out)
    _, err = resumed.communicate(timeout=900)
    assert resumed.returncode == 1, err
    assert not temporaries(out), temporaries(out)  # leftovers of the killed writers are gone
    assert {p.name: p.stat().st_mtime_ns for p in results(out) if p.name in kept} == kept  # not redone
    assert_same_results(out, clean)
    with xr.open_dataset(out / BATCH_FILE, engine="h5netcdf") as a, \
            xr.open_dataset(clean / BATCH_FILE, engine="h5netcdf") as b:
        assert list(a.scenario.values) == list(b.scenario.values)


def test_second_batch_on_the_same_folder_is_refused(tmp_path):
    """While one batch holds the folder, another is refused in one line (and writes nothing)."""
    out = tmp_path / "out"
    out.mkdir()
    with folder_lock(out):
        with pytest.raises(CGEInputError, match="being written by another batch"):
            run_batch([scenarios(tmp_path / "in")], out)
        result = CliRunner().invoke(app, ["batch", str(tmp_path / "in"), "--out", str(out)])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not results(out) and not (out / MANIFEST_FILE).exists()


@pytest.fixture
def tmpfs(tmp_path):  # noqa: ANN001, ANN201
    """A small tmpfs (root only); yields a function remounting it with options."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a tmpfs needs root")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)]).returncode != 0:
        pytest.skip("mount is not permitted here")

    def remount(opts: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{opts}", str(mnt)], check=True)
    try:
        yield mnt, remount
    finally:
        subprocess.run(["umount", "-l", str(mnt)])


def _run(scenario: Path, out: Path):  # noqa: ANN202
    return CliRunner().invoke(app, ["run", str(scenario), "--out", str(out)])


def _snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_read_only_output_folder(tmp_path, request):
    """Refused in one line before anything is solved; earlier results unchanged."""
    sc = write_tariff_scenario(tmp_path / "t10.yaml", "t10")
    if os.geteuid() == 0 and shutil.which("mount"):
        mnt, remount = request.getfixturevalue("tmpfs")
        assert _run(sc, mnt).exit_code == 0
        before = _snapshot(mnt)
        remount("ro")
        result = _run(write_tariff_scenario(tmp_path / "t10.yaml", "t10", points=30), mnt)
        assert _snapshot(mnt) == before
    else:  # simulated: no write is allowed in the folder
        import cge.atomic

        def refuse(self, *a, **k):  # noqa: ANN001, ANN002, ANN003, ANN202
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        request.getfixturevalue("monkeypatch").setattr(cge.atomic.Path, "write_bytes", refuse)
        result = _run(sc, tmp_path / "out")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--out: cannot write in folder" in lines[0] and "Read-only" in lines[0]


def test_full_output_folder(tmp_path, request):
    """The disk fills up while results are written: one line naming the cause, the previous
    results of the scenario unchanged, no temporary file left."""
    sc = write_tariff_scenario(tmp_path / "t10.yaml", "t10")
    if os.geteuid() == 0 and shutil.which("mount"):
        out, _ = request.getfixturevalue("tmpfs")
        assert _run(sc, out).exit_code == 0
        before = _snapshot(out)
        filler = out / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:  # fill the disk, then free ~16 kB: less than one results file
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            os.ftruncate(fd, max(0, os.fstat(fd).st_size - 16384))
        finally:
            os.close(fd)
        before["filler"] = filler.read_bytes()
    else:  # simulated ENOSPC in the writer
        out = tmp_path / "out"
        assert _run(sc, out).exit_code == 0
        before = _snapshot(out)

        real = Path.write_bytes

        def full(self, data):  # noqa: ANN001, ANN202
            if ".nc." in self.name:  # the staged results file
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(self, data)
        request.getfixturevalue("monkeypatch").setattr(Path, "write_bytes", full)
    result = _run(write_tariff_scenario(tmp_path / "t10.yaml", "t10", points=30), out)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "No space left on device" in lines[0] and "unchanged" in lines[0], lines
    assert _snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_output_error_is_an_input_error_with_exit_status_2():
    assert issubclass(OutputError, CGEInputError) and OutputError.exit_code == 2
