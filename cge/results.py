"""Solution -> results Dataset: welfare (EV), real GDP, terms of trade, output, trade, spillovers.

Results compare two solved states of one model: the *base* (the benchmark, or a baseline
such as the zero-deficit world of the ``zero`` trade-balance closure) and the *scenario*.
All percentage changes are relative to the base.  Definitions (docs/model.md, "Results";
every variable's long name and units in cge.variables):

- ``ev_usd_million[r]``: equivalent variation at base prices, EV = e(p_base, U) - e(p_base,
  U_base) = INCbar cpi_base (U - U_base); exact, since utility is homothetic.
  ``ev_pct_income`` relative to base income, ``ev_pct_consumption`` to base private
  consumption (the denominator GTAP-based studies report).
- ``ev_source_usd_million[r, source]``: EV by source of the regional household's income
  (each factor, tariffs, export taxes, quota rents, output taxes, the trade-balance
  transfer) -- the real value at the scenario minus the base value -- plus ``allocation``,
  the loss from final-demand shares that differ from the benchmark preferences (zero
  unless a scenario rebalances them); the sources sum to EV.
- ``real_gdp_pct[r]``: expenditure-side GDP at benchmark prices (final demand quantities
  at benchmark agent prices plus shipped exports minus delivered imports).
- ``tot_pct[r]``: Laspeyres index of export prices received (fob, incl. export taxes and
  exporter-side rents) over import prices paid (cif, before tariffs), benchmark weights.
- quantity and value changes of output, exports, imports (the import *composite* and,
  separately named, the sum of source quantities) and bilateral flows; factor prices
  (nominal and CPI-deflated); tariff revenue and quota rents.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd
import xarray as xr

from cge.model.algebra import values
from cge.model.build import CGEModel
from cge.model.demand import REVENUE_SOURCES, utility
from cge.variables import attach_metadata


@dataclass
class State:
    """A solved point of a model: unknowns ``x`` and parameters ``p``."""

    x: np.ndarray
    p: np.ndarray


def state_terms(cgem: CGEModel, st: State) -> SimpleNamespace:
    """Every intermediate quantity at a state, as numbers on labelled axes."""
    _, e = cgem.evaluate(st.x, st.p)
    v = cgem.variables.split(np.asarray(st.x, float))
    q = cgem.parameters.split(np.asarray(st.p, float))
    s, b = cgem.sets, cgem.benchmark
    nr, ns, nf = s.nr, s.ns, len(b.factors)
    out = SimpleNamespace(v=v, q=q)
    out.inc = values(v.inc) * cgem.demand.income_bar
    out.cpi = values(e.cpi)
    out.utility = values(utility(cgem.demand, v, q))
    yj, fl = s.yj, s.flows
    out.y = np.full((nr, ns), np.nan)
    out.y[yj["r"], yj["j"]] = v.y
    out.py = np.full((nr, ns), np.nan)
    out.py[yj["r"], yj["j"]] = v.py
    t = e.trade

    def cube(vec: np.ndarray, fill: float = 0.0) -> np.ndarray:
        arr = np.full((ns, nr, nr), fill)
        arr[fl["i"], fl["s"], fl["r"]] = values(vec)
        return arr
    out.exports = cube(t.exports)
    out.shipped = cube(t.shipped)
    out.pcif = cube(t.pcif)
    out.fob = cube(t.fob)
    out.tm = cube(q.tm, np.nan)
    out.te = cube(q.te, np.nan)
    out.tau = cube(q.tau, 1.0)
    tgt_tariff = np.zeros(len(fl))
    td = cgem.target_data
    for f, k in zip(td.m_flow, td.m_target):
        if cgem.targets[k].instrument == "import_tariff":
            tgt_tariff[f] = v.tgt[k]
    out.tariff_applied = cube((1.0 + q.tm) * (1.0 + tgt_tariff) - 1.0, np.nan)
    out.avail = cube(q.avail, 1.0)
    out.quota = np.full((ns, nr, nr), np.nan)
    qflow = cgem.trade.quota_flow
    out.quota[fl["i"][qflow], fl["s"][qflow], fl["r"][qflow]] = values(q.quota)

    def grid(vec: np.ndarray) -> np.ndarray:
        arr = np.full((nr, ns), np.nan)
        arr[yj["r"], yj["j"]] = values(vec)
        return arr
    out.to, out.prod, out.prod_va = grid(q.to), grid(q.prod), grid(q.prod_va)
    out.rent_rate = np.full((ns, nr, nr), np.nan)
    qf = cgem.trade.quota_flow
    out.rent_rate[fl["i"][qf], fl["s"][qf], fl["r"][qf]] = v.rent
    out.im = np.full((nr, ns), np.nan)
    out.im[s.mi["r"], s.mi["i"]] = v.im
    arm = s.arm
    final = cgem.demand.final_arm
    out.final_value = np.bincount(arm["r"][final], weights=values(e.aq)[final] * cgem.armington.pa_bar[final],
                                  minlength=nr)
    out.factor_pay = values(e.factor_pay).reshape(nf, nr)
    fprice = np.full((nf, nr), np.nan)
    fr, fjs = s.fr, s.fjs
    fprice[fr["f"], fr["r"]] = v.pf
    if len(fjs):
        w = cgem.factors.fjs_bar
        num = np.zeros((nf, nr))
        den = np.zeros((nf, nr))
        np.add.at(num, (fjs["f"], fjs["r"]), v.pfs * w)
        np.add.at(den, (fjs["f"], fjs["r"]), w)
        has = den > 0
        fprice[has] = num[has] / den[has]
    out.factor_price = fprice
    out.employment = np.ones(nr)
    out.employment[cgem.factors.ls_regions] = v.ls
    out.revenue = {"tariffs": values(e.tariffs), "export_taxes": values(e.export_taxes),
                   "quota_rents": values(e.quota_rents), "output_taxes": values(e.output_taxes)}
    out.trade_balance = values(e.trade_balance)
    out.fd_share = q.fd_share
    out.target_share = values(e.target_share) if len(cgem.targets) else np.zeros(0)
    out.home = values(e.home)
    return out


def market_share(cgem: CGEModel, t: SimpleNamespace, flows: list, market: list, domestic: list) -> float:
    """Share of ``flows`` in the market (imports, plus domestic sales for total use) at world
    prices."""
    b = cgem.benchmark

    def value(k: tuple) -> float:
        i, s, r = b.si[k[0]], b.ri[k[1]], b.ri[k[2]]
        return float(t.pcif[i, s, r] * t.exports[i, s, r])
    num = sum(value(k) for k in flows)
    den = sum(value(k) for k in market)
    for (i, r) in domestic:
        j = cgem.sets.yj_of[b.si[i], b.ri[r]]
        den += float(t.py[b.ri[r], b.si[i]] * t.home[j])
    return num / den


def _pct(new: np.ndarray, old: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.abs(old) > 0, 100.0 * (new / old - 1.0), np.nan)


#: Dataset attributes copied to the results: what each region and sector label means, so
#: that reports can tell when one label means different things in two datasets.
DEFINITION_ATTRS: tuple[str, ...] = ("region_mapping", "sector_mapping", "split_parents",
                                     "region_names", "sector_names")


# Results that are changes between base and scenario (subtotals apply to these; the others
# are levels, e.g. benchmark values or applied rates).
CHANGE_VARIABLES: tuple[str, ...] = (
    "ev_usd_million", "ev_pct_income", "ev_pct_consumption", "ev_source_usd_million", "real_gdp_pct",
    "tot_pct", "cpi_pct", "employment_pct", "output_pct", "output_value_pct", "producer_price_pct",
    "exports_pct", "imports_pct", "imports_variety_sum_pct", "imports_value_pct", "bilateral_trade_pct",
    "bilateral_trade_value_pct", "factor_price_pct", "real_factor_price_pct",
)


def result_arrays(cgem: CGEModel, t0: SimpleNamespace, t1: SimpleNamespace,
                  p_new: np.ndarray) -> dict[str, tuple[tuple[str, ...], np.ndarray]]:
    """Every results variable (dims, values) of the state with terms ``t1`` against the base
    with terms ``t0`` (see :func:`state_terms`)."""
    b, s = cgem.benchmark, cgem.sets
    F = b.factors
    inc_bar = cgem.demand.income_bar
    ev = inc_bar * t0.cpi * (t1.utility - t0.utility)
    private = b.private_agent
    hh = b.ai.get(private, -1) if private is not None else -1
    fda = s.fda
    cons0 = np.full(len(b.regions), np.nan)
    if hh >= 0:
        mask = fda["a"] == hh
        cons0[fda["r"][mask]] = t0.fd_share[mask] * t0.inc[fda["r"][mask]]

    # EV by source of income (real value at the scenario minus the base value)
    sources = list(F) + list(REVENUE_SOURCES) + ["trade_balance", "allocation"]
    parts0 = {f: t0.factor_pay[k] for k, f in enumerate(F)} | t0.revenue | {"trade_balance": -t0.trade_balance}
    parts1 = {f: t1.factor_pay[k] for k, f in enumerate(F)} | t1.revenue | {"trade_balance": -t1.trade_balance}
    ev_source = np.array([t0.cpi * parts1[k] / t1.cpi - parts0[k] for k in sources[:-1]])
    ev_source = np.vstack([ev_source, ev - ev_source.sum(axis=0)]).T

    # real GDP at benchmark prices
    def gdp(t: SimpleNamespace) -> np.ndarray:
        return t.final_value + t.shipped.sum(axis=(0, 2)) - t.exports.sum(axis=(0, 1))
    w = b.trade

    def tot(t: SimpleNamespace) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            px = (t.fob / t.tau * w).sum(axis=(0, 2)) / w.sum(axis=(0, 2))
            pm = (t.pcif * w).sum(axis=(0, 1)) / w.sum(axis=(0, 1))
        return px / pm
    with np.errstate(invalid="ignore"):
        out_val0 = t0.py * t0.y * b.output.T
        out_val1 = t1.py * t1.y * b.output.T
    live = b.trade > 0

    def bil(x: np.ndarray) -> np.ndarray:
        return np.where(live, x, np.nan).transpose(1, 2, 0)
    data = {
        "ev_usd_million": (("region",), ev),
        "ev_pct_income": (("region",), 100 * ev / t0.inc),
        "ev_pct_consumption": (("region",), 100 * ev / cons0),
        "ev_source_usd_million": (("region", "income_source"), ev_source),
        "real_gdp_pct": (("region",), _pct(gdp(t1), gdp(t0))),
        "tot_pct": (("region",), _pct(tot(t1), tot(t0))),
        "cpi_pct": (("region",), _pct(t1.cpi, t0.cpi)),
        "employment_pct": (("region",), _pct(t1.employment, t0.employment)),
        "income_usd_million": (("region",), t0.inc),
        "private_consumption_usd_million": (("region",), cons0),
        "tariff_revenue_usd_million": (("region",), t1.revenue["tariffs"]),
        "tariff_revenue_benchmark_usd_million": (("region",), t0.revenue["tariffs"]),
        "quota_rent_usd_million": (("region",), t1.revenue["quota_rents"]),
        "output_pct": (("region", "sector"), _pct(t1.y, t0.y)),
        "output_value_pct": (("region", "sector"), _pct(out_val1, out_val0)),
        "output_usd_million": (("region", "sector"), out_val0),
        "producer_price_pct": (("region", "sector"), _pct(t1.py, t0.py)),
        "exports_pct": (("region", "sector"), _pct(t1.shipped.sum(axis=2).T, t0.shipped.sum(axis=2).T)),
        "imports_pct": (("region", "sector"), _pct(t1.im, t0.im)),
        "imports_variety_sum_pct": (("region", "sector"), _pct(t1.exports.sum(axis=1).T, t0.exports.sum(axis=1).T)),
        "imports_value_pct": (("region", "sector"), _pct((t1.pcif * t1.exports).sum(axis=1).T,
                                                          (t0.pcif * t0.exports).sum(axis=1).T)),
        "bilateral_trade_pct": (("exporter", "importer", "sector"), bil(_pct(t1.exports, t0.exports))),
        "bilateral_trade_value_pct": (("exporter", "importer", "sector"),
                                      bil(_pct(t1.pcif * t1.exports, t0.pcif * t0.exports))),
        "bilateral_trade_usd_million": (("exporter", "importer", "sector"), bil(t0.pcif * t0.exports)),
        "tariff_benchmark_pct": (("exporter", "importer", "sector"), bil(100 * t0.tariff_applied)),
        "tariff_pct": (("exporter", "importer", "sector"), bil(100 * t1.tariff_applied)),
        "export_tax_benchmark_pct": (("exporter", "importer", "sector"), bil(100 * t0.te)),
        "export_tax_pct": (("exporter", "importer", "sector"), bil(100 * t1.te)),
        "iceberg_cost_benchmark_pct": (("exporter", "importer", "sector"), bil(100 * (t0.tau - 1.0))),
        "iceberg_cost_pct": (("exporter", "importer", "sector"), bil(100 * (t1.tau - 1.0))),
        "export_quota_pct": (("exporter", "importer", "sector"), (100 * t1.quota).transpose(1, 2, 0)),
        "export_banned": (("exporter", "importer", "sector"), bil((t1.avail == 0).astype(float))),
        "quota_rent_rate_pct": (("exporter", "importer", "sector"), (100 * t1.rent_rate).transpose(1, 2, 0)),
        "output_tax_benchmark_pct": (("region", "sector"), 100 * t0.to),
        "output_tax_pct": (("region", "sector"), 100 * t1.to),
        "productivity_pct": (("region", "sector"), _pct(t1.prod, t0.prod)),
        "productivity_va_pct": (("region", "sector"), _pct(t1.prod_va, t0.prod_va)),
        "factor_price_pct": (("factor", "region"), _pct(t1.factor_price, t0.factor_price)),
        "real_factor_price_pct": (("factor", "region"),
                                  _pct(t1.factor_price / t1.cpi[None, :], t0.factor_price / t0.cpi[None, :])),
    }
    if len(cgem.targets):
        data["target_share_pct"] = (("target",), 100 * t1.target_share)
        data["target_benchmark_share_pct"] = (("target",), 100 * cgem.target_benchmark_share)
        data["target_level_pct"] = (("target",), 100 * np.asarray(p_new)[cgem.parameters.slice("target_level")])
        data["target_instrument_pct"] = (("target",), 100 * t1.v.tgt)
    return data


def collect_results(cgem: CGEModel, base: State, new: State, attrs: dict[str, object],
                    shocked_regions: list[str],
                    monitors: dict[str, tuple[list, list, list]] | None = None) -> xr.Dataset:
    """The results Dataset of ``new`` against ``base``.

    ``monitors`` maps a name to the (flows, market, domestic) of a market share to report.
    """
    b = cgem.benchmark
    t0, t1 = state_terms(cgem, base), state_terms(cgem, new)
    data = result_arrays(cgem, t0, t1, new.p)
    coords = {"region": b.regions, "sector": b.sectors, "exporter": b.regions, "importer": b.regions,
              "factor": b.factors, "income_source": list(b.factors) + list(REVENUE_SOURCES)
              + ["trade_balance", "allocation"]}
    if len(cgem.targets):
        coords["target"] = [t.name for t in cgem.targets]
    if monitors:
        coords["monitor"] = list(monitors)
        data["monitor_share_pct"] = (("monitor",), [100 * market_share(cgem, t1, *m) for m in monitors.values()])
        data["monitor_benchmark_share_pct"] = (("monitor",), [100 * market_share(cgem, t0, *m)
                                                              for m in monitors.values()])
    ds = attach_metadata(xr.Dataset(data, coords=coords))
    if "target" in ds.coords:
        ds.attrs["target_instruments"] = json.dumps({t.name: t.instrument for t in cgem.targets})
    ds.attrs.update({k: (json.dumps(v) if isinstance(v, (list, dict)) else v) for k, v in attrs.items()})
    ds.attrs["shocked_regions"] = json.dumps(shocked_regions)
    for key in DEFINITION_ATTRS:
        if key in b.dataset_attrs and key not in ds.attrs:
            ds.attrs[key] = b.dataset_attrs[key]
    ds.attrs["region_order"] = json.dumps(list(b.regions))
    ds.attrs["sector_order"] = json.dumps(list(b.sectors))
    return ds



def spillover_summary(ds: xr.Dataset) -> pd.DataFrame:
    """Third countries (neither source nor target of any shock): welfare and trade diversion.

    Export changes are quantity changes summed over sectors at benchmark prices, to each
    shocked region and to all other destinations.
    """
    shocked = [r for r in json.loads(ds.attrs.get("shocked_regions", "[]"))]
    regions = [str(r) for r in ds["region"].values]
    third = [r for r in regions if r not in shocked]
    base = ds["bilateral_trade_usd_million"].fillna(0)
    new = base * (1 + ds["bilateral_trade_pct"].fillna(0) / 100)
    ev_pct = "ev_pct_income" if "ev_pct_income" in ds else "ev_pct"
    rows = []
    for r in third:
        row = {"region": r, "ev_usd_million": float(ds["ev_usd_million"].sel(region=r)),
               "ev_pct_income": float(ds[ev_pct].sel(region=r)),
               "real_gdp_pct": float(ds["real_gdp_pct"].sel(region=r))}
        for label, dests in [(d, [d]) for d in shocked if d in regions] + [
                ("others", [d for d in regions if d not in shocked and d != r])]:
            dests = [d for d in dests if d != r]
            b0 = float(base.sel(exporter=r, importer=dests).sum()) if dests else 0.0
            b1 = float(new.sel(exporter=r, importer=dests).sum()) if dests else 0.0
            row[f"exports_to_{label}_pct"] = 100 * (b1 / b0 - 1) if b0 > 0 else np.nan
        rows.append(row)
    df = pd.DataFrame(rows)
    if not df.empty:
        df["outcome"] = np.where(df["ev_usd_million"] >= 0, "gains", "loses")
    return df
