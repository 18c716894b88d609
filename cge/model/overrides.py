"""Elasticity overrides: a scenario changes chosen elasticities of the calibrated benchmark
(docs/scenarios.md, "Elasticity overrides").

An override names a parameter (``esub_dm``, ``esub_mm``, ``esub_va``, ``esub_top``,
``esub_int``, by sector and region; or ``factor_supply_elasticity``, the supply response of
a primary factor to its real price, by factor and region), the sectors (or factors) and
regions it applies to (default: all) and either a new ``value`` or a ``scale`` factor.  A whole elasticity table can also be given as a CSV file
(columns ``sector``, optional ``region``, and any of the parameters), read into overrides
in file order.  Overrides are applied after the elasticity set is chosen, in order, and
recorded in the results' provenance.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, model_validator

from cge.errors import CGEInputError
from cge.model.calibration import Benchmark
from cge.model.options import ELASTICITY_LIMIT

OVERRIDABLE = ("esub_dm", "esub_mm", "esub_va", "esub_top", "esub_int")
FACTOR_SUPPLY = "factor_supply_elasticity"   # by (factor, region), not by sector
# Sourcing and Armington elasticities must stay positive (a zero makes import shares fixed
# and a ban impossible); the production nests may be Leontief (0).
POSITIVE = ("esub_dm", "esub_mm")


class ElasticityOverride(BaseModel):
    """One change to the elasticities of the calibrated benchmark."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    parameter: Literal["esub_dm", "esub_mm", "esub_va", "esub_top", "esub_int", "factor_supply_elasticity"]
    sectors: str | list[str] = "all"
    factors: str | list[str] = "all"
    regions: str | list[str] = "all"
    value: float | None = None
    scale: float | None = None

    @model_validator(mode="after")
    def _one_of(self) -> "ElasticityOverride":
        given = [k for k in ("value", "scale") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of value, scale")
        x = getattr(self, given[0])
        if isinstance(x, bool) or not math.isfinite(x):
            raise ValueError(f"{given[0]} must be a finite number (got {x!r})")
        if x < 0 or (given[0] == "scale" and x == 0):
            raise ValueError(f"{given[0]} must be positive (got {x})")
        if self.parameter == FACTOR_SUPPLY and self.sectors != "all":
            raise ValueError("factor_supply_elasticity is set by factors and regions, not sectors")
        if self.parameter != FACTOR_SUPPLY and self.factors != "all":
            raise ValueError(f"{self.parameter} is set by sectors and regions; factors apply only "
                             "to factor_supply_elasticity")
        return self


def _pick(sel: str | list[str], allowed: list[str], field: str) -> list[int]:
    items = [sel] if isinstance(sel, str) else list(sel)
    if not items:
        raise CGEInputError(f"{field}: empty list; name at least one, or 'all'")
    out: list[int] = []
    for it in items:
        if it == "all":
            out += list(range(len(allowed)))
        elif it in allowed:
            out.append(allowed.index(it))
        else:
            raise CGEInputError(f"{field}: unknown '{it}'; allowed: {', '.join(allowed)}, all")
    return sorted(set(out))


def apply_overrides(b: Benchmark, overrides: list[ElasticityOverride], where: str = "elasticity_overrides") -> None:
    """Change the benchmark's elasticities in place, in order."""
    for k, ov in enumerate(overrides):
        field = f"{where}[{k}]"
        if ov.parameter == FACTOR_SUPPLY:
            rows = _pick(ov.factors, b.factors, f"{field}.factors")
            if b.factor_supply_elasticity is None:
                b.factor_supply_elasticity = np.zeros((len(b.factors), len(b.regions)))
        else:
            rows = _pick(ov.sectors, b.sectors, f"{field}.sectors")
        cols = _pick(ov.regions, b.regions, f"{field}.regions")
        arr = getattr(b, ov.parameter)
        block = np.ix_(rows, cols)
        new = np.full(arr[block].shape, ov.value) if ov.value is not None else arr[block] * ov.scale
        if ov.parameter in POSITIVE and (new <= 0).any():
            raise CGEInputError(f"{field}: {ov.parameter} must stay above 0 (got {new.min():g})")
        if (new > ELASTICITY_LIMIT).any():
            raise CGEInputError(f"{field}: {ov.parameter} must stay at or below {ELASTICITY_LIMIT:g} "
                                f"(got {new.max():g})")
        arr[block] = new


def overrides_from_csv(path: Path) -> list[ElasticityOverride]:
    """Overrides from a CSV table: columns ``sector``, optional ``region``, and parameters."""
    from cge.yaml_loader import MAX_TABLE_BYTES, read_text_input

    text = read_text_input(path, "elasticities: file", MAX_TABLE_BYTES)  # a file, readable, UTF-8
    try:
        df = pd.read_csv(io.StringIO(text), dtype={"sector": str, "region": str})
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError):
        raise CGEInputError(f"elasticities: '{path.name}' is not a readable CSV") from None
    params = [c for c in df.columns if c in OVERRIDABLE]
    if "sector" not in df.columns or not params:
        raise CGEInputError(f"elasticities: '{path.name}' needs a column 'sector' and at least one of "
                            f"{', '.join(OVERRIDABLE)}")
    out = []
    for row in df.to_dict("records"):
        for par in params:
            val = row[par]
            if isinstance(val, str) or not math.isfinite(float(val)):
                raise CGEInputError(f"elasticities: '{path.name}' row for sector {row['sector']}: "
                                    f"{par} must be a number (got {val!r})")
            out.append(ElasticityOverride(parameter=par, sectors=row["sector"],
                                          regions=row.get("region") if isinstance(row.get("region"), str) else "all",
                                          value=float(val)))
    return out
