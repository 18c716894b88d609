"""Where a systematic sensitivity analysis solves the model: Gaussian quadrature points and
Monte Carlo samples of independent, symmetric distributions (docs/ssa.md, "Method").

* Quadrature: Stroud's (1957) degree-3 formula with 2N equally weighted points for N
  independent variables of mean 0 and variance 1, the rule GEMPACK's SSA uses (Arndt
  1996; DeVuyst and Preckel 1997; Liu 1997).  Point j (j = 1..2N) has coordinates

      z[2r-1] = sqrt(2) cos((2r-1) j pi / N),  z[2r] = sqrt(2) sin((2r-1) j pi / N),
      r = 1..floor(N/2), and z[N] = (-1)^j when N is odd,

  so that the mean of any polynomial of degree <= 3 in symmetric variables is exact.
  Each variable is then ``mean + sd * z``; every point lies within sqrt(2) standard
  deviations of the mean, inside the support of a uniform or triangular distribution.
* Monte Carlo: a Latin hypercube or a scrambled Sobol sequence (``scipy.stats.qmc``) on the
  unit cube, mapped through each distribution's inverse CDF; equal weights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

DistributionName = Literal["uniform", "triangular", "normal"]
DISTRIBUTIONS: tuple[str, ...] = ("uniform", "triangular", "normal")
SAMPLERS: tuple[str, ...] = ("lhs", "sobol")


@dataclass(frozen=True)
class Distribution:
    """A symmetric distribution of one varied quantity: uniform or triangular on
    [low, high] (mode in the middle), or normal with ``mean`` and ``sd``."""

    name: str
    mean: float
    sd: float
    low: float = -math.inf
    high: float = math.inf

    @classmethod
    def bounded(cls, name: str, low: float, high: float) -> "Distribution":
        """Uniform or symmetric triangular on [low, high]."""
        width = high - low
        sd = width / math.sqrt(12.0) if name == "uniform" else width / math.sqrt(24.0)
        return cls(name, (low + high) / 2.0, sd, low, high)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF at probabilities ``u`` in (0, 1)."""
        from scipy import stats

        if self.name == "uniform":
            return self.low + u * (self.high - self.low)
        if self.name == "triangular":
            return stats.triang.ppf(u, 0.5, loc=self.low, scale=self.high - self.low)
        return stats.norm.ppf(u, loc=self.mean, scale=self.sd)


def stroud_points(n: int) -> np.ndarray:
    """Stroud's degree-3 points for ``n`` standardised variables: shape (2n, n)."""
    if n < 1:
        raise ValueError("quadrature needs at least one varied parameter")
    j = np.arange(1, 2 * n + 1)[:, None]
    z = np.zeros((2 * n, n))
    for r in range(1, n // 2 + 1):
        angle = (2 * r - 1) * j[:, 0] * math.pi / n
        z[:, 2 * r - 2] = math.sqrt(2.0) * np.cos(angle)
        z[:, 2 * r - 1] = math.sqrt(2.0) * np.sin(angle)
    if n % 2:
        z[:, n - 1] = (-1.0) ** j[:, 0]
    return z


def quadrature(dists: list[Distribution]) -> tuple[np.ndarray, np.ndarray]:
    """Points (2N, N) in the variables' own units and their weights (2N,)."""
    z = stroud_points(len(dists))
    mean = np.array([d.mean for d in dists])
    sd = np.array([d.sd for d in dists])
    return mean + z * sd, np.full(len(z), 1.0 / len(z))


def monte_carlo(dists: list[Distribution], draws: int, sampler: str = "lhs",
                seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``draws`` sample points (draws, N) and their equal weights."""
    from scipy.stats import qmc

    n = len(dists)
    engine = qmc.LatinHypercube(d=n, seed=seed) if sampler == "lhs" else qmc.Sobol(d=n, scramble=True, seed=seed)
    u = engine.random(draws)
    u = np.clip(u, 1e-12, 1 - 1e-12)
    points = np.column_stack([d.ppf(u[:, k]) for k, d in enumerate(dists)])
    return points, np.full(draws, 1.0 / draws)


def standardised(points: np.ndarray, dists: list[Distribution]) -> np.ndarray:
    """The points as z-scores (value - mean) / sd of each variable."""
    mean = np.array([d.mean for d in dists])
    sd = np.array([d.sd for d in dists])
    return (points - mean) / sd
