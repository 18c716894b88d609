"""Closures: which variables are exogenous, the numeraire, and the equation Walras' law drops.

A closure is chosen per run (docs/model.md, "Closures"):

- ``capital``: ``mobile`` (one rental rate per region, long run) or
  ``sector_specific`` (a rental rate per sector, fixed capital stock, short run);
- ``labour``: ``full_employment`` (fixed supply, flexible wage) or
  ``fixed_real_wage`` (the wage is fixed in terms of the regional consumer price
  index, employment adjusts);
- ``trade_balance``: ``fixed`` (each region's trade balance is fixed at its
  benchmark value in units of the numeraire);
- ``numeraire``: ``world_output_price`` (the output-weighted world average producer
  price equals ``pnum``) or ``<REGION>_cpi`` (that region's consumer price index
  equals ``pnum``).

Because the numeraire equation is added, one market-clearing condition is
redundant (Walras' law); the model drops the last domestic-goods market and the
solver checks that it holds at the solution.
"""

from __future__ import annotations

from typing import Literal

import pyomo.environ as pyo
from pydantic import BaseModel, ConfigDict

from cge.model.calibration import Benchmark
from cge.errors import CGEInputError

CAPITAL = "CAP"
LABOUR = "LAB"


class Closure(BaseModel):
    """Closure choices for one run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    capital: Literal["mobile", "sector_specific"] = "mobile"
    labour: Literal["full_employment", "fixed_real_wage"] = "full_employment"
    trade_balance: Literal["fixed"] = "fixed"
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


def add_numeraire(m: pyo.ConcreteModel, b: Benchmark, closure: Closure) -> None:
    """Numeraire: a price index equals the mutable parameter ``pnum`` (1 at the benchmark)."""
    region = closure.numeraire_region(b.regions)
    if region is None:
        weights = {(j, r): b.output[b.index("sector", j), b.index("region", r)] for (j, r) in m.YJ}
        total = sum(weights.values())

        def rule(m: pyo.ConcreteModel) -> pyo.Expression:
            return sum(w / total * m.py[k] for k, w in weights.items()) - m.pnum == 0
    else:
        def rule(m: pyo.ConcreteModel) -> pyo.Expression:
            return m.cpi[region] - m.pnum == 0
    m.numeraire = pyo.Constraint(rule=rule)
