"""Armington block: each agent's composite of the domestic good and the import composite
(docs/model.md, "Armington demand").

Every agent (each producing sector and each final-demand agent of a region) buys a
composite of good i: a CES of the domestic good (price ``py[i,r]``) and the region's
import composite (price ``pm[i,r]``, tariff-inclusive) with elasticity ``esub_dm[i,r]``,
with agent-specific benchmark import shares, as in GTAP.  The composite quantity
``aq[i,a,r]`` is demanded by the production or final-demand block.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cge.model.algebra import Vec, concat, take
from cge.model.calibration import Benchmark
from cge.model.ces import CESNests
from cge.model.sets import ModelSets


@dataclass
class ArmingtonData:
    """Static data of the Armington block (inputs: domestic entries, then imported)."""

    nests: CESNests
    dom_arm: np.ndarray   # ARM members with domestic purchases
    imp_arm: np.ndarray   # ARM members with imported purchases
    dom_yj: np.ndarray    # domestic entries -> YJ (the good made in the region)
    imp_mi: np.ndarray    # imported entries -> MI
    pa_bar: np.ndarray    # benchmark composite price of every ARM member
    qty_bar: np.ndarray   # benchmark composite quantity (world-price units)


def prepare_armington(b: Benchmark, sets: ModelSets) -> ArmingtonData:
    """Benchmark shares, prices and elasticities of every agent's Armington composite."""
    arm = sets.arm
    i, a, r = arm["i"], arm["a"], arm["r"]
    dom = sets.arm_dom[i, a, r]
    imp = sets.arm_imp[i, a, r]
    pm_bar = b.pm_bar[i, r]
    qty = dom + imp
    pa_bar = (dom + imp * pm_bar) / qty
    dom_arm = np.flatnonzero(dom > 0.0)
    imp_arm = np.flatnonzero(imp > 0.0)
    value = dom + imp * pm_bar
    nests = CESNests(
        nest=np.concatenate([dom_arm, imp_arm]),
        share=np.concatenate([dom[dom_arm], imp[imp_arm] * pm_bar[imp_arm]]) / np.concatenate(
            [value[dom_arm], value[imp_arm]]),
        pbar=np.concatenate([np.ones(len(dom_arm)), pm_bar[imp_arm]]),
        qratio=np.concatenate([dom[dom_arm], imp[imp_arm]]) / np.concatenate([qty[dom_arm], qty[imp_arm]]),
        sigma=b.esub_dm[i, r], cbar=pa_bar)
    return ArmingtonData(nests=nests, dom_arm=dom_arm, imp_arm=imp_arm,
                         dom_yj=sets.yj_of[i[dom_arm], r[dom_arm]],
                         imp_mi=sets.mi_of[i[imp_arm], r[imp_arm]], pa_bar=pa_bar, qty_bar=qty)


def input_prices(d: ArmingtonData, v) -> Vec:  # noqa: ANN001
    """Prices of the domestic and imported entries of every composite (flat)."""
    return concat([take(v.py, d.dom_yj), take(v.pm, d.imp_mi)])


def composite_price(d: ArmingtonData, prices: Vec) -> Vec:
    """``pa[i,a,r]``: the CES price of every agent's composite."""
    return d.nests.price(prices)


def domestic_and_imported(d: ArmingtonData, aq: Vec, pa: Vec, prices: Vec) -> tuple[Vec, Vec]:
    """Domestic (``dom_arm`` order) and imported (``imp_arm`` order) purchases, given the
    composite quantity ``aq`` of every ARM member."""
    q = d.nests.demand(aq, pa, prices)
    n_dom = len(d.dom_arm)
    return take(q, np.arange(n_dom)), take(q, n_dom + np.arange(len(d.imp_arm)))
