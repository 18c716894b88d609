"""The results dictionary: every results variable's long name, units and meaning, in one place.

Results compare two solved states of one model (cge.results): the *base* -- the benchmark,
or under the ``zero`` trade-balance closure the benchmark with every trade balance removed
-- and the *scenario* (post-shock).  Each variable is one of three kinds (``measure``):

- ``change``: a change from the base to the scenario (a % change of a quantity, value or
  price, or a welfare change in USD million); subtotals by shock group apply to these;
- ``base``: a level at the base (values at base prices), the weights of aggregates;
- ``scenario``: a level at the scenario (post-shock rates, revenues at post-shock prices).

Units say which: ``% change in quantity from base``, ``USD million, base value``,
``USD million, post-shock value``, ``% ad valorem, post-shock rate``.  Values are in USD
million of the base year (the dataset's ``base_year``); post-shock values are in the
model's prices, whose level the numeraire fixes (docs/model.md, "Closures").

:func:`attach_metadata` writes ``long_name``, ``units``, ``description`` and ``measure`` on
every variable of a results Dataset; reports read them from there.  docs/results.md lists
the same entries (:func:`markdown_table`; a test keeps both in step).
"""

from __future__ import annotations

from dataclasses import dataclass

import xarray as xr

CHANGE, BASE, SCENARIO = "change", "base", "scenario"
SUBTOTAL_PREFIX = "subtotal_"


@dataclass(frozen=True)
class Variable:
    """One results variable: what a reader needs to interpret its numbers."""

    long_name: str
    units: str
    description: str
    measure: str = CHANGE

    def attrs(self) -> dict[str, str]:
        """The NetCDF attributes of the variable."""
        return {"long_name": self.long_name, "units": self.units, "description": self.description,
                "measure": self.measure}


PCT_Q = "% change in quantity from base"
PCT_V = "% change in value from base"
PCT_P = "% change in price from base"
USD_CHANGE = "USD million at base prices (change from base)"
USD_BASE = "USD million, base value"
USD_POST = "USD million, post-shock value"
RATE_BASE = "% ad valorem, base rate"
RATE_POST = "% ad valorem, post-shock rate"
SHARE = "% of the market's value at world prices"

