"""Assemble the CGE model from its blocks (docs/model.md).

``build_model`` turns a :class:`~cge.model.calibration.Benchmark`, a
:class:`~cge.model.closure.Closure`, the quantity-restricted flows and the outcome
targets into a :class:`CGEModel`: index sets, the static data of every block, the
layouts of the unknowns ``x`` and parameters ``p``, and the benchmark point.  Its
:meth:`CGEModel.equations` evaluates every equation family, in the order docs/model.md
lists them, on any backend of :mod:`cge.model.algebra` -- numbers, derivatives, the
CasADi graph or the Pyomo model (``cge.model.pyomo_model``) all come from this one
definition.  The square system has one unknown per equation; the numeraire equation
replaces the last goods market, which Walras' law makes redundant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from cge.errors import CGEInputError
from cge.model.algebra import Segments, Vec, concat, segment_sum, take, values
from cge.model.armington import (ArmingtonData, composite_price, domestic_and_imported, input_prices,
                                 prepare_armington)
from cge.model.calibration import Benchmark
from cge.model.closure import Closure, numeraire, trade_balance_index
from cge.model.demand import (DemandData, agent_price, consumer_price_index, final_demand, income,
                              prepare_demand)
from cge.model.factors import (FactorData, factor_markets, factor_payments, factor_prices, factor_supply,
                               prepare_factors, real_wage)
from cge.model.instruments import FB_SMOOTHING, QUOTA_NOT_BINDING, Layout
from cge.model.market import MarketData, goods_market, home_sales, prepare_market
from cge.model.production import ProductionData, prepare_production, production, zero_profit
from cge.model.sets import ModelSets, build_sets, specific_factors
from cge.model.targets import (TargetData, TargetSpec, prepare_targets, target_conditions, target_income,
                               target_shares, target_wedges)
from cge.model.trade import (QuotaSpec, TradeData, import_market, import_price, prepare_trade, quota_rent,
                             rent_income, trade_terms)

# Equation families in the order docs/model.md lists them (the rows of the system).
EQUATION_BLOCKS: tuple[str, ...] = (
    "zero_profit", "import_price", "agent_price", "goods_market", "import_market",
    "factor_market", "specific_factor_market", "real_wage", "income", "quota_rent",
    "target_condition", "numeraire",
)


@dataclass
class CGEModel:
    """A built model: sets, block data, layouts of unknowns and parameters, benchmark point."""

    benchmark: Benchmark
    closure: Closure
    sets: ModelSets
    quotas: tuple[QuotaSpec, ...]
    targets: tuple[TargetSpec, ...]
    production: ProductionData
    armington: ArmingtonData
    trade: TradeData
    demand: DemandData
    factors: FactorData
    market: MarketData
    target_data: TargetData
    variables: Layout
    parameters: Layout
    rows: Layout
    x0: np.ndarray = field(default_factory=lambda: np.zeros(0))
    p0: np.ndarray = field(default_factory=lambda: np.zeros(0))
    target_benchmark_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    imp_users: Segments | None = None
    yj_region: Segments | None = None
    factor_region: Segments | None = None
    arm_order: Segments | None = None   # (sector purchases, final purchases) -> ARM members
    _pyomo: object = None

    @property
    def quota_flows(self) -> tuple[tuple[str, str, str], ...]:
        return tuple(q.flow for q in self.quotas)

    @property
    def n(self) -> int:
        """Number of unknowns (= active equations)."""
        return self.variables.size

    @property
    def dropped_row(self) -> int:
        """Row of the equation Walras' law makes redundant (the last goods market)."""
        return self.rows.offsets["goods_market"] + len(self.rows.blocks["goods_market"]) - 1

    # ---- the equations ----------------------------------------------------------------
    def equations(self, v: SimpleNamespace, q: SimpleNamespace) -> tuple[dict[str, Vec], SimpleNamespace]:
        """Every equation family (residual vectors, relative to benchmark magnitudes) and the
        intermediate terms, for variables ``v`` and parameters ``q`` on any backend."""
        b, s = self.benchmark, self.sets
        e = SimpleNamespace()
        e.wf = factor_prices(self.factors, v)
        e.arm_prices = input_prices(self.armington, v)
        e.pa = composite_price(self.armington, e.arm_prices)
        e.cpi = consumer_price_index(self.demand, v.pfd)
        e.prod = production(self.production, v, q, e.wf, e.pa)
        e.aq = concat([e.prod.input_demand, final_demand(self.demand, v, q, e.pa)])
        e.aq = segment_sum(e.aq, self.arm_order)
        e.dom, e.imp = domestic_and_imported(self.armington, e.aq, e.pa, e.arm_prices)
        if len(self.targets):
            tgt_x, tgt_m, tgt_waste = target_wedges(self.target_data, v)
        else:
            tgt_x = tgt_m = tgt_waste = 0.0
        e.trade = trade_terms(self.trade, v, q, tgt_x, tgt_m, tgt_waste)
        e.home = home_sales(self.market, e.dom)
        e.fr_supply, e.fjs_supply = factor_supply(self.factors, v, q, e.cpi)
        e.factor_pay = factor_payments(self.factors, v, e.fr_supply, e.fjs_supply)
        t = e.trade
        nr = s.nr
        e.tariffs = segment_sum(q.tm * t.pcif * t.exports, self.trade.by_importer)
        e.export_taxes = segment_sum(q.te * take(v.py, self.trade.exp_yj) * t.shipped, self.trade.by_exporter)
        e.quota_rents = rent_income(self.trade, q, t, nr) if len(self.quotas) else np.zeros(nr)
        if len(self.targets):
            e.quota_rents = e.quota_rents + target_income(self.target_data, v, q, t.fob, t.pcif,
                                                          t.exports, nr)
        e.output_taxes = segment_sum(q.to * v.py * v.y * self.production.y_bar, self.yj_region)
        e.tb_index = trade_balance_index(b, self.closure, v, q, t.pcif, self.trade.x_bar,
                                         self.demand.income_bar)
        e.trade_balance = q.tb * take(e.tb_index, np.zeros(nr, dtype=np.int64))
        e.factor_income = segment_sum(e.factor_pay, self.factor_region)
        total = (e.factor_income + e.tariffs + e.export_taxes + e.quota_rents + e.output_taxes
                 - e.trade_balance)
        mobile, specific = factor_markets(self.factors, e.prod.factor_demand, e.fr_supply, e.fjs_supply)
        fam: dict[str, Vec] = {
            "zero_profit": zero_profit(e.prod),
            "import_price": import_price(self.trade, v, q, t),
            "agent_price": agent_price(self.demand, v, e.pa),
            "goods_market": goods_market(self.market, v, e.home, t.shipped),
            "import_market": import_market(self.trade, v, e.imp, self.imp_users),
            "factor_market": mobile,
            "specific_factor_market": specific,
            "real_wage": real_wage(self.factors, v, e.cpi),
            "income": income(self.demand, v, total),
        }
        if len(self.quotas):
            fam["quota_rent"] = quota_rent(self.trade, v, q, t)
        if len(self.targets):
            world = t.pcif * t.exports
            e.target_share = target_shares(self.target_data, world, v.py * e.home)
            fam["target_condition"] = target_conditions(self.target_data, v, q, e.target_share, t.exports,
                                                        self.trade.x_bar)
        fam["numeraire"] = numeraire(b, self.closure, v, q, e.cpi, s.yj["j"], s.yj["r"])
        return {k: fam[k] for k in EQUATION_BLOCKS if k in fam and k in self.rows.blocks}, e

    def evaluate(self, x: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, SimpleNamespace]:
        """All residuals (the dropped row included) and intermediate terms, as numbers."""
        fam, e = self.equations(self.variables.split(np.asarray(x, float)),
                                self.parameters.split(np.asarray(p, float)))
        return np.concatenate([values(fam[k]) for k in self.rows.blocks]), e

    def economic_violation(self, x: np.ndarray, p: np.ndarray) -> str | None:
        """Why a solution of the equations is not an economic equilibrium, or None: every price
        and income must be positive and every quantity non-negative."""
        var, b = self.variables, self.benchmark
        tol = 1e-9
        for name, what in (("inc", "the income of {r}"), ("pf", "the price of {f} in {r}"),
                           ("pfs", "the price of {f} in {j}, {r}"), ("py", "the producer price of {j} in {r}"),
                           ("pm", "the import price of {j} in {r}"), ("pfd", "the price index of {a} in {r}")):
            vals = x[var.slice(name)]
            bad = np.flatnonzero(~(vals > tol))
            if len(bad):
                lab = var.blocks[name][bad[0]]
                keys = dict(zip({"inc": "r", "pf": "fr", "pfs": "fjr", "py": "jr", "pm": "jr",
                                 "pfd": "ar"}[name], lab))
                text = what.format(**{k: keys.get(k, "") for k in "rfja"})
                if name == "inc":
                    r = b.regions[bad[0]]
                    prices = [x[var.position("pf", k)] for k in var.blocks["pf"] if k[1] == r]
                    low = min(prices, default=1.0)
                    sl, labels = self.parameters.slice("prod"), self.parameters.blocks["prod"]
                    fell = any(lab[-1] == r and p[sl][k] < self.p0[sl][k] for k, lab in enumerate(labels))
                    why = (" (value added vanishes when output-augmenting productivity falls by more "
                           "than the value-added share; a value_added productivity shock has no such "
                           "limit)") if fell else ""
                    return (f"{text} would be {vals[bad[0]]:.3g} times its benchmark: "
                            + (f"its factor prices fall to {low:.3g} of the benchmark{why} and "
                               if low < 0.1 else "")
                            + "its fixed trade-balance transfer exceeds what is left to spend")
                reason = {
                          "pf": "value added cannot be positive: after the shock its sectors cannot cover "
                                "their intermediate inputs (with output-augmenting productivity and "
                                "Leontief intermediates, a fall larger than the value-added share)",
                          "pfs": "value added cannot be positive in that sector"}.get(name, "a price cannot be zero")
                return f"{text} would be {vals[bad[0]]:.3g} times its benchmark: {reason}"
        for name, what in (("y", "output of {0} in {1}"), ("im", "imports of {0} into {1}")):
            vals = x[var.slice(name)]
            bad = np.flatnonzero(vals < -tol)
            if len(bad):
                return f"{what.format(*var.blocks[name][bad[0]])} would be negative ({vals[bad[0]]:.3g})"
        return None

    def pyomo_model(self):  # noqa: ANN201 (pyomo is imported lazily)
        """The Pyomo ConcreteModel generated from the same equations (built once)."""
        if self._pyomo is None:
            from cge.model.pyomo_model import to_pyomo

            self._pyomo = to_pyomo(self)
        return self._pyomo


