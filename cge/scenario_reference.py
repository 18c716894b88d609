"""The scenario language reference (docs/scenario_reference.md) and the JSON Schema, both
generated from the pydantic schema of :mod:`cge.scenario`.

Types, allowed values, defaults and bounds come from the models' fields; what each field
means comes from its ``description`` where the model gives one, else from
:data:`FIELD_HELP` below (a test requires an entry for every field, so a new field cannot go
undocumented).  Every example is validated by the tests.
``cge scenario reference --out docs/scenario_reference.md`` rewrites the file;
``cge scenario schema`` prints the JSON Schema for editors.
"""

from __future__ import annotations

import inspect
import json
import re
import typing
from typing import Any, Literal, get_args, get_origin

import annotated_types
import yaml
from pydantic import BaseModel

from cge.model.closure import Closure
from cge.model.options import ModelOptions
from cge.model.overrides import ElasticityOverride
from cge.policy.spec import InstrumentSpec, Objective, PolicySpec, ShareConstraint
from cge.scenario import SHOCK_TYPES, Scenario, ShareMonitor
from cge.scenario_check import SELECTOR_TEXT, _is_model, _is_selector, _tag, _union_members, allowed_fields

SELECTOR_HELP = {
    "exporters": "exporting regions (sources of the flows)",
    "importers": "importing regions (destinations of the flows)",
    "regions": "regions whose producers (or agents) the shock applies to",
    "sectors": "sectors (goods) it applies to",
}

