"""Cross-entropy update (cge.data.update): the solution is the minimum-information adjustment
that meets every target and balances the table; impossible targets are one-line errors."""

from __future__ import annotations

import numpy as np
import pytest

from cge.data.update import Prior, Targets, seed_empty_pairs, solve_update
from cge.errors import CGEInputError

GOODS = np.array([True, True, True, False, False])


def small_world(seed: int = 1) -> tuple[Prior, Targets]:
    """Four economies, five industries (three goods), three final agents; targets moved
    away from the prior: value added +20..100%, goods trade x0.7..1.8, one pair by industry."""
    rng = np.random.default_rng(seed)
    ne, ni, nk = 4, 5, 3
    z = rng.uniform(1, 10, (ne, ni, ne, ni))
    f = rng.uniform(1, 10, (ne, ni, ne, nk))
    v = rng.uniform(20, 60, (ne, ni))
    goods = z[:, GOODS].sum(axis=(1, 3)) + f[:, GOODS].sum(axis=(1, 3))
    trade = goods * rng.uniform(0.7, 1.8, (ne, ne))
    trade[0, 2] = np.nan                     # a pair without target
    by = {(1, 3): (z[1, GOODS, 3].sum(-1) + f[1, GOODS, 3].sum(-1)) * np.array([1.5, 0.8, 1.2])}
    return Prior(z, f, v), Targets(value_added=v.sum(axis=1) * rng.uniform(1.2, 2.0, ne),
                                   goods_trade=trade, goods=GOODS, by_industry=by, names=tuple("ABCD"))


def test_update_meets_targets_and_balances_every_industry():
    """Sales = costs in every economy x industry; value added, goods trade by pair and the
    industry targets of the selected pair all met to 1e-10."""
    prior, t = small_world()
    r = solve_update(prior, t)
    sales = r.inter.sum(axis=(2, 3)) + r.final.sum(axis=(2, 3))
    costs = r.inter.sum(axis=(0, 1)) + r.value_added
    assert np.abs(sales - costs).max() / sales.max() < 1e-10
    np.testing.assert_allclose(r.value_added.sum(axis=1), t.value_added, rtol=1e-10)
    goods = r.inter[:, GOODS].sum(axis=(1, 3)) + r.final[:, GOODS].sum(axis=(1, 3))
    pairs = np.isfinite(t.goods_trade) & ~np.eye(4, dtype=bool)
    pairs[1, 3] = False
    np.testing.assert_allclose(goods[pairs], t.goods_trade[pairs], rtol=1e-10)
    by_ind = r.inter[1, GOODS, 3].sum(-1) + r.final[1, GOODS, 3].sum(-1)
    np.testing.assert_allclose(by_ind, t.by_industry[(1, 3)], rtol=1e-10)
    assert r.iterations < 20


def test_solution_is_the_cross_entropy_minimum():
    """First-order conditions: log(x / x0) is a linear combination of the constraints a
    cell enters (mu_ei - mu_fj + tau_ef for a goods cell, mu_ei - mu_fj for services).
    Checked on the services block, where log(Z/Z0) = mu_ei - mu_fj must be
    additively separable: every 2 x 2 minor of log ratios cancels."""
    prior, t = small_world()
    r = solve_update(prior, t)
    ratio = np.log(r.inter / prior.inter)                       # (e, i, f, j)
    services = ratio[:, 3:, :, :].reshape(4 * 2, 4 * 5)
    minors = services[:, :1] + services[:1, :] - services[:1, :1] - services
    assert np.abs(minors).max() < 1e-8


def test_unchanged_targets_leave_a_balanced_prior_alone():
    """A prior that already meets every target and balances is the solution (zero loss)."""
    rng = np.random.default_rng(3)
    z = rng.uniform(1, 10, (3, 5, 3, 5))
    f = rng.uniform(1, 10, (3, 5, 3, 2))
    v = z.sum(axis=(2, 3)) + f.sum(axis=(2, 3)) - z.sum(axis=(0, 1))
    v += 60.0
    f[:, :, :, 0] += 60.0 / 3.0           # keep sales = costs after adding 60 to value added
    goods = z[:, GOODS].sum(axis=(1, 3)) + f[:, GOODS].sum(axis=(1, 3))
    trade = np.where(np.eye(3, dtype=bool), np.nan, goods)
    t = Targets(value_added=v.sum(axis=1), goods_trade=trade, goods=GOODS)
    r = solve_update(Prior(z, f, v), t)
    np.testing.assert_allclose(r.inter, z, rtol=1e-9)
    np.testing.assert_allclose(r.value_added, v, rtol=1e-9)


def test_target_without_prior_trade_is_a_one_line_error():
    """A positive goods-trade target where the prior has no goods trade to scale."""
    prior, t = small_world()
    z, f = prior.inter.copy(), prior.final.copy()
    z[2, GOODS, 1] = 0.0
    f[2, GOODS, 1] = 0.0
    with pytest.raises(CGEInputError, match=r"goods-trade target C -> B .* cannot be met: no goods "
                                            r"trade in the prior") as err:
        solve_update(Prior(z, f, prior.value_added), t)
    assert "\n" not in str(err.value)


def test_bad_value_added_target_is_a_one_line_error():
    """A value-added target must be a finite positive number."""
    prior, t = small_world()
    bad = Targets(value_added=np.array([-1.0, *t.value_added[1:]]), goods_trade=t.goods_trade,
                  goods=GOODS, names=t.names)
    with pytest.raises(CGEInputError, match="value-added target of A is -1 "):
        solve_update(prior, bad)


def test_targets_that_cannot_hold_together_name_a_constraint():
    """Economy A sells goods only from industry 0, which has no inputs and no value added:
    its sales must be zero for it to balance, so A's positive goods exports cannot exist."""
    prior, t = small_world()
    z, f, v = prior.inter.copy(), prior.final.copy(), prior.value_added.copy()
    z[:, :, 0, 0] = 0.0
    v[0, 0] = 0.0
    z[0, 1:3] = 0.0
    f[0, 1:3] = 0.0
    with pytest.raises(CGEInputError, match=r"update: targets cannot be met together: ") as err:
        solve_update(Prior(z, f, v), t, max_iterations=30)
    assert "\n" not in str(err.value)


def test_seed_gives_prior_to_empty_pairs_like_exporter_and_importer():
    """An empty pair with a target is seeded with the target, split like the exporter's goods
    exports and the importer's imports; the update then meets it."""
    prior, t = small_world()
    z, f = prior.inter.copy(), prior.final.copy()
    z[2, GOODS, 1] = 0.0
    f[2, GOODS, 1] = 0.0
    seeded, pairs = seed_empty_pairs(Prior(z, f, prior.value_added), t)
    assert pairs == [(2, 1)]
    total = seeded.inter[2, GOODS, 1].sum() + seeded.final[2, GOODS, 1].sum()
    assert total == pytest.approx(t.goods_trade[2, 1], rel=1e-12)
    r = solve_update(seeded, t)
    assert r.inter[2, GOODS, 1].sum() + r.final[2, GOODS, 1].sum() == pytest.approx(t.goods_trade[2, 1],
                                                                                    rel=1e-10)
