"""Calibrated share-form CES price and demand functions (see docs/model.md, "CES nests").

Every nest of the model (value added, Armington, import sourcing, final demand) is a
CES aggregate written in calibrated share form: with benchmark prices ``pbar_k``,
benchmark value shares ``theta_k`` and benchmark composite price ``cbar``,

    c(p)  = cbar * [ sum_k theta_k (p_k / pbar_k)^(1 - sigma) ]^(1 / (1 - sigma))   sigma != 1
    c(p)  = cbar * prod_k (p_k / pbar_k)^theta_k                                  sigma == 1
    x_k   = q * xbar_k / qbar * ( (c / cbar) / (p_k / pbar_k) )^sigma

``sigma = 0`` (Leontief) and ``sigma = 1`` (Cobb-Douglas) are handled exactly.  The
functions work on any objects with arithmetic (Pyomo expressions, floats), so the
same code builds the model and evaluates it in tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Expr = Any

COBB_DOUGLAS_TOL = 1e-12


def ces_price(prices: Sequence[Expr], bench_prices: Sequence[float],
              shares: Sequence[float], sigma: float, cbar: float = 1.0) -> Expr:
    """Unit cost (price) of a CES composite in calibrated share form."""
    terms = [(p, pb, th) for p, pb, th in zip(prices, bench_prices, shares) if th > 0.0]
    if not terms:
        raise ValueError("a CES nest needs at least one input with a positive share")
    if len(terms) == 1:
        p, pb, _ = terms[0]
        return cbar * p / pb
    if abs(sigma - 1.0) < COBB_DOUGLAS_TOL:
        expr = 1.0
        for p, pb, th in terms:
            expr = expr * (p / pb) ** th
        return cbar * expr
    if sigma == 0.0:
        return cbar * sum(th * p / pb for p, pb, th in terms)
    rho = 1.0 - sigma
    inner = sum(th * (p / pb) ** rho for p, pb, th in terms)
    return cbar * inner ** (1.0 / rho)


def ces_demand(quantity: Expr, bench_ratio: float, cost_index: Expr,
               price: Expr, bench_price: float, sigma: float) -> Expr:
    """Demand for one input of a CES nest.

    ``quantity`` is the composite's activity, ``bench_ratio`` the benchmark input per
    unit of composite, ``cost_index`` the composite's unit cost relative to its
    benchmark (1 at the benchmark), ``price / bench_price`` the input's relative price.
    """
    if sigma == 0.0:
        return quantity * bench_ratio
    return quantity * bench_ratio * (cost_index * bench_price / price) ** sigma
