"""An exact-hat-algebra solver of the Caliendo-Parro (2015) equations, written for the tests.

It shares no code with the model (``cge.model``) or the importer (``cge.data.cp2015``):
it reads the raw CP text files itself and solves the equilibrium conditions as the paper
states them (CP 2015, section 3 and Appendix C; notation as there):

    c_n^j    = w_n^(gamma_n^j) prod_k (P_n^k)^(gamma_n^(k,j))                       unit cost
    P_n^j    = [ sum_i pi_ni^j (kappa_ni^j c_i^j)^(-theta^j) ]^(-1/theta^j)        price index
    pi'_ni^j = pi_ni^j (kappa_ni^j c_i^j / P_n^j)^(-theta^j)                      trade shares
    X_n^j    = sum_k gamma_n^(j,k) sum_i pi'_in^k X_i^k / (1 + tau'_in^k) + alpha_n^j I_n
    I_n      = w_n L_n + sum_j sum_i tau'_ni^j pi'_ni^j X_n^j / (1 + tau'_ni^j) + D_n
    sum_j sum_i pi'_ni^j X_n^j / (1 + tau'_ni^j) - D_n = sum_j sum_i pi'_in^j X_i^j / (1 + tau'_in^j)

(hats on c, P, w and kappa are dropped above: every one is a change relative to the base
data).  Unknowns: the wage changes; prices follow by a contraction, expenditures from the
linear goods-market system, and the wage changes solve the trade balances with scipy's
``root``.  Base inputs are built from the raw files as in the authors' ``script.m``
(gross output raised to exports, final-demand shares clipped at zero and renormalised),
with the two clean-ups the importer documents optionally applied (``clean_io``): negative
input-output coefficients set to zero and every coefficient column rescaled to sum to one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import root

N_TRADABLE = 20


@dataclass
class CPInputs:
    """Base-period data of the CP model, CP's array orientation (importer n, exporter i)."""

    pi: np.ndarray        # (n, i, j) expenditure shares of importer n on exporter i, gross of tariffs
    tau: np.ndarray       # (n, i, j) base tariffs (fractions)
    gamma_va: np.ndarray  # (n, j) value-added share of gross output
    gamma_io: np.ndarray  # (n, k, j) share of input k in gross output of j
    alpha: np.ndarray     # (n, j) final-demand shares
    va: np.ndarray        # (n,) value added w_n L_n
    deficit: np.ndarray   # (n,) data deficits D_n = imports - exports
    theta: np.ndarray     # (j,) trade elasticities
    output: np.ndarray    # (n, j) gross output (after the max with exports)
    tau_2005: np.ndarray  # (n, i, j) 2005 tariffs


def read_inputs(folder: Path, clean_io: bool = True) -> CPInputs:
    """The CP base data from the raw text files in ``folder``."""
    x = np.loadtxt(folder / "xbilat1993.txt") * 1000.0        # thousand USD -> USD
    t93 = np.loadtxt(folder / "tariffs1993.txt") / 100.0
    t05 = np.loadtxt(folder / "tariffs2005.txt") / 100.0
    io = np.loadtxt(folder / "IO.txt")
    b = np.loadtxt(folder / "B.txt")
    go = np.loadtxt(folder / "GO.txt")
    th = np.loadtxt(folder / "T.txt")
    n_c, n_s = go.shape[1], go.shape[0]

    def blocks(a: np.ndarray) -> np.ndarray:      # (20 N, N) -> (n, i, j), zeros for services
        out = np.zeros((n_c, n_c, n_s))
        out[:, :, :N_TRADABLE] = a.reshape(N_TRADABLE, n_c, n_c).transpose(1, 2, 0)
        return out

    imports_world = blocks(x)                      # importer n, exporter i, sector j
    tau, tau05 = blocks(t93), blocks(t05)
    exports = imports_world.sum(axis=0)            # (i, j)
    output = np.maximum(go.T, exports)             # (n, j)
    spend = imports_world * (1.0 + tau)
    idx = np.arange(n_c)
    spend[idx, idx, :] = output - exports          # domestic sales on the diagonal
    total = spend.sum(axis=1)                      # X_n^j
    pi = np.divide(spend, total[:, None, :], out=np.zeros_like(spend), where=total[:, None, :] > 0)
    gamma_io = io.reshape(n_c, n_s, n_s).copy()
    if clean_io:
        gamma_io = np.maximum(gamma_io, 0.0)
        sums = gamma_io.sum(axis=1, keepdims=True)
        gamma_io = np.divide(gamma_io, sums, out=np.zeros_like(gamma_io), where=sums > 0)
    gamma_io = gamma_io * (1.0 - b.T)[:, None, :]
    va_by_sector = output * b.T
    va = va_by_sector.sum(axis=1)
    intermediate = np.einsum("nkj,nj->nk", gamma_io, output)
    world_imports = (spend / (1.0 + tau)).sum(axis=1)     # at world prices, incl. own
    deficit = world_imports.sum(axis=1) - output.sum(axis=1)   # imports - exports
    revenue = (spend * tau / (1.0 + tau)).sum(axis=(1, 2))
    income = va + revenue + deficit
    alpha = np.maximum((total - intermediate) / income[:, None], 0.0)
    alpha /= alpha.sum(axis=1, keepdims=True)
    theta = np.concatenate([th, np.full(n_s - N_TRADABLE, 8.22)])
    return CPInputs(pi=pi, tau=tau, gamma_va=b.T.copy(), gamma_io=gamma_io, alpha=alpha, va=va,
                    deficit=deficit, theta=theta, output=output, tau_2005=tau05)


