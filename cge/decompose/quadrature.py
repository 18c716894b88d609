"""Composite Simpson rule on [0, 1] with Richardson extrapolation (docs/decomposition.md).

The integrand is evaluated on the grid t_k = k / N (N even).  ``simpson(values, step)``
integrates the points with stride ``step`` (so the same evaluations give the rule with N
and N/2 intervals); Richardson's extrapolation of the two, (16 S_N - S_{N/2}) / 15, removes
the h^4 error term, and |S_N - S_{N/2}| / 15 estimates the error that remains in S_N.
"""

from __future__ import annotations

import numpy as np


def simpson(values: np.ndarray, step: int = 1) -> np.ndarray:
    """Composite Simpson integral over [0, 1] of ``values`` (first axis: grid points k / N),
    using every ``step``-th point; the number of intervals used must be even."""
    pts = values[::step]
    n = pts.shape[0] - 1
    if n < 2 or n % 2:
        raise ValueError(f"Simpson's rule needs an even number of intervals (got {n})")
    w = np.ones(n + 1)
    w[1:-1:2] = 4.0
    w[2:-1:2] = 2.0
    return np.tensordot(w, pts, axes=(0, 0)) / (3.0 * n)


def richardson(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Extrapolated integral and its error estimate from the grid and its every-other point."""
    fine = simpson(values, 1)
    coarse = simpson(values, 2)
    return fine + (fine - coarse) / 15.0, np.abs(fine - coarse) / 15.0