#: Meaning of every field without a ``description`` in its model, by "Model.field" or field name.
FIELD_HELP: dict[str, str] = {
    # the scenario
    "Scenario.name": "identifier; must equal the file name without `.yaml`; results are written as `<name>.nc`",
    "Scenario.title": "short title for tables and charts (default: the name)",
    "Scenario.description": "what the scenario represents, in words",
    "Scenario.sources": "where every number comes from, one entry per source",
    "Scenario.dataset": "base dataset: a name (`default`, `tiny`, `full`, `critical`; `cge info` lists them) "
                        "or the path of a built `.nc` file, relative to the scenario file",
    "Scenario.elasticities": "elasticity set of the dataset: `gtap` or `cp2015` (docs/elasticities.md)",
    "Scenario.elasticity_file": "CSV of elasticities (columns `sector`, optional `region`, and any of "
                                "`esub_dm`, `esub_mm`, `esub_va`, `esub_top`, `esub_int`), relative to the "
                                "scenario file; applied before `elasticity_overrides`",
    "Scenario.elasticity_overrides": "changes to chosen elasticities, applied in order ([below](#elasticity-overrides))",
    "Scenario.closure": "closure of the run ([below](#closure))",
    "Scenario.model": "nest elasticities and Armington structure ([below](#model-options))",
    "Scenario.groups": "named groups of region codes, usable in any region selector, e.g. "
                       "`{partners: [EUR, JPN, KOR]}`",
    "Scenario.esub_crit": "critical-inputs datasets: elasticity between the critical inputs and the rest "
                          "of the input bundle, by using sector, e.g. `{TRN: 0.05, ELE: 0.1}` "
                          "(docs/critical_inputs.md); >= 0",
    "Scenario.shocks": "the shocks, applied in order to the benchmark instruments ([below](#shocks))",
    "Scenario.monitors": "market shares reported with the results, without an instrument "
                         "([below](#monitors))",
    "Scenario.subtotals": "named groups of shock names whose contributions are reported separately by "
                          "`cge run --decompose` (docs/decomposition.md); shocks in no group form `other`",
    "Scenario.policy": "a policy optimisation on top of the shocks ([below](#policy-optimisation), "
                       "docs/policy_optimisation.md)",
    # shocks
    "name": "label of the shock, used by `subtotals` and in messages",
    "type": "the shock type",
    "rate_pct": "set the rate to this level, in percent (> -100)",
    "add_pct_points": "add this many percentage points to the benchmark rate",
    "scale_power": "multiply the power of the rate (1 + t) by this factor (> 0)",
    "ImportTariff.table": "CSV of rates by importer, exporter and sector ([tariff tables](#tariff-tables)), "
                          "relative to the scenario file; the shock's selectors choose which rows apply",
    "ImportTariff.mode": "how the table's `rate_pct` column is used: as levels (`rate_pct`) or as added "
                         "points (`add_pct_points`)",
    "ExportQuota.change_pct": "change of the allowed quantity from the benchmark flow, in percent; -100 is a ban",
    "ExportQuota.rent_to": "who receives the quota rent: `exporter` (licences held by exporters), `importer`, "
                           "`none` (dissipated) or a region code (the government of a controlling country)",
    "Iceberg.change_pct": "change of the iceberg trade-cost factor, in percent (> -100)",
    "Productivity.change_pct": "productivity change, in percent (> -100)",
    "Productivity.applies_to": "`output`: of every input (Hicks-neutral, GTAP ao); `value_added`: of value "
                               "added only (GTAP ava)",
    "measure": "`imports`: share of the importers' imports; `use`: share of their total use "
               "(domestic sales plus imports)",
    "ShareMonitor.name": "label of the share in the results",
    "ShareTarget.name": "label of the target (required, unique)",
    "ShareTarget.max_share": "cap on the share, in (0, 1]: the instrument is zero unless the cap binds",
    "ShareTarget.equal_share": "the share must equal this level, in (0, 1]; the instrument is free in sign",
    "ShareTarget.instrument": "what moves to meet the target on the flows from `exporters` to `importers`: "
                              "an import tariff (revenue to the importer), an import quota or an export quota",
    "ShareTarget.rent_to": "recipient of a quota instrument's rent (as for export quotas; default: the "
                           "importer for import quotas, the exporter for export quotas)",
    "Rebalancing.regions": "regions whose final-demand shares change",
    "Rebalancing.change_pct_points": "change of each final-demand agent's share of regional income, in "
                                     "percentage points, by agent (`hh`, `gov`, `inv`); must sum to 0",
    "SubsidyBudget.regions": "regions that pay the subsidies",
    "SubsidyBudget.pct_of_gdp": "the subsidies paid at benchmark output, in % of the region's GDP in the "
                                "dataset's base year (value added at basic prices), in (0, 100)",
    "SubsidyBudget.intensity": "relative subsidy rates by sector (`{SEMI: 2.2, ELE: 1}`); sectors not named "
                               "get none; finite, >= 0, at least one positive",
    "ExportQuota.cut_usd_million": "instead of `change_pct`: the USD million of benchmark trade the quota "
                                   "removes: every selected flow is cut by the same percentage, the amount "
                                   "over the selected flows' benchmark value",
    "Productivity.affected_output_usd_million": "instead of the whole sector: the USD million of each "
                                                "selected sector's benchmark output the change applies to "
                                                "(the activity's productivity changes by change_pct x affected / output)",
    "ReciprocityTarget.name": "label of the target (required, unique)",
    "ReciprocityTarget.side_a": "regions on side A",
    "ReciprocityTarget.side_b": "regions on side B; B's tariff on imports from A is the instrument",
    "ReciprocityTarget.balance": "`value`: the two directions' trade in the sectors changes by equal "
                                 "USD at benchmark world prices; `proportional`: by equal percentages "
                                 "(feasible when trade is unbalanced)",
    # closure
    "Closure.capital": "`mobile`: one rental rate per region (long run); `sector_specific`: fixed stock per "
                       "sector (short run)",
    "Closure.labour": "`full_employment`: fixed supply, flexible wage; `fixed_real_wage`: the wage is fixed "
                      "in terms of the regional CPI and employment adjusts",
    "Closure.trade_balance": "`world_prices`: benchmark balances fixed in a world trade-price index "
                             "(numeraire-free); `world_income_share`; `numeraire`: fixed in units of the "
                             "numeraire; `zero`: deficits removed in a baseline first (docs/model.md, Closures)",
    "Closure.numeraire": "`world_output_price` or `<REGION>_cpi` (e.g. `USA_cpi`)",
    # elasticity overrides
    "ElasticityOverride.parameter": "the elasticity to change (docs/elasticities.md); "
                                    "`factor_supply_elasticity` is the supply response of a primary "
                                    "factor to its real price, set by factors and regions (docs/model.md, "
                                    "\"Factor markets\")",
    "ElasticityOverride.factors": "with `factor_supply_elasticity` only: the factors it applies to "
                                  "(e.g. `NRS`, `LND`), a code, a list or `all`",
    "ElasticityOverride.sectors": "sectors it applies to: a code, a list of codes or `all` (no groups)",
    "ElasticityOverride.regions": "regions it applies to: a code, a list of codes or `all` (no groups)",
    "ElasticityOverride.value": "the new value (>= 0; > 0 for esub_dm and esub_mm)",
    "ElasticityOverride.scale": "multiply the calibrated value by this factor (> 0)",
    # policy
    "PolicySpec.mode": "`optimal`: one optimiser chooses `instruments`; `nash`: each of `players` chooses its "
                       "own to maximise its own EV until no one changes; `cooperative`: the players' "
                       "instruments chosen jointly for their total EV",
    "PolicySpec.objective": "what `optimal` maximises (or minimises) ([objective](#objective))",
    "PolicySpec.instruments": "the instruments `optimal` chooses ([instrument](#instrument))",
    "PolicySpec.constraints": "share constraints of `optimal` ([constraint](#constraint))",
    "PolicySpec.players": "`nash` and `cooperative`: each player region's instruments, e.g. "
                          "`{USA: [...], CHN: [...]}`",
    "PolicySpec.max_rounds": "`nash`: largest number of best-response rounds",
    "InstrumentSpec.type": "the instrument family",
    "InstrumentSpec.importers": "importers of the flows it taxes (tariffs, export taxes)",
    "InstrumentSpec.exporters": "exporters of the flows it taxes (tariffs, export taxes)",
    "InstrumentSpec.regions": "producing regions (output taxes)",
    "InstrumentSpec.sectors": "sectors it applies to",
    "InstrumentSpec.vary_by": "dimensions along which the rate may differ; the others share one rate",
    "InstrumentSpec.lower_pct": "lower bound of the rate, in percent (> -100)",
    "InstrumentSpec.upper_pct": "upper bound of the rate, in percent (< 100 for output taxes)",
    "Objective.kind": "`welfare`: maximise the weighted sum of EV (USD million); `spillovers`: minimise the "
                      "sum of squared EV shares of income of the listed regions",
    "Objective.weights": "weight of each region, e.g. `{USA: 1}`",
    "ShareConstraint.name": "label of the constraint",
    "ShareConstraint.exporters": "supplier group (regions)",
    "ShareConstraint.importers": "market (regions)",
    "ShareConstraint.sectors": "sectors of the market",
    "ShareConstraint.max_share": "largest share allowed, in (0, 1]",
}