@dataclass
class Equilibrium:
    """A solution: changes relative to the base data and the implied levels."""

    w_hat: np.ndarray     # (n,)
    c_hat: np.ndarray     # (n, j)
    p_hat: np.ndarray     # (n, j)
    pi: np.ndarray        # (n, i, j)
    spend: np.ndarray     # (n, j) X_n^j
    income: np.ndarray    # (n,)
    tau: np.ndarray       # (n, i, j)

    @property
    def imports(self) -> np.ndarray:
        """Bilateral flows at world (tariff-exclusive) prices, (n importer, i exporter, j)."""
        return self.pi * self.spend[:, None, :] / (1.0 + self.tau)

    def real_income(self, alpha: np.ndarray) -> np.ndarray:
        """I_n / P_n with the Cobb-Douglas price index of final demand."""
        return self.income / np.exp((alpha * np.log(self.p_hat)).sum(axis=1))

    def scaled(self, k: float) -> "Equilibrium":
        """The same real equilibrium with every nominal value multiplied by ``k``."""
        return Equilibrium(self.w_hat * k, self.c_hat * k, self.p_hat * k, self.pi,
                           self.spend * k, self.income * k, self.tau)


def _prices(d: CPInputs, log_w: np.ndarray, log_kappa: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log unit costs and price indices for given log wage changes (a contraction in log P)."""
    log_p = np.zeros_like(d.gamma_va)
    for _ in range(2000):
        log_c = d.gamma_va * log_w[:, None] + np.einsum("nkj,nk->nj", d.gamma_io, log_p)
        z = -d.theta[None, None, :] * (log_kappa + log_c[None, :, :])
        zmax = np.where(d.pi > 0, z, -np.inf).max(axis=1)
        s = np.where(d.pi > 0, d.pi * np.exp(z - zmax[:, None, :]), 0.0).sum(axis=1)
        new = -(zmax + np.log(s)) / d.theta[None, :]
        if np.max(np.abs(new - log_p)) < 1e-15:
            return log_c, new
        log_p = new
    raise RuntimeError("price contraction did not converge")


def _expenditure(d: CPInputs, w_hat: np.ndarray, pi: np.ndarray, tau: np.ndarray,
                 deficit: np.ndarray) -> np.ndarray:
    """X_n^j from the goods-market and income equations, X = A X + b, by fixed-point
    iteration (A: intermediate demand out of sales plus final demand out of tariff revenue;
    its spectral radius is below one, the largest intermediate-plus-tariff share)."""
    share = pi / (1.0 + tau)                                   # world-price share of X_n^j
    rev = (pi * tau / (1.0 + tau)).sum(axis=1)                 # tariff revenue share of X_n^k
    b = d.alpha * (w_hat * d.va + deficit)[:, None]
    x = b.copy()
    for _ in range(5000):
        sales = np.einsum("mnk,mk->nk", share, x)              # gross output of n in sector k
        new = (np.einsum("njk,nk->nj", d.gamma_io, sales)
               + d.alpha * (rev * x).sum(axis=1)[:, None] + b)
        if np.max(np.abs(new - x)) <= 1e-15 * np.max(np.abs(new)):
            return new
        x = new
    raise RuntimeError("expenditure iteration did not converge")


def solve(d: CPInputs, tau_new: np.ndarray, deficit: np.ndarray, w0: np.ndarray | None = None) -> Equilibrium:
    """The equilibrium with tariffs ``tau_new`` and deficits ``deficit`` (base-data dollars),
    normalised so that world value added is unchanged (sum_n w_hat_n w_n L_n = sum_n w_n L_n)."""
    log_kappa = np.log((1.0 + tau_new) / (1.0 + d.tau))
    n_c = d.va.size

    def state(log_w: np.ndarray) -> Equilibrium:
        log_w = log_w - np.log(np.exp(log_w) @ d.va / d.va.sum())   # numeraire: world VA
        w_hat = np.exp(log_w)
        log_c, log_p = _prices(d, log_w, log_kappa)
        z = -d.theta[None, None, :] * (log_kappa + log_c[None, :, :] - log_p[:, None, :])
        pi = np.where(d.pi > 0, d.pi * np.exp(z), 0.0)
        spend = _expenditure(d, w_hat, pi, tau_new, deficit)
        income = w_hat * d.va + (pi * tau_new / (1.0 + tau_new) * spend[:, None, :]).sum(axis=(1, 2)) + deficit
        return Equilibrium(w_hat, np.exp(log_c), np.exp(log_p), pi, spend, income, tau_new)

    def residual(log_w_free: np.ndarray) -> np.ndarray:
        e = state(np.concatenate([log_w_free, [0.0]]))
        m = e.imports
        net = m.sum(axis=(1, 2)) - m.sum(axis=(0, 2)) - deficit     # imports - exports - D
        return net[:-1] / d.va[:-1]                               # the last one holds by Walras

    start = np.zeros(n_c - 1) if w0 is None else np.log(w0[:-1] / w0[-1])
    sol = root(residual, start, method="hybr", options={"xtol": 1e-14})
    e = state(np.concatenate([sol.x, [0.0]]))
    m = e.imports
    net = m.sum(axis=(1, 2)) - m.sum(axis=(0, 2)) - deficit
    if np.max(np.abs(net / d.va)) > 1e-11:
        raise RuntimeError(f"hat-algebra solve failed: trade-balance residual {np.max(np.abs(net / d.va)):.2e}")
    return e


NAFTA = ("Canada", "Mexico", "USA")


def nafta_tariffs(d: CPInputs, countries: tuple[str, ...]) -> np.ndarray:
    """1993 tariffs with the 2005 rates among Canada, Mexico and the USA (CP's experiment)."""
    tau = d.tau.copy()
    k = [countries.index(c) for c in NAFTA]
    for n in k:
        for i in k:
            if n != i:
                tau[n, i, :N_TRADABLE] = d.tau_2005[n, i, :N_TRADABLE]
    return tau


def cp_decomposition(base: Equilibrium, new: Equilibrium) -> tuple[np.ndarray, np.ndarray]:
    """CP's reported welfare decomposition (their eq. 28, terms of trade and volume of trade),
    evaluated as CP's code does: discrete changes in the first-order formula, base flows."""
    c_hat = new.c_hat / base.c_hat
    m0, m1 = base.imports, new.imports                 # (n, i, j)
    exports0 = m0.transpose(1, 0, 2)                   # exports of n to i
    tot = ((exports0 * (c_hat[:, None, :] - 1)).sum(axis=(1, 2))
           - (m0 * (c_hat[None, :, :] - 1)).sum(axis=(1, 2))) / base.income
    ratio = np.divide(m1, m0, out=np.zeros_like(m1), where=m0 > 0)
    vot = (base.tau * m0 * (ratio - c_hat[None, :, :])).sum(axis=(1, 2)) / base.income
    return tot, vot
