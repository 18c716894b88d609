"""Arkolakis-Costinot-Rodriguez-Clare: the model nests the one-sector Armington trade model.

With one sector, labour only, no intermediates, Cobb-Douglas upper tiers, balanced
trade, no tariffs and the same elasticity sigma for domestic-vs-imports and among
sources (a single-tier CES over all sources), the welfare change after any change
in iceberg trade costs is lambda_hat ** (1 / (1 - sigma)), where lambda is the
domestic expenditure share (ACR 2012, AER, eq. 1 with trade elasticity sigma - 1).
"""

from __future__ import annotations

import numpy as np
import pytest

from cge.model.algebra import values
from tests.conftest import welfare


@pytest.mark.parametrize("sigma", [2.0, 5.0])
def test_welfare_change_equals_domestic_share_change_to_the_acr_power(make, sigma):
    """Real income change = (lambda'/lambda)^(1/(1-sigma)) in every region, to 1e-8."""
    s = make(regions=["A", "B", "C", "D"], sectors=["G"], factors=("LAB",), intermediates=False,
             fd_shares=(1.0, 0.0, 0.0), balanced_trade=True, tariff=0.0,
             esub_dm=sigma, esub_mm=sigma, seed=11)
    cg = s.cgem

    def domestic_share() -> np.ndarray:
        _, e = cg.evaluate(s.x, s.p)
        dom = values(e.dom)
        py = s.x[cg.variables.slice("py")]
        spent = s.x[cg.variables.slice("inc")] * cg.demand.income_bar
        home = np.bincount(cg.sets.arm["r"][cg.armington.dom_arm],
                           weights=dom * py[cg.armington.dom_yj], minlength=cg.sets.nr)
        return home / spent

    before = domestic_share()
    rng = np.random.default_rng(7)
    p = cg.p0.copy()
    sl = cg.parameters.slice("tau")
    p[sl] = 1.0 + rng.uniform(0.0, 0.6, sl.stop - sl.start)
    s.solve(p)
    after = domestic_share()
    for k, r in enumerate(cg.benchmark.regions):
        acr = (after[k] / before[k]) ** (1.0 / (1.0 - sigma))
        assert welfare(s, r) == pytest.approx(acr, abs=1e-8)
        assert welfare(s, r) < 1.0  # higher trade costs everywhere lower welfare everywhere
