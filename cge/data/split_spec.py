"""Split definitions (one YAML file per new sector under ``calibration/splits/``): schema and reader.

A :class:`SplitSpec` says what is known about a sector carved out of a parent (see
:mod:`cge.data.split`): its output, trade pattern and named users, and optionally its own
cost structure (``costs``: shares of named inputs in its gross output), a sector-specific
natural-resource factor (``resource``) and its own substitution elasticities
(``elasticities``, per elasticity set), each with the source of its value.  Anything not
given is proportional to the parent.  Bad input is a one-line :class:`CGEInputError`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import (BaseModel, ConfigDict, Field, ValidationError, field_validator,
                      model_validator)

from cge.errors import CGEInputError
from cge.yaml_loader import load_yaml

SHARE_TOL = 1e-6
OTHER = "other"      # key for "all regions not listed", spread pro rata to the parent
DEFAULT = "default"  # key for the share applied to regions not listed


def _check_shares(name: str, shares: dict[str, float], must_sum_to_one: bool) -> None:
    for key, value in shares.items():
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name}.{key} = {value} is outside [0, 1]")
    if must_sum_to_one and abs(sum(shares.values()) - 1.0) > SHARE_TOL:
        raise ValueError(f"{name} sums to {sum(shares.values()):.6g}, must sum to 1 "
                         f"(use the key '{OTHER}' for the unlisted regions)")


class OutputSpec(BaseModel):
    """Size of the new sector: world value and shares of world output by region,
    or shares of the parent's output by region (key ``default`` for the rest)."""

    model_config = ConfigDict(extra="forbid")
    world_usd_m: float | None = None
    region_shares: dict[str, float] | None = None
    share_of_parent: dict[str, float] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> "OutputSpec":
        by_world = self.world_usd_m is not None and self.region_shares is not None
        if by_world == (self.share_of_parent is not None):
            raise ValueError("give either world_usd_m with region_shares, or share_of_parent")
        if by_world:
            if self.world_usd_m <= 0:
                raise ValueError("world_usd_m must be positive")
            _check_shares("region_shares", self.region_shares, must_sum_to_one=True)
        else:
            _check_shares("share_of_parent", self.share_of_parent, must_sum_to_one=False)
            if DEFAULT not in self.share_of_parent:
                raise ValueError(f"share_of_parent needs a '{DEFAULT}' share for unlisted regions")
        return self


class TradeSpec(BaseModel):
    """Trade pattern of the new good; anything omitted is proportional to the parent."""

    model_config = ConfigDict(extra="forbid")
    world_exports_usd_m: float | None = None
    exporter_shares: dict[str, float] | None = None
    importer_shares: dict[str, float] | None = None

    @model_validator(mode="after")
    def _shares(self) -> "TradeSpec":
        if self.world_exports_usd_m is not None and self.world_exports_usd_m <= 0:
            raise ValueError("world_exports_usd_m must be positive")
        for name in ("exporter_shares", "importer_shares"):
            shares = getattr(self, name)
            if shares is not None:
                _check_shares(name, shares, must_sum_to_one=True)
        return self


class UseSpec(BaseModel):
    """How much of a user's purchases of the parent good is the new good.

    Exactly one of: ``share_of_parent_use`` (fraction of the user's use of the
    parent good), ``cost_share`` (fraction of the user's gross output),
    ``world_usd_m`` (world purchases of the new good by this user, spread over
    regions in proportion to the user's use of the parent good).  ``by_region``
    overrides the first two forms region by region.

    ``adjust_user_costs`` (with ``cost_share`` only): where the user's purchases of the
    parent good are too small to hold the cost share, the user takes its own cost
    structure: its purchases of the parent good rise by the new good's cost, paid for by
    scaling down all its other inputs, and its own parent (the user must be a split
    sector) takes the opposite change, so that the two still add up to the old column."""

    model_config = ConfigDict(extra="forbid")
    share_of_parent_use: float | None = None
    cost_share: float | None = None
    world_usd_m: float | None = None
    by_region: dict[str, float] | None = None
    adjust_user_costs: bool = False
    source: str

    @model_validator(mode="after")
    def _one_form(self) -> "UseSpec":
        forms = [f for f in ("share_of_parent_use", "cost_share", "world_usd_m")
                 if getattr(self, f) is not None]
        if len(forms) != 1:
            raise ValueError("give exactly one of share_of_parent_use, cost_share, world_usd_m")
        if self.world_usd_m is not None:
            if self.world_usd_m < 0:
                raise ValueError("world_usd_m must be non-negative")
            if self.by_region:
                raise ValueError("by_region cannot be combined with world_usd_m")
        else:
            _check_shares(forms[0], {"all": getattr(self, forms[0])}, must_sum_to_one=False)
            _check_shares("by_region", self.by_region or {}, must_sum_to_one=False)
        if self.adjust_user_costs and self.cost_share is None:
            raise ValueError("adjust_user_costs needs the cost_share form")
        return self


