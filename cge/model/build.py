"""Assemble the CGE model from its blocks (docs/model.md).

``build_model`` turns a :class:`~cge.model.calibration.Benchmark`, a
:class:`~cge.model.closure.Closure` and the set of quota flows into a Pyomo
``ConcreteModel`` whose only free parameters are the policy instruments, so one
build serves every scenario with the same structure.  The square system has one
variable per equation; the numeraire equation replaces the last goods market,
which Walras' law makes redundant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyomo.environ as pyo

from cge.model.armington import add_armington_demands, add_armington_prices, armington_benchmark
from cge.model.calibration import ZERO, Benchmark
from cge.model.closure import LABOUR, Closure, add_numeraire
from cge.model.demand import add_final_demand, add_income, final_composite_demand
from cge.model.factors import add_factor_markets, add_factor_prices, factor_sets
from cge.model.instruments import add_instruments
from cge.model.market import add_goods_markets
from cge.model.production import add_production, add_value_added
from cge.model.targets import TargetSpec, add_targets, declare_targets
from cge.model.trade import add_trade
from cge.errors import CGEInputError

# Equation blocks (constraint component names) in the order docs/model.md lists them.
EQUATION_BLOCKS: tuple[str, ...] = (
    "zero_profit", "import_price", "agent_price", "goods_market", "import_market",
    "factor_market", "specific_factor_market", "real_wage", "income", "quota_rent",
    "target_condition", "numeraire",
)


@dataclass
class CGEModel:
    """A built model: the Pyomo model plus what the solver and results need."""

    model: pyo.ConcreteModel
    benchmark: Benchmark
    closure: Closure
    quota_flows: tuple[tuple[str, str, str], ...]
    targets: tuple[TargetSpec, ...] = ()
    dropped: tuple[str, tuple] = field(default=("goods_market", ()))
    target_benchmark_share: dict[int, float] = field(default_factory=dict)

    def set_benchmark_values(self) -> None:
        """Put every variable at its benchmark value (the calibrated solution)."""
        set_benchmark_values(self.model, self.benchmark)


def set_benchmark_values(m: pyo.ConcreteModel, b: Benchmark) -> None:
    """Benchmark values: quantities 1, prices 1, import prices 1 + tbar, rents 0."""
    ri = b.ri
    si = b.si
    for var in (m.y, m.py, m.im, m.pf, m.pfs, m.inc, m.pfd, m.ls):
        for v in var.values():
            v.set_value(1.0)
    for (i, r), v in m.pm.items():
        v.set_value(float(b.pm_bar[si[i], ri[r]]))
    for v in list(m.rent.values()) + list(m.tgt.values()):
        v.set_value(0.0)


def _check_quota_flows(flows: Iterable[tuple[str, str, str]], existing: set) -> list:
    out = []
    for k in flows:
        if tuple(k) not in existing:
            raise CGEInputError(f"export_quota: flow {k} (sector, exporter, importer) has no "
                                "benchmark trade; a quota needs a positive benchmark flow")
        out.append(tuple(k))
    return sorted(set(out))


def build_model(b: Benchmark, closure: Closure | None = None,
                quota_flows: Iterable[tuple[str, str, str]] = (),
                targets: Iterable[TargetSpec] = ()) -> CGEModel:
    """Build the Pyomo model for one structure (benchmark, closure, quota flows, targets)."""
    closure = closure or Closure()
    closure.numeraire_region(b.regions)
    m = pyo.ConcreteModel(name="cge")
    regions, sectors = b.regions, b.sectors
    yj = {(j, r) for jk, j in enumerate(sectors) for rk, r in enumerate(regions)
          if b.output[jk, rk] > ZERO}
    imports = b.imports
    mi = [(i, r) for ik, i in enumerate(sectors) for rk, r in enumerate(regions)
          if imports[ik, rk] > ZERO]
    flows = [(i, s, r) for ik, i in enumerate(sectors) for sk, s in enumerate(regions)
             for rk, r in enumerate(regions)
             if s != r and b.trade[ik, sk, rk] > ZERO and (i, s) in yj]
    quotas = _check_quota_flows(quota_flows, set(flows))
    arm = armington_benchmark(b)
    fj, fr, fjs = factor_sets(b, closure, yj)
    fda = [(a, r) for ak, a in enumerate(b.fd_agents) for rk, r in enumerate(regions)
           if b.agent_expenditure[ak, rk] > ZERO]

    m.REGIONS = pyo.Set(initialize=regions, ordered=True)
    m.SECTORS = pyo.Set(initialize=sectors, ordered=True)
    m.YJ = pyo.Set(initialize=sorted(yj, key=lambda k: (regions.index(k[1]), sectors.index(k[0]))),
                   dimen=2, ordered=True)
    m.MI = pyo.Set(initialize=mi, dimen=2, ordered=True)
    m.FLOWS = pyo.Set(initialize=flows, dimen=3, ordered=True)
    m.QUOTA_FLOWS = pyo.Set(initialize=quotas, dimen=3, ordered=True)
    m.ARM = pyo.Set(initialize=list(arm), dimen=3, ordered=True)
    m.ARM_DOM = pyo.Set(initialize=[k for k, (d, _) in arm.items() if d > 0], dimen=3, ordered=True)
    m.ARM_IMP = pyo.Set(initialize=[k for k, (_, f) in arm.items() if f > 0], dimen=3, ordered=True)
    m.FJ = pyo.Set(initialize=fj, dimen=3, ordered=True)
    m.FR = pyo.Set(initialize=fr, dimen=2, ordered=True)
    m.FJS = pyo.Set(initialize=fjs, dimen=3, ordered=True)
    m.VAJ = pyo.Set(initialize=[k for k in m.YJ if any((f, *k) in set(fj) for f in b.factors)],
                    dimen=2, ordered=True)
    m.FDA = pyo.Set(initialize=fda, dimen=2, ordered=True)
    labour_regions = [r for r in regions if (LABOUR, r) in set(fr)]
    m.LS_REGIONS = pyo.Set(initialize=labour_regions if closure.labour == "fixed_real_wage" else [],
                           ordered=True)
    m.arm_qty = {k: d + f for k, (d, f) in arm.items()}
    si, ri = b.si, b.ri
    m.exports_bench = {f: float(b.trade[si[f[0]], ri[f[1]], ri[f[2]]]) for f in flows}
    m.home_bench = {(i, r): float(b.int_dom[si[i], :, ri[r]].sum() + b.fd_dom[si[i], :, ri[r]].sum())
                    for (i, r) in yj}

    # Variables (benchmark values set below).
    m.y = pyo.Var(m.YJ, doc="activity level of sector j in r, relative to benchmark output")
    m.py = pyo.Var(m.YJ, doc="producer price of good i made in r")
    m.im = pyo.Var(m.MI, doc="import composite of good i in r, relative to benchmark imports")
    m.pm = pyo.Var(m.MI, doc="agent price (tariff-inclusive) of the import composite")
    m.pf = pyo.Var(m.FR, doc="price of mobile factor f in r")
    m.pfs = pyo.Var(m.FJS, doc="price of sector-specific factor f in sector j, region r")
    m.inc = pyo.Var(m.REGIONS, doc="regional household income relative to benchmark")
    m.pfd = pyo.Var(m.FDA, doc="price index of final-demand agent a in r")
    m.ls = pyo.Var(m.LS_REGIONS, doc="employment relative to benchmark (fixed real wage)")
    m.rent = pyo.Var(m.QUOTA_FLOWS, doc="export quota rent rate (ad valorem)")
    add_instruments(m, b)
    targets = list(targets)
    declare_targets(m, targets)
    set_benchmark_values(m, b)

    add_factor_prices(m)
    add_value_added(m, b)
    add_armington_prices(m, b, arm)
    input_demand = add_production(m, b)
    add_final_demand(m, b)
    agents = set(b.fd_agents)

    def composite_demand(m, i, a, r):
        if a in agents:
            return final_composite_demand(m, b, i, a, r)
        return input_demand(m, i, a, r)
    m.aq = pyo.Expression(m.ARM, rule=composite_demand)
    add_armington_demands(m, b, arm)
    add_trade(m, b)
    add_goods_markets(m, b)
    add_targets(m)
    add_factor_markets(m, b, closure)
    add_income(m, b)
    add_numeraire(m, b, closure)
    dropped_key = m.YJ.last()
    m.goods_market[dropped_key].deactivate()
    return CGEModel(model=m, benchmark=b, closure=closure, quota_flows=tuple(quotas),
                    targets=tuple(targets), dropped=("goods_market", dropped_key),
                    target_benchmark_share={k: float(pyo.value(m.target_share[k])) for k in m.TARGETS})