VARIABLES: dict[str, Variable] = {
    # welfare and macro
    "ev_usd_million": Variable(
        "Equivalent variation", USD_CHANGE,
        "Welfare change of the regional household: the income change at base prices that is "
        "worth the scenario's change in utility (exact; utility is homothetic)."),
    "ev_pct_income": Variable(
        "Equivalent variation, % of income", "% of base regional income",
        "Equivalent variation over the regional household's base income."),
    "ev_pct_consumption": Variable(
        "Equivalent variation, % of private consumption", "% of base private consumption",
        "Equivalent variation over base private consumption (the denominator GTAP-based studies "
        "report)."),
    "ev_source_usd_million": Variable(
        "Equivalent variation by source of income", USD_CHANGE,
        "Real change (at base consumer prices) in each source of the regional household's income: "
        "factors, tariffs, export taxes, quota rents, output taxes, the trade-balance transfer, and "
        "'allocation' (final-demand shares moved away from preferences); sums to EV."),
    "real_gdp_pct": Variable(
        "Real GDP", PCT_Q,
        "Expenditure-side GDP at base prices: final demand at base agent prices plus shipped "
        "exports minus delivered imports."),
    "tot_pct": Variable(
        "Terms of trade", PCT_P,
        "Laspeyres index (base trade weights) of export prices received (fob, including export "
        "taxes and exporter-side rents) over import prices paid (cif, before tariffs)."),
    "cpi_pct": Variable(
        "Consumer price index", PCT_P,
        "Price index of the regional household's spending; its level change depends on the numeraire."),
    "employment_pct": Variable(
        "Employment", PCT_Q,
        "Employment of labour; zero under full employment, endogenous with a fixed real wage."),
    "income_usd_million": Variable(
        "Regional income", USD_BASE,
        "Base income of the regional household (factor income, tax revenue, rents, trade-balance "
        "transfer); the denominator of ev_pct_income.", BASE),
    "private_consumption_usd_million": Variable(
        "Private consumption", USD_BASE,
        "Base private consumption; the denominator of ev_pct_consumption.", BASE),
    "tariff_revenue_usd_million": Variable(
        "Tariff revenue", USD_POST,
        "Import tariff revenue of the importing region at the scenario, at post-shock prices.",
        SCENARIO),
    "tariff_revenue_benchmark_usd_million": Variable(
        "Tariff revenue, base", USD_BASE,
        "Import tariff revenue of the importing region at the base.", BASE),
    "quota_rent_usd_million": Variable(
        "Quota rents received", USD_POST,
        "Rents of export quotas and quantity targets received by the region at the scenario, at "
        "post-shock prices.", SCENARIO),
    # sectors
    "output_pct": Variable("Real output", PCT_Q, "Output quantity of each sector."),
    "output_value_pct": Variable(
        "Output value", PCT_V, "Output at producer prices (quantity times price)."),
    "output_usd_million": Variable(
        "Output value, base", USD_BASE,
        "Gross output of each sector at base producer prices; the weights of sector aggregates.", BASE),
    "producer_price_pct": Variable("Producer price", PCT_P, "Producer (supply) price of each sector."),
    "exports_pct": Variable(
        "Exports", PCT_Q, "Quantity shipped to all destinations (before iceberg losses)."),
    "imports_pct": Variable(
        "Imports (composite)", PCT_Q, "Quantity of the CES import composite of each good."),
    "imports_variety_sum_pct": Variable(
        "Imports (sum over sources)", PCT_Q,
        "Sum of the delivered quantities from every source, without the CES aggregation."),
    "imports_value_pct": Variable(
        "Imports, cif value", PCT_V, "Imports at cif prices (before tariffs), summed over sources."),
    # bilateral flows
    "bilateral_trade_pct": Variable(
        "Bilateral trade", PCT_Q, "Delivered quantity of each flow (exporter, importer, good)."),
    "bilateral_trade_value_pct": Variable(
        "Bilateral trade, cif value", PCT_V, "Each flow at cif prices (before tariffs)."),
    "bilateral_trade_usd_million": Variable(
        "Bilateral trade, base value", USD_BASE,
        "Each flow at base cif prices; the weights of trade aggregates.", BASE),
    # instruments before and after, by flow or activity
    "tariff_benchmark_pct": Variable(
        "Applied import tariff, base", RATE_BASE,
        "Import tariff applied at the base on each flow (cif value basis).", BASE),
    "tariff_pct": Variable(
        "Applied import tariff, post-shock", RATE_POST,
        "Import tariff applied at the scenario on each flow, including tariffs set by outcome "
        "targets (compounded with the scheduled rate).", SCENARIO),
    "export_tax_benchmark_pct": Variable(
        "Export tax, base", RATE_BASE, "Export tax (negative: subsidy) at the base on each flow.", BASE),
    "export_tax_pct": Variable(
        "Export tax, post-shock", RATE_POST,
        "Export tax (negative: subsidy) at the scenario on each flow.", SCENARIO),
    "iceberg_cost_benchmark_pct": Variable(
        "Iceberg trade cost, base", "% of the quantity delivered, base",
        "Extra quantity shipped per unit delivered, 100 (tau - 1), at the base.", BASE),
    "iceberg_cost_pct": Variable(
        "Iceberg trade cost, post-shock", "% of the quantity delivered, post-shock",
        "Extra quantity shipped per unit delivered, 100 (tau - 1), at the scenario.", SCENARIO),
    "export_quota_pct": Variable(
        "Export quota", "% of the base flow, post-shock",
        "Quantity limit of each flow carrying an export quota, as % of its base quantity "
        "(empty: no quota).", SCENARIO),
    "export_banned": Variable(
        "Export ban", "1 banned, 0 not, post-shock",
        "Flows removed from the importer's sourcing (outright bans) at the scenario.", SCENARIO),
    "quota_rent_rate_pct": Variable(
        "Quota rent rate", "% of the cif price, post-shock",
        "Rent per unit of a quota-restricted flow at the scenario (zero when the quota is slack).",
        SCENARIO),
    "output_tax_benchmark_pct": Variable(
        "Output tax, base", RATE_BASE, "Output tax (negative: subsidy) of each sector at the base.", BASE),
    "output_tax_pct": Variable(
        "Output tax, post-shock", RATE_POST,
        "Output tax (negative: subsidy) of each sector at the scenario.", SCENARIO),
    "productivity_pct": Variable(
        "Productivity shock (output augmenting)", "% change of the productivity index from base",
        "Hicks-neutral productivity of all inputs (GTAP ao) applied by the scenario.", SCENARIO),
    "productivity_va_pct": Variable(
        "Productivity shock (value added)", "% change of the productivity index from base",
        "Productivity of value added (GTAP ava) applied by the scenario.", SCENARIO),
    # factors
    "factor_price_pct": Variable(
        "Factor price", PCT_P, "Nominal factor price (sector-specific factors: base-value weighted mean)."),
    "real_factor_price_pct": Variable(
        "Real factor price", PCT_P, "Factor price deflated by the regional consumer price index."),
    # outcome targets and monitored market shares
    "target_share_pct": Variable(
        "Targeted market share, post-shock", SHARE,
        "Market share an outcome target restricts, at the scenario.", SCENARIO),
    "target_benchmark_share_pct": Variable(
        "Targeted market share, base", SHARE, "The same share at the base.", BASE),
    "target_level_pct": Variable(
        "Target level", SHARE, "The level the target sets (a cap or an equality).", SCENARIO),
    "target_instrument_pct": Variable(
        "Target instrument", "% ad valorem wedge, post-shock",
        "The endogenous tariff, quota wedge or reciprocity tariff that meets the target.", SCENARIO),
    "monitor_share_pct": Variable(
        "Monitored market share, post-shock", SHARE, "A market share reported at the scenario.", SCENARIO),
    "monitor_benchmark_share_pct": Variable(
        "Monitored market share, base", SHARE, "The same share at the base.", BASE),
    # optimal policy (cge.policy)
    "policy_instrument_pct": Variable(
        "Chosen policy instrument", "% ad valorem, post-shock rate",
        "Instrument values chosen by the policy optimisation.", SCENARIO),
    "policy_instrument_start_pct": Variable(
        "Policy instrument, start", "% ad valorem, rate before optimisation",
        "Instrument values the optimisation started from.", BASE),
    "policy_instrument_chosen_by": Variable(
        "Region choosing the instrument", "region code",
        "The region whose objective sets each instrument.", SCENARIO),
    # welfare decomposition (cge.decompose)
    "ev_component_usd_million": Variable(
        "Welfare decomposition", USD_CHANGE,
        "EV split into allocative-efficiency (by instrument), terms-of-trade, trade-balance, "
        "endowment and technology components by path integration; sums to EV "
        "(docs/decomposition.md)."),
    "ev_component_by_sector_usd_million": Variable(
        "Welfare decomposition by sector", USD_CHANGE,
        "The flow- and activity-based welfare components by good."),
    "ev_trade_usd_million": Variable(
        "Welfare: terms of trade and volume of trade by partner", USD_CHANGE,
        "Caliendo-Parro view: terms-of-trade and volume-of-trade effects by partner and good."),
    "subtotal_ev_component_usd_million": Variable(
        "Welfare decomposition by shock group", USD_CHANGE,
        "Welfare components split by subtotal group; groups sum to ev_component_usd_million."),
}


