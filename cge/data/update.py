"""Update a world input-output table to new targets by cross-entropy (constrained GRAS).

Method: minimum information loss (Kullback-Leibler) adjustment of every cell of a prior
table subject to linear constraints, as in GRAS (Junius and Oosterhaven 2003, Economic
Systems Research 15(1): 87-96; Lenzen, Wood and Gallego 2007, ESR 19(4): 461-465) and its
generalisation to arbitrary constraints, KRAS (Lenzen, Gallego and Wood 2009, "Matrix
balancing under conflicting information", ESR 21(1): 23-44); cross-entropy balancing of
SAMs in Robinson, Cattaneo and El-Said (2001), Economic Systems Research 13(1): 47-64.

The cells are intermediate use ``Z[e,i,f,j]`` (economy e's industry i sells to f's j),
final use ``F[e,i,f,k]`` and value added ``V[f,j]``, all non-negative.  Minimise

    sum_cells x ln(x / x0) - x + x0

subject to
    B[e,i]  sales = costs:  sum_fj Z[e,i,f,j] + sum_fk F[e,i,f,k] = sum_ej Z[.,.,e,i] + V[e,i]
    G[f]    value added:    sum_j V[f,j] = G_f
    T[e,f]  goods trade:    sum_{i goods} (sum_j Z[e,i,f,j] + sum_k F[e,i,f,k]) = T_ef   (e != f)
    S[e,i,f] goods trade by industry for selected pairs (instead of T for that pair).

Output is not a target: it is whatever balances the table.  The solution has the form
``x = x0 exp(a' lambda)``: Z = Z0 exp(mu_ei - mu_fj + tau_ef), F = F0 exp(mu_ei + tau_ef),
V = V0 exp(-mu_fj + gamma_f).  The multipliers solve the convex dual
``min sum x(lambda) - b' lambda``, here by Newton's method with a backtracking line
search; the non-balance constraints touch disjoint cells, so their block of the
Hessian is diagonal and is eliminated exactly (Schur complement), leaving one dense
symmetric system in mu per iteration.  A target that cannot be met (no prior cell to
scale, or no convergence) is a one-line error naming it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import scipy.linalg

from cge.errors import CGEInputError

TOLERANCE = 1e-10        # max relative residual of every constraint at convergence
MAX_ITERATIONS = 80
MAX_STEP = 2.0           # largest change of one log-multiplier in one Newton step


@dataclass(frozen=True)
class Prior:
    """The prior table: arrays on (economy, industry, economy, industry|agent)."""

    inter: np.ndarray        # (e, i, f, j)
    final: np.ndarray        # (e, i, f, k)
    value_added: np.ndarray  # (f, j)


@dataclass(frozen=True)
class Targets:
    """Constraint targets (USD million)."""

    value_added: np.ndarray            # (f,) total value added of each economy
    goods_trade: np.ndarray            # (e, f) goods trade, NaN = no target; diagonal ignored
    goods: np.ndarray                  # (i,) bool: the goods industries
    by_industry: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)
    # (e, f) -> (n_goods,) targets by goods industry for that pair (replaces its T target)
    names: tuple[str, ...] = ()        # economy codes, for messages


@dataclass
class Result:
    """The updated table and how the solve went."""

    inter: np.ndarray
    final: np.ndarray
    value_added: np.ndarray
    iterations: int
    max_residual: float
    seconds: float
    residuals: dict[str, float]


def seed_empty_pairs(prior: Prior, targets: Targets) -> tuple[Prior, list[tuple[int, int]]]:
    """Give a prior to goods-trade pairs with a positive target but no prior trade.

    The seed is the target spread like the exporter's goods exports (shares by industry,
    all destinations) and, within each good, like the importer's imports of that good
    (shares by using industry and final agent, all sources): the cross-entropy solution
    then scales it.  Returns the new prior and the seeded (exporter, importer) pairs.
    """
    g = np.flatnonzero(targets.goods)
    ne = prior.value_added.shape[0]
    goods = prior.inter[:, g].sum(axis=3) + prior.final[:, g].sum(axis=3)        # (e, ng, f)
    off = ~np.eye(ne, dtype=bool)
    tt = np.where(np.isfinite(targets.goods_trade) & off, targets.goods_trade, 0.0)
    empty = np.argwhere((tt > 0) & (goods.sum(axis=1) <= 0))
    if not len(empty):
        return prior, []
    inter, final = prior.inter.copy(), prior.final.copy()
    exports = (goods * off[:, None, :]).sum(axis=2)                               # (e, ng)
    imp_int = (prior.inter[:, g] * off[:, None, :, None]).sum(axis=0)           # (ng, f, j)
    imp_fin = (prior.final[:, g] * off[:, None, :, None]).sum(axis=0)           # (ng, f, k)
    for e, f in empty:
        use = imp_int[:, f].sum(axis=1) + imp_fin[:, f].sum(axis=1)              # (ng,)
        mix = np.where(use > 0, exports[e], 0.0)
        if mix.sum() <= 0:
            continue
        mix = tt[e, f] * mix / mix.sum()
        share = np.divide(mix, use, out=np.zeros_like(mix), where=use > 0)
        inter[e, g, f] = share[:, None] * imp_int[:, f]
        final[e, g, f] = share[:, None] * imp_fin[:, f]
    return Prior(inter=inter, final=final, value_added=prior.value_added), [tuple(p) for p in empty]


class _Problem:
    """Multiplier layout, cell values and the Newton system of one update problem."""

    def __init__(self, prior: Prior, targets: Targets):
        self.z0, self.f0, self.v0 = prior.inter, prior.final, prior.value_added
        ne, ni = self.v0.shape
        self.ne, self.ni = ne, ni
        self.g = np.flatnonzero(targets.goods)
        self.t = targets
        pair = np.isfinite(targets.goods_trade) & ~np.eye(ne, dtype=bool)
        for e, f in targets.by_industry:
            pair[e, f] = False
        self.pair = pair                                   # (e, f) with a T target
        self.sector_pairs = list(targets.by_industry)
        self.mu = np.zeros((ne, ni))
        self.gamma = np.zeros(ne)
        self.tau = np.zeros((ne, ne))
        self.sigma = {p: np.zeros(len(self.g)) for p in self.sector_pairs}
        self.fixed = (self.z0.sum(axis=(2, 3)) + self.f0.sum(axis=(2, 3)) + self.z0.sum(axis=(0, 1))
                      + self.v0) <= 0                       # cells-free (e, i): mu stays 0
        self._check_feasible()
        self._warm_start()

    # ---------------------------------------------------------------- feasibility
    def _name(self, e: int) -> str:
        return self.t.names[e] if self.t.names else str(e)

    def _check_feasible(self) -> None:
        t = self.t
        vt = t.value_added
        if not np.all(np.isfinite(vt)) or (vt <= 0).any():
            e = int(np.argmax(~np.isfinite(vt) | (vt <= 0)))
            raise CGEInputError(f"update: value-added target of {self._name(e)} is {float(vt[e]):g} "
                                "(allowed: a finite number > 0)")
        if ((self.v0.sum(axis=1) <= 0) & (vt > 0)).any():
            e = int(np.argmax(self.v0.sum(axis=1) <= 0))
            raise CGEInputError(f"update: value-added target of {self._name(e)} cannot be met: "
                                "no value added in the prior to scale")
        goods_flows = self._goods_prior()
        tt = np.where(self.pair, t.goods_trade, 0.0)
        if (tt < 0).any():
            e, f = np.unravel_index(int(np.argmin(tt)), tt.shape)
            raise CGEInputError(f"update: goods-trade target {self._name(e)} -> {self._name(f)} is "
                                f"{tt[e, f]:.6g} (allowed: >= 0)")
        bad = self.pair & (tt > 0) & (goods_flows.sum(axis=1) <= 0)
        if bad.any():
            e, f = np.argwhere(bad)[0]
            raise CGEInputError(f"update: goods-trade target {self._name(e)} -> {self._name(f)} "
                                f"({tt[e, f]:.6g}) cannot be met: no goods trade in the prior to scale")
        for (e, f), target in t.by_industry.items():
            if target.shape != (len(self.g),) or not np.all(np.isfinite(target)) or (target < 0).any():
                raise CGEInputError(f"update: industry targets {self._name(e)} -> {self._name(f)} "
                                    f"must be {len(self.g)} finite numbers >= 0")
            dead = (target > 0) & (goods_flows[e, :, f] <= 0)
            if dead.any():
                k = int(np.argmax(dead))
                raise CGEInputError(f"update: goods-trade target {self._name(e)} -> {self._name(f)} "
                                    f"in industry {int(self.g[k]) + 1} cannot be met: no such trade "
                                    "in the prior")
        # a zero target: remove those cells from the problem (they are zero in the solution)
        zero = self.pair & (tt == 0)
        if zero.any():
            self.pair = self.pair & ~zero
            self._zero_pairs(np.argwhere(zero))

    def _warm_start(self) -> None:
        """Trade multipliers that meet each pair's target on their own (balance ignored)."""
        goods = self._goods_prior()
        total = goods.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.tau = np.where(self.pair & (total > 0), np.log(np.nan_to_num(self.t.goods_trade) / total), 0.0)
            for (e, f), target in self.t.by_industry.items():
                prior = goods[e, :, f]
                self.sigma[(e, f)] = np.where((prior > 0) & (target > 0), np.log(target / prior), 0.0)

    def _zero_pairs(self, pairs: np.ndarray) -> None:
        self.z0, self.f0 = self.z0.copy(), self.f0.copy()
        for e, f in pairs:
            self.z0[e, self.g, f] = 0.0
            self.f0[e, self.g, f] = 0.0

    def _goods_prior(self) -> np.ndarray:
        """(e, n_goods, f) prior goods sales by pair."""
        return self.z0[:, self.g].sum(axis=3) + self.f0[:, self.g].sum(axis=3)

    # ---------------------------------------------------------------- cells
    def trade_factor(self) -> np.ndarray:
        """exp of the trade multipliers on goods rows, (e, n_goods, f)."""
        lt = np.where(self.pair, self.tau, 0.0)[:, None, :].repeat(len(self.g), axis=1)
        for (e, f), s in self.sigma.items():
            lt[e, :, f] = s
        return np.exp(lt)

    def cells(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        a, b = np.exp(self.mu), np.exp(-self.mu)
        row = np.ones((self.ne, self.ni, self.ne))
        row[:, self.g, :] = self.trade_factor()
        row *= a[:, :, None]
        z = self.z0 * row[:, :, :, None] * b[None, None, :, :]
        f = self.f0 * row[:, :, :, None]
        v = self.v0 * b * np.exp(self.gamma)[:, None]
        return z, f, v

    def objective(self, z: np.ndarray, f: np.ndarray, v: np.ndarray) -> float:
        """Dual objective sum x - b' lambda (b: targets; balance targets are zero)."""
        t = self.t
        value = z.sum() + f.sum() + v.sum() - float(t.value_added @ self.gamma)
        value -= float(np.where(self.pair, t.goods_trade, 0.0).ravel() @ np.where(self.pair, self.tau, 0.0).ravel())
        for p, s in self.sigma.items():
            value -= float(t.by_industry[p] @ s)
        return value

    # ---------------------------------------------------------------- residuals
    def residuals(self, z, f, v) -> dict[str, np.ndarray]:
        sales = z.sum(axis=(2, 3)) + f.sum(axis=(2, 3))
        costs = z.sum(axis=(0, 1)) + v
        goods = z[:, self.g].sum(axis=3) + f[:, self.g].sum(axis=3)      # (e, g, f)
        out = {"balance": sales - costs,
               "value_added": v.sum(axis=1) - self.t.value_added,
               "goods_trade": np.where(self.pair, goods.sum(axis=1) - np.nan_to_num(self.t.goods_trade), 0.0)}
        out["by_industry"] = np.concatenate(
            [goods[e, :, f_] - self.t.by_industry[(e, f_)] for e, f_ in self.sector_pairs]) \
            if self.sector_pairs else np.zeros(0)
        out["_scale_balance"] = np.maximum(np.maximum(sales, costs), 1e-9)
        return out

    def relative(self, res: dict[str, np.ndarray]) -> dict[str, float]:
        t = self.t
        tt = np.where(self.pair, t.goods_trade, 1.0)
        by = np.concatenate([t.by_industry[p] for p in self.sector_pairs]) if self.sector_pairs else np.ones(0)
        out = {"balance": np.abs(res["balance"]) / res["_scale_balance"],
               "value_added": np.abs(res["value_added"]) / t.value_added,
               "goods_trade": np.abs(res["goods_trade"]) / np.maximum(tt, 1e-9),
               "by_industry": np.abs(res["by_industry"]) / np.maximum(by, 1e-9)}
        return {k: float(v.max()) if v.size else 0.0 for k, v in out.items()}

    # ---------------------------------------------------------------- Newton system
    def newton_step(self, z, f, v, res) -> tuple:
        ne, ni, g = self.ne, self.ni, self.g
        n = ne * ni
        zoff = z.reshape(n, n).copy()
        np.fill_diagonal(zoff, 0.0)
        d = zoff.sum(axis=1) + zoff.sum(axis=0) + f.sum(axis=(2, 3)).ravel() + v.ravel()
        h = -(zoff + zoff.T)
        h[np.diag_indices(n)] += d
        rhs = -res["balance"].ravel().copy()
        h4 = h.reshape(ne, ni, ne, ni)
        rhs2 = rhs.reshape(ne, ni)
        goods = z[:, g].sum(axis=3) + f[:, g].sum(axis=3)                # (e, ng, f) sales by pair
        mz = z[:, g].sum(axis=1)                                         # (e, f, j) goods bought by j
        # value added: gamma_f, column -V[f, :] on mu_f
        dv = v.sum(axis=1)
        wv = 1.0 / dv
        for e in range(ne):
            h4[e, :, e, :] -= wv[e] * np.outer(v[e], v[e])
        rhs2 -= v * (wv * res["value_added"])[:, None]                  # + H_mu,c D^-1 r_c
        # pair goods trade: tau_ef, column +goods[e,:,f] on mu_(e,goods), -mz[e,f,:] on mu_f
        dt = np.where(self.pair, goods.sum(axis=1), 1.0)
        wt = np.where(self.pair, 1.0 / dt, 0.0)
        gt = res["goods_trade"]
        blk = np.einsum("eaf,ef,ebf->eab", goods, wt, goods)
        for e in range(ne):
            h4[e, g[:, None], e, g[None, :]] -= blk[e]
        blk = np.einsum("efj,ef,efk->fjk", mz, wt, mz)
        for fi in range(ne):
            h4[fi, :, fi, :] -= blk[fi]
        cross = np.einsum("eaf,ef,efj->eafj", goods, wt, mz)           # + on (e,a),(f,j)
        h4[:, g, :, :] += cross
        h4[:, :, :, g] += np.transpose(cross, (2, 3, 0, 1))
        rhs2[:, g] += np.einsum("eaf,ef->ea", goods, wt * gt)
        rhs2 -= np.einsum("efj,ef->fj", mz, wt * gt)
        # industry targets of selected pairs: sigma_(e,a,f)
        for (e, fi), s in zip(self.sector_pairs, np.split(res["by_industry"], len(self.sector_pairs))
                              if self.sector_pairs else []):
            ga = goods[e, :, fi]
            za = z[e, g, fi, :]                                          # (ng, j)
            w = np.where(ga > 0, 1.0 / np.maximum(ga, 1e-300), 0.0)
            h4[e, g, e, g] -= ga
            h4[fi, :, fi, :] -= za.T @ (w[:, None] * za)
            h4[e, g[:, None], fi, np.arange(ni)[None, :]] += za
            h4[fi, np.arange(ni)[:, None], e, g[None, :]] += za.T
            rhs2[e, g] += s
            rhs2[fi] -= za.T @ (w * s)
        free = ~self.fixed.ravel()
        hf = h[np.ix_(free, free)]
        hf[np.diag_indices_from(hf)] += 1e-12 * max(float(np.abs(np.diag(hf)).max()), 1.0)
        dmu = np.zeros(n)
        try:
            dmu[free] = scipy.linalg.cho_solve(scipy.linalg.cho_factor(hf, check_finite=False),
                                               rhs[free], check_finite=False)
        except np.linalg.LinAlgError:
            dmu[free] = np.linalg.lstsq(hf, rhs[free], rcond=None)[0]
        dmu = dmu.reshape(ne, ni)
        # back substitution of the eliminated multipliers: D dc = -g_c - H_c,mu dmu
        dgamma = (-res["value_added"] + (v * dmu).sum(axis=1)) * wv
        hmu_tau = np.einsum("eaf,ea->ef", goods, dmu[:, g]) - np.einsum("efj,fj->ef", mz, dmu)
        dtau = np.where(self.pair, (-gt - hmu_tau) * wt, 0.0)
        dsigma = {}
        for (e, fi), s in zip(self.sector_pairs, np.split(res["by_industry"], len(self.sector_pairs))
                              if self.sector_pairs else []):
            ga = goods[e, :, fi]
            za = z[e, g, fi, :]
            hm = ga * dmu[e, g] - za @ dmu[fi]
            dsigma[(e, fi)] = np.where(ga > 0, (-s - hm) / np.maximum(ga, 1e-300), 0.0)
        return dmu, dgamma, dtau, dsigma

    # ---------------------------------------------------------------- state
    def state(self) -> tuple:
        return (self.mu.copy(), self.gamma.copy(), self.tau.copy(),
                {k: v.copy() for k, v in self.sigma.items()})

    def set_state(self, s: tuple) -> None:
        self.mu, self.gamma, self.tau, sig = s[0].copy(), s[1].copy(), s[2].copy(), s[3]
        self.sigma = {k: v.copy() for k, v in sig.items()}

    def move(self, base: tuple, step: tuple, t: float) -> None:
        mu, gamma, tau, sigma = base
        dmu, dgamma, dtau, dsigma = step
        self.mu = mu + t * dmu
        self.gamma = gamma + t * dgamma
        self.tau = tau + t * dtau
        self.sigma = {k: sigma[k] + t * dsigma[k] for k in sigma}


def _slope(prob: _Problem, res: dict, step: tuple) -> float:
    """Directional derivative of the dual objective along ``step`` (residuals = gradient)."""
    dmu, dgamma, dtau, dsigma = step
    value = float(np.sum(res["balance"] * dmu) + res["value_added"] @ dgamma
                  + np.sum(res["goods_trade"] * dtau))
    if prob.sector_pairs:
        value += float(res["by_industry"] @ np.concatenate([dsigma[p] for p in prob.sector_pairs]))
    return value


def _largest(step: tuple) -> float:
    dmu, dgamma, dtau, dsigma = step
    parts = [np.abs(dmu).max(), np.abs(dgamma).max(), np.abs(dtau).max()]
    parts += [np.abs(v).max() for v in dsigma.values()]
    return float(max(parts))


def solve_update(prior: Prior, targets: Targets, tol: float = TOLERANCE,
                 max_iterations: int = MAX_ITERATIONS) -> Result:
    """Cross-entropy update of ``prior`` to ``targets`` (module docstring)."""
    start = time.perf_counter()
    prob = _Problem(prior, targets)
    z, f, v = prob.cells()
    res = prob.residuals(z, f, v)
    rel = prob.relative(res)
    phi = prob.objective(z, f, v)
    it = 0
    while max(rel.values()) > tol and it < max_iterations:
        it += 1
        step = prob.newton_step(z, f, v, res)
        base = prob.state()
        t = min(1.0, MAX_STEP / max(_largest(step), 1e-300))
        slope = _slope(prob, res, step)
        accepted = False
        for _ in range(40):
            prob.move(base, step, t)
            z2, f2, v2 = prob.cells()
            phi2 = prob.objective(z2, f2, v2)
            res2 = prob.residuals(z2, f2, v2)
            rel2 = prob.relative(res2)
            if np.isfinite(phi2) and (phi2 <= phi + 1e-4 * t * min(slope, 0.0)
                                      or max(rel2.values()) < 0.5 * max(rel.values())):
                accepted = True
                break
            t *= 0.5
        if not accepted:
            prob.set_state(base)
            break
        z, f, v, res, rel, phi = z2, f2, v2, res2, rel2, phi2
    worst = max(rel, key=rel.get)
    if rel[worst] > tol:
        raise CGEInputError(f"update: targets cannot be met together: {_describe(prob, res, worst)} "
                            f"after {it} Newton iterations (max relative residual {rel[worst]:.3g}, "
                            f"tolerance {tol:g})")
    return Result(inter=z, final=f, value_added=v, iterations=it, max_residual=max(rel.values()),
                  seconds=time.perf_counter() - start, residuals=rel)


def _describe(prob: _Problem, res: dict, family: str) -> str:
    """Name the constraint with the largest relative residual."""
    t = prob.t
    if family == "balance":
        r = np.abs(res["balance"]) / res["_scale_balance"]
        e, i = np.unravel_index(int(np.argmax(r)), r.shape)
        return f"sales = costs of industry c{i + 1} of {prob._name(e)}"
    if family == "value_added":
        e = int(np.argmax(np.abs(res["value_added"]) / t.value_added))
        return f"value added of {prob._name(e)} ({t.value_added[e]:.6g})"
    if family == "goods_trade":
        r = np.abs(res["goods_trade"]) / np.maximum(np.where(prob.pair, t.goods_trade, 1.0), 1e-9)
        e, f = np.unravel_index(int(np.argmax(r)), r.shape)
        return f"goods trade {prob._name(e)} -> {prob._name(f)} ({t.goods_trade[e, f]:.6g})"
    k = int(np.argmax(np.abs(res["by_industry"])))
    e, f = prob.sector_pairs[k // len(prob.g)]
    return f"goods trade {prob._name(e)} -> {prob._name(f)} in industry c{int(prob.g[k % len(prob.g)]) + 1}"
