"""Market clearing for domestic goods (docs/model.md, "Market clearing").

Output of good i in region r is bought by the region's own agents (their domestic
demand) and shipped abroad; with iceberg costs (and dissipated rents), more than one
unit leaves for every unit delivered:

    ybar y[i,r] = sum_a dom[i,a,r] + sum_d shipped[i,r,d]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cge.model.algebra import Segments, Vec, segment_sum
from cge.model.sets import ModelSets


@dataclass
class MarketData:
    """Which domestic purchases and which flows clear each activity's market."""

    home: Segments     # domestic ARM entries -> YJ
    abroad: Segments   # flows -> exporter's YJ
    y_bar: np.ndarray


def prepare_market(sets: ModelSets, dom_yj: np.ndarray, exp_yj: np.ndarray, y_bar: np.ndarray) -> MarketData:
    n = len(sets.yj)
    return MarketData(home=Segments.of(dom_yj, n), abroad=Segments.of(exp_yj, n), y_bar=y_bar)


def home_sales(d: MarketData, domestic: Vec) -> Vec:
    """Domestic sales of every activity (quantity)."""
    return segment_sum(domestic, d.home)


def goods_market(d: MarketData, v, home: Vec, shipped: Vec) -> Vec:  # noqa: ANN001
    """Output equals domestic sales plus shipments abroad, relative to benchmark output."""
    return v.y - (home + segment_sum(shipped, d.abroad)) / d.y_bar
