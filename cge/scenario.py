"""Scenario files: YAML -> validated :class:`Scenario` -> instrument changes on a built model.

A scenario names its base dataset, elasticity set and closure and lists shocks
(docs/scenarios.md, "Scenario language").  Validation happens in two steps:
the file's shape and value ranges by pydantic when it is read, and every region,
sector and group name against the dataset when the shocks are resolved.  Either
step raises :class:`~cge.errors.CGEInputError` with one line naming the field and
the allowed values.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, ClassVar, Literal, Union

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from cge.errors import CGEInputError
from cge.model.closure import Closure
from cge.model.options import ModelOptions
from cge.model.overrides import ElasticityOverride
from cge.model.trade import QuotaSpec
from cge.policy.spec import PolicySpec
from cge.resources import scenario_dir
from cge.yaml_loader import load_yaml, plain_tree


def _non_empty(sel: str | list[str]) -> str | list[str]:
    if isinstance(sel, list) and not sel:
        raise ValueError("an empty list selects nothing; name at least one, or 'all'")
    return sel


Selector = Annotated[Union[str, list[str]], AfterValidator(_non_empty)]
ALL = "all"
SCENARIO_DIR = scenario_dir()  # the checkout's scenarios/, or the installed copy (cge.resources)
SCENARIO_SUFFIXES = (".yaml", ".yml")

# Bounds of every number a shock takes, with the reason (docs/guarantees.md).  Beyond the
# upper bounds a shock is prohibitive or outside anything the benchmark data can speak to;
# the solver would spend minutes on it to no purpose.
RATE_MAX_PCT = 10_000.0
RATE_WHY = ("at or below -100% the price would not be positive; above 10,000% a tariff or tax is "
            "prohibitive (for a ban use export_quota with change_pct: -100)")
POINTS_WHY = "points added to a rate; the rate after the shock must stay in (-100%, 10,000%]"
OUTPUT_TAX_WHY = ("an output tax of 100% or more leaves producers nothing; a subsidy of 100% or more "
                  "is outside the model's range")
QUOTA_MAX_PCT = 10_000.0
QUOTA_WHY = ("a cut of more than 100% is impossible (-100 is a ban); a quota above 100 times the "
             "benchmark flow cannot bind")
ICEBERG_MAX_PCT = 10_000.0
ICEBERG_WHY = ("a trade cost cannot fall by 100% or more; above 10,000% trade is prohibitive (for a "
               "ban use export_quota with change_pct: -100)")
PRODUCTIVITY_MAX_PCT = 1_000.0
PRODUCTIVITY_WHY = ("a fall of 100% or more leaves no production; a rise above 1,000% (an elevenfold "
                    "level) is outside any observed change")
ESUB_CRIT_MAX = 100.0
FD_SHARE_WHY = "an income share moves by less than 100 points"


def bounded(lo: float | None, hi: float | None, why: str, lo_open: bool = True,
            hi_open: bool = False) -> AfterValidator:
    """A validator refusing numbers outside (lo, hi] (ends open or closed), with the reason."""
    def check(v: float) -> float:
        below = lo is not None and (v <= lo if lo_open else v < lo)
        above = hi is not None and (v >= hi if hi_open else v > hi)
        if below or above:
            left = "-inf" if lo is None else f"{lo:g}"
            right = "inf" if hi is None else f"{hi:g}"
            raise ValueError(f"{v:g} is outside {'(' if lo_open else '['}{left}, {right}"
                             f"{')' if hi_open else ']'}: {why}")
        return v
    return AfterValidator(check)


class _Shock(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None  # for subtotals; share targets and monitors require one


class _Bilateral(_Shock):
    """Selects bilateral flows: goods of ``sectors`` from ``exporters`` to ``importers``."""

    exporters: Selector = ALL
    importers: Selector = ALL
    sectors: Selector = ALL


class _Regional(_Shock):
    """Selects producing activities: ``sectors`` in ``regions``."""

    regions: Selector = ALL
    sectors: Selector = ALL


class _RateShock(_Shock):
    """A rate instrument: set a level, add points, or scale the power (1 + t).  The level
    must lie in ``RANGE`` (open at the bottom); so must the rate after the shock, checked
    when the shock is applied (cge.shocks)."""

    RANGE: ClassVar[tuple] = (-100.0, RATE_MAX_PCT, RATE_WHY, False)  # low, high, reason, high open
    rate_pct: float | None = None
    add_pct_points: Annotated[float, bounded(-RATE_MAX_PCT, RATE_MAX_PCT, POINTS_WHY, lo_open=False)] | None = None
    scale_power: Annotated[float, bounded(0.0, 1.0 + RATE_MAX_PCT / 100.0,
                                          "the power (1 + rate) must stay positive and the rate at "
                                          "most 10,000%")] | None = None

    @model_validator(mode="after")
    def _one_mode(self) -> "_RateShock":
        given = [k for k in ("rate_pct", "add_pct_points", "scale_power") if getattr(self, k) is not None]
        if getattr(self, "table", None) is not None:
            if given:
                raise ValueError(f"a tariff table sets the rates; drop {', '.join(given)} (use mode)")
        elif len(given) != 1:
            raise ValueError("give exactly one of rate_pct, add_pct_points, scale_power")
        lo, hi, why, hi_open = self.RANGE
        if self.rate_pct is not None:
            try:
                bounded(lo, hi, why, hi_open=hi_open).func(self.rate_pct)
            except ValueError as exc:
                raise ValueError(f"rate_pct {exc}") from None
        return self


class ImportTariff(_RateShock, _Bilateral):
    """Ad valorem import tariff of importers on goods from exporters."""

    type: Literal["import_tariff"]
    table: str | None = None
    mode: Literal["rate_pct", "add_pct_points"] = "add_pct_points"


class ExportTax(_RateShock, _Bilateral):
    """Ad valorem export tax of exporters on goods to importers."""

    type: Literal["export_tax"]


RentRecipient = str  # exporter | importer | none | a region code (checked against the dataset)


class ExportQuota(_Bilateral):
    """Quantity limit on bilateral exports relative to the benchmark; -100 is a ban.

    ``rent_to`` says who receives the quota rent: ``exporter`` (licences held by
    exporters), ``importer`` (licences held by importers), ``none`` (dissipated: compliance
    costs, denied licences) or a region code (the government of a controlling country).
    Instead of ``change_pct`` a quota may state ``cut_usd_million``, the value of benchmark
    exports it removes: every selected flow is then cut by the same percentage, the amount over
    the selected flows' benchmark value (so the size follows the dataset's base year)."""

    type: Literal["export_quota"]
    change_pct: Annotated[float, bounded(-100.0, QUOTA_MAX_PCT, QUOTA_WHY, lo_open=False)] | None = None
    cut_usd_million: float | None = Field(default=None, gt=0)
    rent_to: RentRecipient = "exporter"

    @model_validator(mode="after")
    def _one_size(self) -> "ExportQuota":
        if (self.change_pct is None) == (self.cut_usd_million is None):
            raise ValueError("give exactly one of change_pct, cut_usd_million")
        return self


class OutputTax(_RateShock, _Regional):
    """Ad valorem output tax (negative = subsidy) on producers."""

    type: Literal["output_tax"]
    RANGE: ClassVar[tuple] = (-100.0, 100.0, OUTPUT_TAX_WHY, True)


class Iceberg(_Bilateral):
    """Non-tariff trade cost: the iceberg factor is multiplied by 1 + change_pct/100."""

    type: Literal["iceberg"]
    change_pct: Annotated[float, bounded(-100.0, ICEBERG_MAX_PCT, ICEBERG_WHY)]


class Productivity(_Regional):
    """Productivity change in percent: of every input (``applies_to: output``, Hicks-neutral,
    GTAP's ao) or of value added only (``value_added``, GTAP's ava).  With Leontief
    intermediates an output-augmenting fall larger than a sector's value-added share leaves
    no positive value added (no equilibrium); a value-added-augmenting fall has no such limit.

    With ``affected_output_usd_million`` the change applies to that much of each selected
    activity's benchmark output only: the activity's productivity changes by
    change_pct x affected / benchmark output (a gain g on a share s of a sector is, to first
    order, a sector-wide gain s g), so the size follows the dataset's base year."""

    type: Literal["productivity"]
    change_pct: Annotated[float, bounded(-100.0, PRODUCTIVITY_MAX_PCT, PRODUCTIVITY_WHY)]
    applies_to: Literal["output", "value_added"] = "output"
    affected_output_usd_million: float | None = Field(default=None, gt=0)


