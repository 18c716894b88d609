"""What a policy optimisation chooses and for what (docs/policy_optimisation.md).

An optimisation names **instruments** (families of policy parameters the optimiser may
set: import tariffs, export taxes, output taxes or subsidies, each over selected flows or
activities, tied or separate by partner and sector, within bounds), an **objective**
(a weighted sum of regions' equivalent variation, or the spillovers to third countries)
and optional **share constraints** (a supplier group's share of a market at most a level).
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Selector = str | list[str]


class InstrumentSpec(BaseModel):
    """A family of instruments the optimiser sets, as rates in percent.

    ``vary_by`` lists the dimensions along which the rate may differ (``partner``,
    ``sector``, ``region`` for output taxes); the others are tied: e.g. ``[sector]`` gives one
    tariff per sector, the same on every partner."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["import_tariff", "export_tax", "output_tax"]
    importers: Selector = "all"
    exporters: Selector = "all"
    regions: Selector = "all"
    sectors: Selector = "all"
    vary_by: list[Literal["partner", "sector", "region"]] = Field(default_factory=lambda: ["partner", "sector"])
    lower_pct: float = -50.0
    upper_pct: float = 300.0

    @model_validator(mode="after")
    def _bounds(self) -> "InstrumentSpec":
        for k in ("lower_pct", "upper_pct"):
            v = getattr(self, k)
            if isinstance(v, bool) or not math.isfinite(v):
                raise ValueError(f"{k} must be a finite number (got {v!r})")
        if self.lower_pct <= -100:
            raise ValueError(f"lower_pct must be above -100 (a rate of -100% or less has no meaning); "
                             f"got {self.lower_pct}")
        if self.type == "output_tax" and self.upper_pct >= 100:
            raise ValueError(f"upper_pct of an output tax must be below 100; got {self.upper_pct}")
        if self.lower_pct > self.upper_pct:
            raise ValueError(f"infeasible bounds: lower_pct {self.lower_pct} > upper_pct {self.upper_pct}")
        return self


class Objective(BaseModel):
    """``welfare``: maximise Σ_r weight_r EV_r (USD million).  ``spillovers``: minimise
    Σ_r (EV_r / income_r)^2 over the listed regions (the size of welfare changes imposed
    on them, gains and losses alike)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["welfare", "spillovers"] = "welfare"
    weights: dict[str, float] = Field(default_factory=dict)

    @field_validator("weights")
    @classmethod
    def _finite(cls, v: dict[str, float]) -> dict[str, float]:
        for r, w in v.items():
            if isinstance(w, bool) or not math.isfinite(w):
                raise ValueError(f"weights.{r} must be a finite number (got {w!r})")
        if not v:
            raise ValueError("name at least one region (weights: {REGION: 1})")
        return v


class ShareConstraint(BaseModel):
    """A supplier group's share of a market (world prices) at most ``max_share``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    exporters: Selector
    importers: Selector
    sectors: Selector
    measure: Literal["imports", "use"] = "imports"
    max_share: float

    @field_validator("max_share")
    @classmethod
    def _share(cls, v: float) -> float:
        if isinstance(v, bool) or not (math.isfinite(v) and 0.0 < v <= 1.0):
            raise ValueError(f"max_share must be in (0, 1] (got {v!r})")
        return v


class OptimisationSpec(BaseModel):
    """One policy optimisation on top of a scenario (its shocks stay in place)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    objective: Objective
    instruments: list[InstrumentSpec] = Field(min_length=1)
    constraints: list[ShareConstraint] = Field(default_factory=list)


class PolicySpec(BaseModel):
    """The ``policy:`` section of a scenario.

    - ``optimal``: choose ``instruments`` to optimise ``objective`` subject to the equilibrium
      and the share ``constraints`` (least-cost de-risking when constraints are given);
    - ``nash``: each region in ``players`` chooses its own instruments to maximise its own EV,
      given the others', until no one changes (best responses iterated to a fixed point);
    - ``cooperative``: the same instruments chosen jointly to maximise the players' total EV.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Literal["optimal", "nash", "cooperative"] = "optimal"
    objective: Objective | None = None
    instruments: list[InstrumentSpec] = Field(default_factory=list)
    constraints: list[ShareConstraint] = Field(default_factory=list)
    players: dict[str, list[InstrumentSpec]] = Field(default_factory=dict)
    tolerance_pct: float = Field(1e-6, gt=0, description="Nash: stop when no instrument moves more "
                                                           "than this many percentage points in a round")
    max_rounds: int = Field(50, ge=1, le=1000)

    @model_validator(mode="after")
    def _consistent(self) -> "PolicySpec":
        if self.mode == "optimal":
            if self.objective is None or not self.instruments:
                raise ValueError("mode optimal needs objective and instruments")
            if self.players:
                raise ValueError("players belong to modes nash and cooperative; use instruments")
        else:
            if len(self.players) < 2:
                raise ValueError(f"mode {self.mode} needs at least two players (region: [instruments])")
            if self.instruments or self.objective is not None:
                raise ValueError(f"mode {self.mode}: each player maximises its own welfare; give players, "
                                 "not objective or instruments")
            if self.constraints:
                raise ValueError(f"mode {self.mode} takes no share constraints")
        return self

    def problems(self) -> list[tuple[str, OptimisationSpec]]:
        """(name, optimisation) of each problem to solve: one, or one per player."""
        if self.mode == "optimal":
            return [("optimal", OptimisationSpec(objective=self.objective, instruments=self.instruments,
                                                 constraints=self.constraints))]
        if self.mode == "cooperative":
            return [("cooperative", OptimisationSpec(
                objective=Objective(weights={r: 1.0 for r in self.players}),
                instruments=[i for ins in self.players.values() for i in ins]))]
        return [(r, OptimisationSpec(objective=Objective(weights={r: 1.0}), instruments=ins))
                for r, ins in self.players.items()]
