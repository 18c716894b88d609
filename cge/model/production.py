"""Production block: nested CES technology, zero profit and input demands
(docs/model.md, "Production").

Output of sector j in region r, ``y[j,r]`` (relative to the benchmark), is made with

    value added   VA = CES over factors, elasticity esub_va[j,r]
    intermediates N  = CES over the Armington composites of goods, elasticity esub_int
    top nest      T  = CES of VA and N, elasticity esub_top (GTAP's ESUBT; 0 = Leontief)
    critical nest     CES of T and the critical inputs (e.g. MAG, SEMI), elasticity
                      esub_crit[j], for the using sectors a scenario lists (near 0 = a cut
                      in a critical input cuts output nearly one for one)

Zero profit: the producer price net of the output tax, times productivity, equals
unit cost:  py[j,r] (1 - to[j,r]) prod[j,r] = c[j,r].  ``prod`` augments every input
(Hicks-neutral, GTAP's ``ao``); ``prod_va`` augments value added only (GTAP's ``ava``), so
one unit of value added takes 1/prod_va units of the factor bundle.  In the demands of the highest
nest the unit cost is replaced by the left-hand side, equal to it at every solution.
All bundles are measured in benchmark value units (benchmark price 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cge.model.algebra import Segments, Vec, concat, segment_sum, take
from cge.model.calibration import Benchmark
from cge.model.ces import CESNests
from cge.model.sets import ModelSets


@dataclass
class ProductionData:
    """Static data of the production block."""

    y_bar: np.ndarray        # benchmark output by activity (YJ)
    va: CESNests             # inputs: FJ; nests: VAJ
    va_yj: np.ndarray        # VAJ -> YJ
    int: CESNests            # inputs: sector-agent ARM members in the bundle; nests: INTJ
    int_arm: np.ndarray      # inputs of the bundle -> ARM member
    int_yj: np.ndarray       # INTJ -> YJ
    top: CESNests            # inputs: VA and N bundles of each activity; nests: YJ
    top_va: np.ndarray       # top-nest inputs that are VA bundles (positions in top inputs)
    top_int: np.ndarray      # ... that are intermediate bundles
    crit: CESNests | None    # inputs: T bundle and critical ARM members; nests: CRITJ
    crit_yj: np.ndarray      # CRITJ -> YJ
    crit_arm: np.ndarray     # critical inputs -> ARM member
    plain_yj: np.ndarray     # YJ without a critical nest
    sector_arm: np.ndarray   # ARM members bought by producing sectors, in the order of ``demand``
    n_yj: int


def _value_shares(values: np.ndarray, nest: np.ndarray, n: int) -> np.ndarray:
    total = np.bincount(nest, weights=values, minlength=n)
    return values / total[nest]


def prepare_production(b: Benchmark, sets: ModelSets, pa_bar: np.ndarray) -> ProductionData:
    """CES nests of every activity, from benchmark values; ``pa_bar`` is the benchmark
    price of every ARM composite."""
    yj, fj, arm = sets.yj, sets.fj, sets.arm
    ns, n_yj = sets.ns, len(yj)
    y_bar = b.output[yj["j"], yj["r"]]
    # value added: inputs are factor uses
    f_bar = b.factor_income[fj["f"], fj["j"], fj["r"]]
    fj_yj = sets.yj_of[fj["j"], fj["r"]]
    va_yj, va_nest = np.unique(fj_yj, return_inverse=True)
    va_bar = np.bincount(va_nest, weights=f_bar, minlength=len(va_yj))
    va = CESNests(nest=va_nest, share=f_bar / va_bar[va_nest], pbar=np.ones(len(fj)),
                  qratio=f_bar / va_bar[va_nest], sigma=b.esub_va[yj["j"][va_yj], yj["r"][va_yj]],
                  cbar=np.ones(len(va_yj)))
    # intermediate composites bought by sectors, and which are critical
    sector_arm = np.flatnonzero(arm["a"] < ns)
    arm_yj = sets.yj_of[arm["a"][sector_arm], arm["r"][sector_arm]]
    qty = sets.arm_dom[arm["i"], arm["a"], arm["r"]] + sets.arm_imp[arm["i"], arm["a"], arm["r"]]
    value = qty * pa_bar
    crit_goods = np.array([b.si[c] for c in b.critical_inputs], dtype=np.int64)
    is_crit_good = np.isin(arm["i"][sector_arm], crit_goods)
    esub_crit = b.esub_crit[yj["j"], yj["r"]]
    has_crit = np.zeros(n_yj, dtype=bool)
    has_rest = np.zeros(n_yj, dtype=bool)
    np.logical_or.at(has_crit, arm_yj[is_crit_good], True)
    np.logical_or.at(has_rest, arm_yj[~is_crit_good], True)
    has_rest[va_yj] = True
    crit_j = ~np.isnan(esub_crit) & has_crit & has_rest
    in_crit_nest = is_crit_good & crit_j[arm_yj]
    # intermediate bundle: every sector purchase that is not in a critical nest
    int_in = sector_arm[~in_crit_nest]
    int_yj, int_nest = np.unique(sets.yj_of[arm["a"][int_in], arm["r"][int_in]], return_inverse=True)
    n_bar = np.bincount(int_nest, weights=value[int_in], minlength=len(int_yj))
    int_nests = CESNests(nest=int_nest, share=value[int_in] / n_bar[int_nest], pbar=pa_bar[int_in],
                         qratio=qty[int_in] / n_bar[int_nest],
                         sigma=b.esub_int[yj["j"][int_yj], yj["r"][int_yj]], cbar=np.ones(len(int_yj)))
    # top nest: VA and N bundles of each activity
    top_nest = np.concatenate([va_yj, int_yj])
    top_val = np.concatenate([va_bar, n_bar])
    t_bar = np.bincount(top_nest, weights=top_val, minlength=n_yj)
    top = CESNests(nest=top_nest, share=top_val / t_bar[top_nest], pbar=np.ones(len(top_nest)),
                   qratio=top_val / t_bar[top_nest], sigma=b.esub_top[yj["j"], yj["r"]],
                   cbar=np.ones(n_yj))
    # critical nest: T bundle and the critical composites
    crit_yj = np.flatnonzero(crit_j)
    crit_arm = sector_arm[in_crit_nest]
    crit = None
    if len(crit_yj):
        local = np.full(n_yj, -1, dtype=np.int64)
        local[crit_yj] = np.arange(len(crit_yj))
        nest = np.concatenate([local[crit_yj], local[sets.yj_of[arm["a"][crit_arm], arm["r"][crit_arm]]]])
        vals = np.concatenate([t_bar[crit_yj], value[crit_arm]])
        total = np.bincount(nest, weights=vals, minlength=len(crit_yj))
        crit = CESNests(nest=nest, share=vals / total[nest],
                        pbar=np.concatenate([np.ones(len(crit_yj)), pa_bar[crit_arm]]),
                        qratio=np.concatenate([t_bar[crit_yj], qty[crit_arm]]) / total[nest],
                        sigma=esub_crit[crit_yj], cbar=np.ones(len(crit_yj)))
    return ProductionData(y_bar=y_bar, va=va, va_yj=va_yj, int=int_nests, int_arm=int_in,
                          int_yj=int_yj, top=top, top_va=np.arange(len(va_yj)),
                          top_int=len(va_yj) + np.arange(len(int_yj)), crit=crit, crit_yj=crit_yj,
                          crit_arm=crit_arm, plain_yj=np.flatnonzero(~crit_j),
                          sector_arm=np.concatenate([int_in, crit_arm]), n_yj=n_yj)


def _assemble(parts: list[tuple[np.ndarray, Vec]], n: int) -> Vec:
    """A length-n vector from (positions, values) pieces that cover every position once."""
    parts = [(pos, val) for pos, val in parts if len(pos)]
    order = np.concatenate([pos for pos, _ in parts])
    return segment_sum(concat([val for _, val in parts]), Segments.of(order, n))


@dataclass
class ProductionTerms:
    """Prices and quantities of the production block at a point."""

    pva: Vec              # value-added price (VAJ)
    pint: Vec             # intermediate-bundle price (INTJ)
    ptop: Vec             # top-nest price (YJ)
    unit_cost: Vec        # unit cost (YJ)
    cost_index: Vec       # py (1 - to) prod (YJ)
    factor_demand: Vec    # quantity of every factor use (FJ), benchmark value units
    input_demand: Vec     # composites bought by sectors (``sector_arm`` order)


def production(d: ProductionData, v, q, wf: Vec, pa: Vec) -> ProductionTerms:  # noqa: ANN001
    """Unit costs and input demands of every activity at prices ``wf`` (FJ) and ``pa`` (ARM)."""
    pva_factors = d.va.price(wf)                 # per unit of value added in factor units
    pva = pva_factors / take(q.prod_va, d.va_yj)  # per efficiency unit (value-added-augmenting technology)
    pint = d.int.price(take(pa, d.int_arm))
    ptop = d.top.price(concat([pva, pint]))
    cost_index = v.py * (1.0 - q.to) * q.prod
    scale = v.y * d.y_bar / q.prod  # input requirement in benchmark value units
    if d.crit is not None:
        crit_in = concat([take(ptop, d.crit_yj), take(pa, d.crit_arm)])
        pcrit = d.crit.price(crit_in)
        unit_cost = _assemble([(d.crit_yj, pcrit), (d.plain_yj, take(ptop, d.plain_yj))], d.n_yj)
        crit_q = d.crit.demand(take(scale, d.crit_yj), take(cost_index, d.crit_yj), crit_in)
        n_c = len(d.crit_yj)
        t_qty = _assemble([(d.crit_yj, take(crit_q, np.arange(n_c))),
                           (d.plain_yj, take(scale, d.plain_yj))], d.n_yj)
        t_price = _assemble([(d.crit_yj, take(ptop, d.crit_yj)),
                             (d.plain_yj, take(cost_index, d.plain_yj))], d.n_yj)
        crit_inputs = take(crit_q, n_c + np.arange(len(d.crit_arm)))
    else:
        unit_cost, t_qty, t_price, crit_inputs = ptop, scale, cost_index, None
    top_q = d.top.demand(t_qty, t_price, concat([pva, pint]))
    va_q = take(top_q, d.top_va) / take(q.prod_va, d.va_yj)  # value added in factor units
    n_q = take(top_q, d.top_int)
    factor_demand = d.va.demand(va_q, pva_factors, wf)
    int_q = d.int.demand(n_q, pint, take(pa, d.int_arm))
    input_demand = int_q if crit_inputs is None else concat([int_q, crit_inputs])
    return ProductionTerms(pva=pva, pint=pint, ptop=ptop, unit_cost=unit_cost, cost_index=cost_index,
                           factor_demand=factor_demand, input_demand=input_demand)


def zero_profit(t: ProductionTerms) -> Vec:
    """py (1 - to) prod - unit cost = 0 for every activity."""
    return t.cost_index - t.unit_cost