def describe(name: str) -> Variable:
    """The entry of a results variable; ``subtotal_<v>`` is derived from ``v``'s entry.

    An unknown name is a programming error (every results variable belongs in this
    dictionary), reported with the name.
    """
    if name in VARIABLES:
        return VARIABLES[name]
    if name.startswith(SUBTOTAL_PREFIX) and name[len(SUBTOTAL_PREFIX):] in VARIABLES:
        base = VARIABLES[name[len(SUBTOTAL_PREFIX):]]
        units = base.units
        if units.startswith("% change"):
            units = "percentage points of the " + units
        elif units.startswith("% of"):
            units = "percentage points (" + units + ")"
        return Variable(f"{base.long_name}: contribution of a shock group", units,
                        f"Contribution of each subtotal group of shocks to {name[len(SUBTOTAL_PREFIX):]}; "
                        "the groups sum to the total change (docs/decomposition.md).", CHANGE)
    raise KeyError(f"results variable '{name}' has no entry in cge.variables.VARIABLES")


def attach_metadata(ds: xr.Dataset) -> xr.Dataset:
    """Write long_name, units, description and measure on every data variable (in place)."""
    for name in ds.data_vars:
        ds[name].attrs.update(describe(str(name)).attrs())
    return ds


def markdown_table() -> str:
    """The dictionary as the Markdown table of docs/results.md."""
    rows = ["| variable | long name | units | kind | description |", "|---|---|---|---|---|"]
    for name, v in VARIABLES.items():
        rows.append(f"| `{name}` | {v.long_name} | {v.units} | {v.measure} | {v.description} |")
    return "\n".join(rows)