class SubsidyBudget(_Shock):
    """Output subsidies sized as a share of each selected region's GDP in the dataset's base year
    (value added at basic prices, the sum of factor income): the rate on sector j is
    ``k x intensity[j]``, with k chosen so that the subsidies paid at benchmark output,
    Σ_j rate_j · output_j, equal ``pct_of_gdp`` percent of GDP.  ``intensity`` gives the
    relative subsidy rates (documented evidence, e.g. a sector's subsidies in % of revenue);
    sectors not named get none (docs/model.md, "Policy instruments")."""

    type: Literal["subsidy_budget"]
    regions: Selector
    pct_of_gdp: float = Field(gt=0, lt=100)
    intensity: dict[str, float]

    @model_validator(mode="after")
    def _intensities(self) -> "SubsidyBudget":
        vals = list(self.intensity.values())
        if not vals:
            raise ValueError("intensity: name at least one sector, e.g. {MET: 1, ELE: 1}")
        if any(isinstance(v, bool) or not math.isfinite(v) or v < 0 for v in vals):
            raise ValueError("intensity: every relative subsidy rate must be a finite number >= 0")
        if max(vals) <= 0:
            raise ValueError("intensity: at least one sector needs a positive relative rate")
        return self


class ShareMonitor(_Shock):
    """A market share reported with the results (no instrument): exporter group X's share of
    importer group Y's imports (or total use) of sectors S, at world prices."""

    name: str
    exporters: Selector
    importers: Selector
    sectors: Selector
    measure: Literal["imports", "use"] = "imports"


