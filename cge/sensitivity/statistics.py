"""Mean, standard deviation and intervals of every result variable over the solved points
of a sensitivity analysis (docs/ssa.md, "Reading the intervals").

The output has the ordinary run's variables with a leading dimension ``statistic``:
``mean``, ``std``, the normal 95% interval mean +/- 1.96 std (``normal_lo``, ``normal_hi``)
and Chebyshev's 95% interval mean +/- 4.47 std (``chebyshev_lo``, ``chebyshev_hi``), which
holds for any distribution of the result (P(|y - mean| >= k std) <= 1/k^2, k = 1/sqrt(0.05)),
as GEMPACK reports them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import xarray as xr

STATISTICS: tuple[str, ...] = ("mean", "std", "normal_lo", "normal_hi", "chebyshev_lo", "chebyshev_hi")
NORMAL_Z = 1.959963984540054          # two-sided 95% of a normal
CHEBYSHEV_K = 1.0 / math.sqrt(0.05)   # 4.472: Chebyshev's bound at 95%
POINT = "point"


def stack_points(datasets: list[xr.Dataset]) -> xr.Dataset:
    """The solved points' numeric result variables along a ``point`` dimension."""
    numeric = [d[[v for v in d.data_vars if np.issubdtype(d[v].dtype, np.number)]].drop_attrs()
               for d in datasets]
    return xr.concat(numeric, dim=POINT, join="outer").astype(float)


def summarise(points: xr.Dataset, weights: np.ndarray, unbiased: bool) -> xr.Dataset:
    """Weighted mean, std and intervals over ``point`` (``unbiased``: the n/(n-1) sample
    correction of Monte Carlo; quadrature uses its weights as they are)."""
    w = xr.DataArray(np.asarray(weights, float) / np.sum(weights), dims=POINT)
    n = points.sizes[POINT]
    mean = (points * w).sum(POINT, skipna=False)
    var = (w * (points - mean) ** 2).sum(POINT, skipna=False)
    if unbiased and n > 1:
        var = var * n / (n - 1)
    std = np.sqrt(var)
    parts = [mean, std, mean - NORMAL_Z * std, mean + NORMAL_Z * std,
             mean - CHEBYSHEV_K * std, mean + CHEBYSHEV_K * std]
    out = xr.concat(parts, dim=xr.DataArray(list(STATISTICS), dims="statistic", name="statistic"))
    for name in out.data_vars:
        out[name] = out[name].transpose("statistic", ...)
    return out


def contributions(y: np.ndarray, z: np.ndarray, labels: list[str]) -> pd.DataFrame:
    """First-order sensitivity of one result to each varied parameter.

    Least-squares slopes of ``y`` on the standardised points ``z`` (one column per
    parameter; for the quadrature points the columns are orthogonal, so each slope is
    E[z_i y]): ``slope`` is the change in the result per standard deviation of the
    parameter, ``share`` its part of the variance the linear terms explain.
    """
    design = np.column_stack([np.ones(len(y)), z])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    slope = coef[1:]
    total = float(np.sum(slope ** 2))
    table = pd.DataFrame({"slope": slope, "share": slope ** 2 / total if total > 0 else 0.0},
                         index=pd.Index(labels, name="parameter"))
    return table.sort_values("share", ascending=False)