def _quota_specs(quotas: Iterable[QuotaSpec | tuple], flows: set, regions: list[str]) -> list[QuotaSpec]:
    out: dict[tuple, QuotaSpec] = {}
    for q in quotas:
        spec = q if isinstance(q, QuotaSpec) else QuotaSpec(tuple(q))
        if spec.flow not in flows:
            raise CGEInputError(f"export_quota: flow {spec.flow} (sector, exporter, importer) has no "
                                "benchmark trade; a quota needs a positive benchmark flow")
        if spec.rent_to not in ("exporter", "importer", "none") and spec.rent_to not in regions:
            raise CGEInputError(f"export_quota.rent_to: '{spec.rent_to}' is not a region; allowed: "
                                f"exporter, importer, none, {', '.join(regions)}")
        prior = out.get(spec.flow)
        if prior is not None and prior.rent_to != spec.rent_to:
            raise CGEInputError(f"export_quota: flow {spec.flow} has two quotas with different rent "
                                f"recipients ({prior.rent_to}, {spec.rent_to})")
        out[spec.flow] = spec
    return [out[k] for k in sorted(out)]


def build_model(b: Benchmark, closure: Closure | None = None,
                quotas: Iterable[QuotaSpec | tuple] = (),
                targets: Iterable[TargetSpec] = ()) -> CGEModel:
    """Build the model for one structure (benchmark, closure, quota flows, targets)."""
    closure = closure or Closure()
    closure.numeraire_region(b.regions)
    sets = build_sets(b, specific_factors(b, closure.capital))
    quota_list = _quota_specs(quotas, set(sets.flows.labels), b.regions)
    target_list = list(targets)
    arm = prepare_armington(b, sets)
    prod = prepare_production(b, sets, arm.pa_bar)
    trade = prepare_trade(b, sets, quota_list)
    dem = prepare_demand(b, sets, arm.pa_bar, arm.qty_bar)
    fac = prepare_factors(b, sets, closure.labour)
    mkt = prepare_market(sets, arm.dom_yj, trade.exp_yj, prod.y_bar)
    tgt = prepare_targets(b, sets, target_list)
    clash = {f for spec in target_list if spec.side == "exporter" for f in spec.flows} & {
        q.flow for q in quota_list if not q.importer_side}
    if clash:
        raise CGEInputError(f"flow {sorted(clash)[0]} carries both an export quota and an exporter-side "
                            "target instrument; use one")

    var = Layout()
    for name, labels in (("y", sets.yj.labels), ("py", sets.yj.labels), ("im", sets.mi.labels),
                         ("pm", sets.mi.labels), ("pf", sets.fr.labels), ("pfs", sets.fjs.labels),
                         ("inc", [(r,) for r in b.regions]), ("pfd", sets.fda.labels),
                         ("ls", [(b.regions[r],) for r in fac.ls_regions]),
                         ("rent", [q.flow for q in quota_list]),
                         ("tgt", [(t.name,) for t in target_list])):
        var.add(name, labels)
    par = Layout()
    for name, labels in (("tm", sets.flows.labels), ("te", sets.flows.labels), ("tau", sets.flows.labels),
                         ("avail", sets.flows.labels), ("quota", [q.flow for q in quota_list]),
                         ("to", sets.yj.labels), ("prod", sets.yj.labels), ("prod_va", sets.yj.labels),
                         ("endow_fr", sets.fr.labels),
                         ("endow_fjs", sets.fjs.labels), ("fd_share", sets.fda.labels),
                         ("tb", [(r,) for r in b.regions]), ("target_level", [(t.name,) for t in target_list]),
                         ("pnum", [()]), ("fb_mu", [()])):
        par.add(name, labels)
    rows = Layout()
    for name, labels in (("zero_profit", sets.yj.labels), ("import_price", sets.mi.labels),
                         ("agent_price", sets.fda.labels), ("goods_market", sets.yj.labels),
                         ("import_market", sets.mi.labels), ("factor_market", sets.fr.labels),
                         ("specific_factor_market", sets.fjs.labels),
                         ("real_wage", [(b.regions[r],) for r in fac.ls_regions]),
                         ("income", [(r,) for r in b.regions]), ("quota_rent", [q.flow for q in quota_list]),
                         ("target_condition", [(t.name,) for t in target_list]), ("numeraire", [()])):
        if labels:
            rows.add(name, labels)
    if rows.size - 1 != var.size:
        raise AssertionError(f"model is not square: {rows.size - 1} equations, {var.size} unknowns")

    arm_order = np.concatenate([prod.sector_arm, dem.final_arm])
    imp_users = Segments.of(arm.imp_mi, len(sets.mi))
    cgem = CGEModel(
        benchmark=b, closure=closure, sets=sets, quotas=tuple(quota_list), targets=tuple(target_list),
        production=prod, armington=arm, trade=trade, demand=dem, factors=fac, market=mkt,
        target_data=tgt, variables=var, parameters=par, rows=rows, imp_users=imp_users,
        yj_region=Segments.of(sets.yj["r"], sets.nr),
        factor_region=Segments.of(np.tile(np.arange(sets.nr), len(b.factors)), sets.nr),
        arm_order=Segments.of(arm_order, len(sets.arm)))
    cgem.x0 = _benchmark_x(cgem)
    cgem.p0 = _benchmark_p(cgem)
    if len(target_list):
        _, e = cgem.evaluate(cgem.x0, cgem.p0)
        cgem.target_benchmark_share = values(e.target_share).copy()
        eq = [k for k, t in enumerate(target_list) if t.kind == "equal"]
        cgem.p0[par.slice("target_level")][eq] = cgem.target_benchmark_share[eq]
    return cgem


def _benchmark_x(cgem: CGEModel) -> np.ndarray:
    """Benchmark values: quantities 1, prices 1, import prices 1 + tbar, rents 0."""
    x = np.ones(cgem.variables.size)
    v = cgem.variables
    x[v.slice("pm")] = cgem.trade.pm_bar
    x[v.slice("rent")] = 0.0
    x[v.slice("tgt")] = 0.0
    return x


def _benchmark_p(cgem: CGEModel) -> np.ndarray:
    """Benchmark instruments: data tariffs and trade balances, no other taxes or limits."""
    b, par, s = cgem.benchmark, cgem.parameters, cgem.sets
    p = np.zeros(par.size)
    fl = s.flows
    p[par.slice("tm")] = b.tariff[fl["i"], fl["s"], fl["r"]]
    for name in ("tau", "avail", "prod", "prod_va", "endow_fr", "endow_fjs", "target_level", "pnum"):
        p[par.slice(name)] = 1.0
    p[par.slice("quota")] = QUOTA_NOT_BINDING
    p[par.slice("fd_share")] = cgem.demand.alpha
    p[par.slice("tb")] = b.trade_balance
    p[par.slice("fb_mu")] = FB_SMOOTHING
    return p
