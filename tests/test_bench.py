"""`cge bench`: every phase is timed and the solves it times are verified solutions."""

from __future__ import annotations

import pytest

from cge.bench import run_benchmark
from cge.errors import CGEInputError


@pytest.mark.parametrize("dataset", ["tiny", "synthetic:6x4"])
def test_benchmark_times_every_phase_and_solves_to_tolerance(dataset):
    """The benchmark solve takes no iteration, the timed shocks solve to 1e-8, and a synthetic
    economy of the requested size is generated."""
    out = run_benchmark(dataset)
    phases = out["phases"]
    assert set(phases) == {"load", "build", "compile", "benchmark", "tariff25", "resolve", "results"}
    assert phases["benchmark"]["iterations"] == 0
    assert phases["tariff25"]["max_residual"] < 1e-8 and phases["resolve"]["max_residual"] < 1e-8
    if dataset.startswith("synthetic"):
        assert (out["regions"], out["sectors"]) == (6, 4)


@pytest.mark.parametrize("name", ["synthetic:abc", "synthetic:1x4"])
def test_bad_synthetic_size_is_one_line(name):
    with pytest.raises(CGEInputError, match="synthetic"):
        run_benchmark(name)