#: One example per shock type (each a shock of the complete example's dataset, validated by tests).
SHOCK_EXAMPLES: dict[str, dict] = {
    "import_tariff": {"name": "us_on_china", "type": "import_tariff", "importers": "USA", "exporters": "CHN",
                      "sectors": ["ELE", "MCH"], "add_pct_points": 25},
    "export_tax": {"type": "export_tax", "exporters": "CHN", "importers": "all", "sectors": "MET",
                   "rate_pct": 10},
    "export_quota": {"name": "magnet_licences", "type": "export_quota", "exporters": "CHN",
                     "importers": ["USA", "JPN"], "sectors": "ELE", "change_pct": -30, "rent_to": "CHN"},
    "output_tax": {"name": "china_subsidy", "type": "output_tax", "regions": "CHN",
                   "sectors": ["MET", "ELE", "TRN"], "add_pct_points": -2.5},
    "iceberg": {"type": "iceberg", "exporters": "all", "importers": "GBR", "sectors": "all", "change_pct": 5},
    "productivity": {"type": "productivity", "regions": "JPN", "sectors": "TRN", "change_pct": -10,
                     "applies_to": "value_added"},
    "share_target": {"name": "china_share_of_us_ele", "type": "share_target", "exporters": "CHN",
                     "importers": "USA", "sectors": "ELE", "measure": "imports", "max_share": 0.2,
                     "instrument": "import_tariff"},
    "reciprocity_target": {"name": "balanced_concessions", "type": "reciprocity_target", "side_a": "USA",
                           "side_b": "CHN", "sectors": "all"},
    "rebalancing": {"type": "rebalancing", "regions": "CHN", "change_pct_points": {"hh": 3, "inv": -3}},
    "subsidy_budget": {"type": "subsidy_budget", "regions": "CHN", "pct_of_gdp": 1.0,
                       "intensity": {"MET": 1, "ELE": 1, "TRN": 1}},
}

