"""Balance an almost-balanced external table (`cge data balance`): RAS on each region's use matrix.

An external table often breaks the schema's identities by a little (rounding, a statistical
discrepancy) or has negative cells (inventory changes folded into final demand).  This step
makes it a valid base dataset while keeping the data a user trusts most:

- **kept**: gross output, bilateral trade (off the diagonal), tariff rates and factor income;
  so exports, imports, value added and tariff revenue are as given;
- **moved**: intermediate and final use, domestic and imported.  Negative cells are set to zero
  first; then, region by region, the use matrix valued at agents' prices -- rows (good i,
  domestic) and (good i, imported), columns every using sector j and final-demand agent a --
  is scaled by RAS (biproportional scaling; Stone 1961, Bacharach 1970) to
    row targets     output(i) - exports(i)            (domestic rows)
                    imports(i) x (1 + tbar(i))         (imported rows, tariffs included)
    column targets  output(j) - factor income(j)       (sectors)
                    the rest, split over agents in proportion to their given totals;
  RAS keeps signs and the pattern of zeros and changes each cell by a row factor times a
  column factor, so the structure of the table survives;
- **derived again**: tariffs paid by users (tbar x imported use), tariff revenue, the trade
  balance.

The report lists what moved: cells set to zero, the sum of absolute changes of every variable
as a share of world output, and the largest change with its coordinates.  A table that cannot
be balanced this way (a target below zero, a row or column with a target but no cells, no
convergence) is refused with one line naming where.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from cge.data.external import average_tariff
from cge.data.schema import COMMODITY, EXPORTER, IMPORTER, REGION, SECTOR
from cge.data.validate import check_structure, Tolerance
from cge.errors import CGEInputError

FLOWS = ("output", "int_dom", "int_imp", "fd_dom", "fd_imp", "trade", "factor_income")
USE = ("int_dom", "int_imp", "fd_dom", "fd_imp")
TOLERANCE = 1e-12
MAX_ITERATIONS = 10_000


@dataclass
class BalanceReport:
    """What balancing changed."""

    zeroed: dict[str, dict[str, float]] = field(default_factory=dict)   # var -> {cells, usd_million}
    moved: dict[str, dict[str, object]] = field(default_factory=dict)   # var -> {sum_abs, largest}
    iterations: int = 0
    world_output: float = 0.0

    def lines(self) -> list[str]:
        """The report as readable lines."""
        out = [f"RAS iterations (largest over regions): {self.iterations}"]
        for var, z in self.zeroed.items():
            out.append(f"{var}: {z['cells']:.0f} negative cells set to zero (sum {z['usd_million']:,.3f} USD million)")
        for var, m in self.moved.items():
            big = m["largest"]
            out.append(f"{var}: moved {m['sum_abs_usd_million']:,.3f} USD million in all "
                       f"({m['pct_of_world_output']:.4f}% of world output); largest {big['change']:+,.3f} at "
                       f"{big['at']} ({big['before']:,.3f} -> {big['after']:,.3f})")
        return out

    def as_dict(self) -> dict:
        """JSON-serialisable form (stored in the dataset's ``cleaning`` attribute)."""
        return {"method": "RAS on each region's use matrix at agents' prices (cge.data.balance)",
                "iterations": self.iterations, "negative_cells_zeroed": self.zeroed, "moved": self.moved}


def _ras(m: np.ndarray, rows: np.ndarray, cols: np.ndarray, where: str) -> tuple[np.ndarray, int]:
    """Scale ``m`` (non-negative) to the row and column targets; refuse what cannot be met."""
    for axis, targets, kind in ((1, rows, "row"), (0, cols, "column")):
        empty = (m.sum(axis=axis) <= 0) & (targets > TOLERANCE * max(targets.sum(), 1.0))
        if empty.any():
            raise CGEInputError(f"balance: {where}: {kind} {int(np.argmax(empty))} has a target of "
                                f"{targets[np.argmax(empty)]:.6g} USD million but no entries to scale")
    m = m.copy()
    scale = max(rows.sum(), 1e-300)
    for it in range(1, MAX_ITERATIONS + 1):
        r = m.sum(axis=1)
        m *= np.divide(rows, r, out=np.zeros_like(r), where=r > 0)[:, None]
        c = m.sum(axis=0)
        m *= np.divide(cols, c, out=np.zeros_like(c), where=c > 0)[None, :]
        gap = max(np.abs(m.sum(axis=1) - rows).max(), np.abs(m.sum(axis=0) - cols).max())
        if gap <= TOLERANCE * scale:
            return m, it
    raise CGEInputError(f"balance: {where}: RAS did not converge in {MAX_ITERATIONS} iterations "
                        f"(largest gap {gap:.3g} USD million); the table is too far from balance")


def _where(da: xr.DataArray, k: int) -> str:
    pos = np.unravel_index(k, da.shape)
    return ", ".join(f"{d}={da[d].values[p]}" for d, p in zip(da.dims, pos))


def balance_dataset(ds: xr.Dataset) -> tuple[xr.Dataset, BalanceReport]:
    """A balanced copy of ``ds`` and the report of what moved (see the module docstring)."""
    found = check_structure(ds, Tolerance())
    if found:
        raise CGEInputError(f"balance: {found.message} (balancing needs the schema's structure)")
    out = ds.copy(deep=True)
    report = BalanceReport()
    for var in FLOWS:
        neg = out[var] < 0
        if bool(neg.any()):
            report.zeroed[var] = {"cells": int(neg.sum()), "usd_million": float(out[var].where(neg).sum())}
            out[var] = out[var].clip(min=0.0)
    same = out[EXPORTER].values[:, None] == out[IMPORTER].values[None, :]
    if (out["trade"].values * same[None]).any():
        report.zeroed["trade (diagonal)"] = {"cells": int(((out["trade"].values * same[None]) > 0).sum()),
                                             "usd_million": float((out["trade"].values * same[None]).sum())}
        out["trade"] = out["trade"].where(~xr.DataArray(same, dims=(EXPORTER, IMPORTER)), 0.0)
    trade = out["trade"].transpose(SECTOR, EXPORTER, IMPORTER).values
    rate = out["tariff_rate"].transpose(SECTOR, EXPORTER, IMPORTER).values
    tbar = average_tariff(trade, rate)                                     # (i, r)
    exports, imports = trade.sum(axis=2), trade.sum(axis=1)                # (i, r)
    output = out["output"].transpose(SECTOR, REGION).values
    va = out["factor_income"].sum("factor").transpose(SECTOR, REGION).values
    use = {v: out[v].transpose(COMMODITY, ..., REGION).values.copy() for v in USE}
    ns, na = output.shape[0], use["fd_dom"].shape[1]
    for r, region in enumerate(out[REGION].values):
        dom = np.hstack([use["int_dom"][:, :, r], use["fd_dom"][:, :, r]])
        imp = np.hstack([use["int_imp"][:, :, r], use["fd_imp"][:, :, r]]) * (1.0 + tbar[:, r])[:, None]
        rows = np.concatenate([output[:, r] - exports[:, r], imports[:, r] * (1.0 + tbar[:, r])])
        sector_cols = output[:, r] - va[:, r]
        for name, targets in (("output - exports", rows[:ns]), ("output - factor income", sector_cols)):
            if (targets < -TOLERANCE * max(output[:, r].sum(), 1.0)).any():
                k = int(np.argmin(targets))
                raise CGEInputError(f"balance: region {region}: {name} of sector "
                                    f"{out[SECTOR].values[k]} is {targets[k]:.6g} USD million, below zero")
        rows, sector_cols = np.maximum(rows, 0.0), np.maximum(sector_cols, 0.0)
        final = rows.sum() - sector_cols.sum()
        if final < 0:
            raise CGEInputError(f"balance: region {region}: intermediate costs exceed supply to domestic "
                                f"users by {-final:.6g} USD million; no final demand is left")
        given = np.vstack([dom, imp])[:, ns:].sum(axis=0)
        weights = given / given.sum() if given.sum() > 0 else np.full(na, 1.0 / na)
        cols = np.concatenate([sector_cols, final * weights])
        m, it = _ras(np.vstack([dom, imp]), rows, cols, f"region {region}")
        report.iterations = max(report.iterations, it)
        use["int_dom"][:, :, r], use["fd_dom"][:, :, r] = m[:ns, :ns], m[:ns, ns:]
        imp_world = m[ns:] / (1.0 + tbar[:, r])[:, None]
        use["int_imp"][:, :, r], use["fd_imp"][:, :, r] = imp_world[:, :ns], imp_world[:, ns:]
    world = float(output.sum())
    for v in USE:
        new = xr.DataArray(use[v], dims=out[v].transpose(COMMODITY, ..., REGION).dims).transpose(*out[v].dims)
        change = new.values - ds[v].transpose(*out[v].dims).values
        k = int(np.argmax(np.abs(change)))
        report.moved[v] = {"sum_abs_usd_million": float(np.abs(change).sum()),
                           "pct_of_world_output": 100 * float(np.abs(change).sum()) / world,
                           "largest": {"at": _where(out[v], k), "change": float(change.flat[k]),
                                       "before": float(ds[v].values.flat[k]), "after": float(new.values.flat[k])}}
        out[v] = (out[v].dims, new.values, out[v].attrs)
    tbar_da = xr.DataArray(tbar, dims=(COMMODITY, REGION))
    out["tariff_revenue"] = (out["tariff_revenue"].dims, (out["tariff_rate"] * out["trade"]).values,
                             out["tariff_revenue"].attrs)
    out["int_tariff"] = ((tbar_da * out["int_imp"]).sum(COMMODITY).transpose(*out["int_tariff"].dims)
                         .assign_attrs(out["int_tariff"].attrs))
    out["fd_tariff"] = ((tbar_da * out["fd_imp"]).sum(COMMODITY).transpose(*out["fd_tariff"].dims)
                        .assign_attrs(out["fd_tariff"].attrs))
    net = (out["trade"].sum((SECTOR, IMPORTER)).rename({EXPORTER: REGION})
           - out["trade"].sum((SECTOR, EXPORTER)).rename({IMPORTER: REGION}))
    out["trade_balance"] = (out["trade_balance"].dims, net.transpose(*out["trade_balance"].dims).values,
                            out["trade_balance"].attrs)
    report.world_output = world
    try:
        cleaning = json.loads(out.attrs.get("cleaning", "{}"))
    except ValueError:
        cleaning = {"before_balance": out.attrs.get("cleaning")}
    if not isinstance(cleaning, dict):
        cleaning = {"before_balance": cleaning}
    cleaning["balance"] = report.as_dict()
    out.attrs["cleaning"] = json.dumps(cleaning)
    return out, report
