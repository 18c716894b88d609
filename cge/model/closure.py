"""Closures: factor mobility, labour market, trade balance and numeraire
(docs/model.md, "Closures").

A closure is chosen per run:

- ``capital``: ``mobile`` (one rental rate per region, long run) or ``sector_specific``
  (a rental rate per sector, fixed stock, short run);
- ``labour``: ``full_employment`` (fixed supply, flexible wage) or ``fixed_real_wage``
  (the wage is fixed in terms of the regional CPI, employment adjusts);
- ``trade_balance`` (the transfer TB[r] a region pays abroad, sum over regions 0):
  ``world_prices`` (default): the benchmark balance fixed in units of a world trade-price
  index (fob prices of world trade per unit shipped, benchmark weights), so real results do
  not depend on the numeraire and a uniform import tariff equals the uniform export tax
  (Lerner symmetry);
  ``world_income_share``: a fixed share of world income; ``numeraire``: fixed in units of
  the numeraire (the convention of GTAPinGAMS-style models; real results then depend on
  the numeraire chosen); ``zero``: deficits removed first in a baseline solve (the
  quantitative-trade practice of Dekle, Eaton and Kortum 2008), results measured
  against that baseline;
- ``numeraire``: ``world_output_price`` (the output-weighted world average producer
  price) or ``<REGION>_cpi``.

Because the numeraire equation is added, one market-clearing condition is redundant
(Walras' law); the model drops the last domestic-goods market and the solver checks it.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from cge.errors import CGEInputError
from cge.model.algebra import Vec, segment_sum, take, Segments
from cge.model.calibration import Benchmark

TRADE_BALANCE_WORDS = {
    "world_prices": "trade balances fixed in world prices",
    "world_income_share": "trade balances fixed as shares of world income",
    "numeraire": "trade balances fixed in units of the numeraire",
    "zero": "trade deficits removed in a baseline (results relative to it)",
}


class Closure(BaseModel):
    """Closure choices for one run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    capital: Literal["mobile", "sector_specific"] = "mobile"
    labour: Literal["full_employment", "fixed_real_wage"] = "full_employment"
    trade_balance: Literal["world_prices", "world_income_share", "numeraire", "zero"] = "world_prices"
    numeraire: str = "world_output_price"

    def numeraire_region(self, regions: list[str]) -> str | None:
        """The region whose CPI is the numeraire, or None for the world output price."""
        if self.numeraire == "world_output_price":
            return None
        if self.numeraire.endswith("_cpi") and self.numeraire[:-4] in regions:
            return self.numeraire[:-4]
        allowed = ["world_output_price"] + [f"{r}_cpi" for r in regions]
        raise CGEInputError(f"closure.numeraire: unknown '{self.numeraire}'; allowed: {', '.join(allowed)}")

    def describe(self) -> str:
        """One-line description stored with results."""
        return (f"capital={self.capital}; labour={self.labour}; "
                f"trade_balance={self.trade_balance}; numeraire={self.numeraire}")

    def in_words(self) -> str:
        """The closure as a reader would say it (for table notes)."""
        cap = "capital mobile across sectors (long run)" if self.capital == "mobile" else \
            "capital specific to sectors (short run)"
        lab = "full employment" if self.labour == "full_employment" else "fixed real wage, employment adjusts"
        num = ("world output price" if self.numeraire == "world_output_price"
               else f"consumer price index of {self.numeraire[:-4]}")
        return f"{cap}; {lab}; {TRADE_BALANCE_WORDS[self.trade_balance]}; numeraire: {num}"


def numeraire(b: Benchmark, closure: Closure, v, q, cpi: Vec, yj_j: np.ndarray,  # noqa: ANN001
              yj_r: np.ndarray) -> Vec:
    """A price index equals the parameter ``pnum`` (1 at the benchmark)."""
    region = closure.numeraire_region(b.regions)
    if region is None:
        w = b.output[yj_j, yj_r]
        one = Segments.of(np.zeros(len(w), dtype=np.int64), 1, w / w.sum())
        return segment_sum(v.py, one) - q.pnum
    return take(cpi, np.array([b.ri[region]])) - q.pnum


def trade_balance_index(b: Benchmark, closure: Closure, v, q, pcif: Vec, x_bar: np.ndarray,  # noqa: ANN001
                        income_bar: np.ndarray) -> Vec:
    """The price (length-1 vector) in whose units every region's trade balance is fixed.

    ``world_prices``: a Laspeyres index of the world (fob) prices of all bilateral flows, per
    unit shipped -- taxes and rents at the border included, trade costs not, so an iceberg
    shock does not inflate the transfer; a uniform import tariff and the equivalent export tax
    leave every fob price unchanged (Lerner symmetry)."""
    if closure.trade_balance == "numeraire":
        return q.pnum
    if closure.trade_balance == "world_income_share":
        one = Segments.of(np.zeros(len(income_bar), dtype=np.int64), 1, income_bar / income_bar.sum())
        return segment_sum(v.inc, one)
    one = Segments.of(np.zeros(len(x_bar), dtype=np.int64), 1, x_bar / x_bar.sum())
    return segment_sum(pcif / q.tau, one)