#: The complete example of the reference: selectors, a group, a tariff table, a share target,
#: a monitor and subtotals (validated and solved by the tests, with TABLE_EXAMPLE beside it).
COMPLETE_EXAMPLE = """\
name: my_scenario
title: US tariffs on Chinese electronics, capped Chinese share
description: >
  The US raises tariffs on Chinese goods by a table of rates; China answers with 15
  points on US farm goods; the US and partners cap China's share of their electronics
  imports at 30% with an endogenous tariff.
sources:
  - "Rates: my_tariffs.csv (illustrative)."
dataset: default            # cge info lists the datasets, their regions and sectors
elasticities: gtap
closure:
  capital: mobile
  labour: full_employment
  trade_balance: world_prices
  numeraire: world_output_price
groups:
  partners: [USA, EUR, JPN]   # a group name can stand wherever a region code can
shocks:
  - name: us_tariffs
    type: import_tariff
    table: my_tariffs.csv     # relative to this file
    mode: add_pct_points
    importers: USA            # with a table, the selectors choose which rows apply
    exporters: CHN
  - name: china_retaliation
    type: import_tariff
    importers: CHN
    exporters: USA
    sectors: [AGR, FOD]
    add_pct_points: 15
  - name: ele_cap
    type: share_target
    exporters: CHN
    importers: partners
    sectors: ELE
    measure: imports
    max_share: 0.30
    instrument: import_tariff
monitors:
  - name: china_share_of_partner_mch_imports
    exporters: CHN
    importers: partners
    sectors: MCH
subtotals:
  tariff war: [us_tariffs, china_retaliation]
  electronics cap: [ele_cap]
"""

TABLE_EXAMPLE = """\
importer,exporter,sector,rate_pct
USA,CHN,ELE,25
USA,CHN,MCH,25
USA,CHN,TEX,7.5
"""

MODELS: list[tuple[str, type[BaseModel]]] = [
    ("Closure", Closure), ("Model options", ModelOptions), ("Elasticity overrides", ElasticityOverride),
    ("Monitors", ShareMonitor),
]
POLICY_MODELS: list[tuple[str, type[BaseModel]]] = [
    ("policy", PolicySpec), ("instrument", InstrumentSpec), ("objective", Objective),
    ("constraint", ShareConstraint),
]


def shock_models() -> dict[str, type[BaseModel]]:
    """Shock type -> its model, in the order of :data:`cge.scenario.SHOCK_TYPES`."""
    union = get_args(Scenario.model_fields["shocks"].annotation)[0]
    by_tag = {_tag(m): m for m in _union_members(union) or ()}
    return {t: by_tag[t] for t in SHOCK_TYPES}


def documented_models() -> list[type[BaseModel]]:
    """Every model of the scenario language."""
    return [Scenario, *shock_models().values(), *(m for _, m in MODELS), *(m for _, m in POLICY_MODELS)]


def field_help(model: type[BaseModel], name: str) -> str | None:
    """What a field means: its description, else FIELD_HELP, else the selector help."""
    f = model.model_fields[name]
    if f.description:
        return f.description
    for key in (f"{model.__name__}.{name}", name):
        if key in FIELD_HELP:
            return FIELD_HELP[key]
    if _is_selector(f.annotation) and name in SELECTOR_HELP:
        return SELECTOR_HELP[name]
    return None


def _type_text(tp: Any) -> str:
    """A field type in words."""
    if _is_selector(tp):
        return "selector"
    members = _union_members(tp)
    if members is not None and all(_is_model(m) and _tag(m) for m in members):
        return "shock (a type [below](#shocks))"
    if members is not None:
        return " or ".join(_type_text(m) for m in members)
    origin = get_origin(tp)
    if origin is Literal:
        return "one of " + ", ".join(f"`{a}`" for a in get_args(tp))
    if origin is list:
        return f"list of {_type_text(get_args(tp)[0])}"
    if origin is dict:
        return f"mapping: name -> {_type_text(get_args(tp)[1])}"
    if origin is typing.Annotated:
        return _type_text(get_args(tp)[0])
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return f"{tp.__name__} (below)"
    return {float: "number", int: "integer", str: "text", bool: "true or false"}.get(tp, str(tp))


