"""Sensitivity analysis end to end on the tiny dataset: quadrature and Monte Carlo agree,
the output follows the results convention (a leading `statistic` dimension), failed points
are reported, and a real multi-process Dask cluster gives the local numbers."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import cge
from cge.sensitivity import STATISTICS, run_ssa, write_ssa
from cge.sensitivity.run import _outcome
from cge.sensitivity.spec import parse_parameters, resolve
from cge.runner import calibrated_benchmark

TRADE = [{"parameter": p, "sectors": "each", "distribution": "uniform", "pct": 30} for p in ("esub_dm", "esub_mm")]


@pytest.mark.slow
def test_quadrature_and_monte_carlo_agree_on_welfare(tiny_tariff, client):
    """12 quadrature points and 500 Latin-hypercube draws over the 2 x 3 trade elasticities:
    EV means within 2% and standard deviations within 10% of each other in every region."""
    quad = run_ssa(tiny_tariff, TRADE, client=client)
    mc = run_ssa(tiny_tariff, TRADE, method="montecarlo", draws=500, client=client)
    assert quad.statistics.attrs["ssa_points"] == 12 and mc.statistics.attrs["ssa_points"] == 500
    assert quad.failed == [] and mc.failed == []
    q = quad.statistics.ev_pct_income
    m = mc.statistics.ev_pct_income
    np.testing.assert_allclose(m.sel(statistic="mean"), q.sel(statistic="mean"), rtol=0.02)
    np.testing.assert_allclose(m.sel(statistic="std"), q.sel(statistic="std"), rtol=0.10)
    assert (q.sel(statistic="std") > 0).all()


def test_results_follow_the_convention(tiny_tariff, client, tmp_path):
    """Every variable of an ordinary run, with `statistic` first and the six statistics;
    intervals are mean +/- 1.96 and 4.47 std; the file carries the SSA attributes."""
    entries = [{"parameter": "esub_mm", "pct": 20}, {"field": "shocks.0.add_pct_points", "low": 15, "high": 35}]
    out = run_ssa(tiny_tariff, entries, client=client)
    plain = cge.run(tiny_tariff)
    stats = out.statistics
    numeric = [v for v in plain.data_vars if np.issubdtype(plain[v].dtype, np.number)]
    assert sorted(stats.data_vars) == sorted(numeric)
    assert list(stats.statistic.values) == list(STATISTICS)
    for v in stats.data_vars:
        assert stats[v].dims[0] == "statistic"
    ev = stats.ev_pct_income
    std = ev.sel(statistic="std")
    np.testing.assert_allclose(ev.sel(statistic="normal_hi") - ev.sel(statistic="mean"), 1.959964 * std, rtol=1e-6)
    np.testing.assert_allclose(ev.sel(statistic="mean") - ev.sel(statistic="chebyshev_lo"), 4.472136 * std, rtol=1e-6)
    path = write_ssa(stats, tmp_path)
    with xr.open_dataset(path, engine="h5netcdf") as back:
        assert back.attrs["ssa_method"] == "quadrature" and int(back.attrs["ssa_points"]) == 4
        assert int(back.attrs["ssa_failed"]) == 0
        assert [p["label"] for p in json.loads(back.attrs["ssa_parameters"])] == [
            "esub_mm", "shocks.0.add_pct_points"]
    # a larger tariff hurts China more: the tariff is the main source of the spread
    contrib = out.contributions("ev_pct_income", region="CHN")
    assert contrib.index[0] == "shocks.0.add_pct_points" and contrib.slope.iloc[0] < 0


def test_failed_points_are_reported_and_left_out(tiny_tariff):
    """A point that did not solve is listed with its values and error, and the statistics
    use the others."""
    varied = resolve(parse_parameters([{"parameter": "esub_mm", "pct": 20}]), tiny_tariff,
                     calibrated_benchmark(tiny_tariff))
    ds = cge.run(tiny_tariff)
    results = {0: {"status": "ok", "dataset": ds, "seconds": 1.0, "error": None},
               1: {"status": "failed", "dataset": None, "seconds": 1.0, "error": "solve failed: status 'x'"}}
    out = _outcome(tiny_tariff, varied, "quadrature", np.array([[0.9], [1.1]]), np.array([0.5, 0.5]),
                   results, 2.0, {})
    assert out.statistics.attrs["ssa_failed"] == 1
    failed = json.loads(out.statistics.attrs["ssa_failed_points"])
    assert failed == [{"point": 1, "values": {"esub_mm": 1.1}, "error": "solve failed: status 'x'"}]
    np.testing.assert_allclose(out.statistics.ev_pct_income.sel(statistic="mean"), ds.ev_pct_income)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_real_cluster_gives_the_local_numbers(tiny_tariff, client):
    """`dask scheduler` and two `dask worker` processes on 127.0.0.1, used through the
    scheduler address, give the numbers of the local cluster; the processes are stopped."""
    dask = str(Path(sys.executable).with_name("dask"))
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        time.sleep(2.0)
        procs += [subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--nworkers", "1",
                                    "--no-dashboard", "--host", "127.0.0.1"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
        from distributed import Client

        with Client(address, timeout=30) as remote:
            remote.wait_for_workers(2, timeout=60)
            assert len(remote.scheduler_info()["workers"]) == 2
        entries = [{"parameter": "esub_mm", "sectors": "each", "pct": 30}]
        far = run_ssa(tiny_tariff, entries, scheduler=address)
        near = run_ssa(tiny_tariff, entries, client=client)
        for v in ("ev_pct_income", "real_gdp_pct", "bilateral_trade_pct"):
            np.testing.assert_allclose(far.statistics[v], near.statistics[v], rtol=1e-9, atol=1e-10)
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
    assert all(p.poll() is not None for p in procs)
