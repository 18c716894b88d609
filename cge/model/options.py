"""Model options a scenario can set: nest elasticities and the Armington structure
(docs/model.md, "Production", "Armington demand", "Final demand").

Defaults follow the standard GTAP model (Corong et al. 2017, "The Standard GTAP Model,
Version 7", Journal of Global Economic Analysis 2(1), section 3): value added and the
intermediate bundle are Leontief (ESUBT = 0), intermediate goods are Leontief among
themselves (ESUBC = 0), government demand is Cobb-Douglas, investment Leontief, and private
demand Cobb-Douglas here (a homothetic simplification of GTAP's CDE).
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Final-demand elasticities by role (private consumption, government, investment).
DEFAULT_ESUB_FD_BY_ROLE: dict[str, float] = {"private": 1.0, "government": 1.0, "investment": 0.0}
ELASTICITY_LIMIT = 100.0  # larger values are numerically a perfect substitute, not an estimate


def _finite_elasticity(value: float, field: str) -> float:
    if isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"{field} must be a finite number (got {value!r})")
    if not 0.0 <= value <= ELASTICITY_LIMIT:
        raise ValueError(f"{field} must be in [0, {ELASTICITY_LIMIT:g}] (got {value})")
    return value


class ModelOptions(BaseModel):
    """Nest options of one run; recorded in the results' provenance."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    esub_top: float = Field(0.0, description="elasticity between value added and the intermediate "
                                             "bundle (GTAP ESUBT); 0 = Leontief")
    esub_int: float = Field(0.0, description="elasticity among intermediate goods in the intermediate "
                                             "bundle (GTAP ESUBC); 0 = Leontief")
    esub_fd: dict[str, float] = Field(default_factory=dict,
                                      description="elasticity among goods for each final-demand agent "
                                                  "(default: private 1, government 1, investment 0)")
    armington: Literal["two_level", "single_level"] = Field(
        "two_level", description="two_level: domestic vs import composite (esub_dm), then sources "
                                 "(esub_mm); single_level: domestic and every source in one CES with "
                                 "esub_mm (esub_dm set equal to esub_mm)")

    @field_validator("esub_top", "esub_int")
    @classmethod
    def _nest(cls, v: float, info) -> float:  # noqa: ANN001 (pydantic's info)
        return _finite_elasticity(v, info.field_name)

    @field_validator("esub_fd")
    @classmethod
    def _fd(cls, v: dict[str, float]) -> dict[str, float]:
        for agent, val in v.items():
            _finite_elasticity(val, f"esub_fd.{agent}")
        return v

    def describe(self) -> str:
        """One-line description for provenance."""
        fd = ", ".join(f"{a}={s:g}" for a, s in self.esub_fd.items()) or "default"
        return (f"esub_top={self.esub_top:g}; esub_int={self.esub_int:g}; esub_fd={fd}; "
                f"armington={self.armington}")