def _bounds(f: Any) -> str:  # noqa: ANN401 (a pydantic FieldInfo)
    """Bounds declared on a field, e.g. ``> 0`` or ``>= -100``."""
    marks = [(annotated_types.Gt, "gt", ">"), (annotated_types.Ge, "ge", ">="),
             (annotated_types.Lt, "lt", "<"), (annotated_types.Le, "le", "<=")]
    out = []
    for m in f.metadata:
        for cls, attr, sign in marks:
            if isinstance(m, cls):
                out.append(f"{sign} {getattr(m, attr):g}")
        if isinstance(m, annotated_types.MinLen):
            out.append(f"at least {m.min_length} item(s)")
    return ", ".join(out)


def _default_text(f: Any) -> str:  # noqa: ANN401 (a pydantic FieldInfo)
    if f.is_required():
        return "**required**"
    value = f.default_factory() if f.default_factory is not None else f.default
    if value is None:
        return "not set"
    if isinstance(value, BaseModel):
        return "the defaults below"
    if value in ([], {}):
        return "none"
    if value == "":
        return "empty"
    return f"`{value}`" if not isinstance(value, list) else f"`{json.dumps(value)}`"


def field_table(model: type[BaseModel], skip: tuple[str, ...] = ()) -> str:
    """A Markdown table of a model's fields: type, allowed values or bounds, default, meaning."""
    rows = ["| field | type | default | meaning |", "|---|---|---|---|"]
    for name in allowed_fields(model):
        if name in skip:
            continue
        f = model.model_fields[name]
        kind = _type_text(f.annotation)
        bounds = _bounds(f)
        kind += f" ({bounds})" if bounds else ""
        rows.append(f"| `{name}` | {kind} | {_default_text(f)} | {field_help(model, name) or ''} |")
    return "\n".join(rows)


def _doc(model: type[BaseModel]) -> str:
    """A model's docstring as Markdown: paragraphs joined, ``- `` items kept, RST roles dropped."""
    text = inspect.cleandoc(model.__doc__ or "")
    text = re.sub(r":\w+:`([^`]+)`", r"`\1`", text).replace("``", "`")
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("- ") or not out or not out[-1]:
            out.append(line)
        else:
            out[-1] += " " + line
    return "\n".join(out)


def _yaml(obj: Any) -> str:  # noqa: ANN401
    return yaml.safe_dump(obj, sort_keys=False, default_flow_style=None, allow_unicode=True).strip()


def _flow(value: Any) -> str:  # noqa: ANN401
    """One YAML value on one line (lists and mappings in flow style)."""
    return yaml.safe_dump(value, default_flow_style=True, width=10_000).strip().removesuffix("...").strip()


def _shock_yaml(shock: dict) -> str:
    """A shock as a block-style list item, values in flow style."""
    lines = [f"{k}: {_flow(v)}" for k, v in shock.items()]
    return "\n".join(["shocks:", "  - " + lines[0], *("    " + ln for ln in lines[1:])])


