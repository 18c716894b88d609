"""Quadrature and Monte Carlo points (cge/sensitivity/sampling.py): Stroud's order-3 rule
reproduces the exact mean of any polynomial of degree <= 3 in independent symmetric
parameters, and the exact variance of any linear one."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from cge.sensitivity.sampling import Distribution, monte_carlo, quadrature, stroud_points

DISTS = [Distribution.bounded("uniform", 2.0, 6.0), Distribution.bounded("triangular", 0.5, 1.5),
         Distribution("normal", 3.0, 0.4), Distribution.bounded("uniform", -1.0, 1.0),
         Distribution("normal", -2.0, 1.5)]


def exact_moment(d: Distribution, k: int) -> float:
    """E[x^k] of one distribution, by its central moments (odd ones vanish: symmetric)."""
    kurt = {"uniform": 9 / 5, "triangular": 12 / 5, "normal": 3.0}[d.name]  # E[z^4] standardised
    central = {0: 1.0, 1: 0.0, 2: d.sd ** 2, 3: 0.0, 4: kurt * d.sd ** 4}
    return sum(math.comb(k, j) * d.mean ** (k - j) * central[j] for j in range(k + 1))


def random_cubic(n: int, rng: np.random.Generator) -> dict[tuple[int, ...], float]:
    """Coefficients of every monomial of degree <= 3 in n variables (exponent tuples)."""
    terms = {}
    for exps in itertools.product(range(4), repeat=n):
        if sum(exps) <= 3:
            terms[exps] = rng.normal()
    return terms


def evaluate(terms: dict[tuple[int, ...], float], x: np.ndarray) -> np.ndarray:
    return sum(c * np.prod([x[:, i] ** e for i, e in enumerate(exps)], axis=0) for exps, c in terms.items())


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_quadrature_mean_is_exact_for_polynomials_of_degree_three(n: int) -> None:
    """Mean over the 2N points = the exact expectation, for random cubics in N parameters."""
    rng = np.random.default_rng(n)
    dists = DISTS[:n]
    points, weights = quadrature(dists)
    assert points.shape == (2 * n, n) and weights.sum() == pytest.approx(1.0)
    for _ in range(5):
        terms = random_cubic(n, rng)
        exact = sum(c * np.prod([exact_moment(d, e) for d, e in zip(dists, exps)]) for exps, c in terms.items())
        assert float(weights @ evaluate(terms, points)) == pytest.approx(exact, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("n", [1, 4, 5])
def test_quadrature_variance_is_exact_for_linear_results(n: int) -> None:
    """The variance of a linear combination of the parameters is exact: sum of a_i^2 var_i.
    (The variance of a quadratic needs fourth moments, which no 2N-point order-3 rule
    matches; GEMPACK's SSA has the same property.)"""
    dists = DISTS[:n]
    a = np.arange(1.0, n + 1)
    points, weights = quadrature(dists)
    y = points @ a + 7.0
    var = float(weights @ (y - weights @ y) ** 2)
    assert var == pytest.approx(sum(ai ** 2 * d.sd ** 2 for ai, d in zip(a, dists)), rel=1e-12)


def test_points_stay_inside_bounded_supports() -> None:
    """Every point is within sqrt(2) sd of the mean: inside a uniform or triangular support."""
    z = stroud_points(30)
    assert np.abs(z).max() <= math.sqrt(2) + 1e-12
    points, _ = quadrature([Distribution.bounded("triangular", 1.0, 3.0)] * 30)
    assert points.min() > 1.0 and points.max() < 3.0


@pytest.mark.parametrize("sampler", ["lhs", "sobol"])
def test_monte_carlo_samples_have_the_stated_moments(sampler: str) -> None:
    """512 draws reproduce each distribution's mean and sd closely (Latin hypercube / Sobol)."""
    points, weights = monte_carlo(DISTS[:3], 512, sampler, seed=1)
    for k, d in enumerate(DISTS[:3]):
        assert points[:, k].mean() == pytest.approx(d.mean, abs=0.02 * d.sd)
        assert points[:, k].std() == pytest.approx(d.sd, rel=0.03)
    assert points[:, 0].min() >= 2.0 and points[:, 0].max() <= 6.0
