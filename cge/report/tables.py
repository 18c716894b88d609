"""Comparison tables across scenarios (the writers are in :mod:`.writers` and :mod:`.latex`).

Each table is a :class:`Table`: a DataFrame of numbers with a caption, its units, the note
for a reader and the number of decimals to print.  Rows keep the datasets' region and
sector order; scenario columns keep the order in which results were given and are shown
by their titles.  Paper tables are written in every format; long tables (every flow, every
sector) only to CSV and XLSX, where they can be filtered.

Aggregating bilateral trade or tariffs over sectors uses base values as weights, so the
total change is a fixed-weight (Laspeyres) index: ``sum_s V0[s] * x[s] / sum_s V0[s]``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from cge.report.notes import SCENARIO, long_name, note_text, scenario_attr, scenarios, titles, units

WORLD = "World"
#: Rows of the key bilateral-flows and tariff tables.
TOP_PAIRS = 12
#: Welfare components smaller than this (USD million) in every cell are left out of tables.
MIN_COMPONENT = 0.5
COMPONENT_LABELS: dict[str, str] = {
    "import_tariffs": "import tariffs", "export_taxes": "export taxes", "output_taxes": "output taxes",
    "quota_rents": "quota rents", "target_instruments": "target instruments",
    "terms_of_trade": "terms of trade", "trade_balance": "trade balance", "rent_transfers": "rent transfers",
    "endowments": "endowments", "productivity": "productivity", "iceberg_costs": "trade costs",
    "dissipated_rents": "dissipated rents", "availability": "availability", "allocation": "allocation",
}


@dataclass(frozen=True)
class Table:
    """One comparison table with what a reader needs to interpret it.

    ``frame`` holds numbers; its columns are scenario names or measures, shown through
    ``labels`` (scenario titles); ``decimals`` is one number for every column or one per column.
    """

    name: str
    title: str
    units: str
    note: str
    frame: pd.DataFrame
    decimals: int | dict[str, int] = 2
    paper: bool = True
    labels: dict[str, str] = field(default_factory=dict)

    def decimals_of(self, column: object) -> int:
        """Decimals to print in a column."""
        if isinstance(self.decimals, int):
            return self.decimals
        return self.decimals.get(str(column), 2)

    def label(self, value: object) -> str:
        """Display label of a column or row value (scenario titles for names)."""
        return self.labels.get(str(value), str(value))


def _subset(ds: xr.Dataset, names: list[str]) -> xr.Dataset:
    return ds.sel({SCENARIO: names})


def _table(ds: xr.Dataset, name: str, title: str, unit: str, frame: pd.DataFrame, **kw) -> Table:  # noqa: ANN003
    return Table(name, title, unit, note_text(ds), frame, labels=titles(ds), **kw)


def _by_region(ds: xr.Dataset, variable: str) -> pd.DataFrame:
    """A region x scenario frame, regions in dataset order, scenarios as given."""
    da = ds[variable].transpose("region", SCENARIO)
    frame = pd.DataFrame(da.values, index=pd.Index([str(r) for r in da["region"].values], name="region"),
                         columns=scenarios(ds))
    return frame.astype(float)


def welfare_usd_table(ds: xr.Dataset) -> Table:
    """Equivalent variation by region (rows) and scenario (columns); World = sum."""
    frame = _by_region(ds, "ev_usd_million")
    frame.loc[WORLD] = frame.sum(axis=0, min_count=1)
    return _table(ds, "welfare_ev_usd", "Welfare effects by region (equivalent variation)",
                  units(ds, "ev_usd_million"), frame, decimals=0)


def welfare_pct_table(ds: xr.Dataset) -> Table:
    """EV as % of base regional income; World = world EV / world base income."""
    frame = _by_region(ds, "ev_pct_income")
    world = ds["ev_usd_million"].sum("region", min_count=1) / ds["income_usd_million"].sum("region") * 100
    frame.loc[WORLD] = world.sel({SCENARIO: frame.columns}).values
    return _table(ds, "welfare_ev_pct", "Welfare effects by region, relative to income",
                  units(ds, "ev_pct_income") + "; World: world EV over world income", frame)


def real_gdp_table(ds: xr.Dataset) -> Table:
    """Real GDP change by region and scenario."""
    return _table(ds, "real_gdp", long_name(ds, "real_gdp_pct") + " by region",
                  units(ds, "real_gdp_pct"), _by_region(ds, "real_gdp_pct"))


def terms_of_trade_table(ds: xr.Dataset) -> Table:
    """Terms-of-trade change by region and scenario."""
    return _table(ds, "terms_of_trade", long_name(ds, "tot_pct") + " by region",
                  units(ds, "tot_pct"), _by_region(ds, "tot_pct"))


def weighted_over_sectors(ds: xr.Dataset, variable: str) -> xr.DataArray:
    """A bilateral variable averaged over sectors with base trade values as weights."""
    base = ds["bilateral_trade_usd_million"]
    total = base.sum("sector")
    return (base * ds[variable]).sum("sector") / total.where(total > 0)


def bilateral_total_pct(ds: xr.Dataset) -> xr.DataArray:
    """Change in total bilateral trade over all sectors, % (base-value weights)."""
    return weighted_over_sectors(ds, "bilateral_trade_pct").rename("bilateral_trade_total_pct")


def key_pairs(ds: xr.Dataset, top: int = TOP_PAIRS) -> list[tuple[str, str]]:
    """The ``top`` exporter -> importer pairs with the largest absolute change in USD in any
    scenario, largest first (a region's trade with itself excluded)."""
    base = ds["bilateral_trade_usd_million"].sum("sector")
    change = abs(bilateral_total_pct(ds) * base / 100)
    if SCENARIO in change.dims:
        change = change.max(SCENARIO)
    ranked = change.to_series().dropna().sort_values(ascending=False, kind="stable")
    return [pair for pair in ranked.index if pair[0] != pair[1]][:top]


def _pair_frame(da: xr.DataArray, pairs: list[tuple[str, str]], names: list[str]) -> pd.DataFrame:
    rows = [[float(da.sel({SCENARIO: s, "exporter": e, "importer": i})) for s in names] for e, i in pairs]
    index = pd.MultiIndex.from_tuples(pairs, names=["exporter", "importer"])
    return pd.DataFrame(rows, index=index, columns=names)


def _first(da: xr.DataArray) -> xr.DataArray:
    """The values of the first scenario holding them (base values are shared)."""
    if SCENARIO not in da.dims:
        return da
    out = da.isel({SCENARIO: 0})
    for k in range(1, da.sizes[SCENARIO]):
        out = out.fillna(da.isel({SCENARIO: k}))
    return out


def bilateral_pairs_table(ds: xr.Dataset, pairs: list[tuple[str, str]] | None = None) -> Table:
    """Total bilateral trade change (all sectors) for the key exporter -> importer pairs."""
    pairs = list(pairs) if pairs is not None else key_pairs(ds)
    frame = _pair_frame(bilateral_total_pct(ds), pairs, scenarios(ds))
    base = _first(ds["bilateral_trade_usd_million"].sum("sector", min_count=1))
    frame.insert(0, "base", [float(base.sel(exporter=e, importer=i)) for e, i in pairs])
    return Table("bilateral_trade", "Bilateral trade, all sectors: the flows that change most",
                 "base value in USD million; changes in % of the base quantity (base-value weights over "
                 "sectors)", note_text(ds), frame, decimals={"base": 0},
                 labels=titles(ds) | {"base": "base (USD million)"})


def tariff_table(ds: xr.Dataset, top: int = TOP_PAIRS) -> Table:
    """Applied import tariffs before and after, averaged over sectors with base trade weights,
    for the pairs whose tariff changes most."""
    post = weighted_over_sectors(ds, "tariff_pct")
    pre = weighted_over_sectors(ds, "tariff_benchmark_pct")
    change = abs(post - pre).max(SCENARIO).to_series().dropna()
    pairs = [p for p in change[change > 0.005].sort_values(ascending=False, kind="stable").index
             if p[0] != p[1]][:top]
    frame = _pair_frame(post, pairs, scenarios(ds))
    frame.insert(0, "base", [float(_first(pre).sel(exporter=e, importer=i)) for e, i in pairs])
    return Table("tariffs", "Applied import tariffs before and after, all sectors",
                 "% ad valorem, base-trade weighted over sectors; base rate, then the post-shock rate of "
                 "each scenario", note_text(ds), frame, labels=titles(ds) | {"base": "base rate"})


def focus_regions(ds: xr.Dataset, most: int = 3) -> list[str]:
    """The regions a comparison is about: those shocked in the most scenarios (at most
    ``most``, in dataset order)."""
    regions = [str(r) for r in ds["region"].values]
    counts = dict.fromkeys(regions, 0)
    for s in scenarios(ds):
        for r in json.loads(scenario_attr(ds, "shocked_regions", s) or "[]"):
            if r in counts:
                counts[r] += 1
    ranked = sorted(regions, key=lambda r: -counts[r])[:most]
    ranked = [r for r in ranked if counts[r] > 0] or regions[:2]
    return [r for r in regions if r in ranked]


def sector_output_table(ds: xr.Dataset) -> Table:
    """Real output by sector in the focus regions (rows region, sector; columns scenarios)."""
    regions = focus_regions(ds)
    da = ds["output_pct"].sel(region=regions).transpose("region", "sector", SCENARIO)
    frame = da.to_dataframe(name="v")["v"].unstack(SCENARIO)[scenarios(ds)]
    held = frame.notna().any(axis=1)
    frame.columns.name = None
    return _table(ds, "sector_output", f"Real output by sector in {', '.join(regions)}",
                  units(ds, "output_pct"), frame[held])


def spillover_table(ds: xr.Dataset) -> Table:
    """Third countries of each scenario (regions neither source nor target of any of its
    shocks): welfare, real GDP and exports to the regions that scenario shocks and to others."""
    from cge.results import spillover_summary

    parts = {}
    for s in scenarios(ds):
        one = ds.sel({SCENARIO: s})
        one.attrs = {**ds.attrs, "shocked_regions": scenario_attr(ds, "shocked_regions", s) or "[]"}
        frame = _spillovers(one, spillover_summary)
        if not frame.empty:
            parts[s] = frame
    frame = (pd.concat(parts, names=[SCENARIO]) if parts
             else pd.DataFrame(columns=list(SPILLOVER_COLUMNS.values()),
                               index=pd.MultiIndex.from_tuples([], names=[SCENARIO, "region"])))
    shocked = {titles(ds)[s]: ", ".join(json.loads(scenario_attr(ds, "shocked_regions", s) or "[]"))
               for s in scenarios(ds)}
    listed = "; ".join(f"{t}: {r}" for t, r in shocked.items() if r)
    return Table("spillovers", "Third-country effects: regions a scenario does not shock",
                 "EV in USD million and % of base income; real GDP and exports in % change of quantity",
                 f"Shocked regions (source or target of a shock) - {listed}. " + note_text(ds),
                 frame.astype(float), decimals={"EV (USD million)": 0}, labels=titles(ds))


SPILLOVER_COLUMNS = {"ev_usd_million": "EV (USD million)", "ev_pct_income": "EV (% of income)",
                     "real_gdp_pct": "real GDP", "exports_to_shocked_pct": "exports to shocked regions",
                     "exports_to_others_pct": "exports to other regions"}


def _spillovers(one: xr.Dataset, summary) -> pd.DataFrame:  # noqa: ANN001 (cge.results.spillover_summary)
    """One scenario's third countries, with exports to all its shocked regions together."""
    frame = summary(one)
    if frame.empty:
        return frame
    shocked = [r for r in json.loads(one.attrs["shocked_regions"]) if r in one["region"].values]
    base = one["bilateral_trade_usd_million"].fillna(0).sum("sector")
    new = (one["bilateral_trade_usd_million"].fillna(0) * (1 + one["bilateral_trade_pct"].fillna(0) / 100)).sum("sector")
    to_shocked = []
    for r in frame["region"]:
        b0, b1 = float(base.sel(exporter=r, importer=shocked).sum()), float(new.sel(exporter=r, importer=shocked).sum())
        to_shocked.append(100 * (b1 / b0 - 1) if b0 > 0 else np.nan)
    frame["exports_to_shocked_pct"] = to_shocked
    return frame.set_index("region")[list(SPILLOVER_COLUMNS)].rename(columns=SPILLOVER_COLUMNS)


def _with(ds: xr.Dataset, variable: str) -> list[str]:
    """Scenarios that hold a variable (e.g. the welfare decomposition)."""
    if variable not in ds:
        return []
    other = [d for d in ds[variable].dims if d != SCENARIO]
    held = ds[variable].notnull().any(other) if other else ds[variable].notnull()
    return [s for s, h in zip(scenarios(ds), held.values) if h]


def _by_scenario_and_region(sub: xr.Dataset, name: str, column: str, names: list[str]) -> pd.DataFrame:
    """``sub[name]`` as a frame: rows (scenario, region) in the given scenario order and the
    dataset's region order, one column per value of the dimension ``column``."""
    da = sub[name].transpose(SCENARIO, "region", column)
    frame = da.to_dataframe(name="v")["v"].unstack(column)
    return frame.reindex(pd.MultiIndex.from_product([names, [str(r) for r in sub["region"].values]],
                                                    names=[SCENARIO, "region"]))


def decomposition_table(ds: xr.Dataset) -> Table | None:
    """Welfare decomposition: rows (scenario, region), columns components and EV."""
    names = _with(ds, "ev_component_usd_million")
    if not names:
        return None
    sub = _subset(ds, names)
    frame = _by_scenario_and_region(sub, "ev_component_usd_million", "ev_component", names)
    keep = [c for c in (str(x) for x in sub["ev_component"].values) if (frame[c].abs() >= MIN_COMPONENT).any()]
    frame = frame[keep].rename(columns=COMPONENT_LABELS)
    frame["EV"] = sub["ev_usd_million"].transpose(SCENARIO, "region").values.ravel()
    frame.columns.name = None
    return Table("welfare_decomposition", "Welfare decomposition by region",
                 units(ds, "ev_component_usd_million") + "; components sum to EV",
                 _decomposition_note(sub), frame, decimals=0, labels=titles(sub))


def subtotal_table(ds: xr.Dataset) -> Table | None:
    """Welfare by shock group (subtotals): rows (scenario, region), columns groups and EV, for
    scenarios with two or more groups (one group is the total)."""
    names = _with(ds, "subtotal_ev_usd_million")
    if names:
        groups = ds["subtotal_ev_usd_million"].sel({SCENARIO: names}).notnull().any("region").sum("subtotal")
        names = [s for s, n in zip(names, groups.values) if n >= 2]
    if not names:
        return None
    sub = _subset(ds, names)
    groups = [str(g) for g in sub["subtotal"].values]
    da = sub["subtotal_ev_usd_million"].transpose(SCENARIO, "region", "subtotal")
    frame = pd.DataFrame(da.values.reshape(-1, len(groups)), columns=groups,
                         index=pd.MultiIndex.from_product([names, [str(r) for r in sub["region"].values]],
                                                          names=[SCENARIO, "region"]))
    frame = frame.loc[:, frame.notna().any()]
    frame["EV"] = sub["ev_usd_million"].transpose(SCENARIO, "region").values.ravel()
    return Table("welfare_subtotals", "Welfare by group of shocks (subtotals)",
                 units(ds, "subtotal_ev_usd_million") + "; groups sum to EV",
                 _decomposition_note(sub), frame, decimals=0, labels=titles(sub))


def _decomposition_note(ds: xr.Dataset) -> str:
    errors = [scenario_attr(ds, "decomposition_error_usd_million", s) for s in scenarios(ds)]
    worst = max((float(e) for e in errors if e not in (None, "", "nan")), default=float("nan"))
    return (f"Path integration along the scenario's instruments (docs/decomposition.md); largest "
            f"integration error {worst:.2g} USD million. " + note_text(ds))


def ssa_table(ds: xr.Dataset) -> Table | None:
    """Sensitivity analysis: EV (% of income) mean, std and interval by region."""
    names = [s for s in _with(ds, "ssa_ev_pct_income")]
    if not names:
        return None
    sub = _subset(ds, names)
    frame = _by_scenario_and_region(sub, "ssa_ev_pct_income", "statistic", names)
    frame.columns.name = None
    return Table("sensitivity", "Welfare: systematic sensitivity analysis", units(ds, "ev_pct_income"),
                 note_text(sub), frame, labels=titles(sub) | {
                     "normal_lo": "normal 95% low", "normal_hi": "normal 95% high",
                     "chebyshev_lo": "Chebyshev 95% low", "chebyshev_hi": "Chebyshev 95% high"})


def bilateral_long_table(ds: xr.Dataset) -> Table:
    """Every bilateral flow by sector: base value, change, tariffs before and after."""
    frame = xr.Dataset({
        "base_usd_million": ds["bilateral_trade_usd_million"],
        "change_pct": ds["bilateral_trade_pct"],
        "change_usd_million": ds["bilateral_trade_usd_million"] * ds["bilateral_trade_pct"] / 100,
        "tariff_base_pct": ds["tariff_benchmark_pct"], "tariff_post_pct": ds["tariff_pct"],
    }).to_dataframe()
    frame = frame[frame["base_usd_million"] > 0]
    frame = frame.reorder_levels([SCENARIO, "exporter", "importer", "sector"])
    frame = _in_order(frame, ds, [SCENARIO, "exporter", "importer", "sector"])
    return Table("bilateral_trade_by_sector", "Bilateral trade by sector, every flow",
                 "base value and change in USD million at base prices; change in % of quantity; "
                 "tariffs in % ad valorem", note_text(ds),
                 frame[["base_usd_million", "change_pct", "change_usd_million", "tariff_base_pct",
                        "tariff_post_pct"]], paper=False)


def output_long_table(ds: xr.Dataset) -> Table:
    """Every sector's output: base value and % change (CSV/XLSX only)."""
    frame = xr.Dataset({"base_usd_million": ds["output_usd_million"], "output_pct": ds["output_pct"]}
                       ).to_dataframe()[["base_usd_million", "output_pct"]]
    frame = frame.dropna(how="all").reorder_levels([SCENARIO, "region", "sector"])
    frame = _in_order(frame, ds, [SCENARIO, "region", "sector"])
    return Table("sector_output_all", "Sector output by region, every sector",
                 f"base value in USD million; output_pct in {units(ds, 'output_pct')}", note_text(ds),
                 frame, paper=False)


def _in_order(frame: pd.DataFrame, ds: xr.Dataset, levels: list[str]) -> pd.DataFrame:
    """Rows sorted by the Dataset's own order of every level (not alphabetically)."""
    keys = [pd.Categorical(frame.index.get_level_values(lv), categories=[str(v) for v in ds[
        "region" if lv in ("exporter", "importer") else lv].values], ordered=True).codes for lv in levels]
    return frame.iloc[np.lexsort(keys[::-1])]


def comparison_tables(ds: xr.Dataset) -> list[Table]:
    """Every comparison table for a combined results Dataset, paper tables first."""
    tables = [welfare_usd_table(ds), welfare_pct_table(ds), real_gdp_table(ds), terms_of_trade_table(ds),
              bilateral_pairs_table(ds), tariff_table(ds), sector_output_table(ds), spillover_table(ds),
              decomposition_table(ds), subtotal_table(ds), ssa_table(ds),
              bilateral_long_table(ds), output_long_table(ds)]
    return [t for t in tables if t is not None]


# the writers, importable from here as before
from cge.report.writers import FORMATS, read_csv_table, write_tables  # noqa: E402,F401