def reference_markdown() -> str:
    """The text of docs/scenario_reference.md."""
    out = [
        "# Scenario language reference",
        "",
        "<!-- Generated from the schema in cge/scenario.py by `cge scenario reference --out "
        "docs/scenario_reference.md`; do not edit by hand (a test checks it is up to date). -->",
        "",
        "A scenario is a YAML file: a base dataset, an elasticity set, a closure and a list of "
        "shocks.  `cge scenario check FILE` reports every mistake at once, one line each, naming "
        "the field and what is allowed there; `cge scenario schema` prints the JSON Schema, so an "
        "editor can complete and check the file as you type (e.g. VS Code's YAML extension: "
        "`# yaml-language-server: $schema=scenario.schema.json` as the first line).  Region and "
        "sector codes depend on the dataset: `cge info` lists them (`default`: USA CHN EUR GBR JPN "
        "KOR TWN MEX CAN IND BRA ROW; AGR MIN FOD TEX CHM RPN MET MCH ELE TRN OMF UTL CNS TTS OSV).",
        "",
        "## A complete example",
        "",
        "Selectors, a region group, a tariff table, a share target, a monitor and subtotals "
        "(`cge run my_scenario.yaml --decompose` solves it):",
        "",
        "```yaml", COMPLETE_EXAMPLE.rstrip(), "```",
        "",
        "with `my_tariffs.csv` beside it:",
        "",
        "```csv", TABLE_EXAMPLE.rstrip(), "```",
        "",
        "## Top-level fields",
        "",
        field_table(Scenario),
        "",
        "## Selectors",
        "",
        f"A selector (`exporters`, `importers`, `regions`, `sectors`, `side_a`, `side_b`) is {SELECTOR_TEXT}: "
        "`importers: USA`, `importers: [USA, JPN]`, `importers: partners` (a name from `groups`), "
        "`sectors: all`.  Codes are checked against the dataset; an unknown code is an error "
        "listing the allowed ones.  A selector left out means `all`: the run and "
        "`cge scenario check` warn about it (`field 'shocks.0.sectors': not given, so the shock "
        "applies to all sectors`), except for a shock with a `table`, whose rows name the flows.  "
        "A flow has no effect when it has no benchmark trade (the run warns).",
        "",
        "## Shocks",
        "",
        "Shocks are applied in order, each to the instruments as the shocks before it left them.  "
        "A rate shock (`import_tariff`, `export_tax`, `output_tax`) gives exactly one of `rate_pct` "
        "(a level), `add_pct_points` (points added) or `scale_power` (the power 1 + t multiplied); an "
        "`import_tariff` may instead give a `table`.  Types: "
        + ", ".join(f"[`{t}`](#{t})" for t in SHOCK_TYPES) + ".",
        "",
    ]
    for tag, model in shock_models().items():
        out += [f"### {tag}", "", _doc(model), "", field_table(model, skip=("type",)), "", "Example:", "",
                "```yaml", _shock_yaml(SHOCK_EXAMPLES[tag]), "```", ""]
    out += [
        "## Tariff tables",
        "",
        "An `import_tariff` with `table:` reads a CSV with the columns `importer`, `exporter`, `sector`, "
        "`rate_pct` (a number in every row).  `importer` and `exporter` may be region codes, group "
        "names or `all`; `sector` a sector code or `all`; on a critical-inputs dataset a row for a "
        "parent sector (e.g. ELE) also covers the sectors split from it (MAG, SEMI).  With `mode: "
        "add_pct_points` (default) `rate_pct` is added to the benchmark rate; with `mode: rate_pct` "
        "it is the new level.  The shock's own selectors choose which rows apply, so one table can "
        "feed several shocks (one per side of a tariff war); a shock whose selectors match no row "
        "is an error.  The seed scenarios' tables are in `calibration/tariff_schedules/`.",
        "",
    ]
    for title, model in MODELS:
        out += [f"## {title}", "", _doc(model), "", field_table(model), ""]
    out += ["## Policy optimisation", "",
            "The optional `policy:` section (docs/policy_optimisation.md) chooses instruments on top of "
            "the shocks.", ""]
    for title, model in POLICY_MODELS:
        out += [f"### {title}", "", _doc(model), "", field_table(model), ""]
    out += ["Example:", "", "```yaml", _yaml({"policy": POLICY_EXAMPLE}), "```", ""]
    return "\n".join(out)


POLICY_EXAMPLE: dict = {
    "mode": "optimal",
    "objective": {"kind": "welfare", "weights": {"USA": 1}},
    "instruments": [{"type": "import_tariff", "importers": "USA", "exporters": "CHN", "sectors": "all",
                     "vary_by": ["sector"], "lower_pct": 0, "upper_pct": 100}],
}


def json_schema() -> dict:
    """The JSON Schema of a scenario file, with every field's meaning as its description."""
    schema = Scenario.model_json_schema()
    by_name = {m.__name__: m for m in documented_models()}
    for name, part in [("Scenario", schema), *schema.get("$defs", {}).items()]:
        model = by_name.get(name)
        if model is None:
            continue
        for fname in ("path", "text"):
            if name == "Scenario":
                part["properties"].pop(fname, None)
        for fname, prop in part.get("properties", {}).items():
            if fname in model.model_fields and "description" not in prop:
                text = field_help(model, fname)
                if text:
                    prop["description"] = text
    return schema


__all__ = ["COMPLETE_EXAMPLE", "FIELD_HELP", "SHOCK_EXAMPLES", "TABLE_EXAMPLE", "documented_models",
           "field_help", "json_schema", "reference_markdown"]
