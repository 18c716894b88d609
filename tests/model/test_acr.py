"""Arkolakis-Costinot-Rodriguez-Clare: the model nests the one-sector Armington trade model.

With one sector, labour only, no intermediates, Cobb-Douglas upper tiers, balanced
trade, no tariffs and the same elasticity sigma for domestic-vs-imports and among
sources (a single-tier CES over all sources), the welfare change after any change
in iceberg trade costs is lambda_hat ** (1 / (1 - sigma)), where lambda is the
domestic expenditure share (ACR 2012, AER, eq. 1 with trade elasticity sigma - 1).
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest


@pytest.mark.parametrize("sigma", [2.0, 5.0])
def test_welfare_change_equals_domestic_share_change_to_the_acr_power(make, sigma):
    """Real income change = (lambda'/lambda)^(1/(1-sigma)) in every region, to 1e-8."""
    s = make(regions=["A", "B", "C", "D"], sectors=["G"], factors=("LAB",), intermediates=False,
             fd_shares=(1.0, 0.0, 0.0), balanced_trade=True, tariff=0.0,
             esub_dm=sigma, esub_mm=sigma, seed=11)
    m, b = s.cgem.model, s.cgem.benchmark

    def domestic_share(r: str) -> float:
        spent = pyo.value(m.inc[r]) * b.income[b.regions.index(r)]
        return pyo.value(m.py["G", r] * m.dom_demand["G", "hh", r]) / spent

    before = {r: domestic_share(r) for r in b.regions}
    rng = np.random.default_rng(7)
    for k in m.tau:
        m.tau[k] = 1.0 + rng.uniform(0.0, 0.6)
    s.solve()
    for r in b.regions:
        welfare = pyo.value(m.inc[r] / m.cpi[r])
        acr = (domestic_share(r) / before[r]) ** (1.0 / (1.0 - sigma))
        assert welfare == pytest.approx(acr, abs=1e-8)
        assert welfare < 1.0  # higher trade costs everywhere lower welfare everywhere