class CostSpec(BaseModel):
    """The new sector's purchases of one input (domestic + imported, at world prices)
    as a share of its gross output; ``by_region`` overrides it region by region."""

    model_config = ConfigDict(extra="forbid")
    cost_share: float = Field(gt=0.0, lt=1.0)
    by_region: dict[str, float] | None = None
    source: str

    @model_validator(mode="after")
    def _regions(self) -> "CostSpec":
        for key, value in (self.by_region or {}).items():
            if not 0.0 < value < 1.0:
                raise ValueError(f"by_region.{key} = {value} is outside (0, 1)")
        return self


class ResourceSpec(BaseModel):
    """A sector-specific natural-resource factor of the new sector: its share of the new
    sector's value added (taken from the other factors pro rata) and the elasticity of
    its supply to its real price (the model's ``factor_supply_elasticity``)."""

    model_config = ConfigDict(extra="forbid")
    factor: str
    share_of_value_added: float = Field(gt=0.0, lt=1.0)
    supply_elasticity: float = Field(ge=0.0)
    source: str

    @field_validator("factor")
    @classmethod
    def _code(cls, value: str) -> str:
        if not value.isalnum() or not value.isupper():
            raise ValueError(f"'{value}' must be an upper-case alphanumeric code")
        return value


class ElasticityValues(BaseModel):
    """The new sector's own elasticities in one elasticity set (omitted = the parent's)."""

    model_config = ConfigDict(extra="forbid")
    esub_dm: float | None = Field(default=None, ge=0.0)
    esub_mm: float | None = Field(default=None, ge=0.0)
    esub_va: float | None = Field(default=None, ge=0.0)
    source: str


class SplitSpec(BaseModel):
    """Definition of one split: new sector, parent, and what is known about it."""

    model_config = ConfigDict(extra="forbid")
    new: str
    parent: str
    name: str
    description: str
    output: OutputSpec
    trade: TradeSpec = TradeSpec()
    uses: dict[str, UseSpec] = {}
    residual_users: list[str] | None = None
    costs: dict[str, CostSpec] = {}
    resource: ResourceSpec | None = None
    elasticities: dict[str, ElasticityValues] = {}
    sources: list[str]

    @model_validator(mode="after")
    def _cost_total(self) -> "SplitSpec":
        total = sum(c.cost_share for c in self.costs.values())
        if total >= 1.0:
            raise ValueError(f"costs: cost shares sum to {total:.6g}, must stay below 1 "
                             f"(value added and the other inputs need the rest)")
        return self

    @field_validator("new")
    @classmethod
    def _code(cls, value: str) -> str:
        if not value.isalnum() or not value.isupper():
            raise ValueError(f"'{value}' must be an upper-case alphanumeric code")
        return value


def load_split_spec(path: str | Path) -> SplitSpec:
    """Read and validate one split definition; bad input -> one-line CGEInputError."""
    path = Path(path)
    if not path.is_file():
        raise CGEInputError(f"split definition {path}: file not found")
    raw, _ = load_yaml(path, "split definition")   # strict: duplicate keys refused
    try:
        return SplitSpec.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        raise CGEInputError(f"split definition {path.name}: {loc}: {msg}") from None