class ShareTarget(ShareMonitor):
    """Outcome target: a market share (as in :class:`ShareMonitor`) must not exceed
    (``max_share``) or must equal (``equal_share``) a level, met by an endogenous
    instrument (docs/model.md, "Outcome targets")."""

    type: Literal["share_target"]
    max_share: float | None = None
    equal_share: float | None = None
    instrument: Literal["import_tariff", "import_quota", "export_quota"] = "import_tariff"
    rent_to: RentRecipient | None = None

    @model_validator(mode="after")
    def _one_level(self) -> "ShareTarget":
        given = [k for k in ("max_share", "equal_share") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of max_share, equal_share")
        level = getattr(self, given[0])
        if not 0.0 < level <= 1.0:
            raise ValueError(f"{given[0]} must be in (0, 1]; a share of {level} cannot be reached by "
                             f"a finite {self.instrument}")
        return self

    @property
    def level(self) -> float:
        return self.max_share if self.max_share is not None else self.equal_share

    @property
    def kind(self) -> str:
        return "max" if self.max_share is not None else "equal"


class Rebalancing(_Shock):
    """Final-demand rebalancing: the shares of regional income spent by final-demand agents
    change by the given percentage points (e.g. ``{hh: 3, inv: -3}`` moves 3% of income from
    investment to private consumption); the changes must sum to zero and every share stay in
    (0, 100) (docs/model.md, "Final demand and welfare")."""

    type: Literal["rebalancing"]
    regions: Selector
    change_pct_points: dict[str, Annotated[float, bounded(-100.0, 100.0, FD_SHARE_WHY, hi_open=True)]]

    @model_validator(mode="after")
    def _balanced(self) -> "Rebalancing":
        vals = list(self.change_pct_points.values())
        if not vals:
            raise ValueError("change_pct_points: name at least two agents, e.g. {hh: 3, inv: -3}")
        if abs(sum(vals)) > 1e-9:
            raise ValueError(f"change_pct_points must sum to 0 (they sum to {sum(vals):g}): income "
                             "moves between agents, it is not created")
        return self


class ReciprocityTarget(_Shock):
    """GATT Article XXVIII-style reciprocity: ``side_b`` sets a tariff (free in sign) on its
    imports from ``side_a`` in ``sectors`` so that the change in A's exports to B equals the
    change in B's exports to A in those sectors, both valued at benchmark world prices (docs/model.md,
    "Outcome targets").  ``balance: value`` (default) equates the changes in USD (equivalence
    in trade affected, the measure of Article XXVIII negotiations); ``proportional`` equates
    their percentage changes, which stays feasible when trade is unbalanced (when the fall in
    A's imports from B exceeds all of B's imports from A)."""

    type: Literal["reciprocity_target"]
    name: str
    side_a: Selector
    side_b: Selector
    sectors: Selector = ALL
    balance: Literal["value", "proportional"] = "value"


Shock = Annotated[Union[ImportTariff, ExportTax, ExportQuota, OutputTax, Iceberg, Productivity,
                        ShareTarget, ReciprocityTarget, Rebalancing, SubsidyBudget], Field(discriminator="type")]
SHOCK_TYPES = ("import_tariff", "export_tax", "export_quota", "output_tax", "iceberg", "productivity",
               "share_target", "reciprocity_target", "rebalancing", "subsidy_budget")


class Scenario(BaseModel):
    """A validated scenario file."""

    model_config = ConfigDict(extra="forbid")

    name: str
    title: str = ""
    description: str
    sources: list[str] = Field(default_factory=list)
    dataset: str = "default"
    elasticities: str = "protee"  # cge.data.elasticities.DEFAULT_ELASTICITY_SET (docs/elasticities.md)
    elasticity_file: str | None = None
    elasticity_overrides: list[ElasticityOverride] = Field(default_factory=list)
    closure: Closure = Field(default_factory=Closure)
    model: ModelOptions = Field(default_factory=ModelOptions)
    groups: dict[str, list[str]] = Field(default_factory=dict)
    esub_crit: dict[str, Annotated[float, bounded(0.0, ESUB_CRIT_MAX, "an elasticity is at least 0 "
                                                  "(Leontief); above 100 it is numerically perfect "
                                                  "substitution, not an estimate", lo_open=False)]] = \
        Field(default_factory=dict)
    shocks: list[Shock] = Field(default_factory=list)
    monitors: list[ShareMonitor] = Field(default_factory=list)
    subtotals: dict[str, list[str]] = Field(default_factory=dict)
    policy: PolicySpec | None = None
    path: Path | None = Field(default=None, exclude=True)
    text: str = Field(default="", exclude=True)


def _format_validation_error(source: str, err: ValidationError) -> str:
    """The first schema error in one line (naming the field and the allowed fields or values),
    and how many more there are (``cge scenario check`` lists them all)."""
    from cge.scenario_check import schema_error_lines

    lines = schema_error_lines(source, err, Scenario)
    more = f" (and {len(lines) - 1} more: `cge scenario check` lists them all)" if len(lines) > 1 else ""
    return lines[0] + more


def resolve_scenario_path(name_or_path: str | Path) -> Path:
    """A scenario file path, or the name of a file in ``scenarios/``."""
    p = Path(name_or_path)
    if p.exists():
        return p
    candidate = SCENARIO_DIR / f"{name_or_path}.yaml"
    if p.suffix == "" and candidate.exists():
        return candidate
    names = sorted(f.stem for f in SCENARIO_DIR.glob("*.yaml"))
    raise CGEInputError(f"scenario '{name_or_path}': no such file; built-in scenarios: {', '.join(names)}")


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file (strictly: cge.yaml_loader)."""
    path = resolve_scenario_path(name_or_path)
    if path.is_file() and path.suffix not in SCENARIO_SUFFIXES:
        raise CGEInputError(f"scenario file '{path.name}' must end in .yaml or .yml")
    raw, text = load_yaml(path, "scenario file")
    if not isinstance(raw, dict):
        raise CGEInputError(f"{path.name}: a scenario must be a YAML mapping with name, description, shocks")
    sc = _validate(raw, path.name)
    if sc.name != path.stem:
        raise CGEInputError(f"{path.name}: field 'name': '{sc.name}' must equal the file name '{path.stem}'")
    return sc.model_copy(update={"path": path.resolve(), "text": text})


def _validate(raw: dict, source: str) -> Scenario:
    """Validate a scenario tree strictly: numbers must be numbers (not text, not true/false),
    finite (no NaN or infinity anywhere), within their stated bounds."""
    try:
        return Scenario.model_validate(plain_tree(raw, source), strict=True)
    except ValidationError as err:
        raise CGEInputError(_format_validation_error(source, err)) from None


def scenario_from_dict(raw: dict, source: str = "scenario") -> Scenario:
    """Validate a scenario given as a dict (for programmatic use and tests)."""
    if not isinstance(raw, dict):
        raise CGEInputError(f"{source}: a scenario must be a mapping with name, description, shocks")
    return _validate(raw, source)


@contextmanager
def naming_the_scenario(sc: Scenario) -> Iterator[None]:
    """Prefix a one-line input error raised while the scenario is resolved against its dataset
    (an unknown region, a self-pair, a bad table row) with the scenario's file name."""
    try:
        yield
    except CGEInputError as exc:
        source = sc.path.name if sc.path else f"scenario '{sc.name}'"
        if str(exc).startswith(source):
            raise
        raise type(exc)(f"{source}: {exc}") from None


def scenario_to_yaml(sc: Scenario) -> str:
    """The validated scenario written back as YAML (what was solved, whatever its origin:
    a file, a dict, or an object edited in Python)."""
    return yaml.safe_dump(sc.model_dump(mode="json", exclude_none=True), sort_keys=False,
                          allow_unicode=True)


def shock_names(sc: Scenario) -> list[str]:
    """The name of every shock: its ``name`` field, or ``shocks[k]``."""
    return [s.name or f"shocks[{k}]" for k, s in enumerate(sc.shocks)]


def subtotal_groups(sc: Scenario) -> dict[str, list[int]]:
    """Subtotal groups as shock indices; shocks in no group form the group ``other``.

    Refused in one line: a group naming an unknown shock, a shock in two groups, an empty
    group, two shocks with the same name."""
    names = shock_names(sc)
    dupes = sorted({n for n in names if names.count(n) > 1})
    if sc.subtotals and dupes:
        raise CGEInputError(f"shocks: name '{dupes[0]}' is used twice; subtotals need unique shock names")
    groups: dict[str, list[int]] = {}
    seen: dict[int, str] = {}
    for group, members in sc.subtotals.items():
        if not members:
            raise CGEInputError(f"subtotals.{group}: empty group; list the names of its shocks")
        idx = []
        for m in members:
            if m not in names:
                raise CGEInputError(f"subtotals.{group}: unknown shock '{m}'; allowed: {', '.join(names)}")
            k = names.index(m)
            if k in seen:
                raise CGEInputError(f"subtotals.{group}: shock '{m}' is already in group '{seen[k]}'; "
                                    "groups must not overlap")
            seen[k] = group
            idx.append(k)
        groups[group] = idx
    rest = [k for k in range(len(names)) if k not in seen]
    if rest:
        if "other" in groups:
            raise CGEInputError("subtotals.other: 'other' is reserved for shocks in no group")
        groups["other"] = rest
    return groups


def elasticity_file_path(sc: Scenario) -> Path | None:
    """The elasticity CSV a scenario names, resolved relative to the scenario file."""
    if sc.elasticity_file is None:
        return None
    base = sc.path.parent if sc.path else Path.cwd()
    return (base / sc.elasticity_file).resolve()


def table_paths(sc: Scenario) -> list[Path]:
    """Tariff table files a scenario reads, resolved relative to the scenario file."""
    base = sc.path.parent if sc.path else Path.cwd()
    return [(base / s.table).resolve() for s in sc.shocks
            if isinstance(s, ImportTariff) and s.table is not None]


def split_parents(attrs: dict[str, str]) -> dict[str, str]:
    """Sectors split off a parent in the dataset (child -> parent)."""
    return json.loads(attrs.get("split_parents", "{}"))


def quota_flows(sc: Scenario, regions: list[str], sectors: list[str],
                traded: set[tuple[str, str, str]] | None = None) -> list[QuotaSpec]:
    """Bilateral flows (sector, exporter, importer) that carry a non-ban export quota, with
    the recipient of each quota's rent.  Flows without benchmark trade (not in ``traded``)
    are skipped: there is nothing to restrict."""
    out: dict[tuple[str, str, str], QuotaSpec] = {}
    for k, s in enumerate(sc.shocks):
        if isinstance(s, ExportQuota) and (s.change_pct is None or s.change_pct > -100):
            sel = Selection(sc, regions, sectors, f"shocks[{k}]")
            if s.rent_to not in ("exporter", "importer", "none") and s.rent_to not in regions:
                raise CGEInputError(f"shocks[{k}].rent_to: '{s.rent_to}' is not a region of the dataset; "
                                    f"allowed: exporter, importer, none, {', '.join(regions)}")
            for i in sel.sectors(s.sectors, "sectors"):
                for e in sel.regions(s.exporters, "exporters"):
                    for m in sel.regions(s.importers, "importers"):
                        if e != m and (traded is None or (i, e, m) in traded):
                            prior = out.get((i, e, m))
                            if prior is not None and prior.rent_to != s.rent_to:
                                raise CGEInputError(f"shocks[{k}].rent_to: flow {(i, e, m)} already has a "
                                                    f"quota whose rent goes to {prior.rent_to}")
                            out[(i, e, m)] = QuotaSpec((i, e, m), s.rent_to)
    return [out[f] for f in sorted(out)]


class Selection:
    """Resolve region and sector selectors of one shock against a dataset."""

    def __init__(self, sc: Scenario, regions: list[str], sectors: list[str], where: str) -> None:
        self.sc, self.all_regions, self.all_sectors, self.where = sc, regions, sectors, where
        for g, members in sc.groups.items():
            for r in members:
                if r not in regions:
                    raise CGEInputError(f"groups.{g}: unknown region '{r}'; allowed: {', '.join(regions)}")

    def regions(self, sel: Selector, field: str) -> list[str]:
        items = [sel] if isinstance(sel, str) else list(sel)
        out: list[str] = []
        for it in items:
            if it == ALL:
                out += self.all_regions
            elif it in self.sc.groups:
                out += self.sc.groups[it]
            elif it in self.all_regions:
                out.append(it)
            else:
                groups = f"; groups: {', '.join(self.sc.groups)}" if self.sc.groups else ""
                raise CGEInputError(f"{self.where}.{field}: unknown region '{it}'; allowed: "
                                    f"{', '.join(self.all_regions)}, all{groups}")
        return list(dict.fromkeys(out))

    def sectors(self, sel: Selector, field: str) -> list[str]:
        items = [sel] if isinstance(sel, str) else list(sel)
        out: list[str] = []
        for it in items:
            if it == ALL:
                out += self.all_sectors
            elif it in self.all_sectors:
                out.append(it)
            else:
                raise CGEInputError(f"{self.where}.{field}: unknown sector '{it}'; allowed: "
                                    f"{', '.join(self.all_sectors)}, all")
        return list(dict.fromkeys(out))
