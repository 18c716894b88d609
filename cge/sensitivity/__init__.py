"""Systematic sensitivity analysis: results as distributions over uncertain parameters
(docs/ssa.md).

    import cge
    stats = cge.ssa("us_china_2025_peak",
                    [{"parameter": "esub_mm", "sectors": "each", "distribution": "uniform", "pct": 50}])
    stats.ev_pct_income.sel(statistic=["mean", "std"], region=["USA", "CHN"])

Modules: ``spec`` (what is varied, checked against the benchmark), ``sampling``
(quadrature points and Monte Carlo samples), ``run`` (points as scenarios, solved on
Dask), ``statistics`` (mean, std, normal and Chebyshev intervals).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xarray as xr

from cge.sensitivity.run import METHODS, SSAOutcome, run_ssa, write_ssa
from cge.sensitivity.sampling import DISTRIBUTIONS, SAMPLERS
from cge.sensitivity.spec import VariedParameter
from cge.sensitivity.statistics import STATISTICS

__all__ = ["DISTRIBUTIONS", "METHODS", "SAMPLERS", "STATISTICS", "SSAOutcome", "VariedParameter",
           "run_ssa", "ssa", "write_ssa"]


def ssa(scenario: Any, parameters: list[dict[str, Any]], *, method: str = "quadrature", draws: int = 500,
        sampler: str = "lhs", seed: int = 0, workers: int | None = None, scheduler: str | None = None,
        client: Any | None = None, out_dir: str | Path | None = None,
        outcome: bool = False) -> xr.Dataset | SSAOutcome:
    """Vary ``parameters`` of ``scenario`` (a Scenario, a seed name or a file) and return the
    statistics Dataset (dimension ``statistic`` first); with ``out_dir`` also write
    ``<out>/<name>_ssa.nc``; with ``outcome`` return the :class:`SSAOutcome` (points,
    values, failures, first-order contributions) instead."""
    from cge.scenario import Scenario, load_scenario

    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    result = run_ssa(sc, parameters, method=method, draws=draws, sampler=sampler, seed=seed,
                     workers=workers, scheduler=scheduler, client=client)
    if out_dir is not None:
        write_ssa(result.statistics, Path(out_dir))
    return result if outcome else result.statistics
