"""Solution -> results Dataset: welfare (EV), real GDP, terms of trade, output, trade, spillovers.

All percentage changes are relative to the benchmark.  Definitions (docs/model.md,
"Results"):

- ``ev_usd_million[r]``  equivalent variation at benchmark prices,
  EV = INC/cpi - INCbar (exact: utility is homothetic and benchmark prices are 1);
  ``ev_pct`` = 100 EV / INCbar.
- ``ev_source_usd_million[r, source]`` an exact decomposition of EV by source of the
  regional household's income: for each factor, tariffs, export taxes, quota rents (incl.
  target instruments), output taxes and the trade-balance transfer, the real (CPI-deflated)
  value at the solution minus the benchmark value; the sources sum to EV.
- ``real_gdp_pct[r]``    expenditure-side GDP at benchmark prices: final demand
  quantities at benchmark agent prices plus exports (shipped) minus imports.
- ``tot_pct[r]``         Laspeyres index of export prices received (fob, incl. export
  taxes and quota rents) over import prices paid (cif, before tariffs).
- ``output_pct``, ``exports_pct``, ``imports_pct``, ``bilateral_trade_pct``: quantity
  changes; ``factor_price_pct`` nominal (relative to the numeraire) and
  ``real_factor_price_pct`` deflated by the regional CPI.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import xarray as xr

from cge.model.build import CGEModel
from cge.model.demand import REVENUE_SOURCES


def _v(x: object) -> float:
    return float(pyo.value(x))


def market_share(m: pyo.ConcreteModel, flows: list, market: list, domestic: list,
                 benchmark: bool = False) -> float:
    """Share of ``flows`` in the market (imports, plus domestic sales for total use) at world
    prices; with ``benchmark=True`` at benchmark values (prices 1, data quantities)."""
    def value(k):
        return 1.0 * m.exports_bench[k] if benchmark else _v(m.pcif[k]) * _v(m.exports[k])
    num = sum(value(k) for k in flows)
    den = sum(value(k) for k in market)
    den += sum(m.home_bench[k] if benchmark else _v(m.py[k]) * _v(m.home_sales[k]) for k in domestic)
    return num / den


def collect_results(cgem: CGEModel, attrs: dict[str, object], shocked_regions: list[str],
                    monitors: dict[str, tuple[list, list, list]] | None = None) -> xr.Dataset:
    """Build the results Dataset from the solved Pyomo model.

    ``monitors`` maps a name to the (flows, market, domestic) of a market share to report.
    """
    m, b = cgem.model, cgem.benchmark
    R, S, F = b.regions, b.sectors, b.factors
    ri, si = b.ri, b.si
    nr, ns = len(R), len(S)
    inc_bar = b.income

    inc = np.array([_v(m.inc[r]) * inc_bar[ri[r]] for r in R])
    cpi = np.array([_v(m.cpi[r]) for r in R])
    ev = inc / cpi - inc_bar

    y = np.full((nr, ns), np.nan)
    for (j, r) in m.YJ:
        y[ri[r], si[j]] = _v(m.y[j, r])
    out_bar = b.output.T  # (r, j)

    x_new = np.zeros((ns, nr, nr))
    shipped = np.zeros((ns, nr, nr))
    px = np.zeros((ns, nr, nr))  # fob price received by the exporter per shipped unit
    pc = np.zeros((ns, nr, nr))  # cif price paid per delivered unit, before tariffs
    for (i, s, r) in m.FLOWS:
        k = (si[i], ri[s], ri[r])
        x = _v(m.exports[i, s, r])
        tau = _v(m.tau[i, s, r])
        x_new[k] = x
        shipped[k] = tau * x
        cif = _v(m.pcif[i, s, r])
        pc[k] = cif
        px[k] = cif / tau
    trade = b.trade
    with np.errstate(divide="ignore", invalid="ignore"):
        bilateral = np.where(trade > 0, 100 * (x_new / trade - 1), np.nan)
        exp_bar = trade.sum(axis=2)            # (i, s)
        imp_bar = trade.sum(axis=1)            # (i, r)
        exports_pct = np.where(exp_bar > 0, 100 * (shipped.sum(axis=2) / exp_bar - 1), np.nan).T
        imports_pct = np.where(imp_bar > 0, 100 * (x_new.sum(axis=1) / imp_bar - 1), np.nan).T
        px_idx = (px * trade).sum(axis=(0, 2)) / trade.sum(axis=(0, 2))
        pm_idx = (pc * trade).sum(axis=(0, 1)) / trade.sum(axis=(0, 1))
    tot = 100 * (px_idx / pm_idx - 1)

    gdp_bar = inc_bar + b.trade_balance
    gdp = np.zeros(nr)
    for (i, a, r) in m.ARM:
        if a in b.fd_agents:
            gdp[ri[r]] += _v(m.aq[i, a, r]) * m.pa_bar[i, a, r]
    gdp += shipped.sum(axis=(0, 2)) - x_new.sum(axis=(0, 1))

    fprice = np.full((len(F), nr), np.nan)
    for fk, f in enumerate(F):
        for r in R:
            if (f, r) in m.FR:
                fprice[fk, ri[r]] = _v(m.pf[f, r])
            else:
                vals = [(_v(m.pfs[f, j, r]), b.factor_income[fk, si[j], ri[r]])
                        for (g, j, s) in m.FJS if g == f and s == r]
                if vals:
                    w = sum(v[1] for v in vals)
                    fprice[fk, ri[r]] = sum(v[0] * v[1] for v in vals) / w
    tariff_rev = np.zeros(nr)
    rents = np.zeros(nr)
    rent_rate = np.full((ns, nr, nr), np.nan)
    for (i, s, r) in m.FLOWS:
        k = (si[i], ri[s], ri[r])
        tariff_rev[ri[r]] += _v(m.tm[i, s, r]) * pc[k] * x_new[k]
    for (i, s, r) in m.QUOTA_FLOWS:
        k = (si[i], ri[s], ri[r])
        rate = _v(m.rent[i, s, r])
        rent_rate[k] = 100 * rate
        rents[ri[s]] += rate * _v(m.py[i, s]) * (1 + _v(m.te[i, s, r])) * shipped[k]
    employment = np.array([_v(m.ls[r]) if r in m.LS_REGIONS else 1.0 for r in R])
    sources = list(F) + list(REVENUE_SOURCES) + ["trade_balance"]
    bench_parts = {f: b.factor_income[F.index(f)].sum(axis=0) for f in F}
    bench_parts["tariffs"] = (b.tariff * b.trade).sum(axis=(0, 1))
    new_parts = {f: np.array([_v(m.factor_payments_by[f, r]) for r in R]) for f in F}
    for src in REVENUE_SOURCES:
        new_parts[src] = np.array([_v(m.revenue[src, r]) for r in R])
    new_parts["trade_balance"] = -b.trade_balance * _v(m.pnum)
    bench_parts["trade_balance"] = -b.trade_balance
    ev_source = np.array([new_parts[k] / cpi - bench_parts.get(k, np.zeros(nr)) for k in sources]).T

    data = {
        "ev_usd_million": (("region",), ev),
        "ev_pct": (("region",), 100 * ev / inc_bar),
        "ev_source_usd_million": (("region", "income_source"), ev_source),
        "real_gdp_pct": (("region",), 100 * (gdp / gdp_bar - 1)),
        "tot_pct": (("region",), tot),
        "cpi_pct": (("region",), 100 * (cpi - 1)),
        "employment_pct": (("region",), 100 * (employment - 1)),
        "output_pct": (("region", "sector"), 100 * (y - 1)),
        "exports_pct": (("region", "sector"), exports_pct),
        "imports_pct": (("region", "sector"), imports_pct),
        "bilateral_trade_pct": (("exporter", "importer", "sector"), bilateral.transpose(1, 2, 0)),
        "factor_price_pct": (("factor", "region"), 100 * (fprice - 1)),
        "real_factor_price_pct": (("factor", "region"), 100 * (fprice / cpi[None, :] - 1)),
        "tariff_revenue_usd_million": (("region",), tariff_rev),
        "quota_rent_usd_million": (("region",), rents),
        "quota_rent_rate_pct": (("exporter", "importer", "sector"), rent_rate.transpose(1, 2, 0)),
        "income_usd_million": (("region",), inc_bar),
        "output_usd_million": (("region", "sector"), out_bar),
        "bilateral_trade_usd_million": (("exporter", "importer", "sector"), trade.transpose(1, 2, 0)),
    }
    coords = {"region": R, "sector": S, "exporter": R, "importer": R, "factor": F,
              "income_source": sources}
    if len(m.TARGETS):
        names = [t.name for t in cgem.targets]
        coords["target"] = names
        data["target_share_pct"] = (("target",), [100 * _v(m.target_share[k]) for k in m.TARGETS])
        data["target_benchmark_share_pct"] = (("target",), [100 * cgem.target_benchmark_share[k]
                                                            for k in m.TARGETS])
        data["target_level_pct"] = (("target",), [100 * _v(m.target_level[k]) for k in m.TARGETS])
        data["target_instrument_pct"] = (("target",), [100 * _v(m.tgt[k]) for k in m.TARGETS])
    if monitors:
        coords["monitor"] = list(monitors)
        data["monitor_share_pct"] = (("monitor",), [100 * market_share(m, *v) for v in monitors.values()])
        data["monitor_benchmark_share_pct"] = (("monitor",), [100 * market_share(m, *v, benchmark=True)
                                                              for v in monitors.values()])
    ds = xr.Dataset(data, coords=coords)
    units = {"_usd_million": "USD million (benchmark prices)", "_pct": "percent change from benchmark"}
    for name in ds.data_vars:
        ds[name].attrs["units"] = next(u for suf, u in units.items() if name.endswith(suf))
    ds["quota_rent_rate_pct"].attrs["units"] = "percent ad valorem rent on the quota flow"
    ds["ev_pct"].attrs["units"] = "percent of benchmark regional income"
    ds["income_usd_million"].attrs["units"] = "USD million, benchmark regional income"
    if "target" in ds.coords:
        ds["target_instrument_pct"].attrs["units"] = "percent ad valorem (tariff or quota-rent equivalent)"
        ds["target_share_pct"].attrs["units"] = "percent of the group's imports or use (world prices)"
        ds["target_benchmark_share_pct"].attrs["units"] = ds["target_share_pct"].attrs["units"]
        ds["target_level_pct"].attrs["units"] = ds["target_share_pct"].attrs["units"]
        ds.attrs["target_instruments"] = json.dumps({t.name: t.instrument for t in cgem.targets})
    if "monitor" in ds.coords:
        ds["monitor_share_pct"].attrs["units"] = "percent of the group's imports or use (world prices)"
        ds["monitor_benchmark_share_pct"].attrs["units"] = ds["monitor_share_pct"].attrs["units"]
    ds.attrs.update({k: (json.dumps(v) if isinstance(v, (list, dict)) else v) for k, v in attrs.items()})
    ds.attrs["shocked_regions"] = json.dumps(shocked_regions)
    return ds


def spillover_summary(ds: xr.Dataset) -> pd.DataFrame:
    """Third countries (neither source nor target of any shock): welfare and trade diversion.

    Export changes are quantity changes summed over sectors at benchmark prices,
    to the US, to China, and to all other destinations.
    """
    shocked = set(json.loads(ds.attrs.get("shocked_regions", "[]")))
    regions = [str(r) for r in ds["region"].values]
    third = [r for r in regions if r not in shocked]
    base = ds["bilateral_trade_usd_million"]
    new = base * (1 + ds["bilateral_trade_pct"].fillna(0) / 100)
    rows = []
    for r in third:
        row = {"region": r, "ev_usd_million": float(ds["ev_usd_million"].sel(region=r)),
               "ev_pct": float(ds["ev_pct"].sel(region=r)),
               "real_gdp_pct": float(ds["real_gdp_pct"].sel(region=r))}
        for label, dests in (("USA", ["USA"]), ("CHN", ["CHN"]),
                             ("others", [d for d in regions if d not in ("USA", "CHN", r)])):
            dests = [d for d in dests if d in regions and d != r]
            b0 = float(base.sel(exporter=r, importer=dests).sum()) if dests else 0.0
            b1 = float(new.sel(exporter=r, importer=dests).sum()) if dests else 0.0
            row[f"exports_to_{label}_pct"] = 100 * (b1 / b0 - 1) if b0 > 0 else np.nan
        rows.append(row)
    df = pd.DataFrame(rows)
    if not df.empty:
        df["outcome"] = np.where(df["ev_usd_million"] >= 0, "gains", "loses")
    return df
