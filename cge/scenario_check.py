"""Check a scenario file and report every mistake at once, one line each (``cge scenario
check``), and the one-line messages of schema errors.

A line names the file, the field (``shocks.0.importer``) and what is allowed there: the
allowed fields for an unknown field (with the closest one), the allowed values of a choice,
the region and sector codes of the dataset for a selector.  The check runs the schema
(pydantic; every error, not only the first), then, against the scenario's dataset, every
selector, group, rent recipient, numeraire and tariff table -- the checks a run makes before
it solves, without building a model.  Warnings say which selectors were omitted and so
default to ``all``.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from cge.errors import CGEInputError

REGION_SELECTORS = ("exporters", "importers", "regions", "side_a", "side_b")
SECTOR_SELECTORS = ("sectors",)
SELECTOR_TEXT = "a code, a list of codes, a group name or 'all'"


# ---- one line per schema error -----------------------------------------------------------
def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _union_members(tp: Any) -> tuple | None:
    """Members of a Union (also ``X | Y`` and an Annotated union), or None."""
    if get_origin(tp) is typing.Annotated:
        tp = get_args(tp)[0]
    if get_origin(tp) in (Union, types.UnionType):
        return tuple(a for a in get_args(tp) if a is not type(None))
    return None


def _is_selector(tp: Any) -> bool:
    members = _union_members(tp)
    return members is not None and set(members) == {str, list[str]}


def _tag(model: type[BaseModel]) -> str | None:
    """The ``type`` literal of a discriminated union member."""
    f = model.model_fields.get("type")
    if f is not None and get_origin(f.annotation) is Literal:
        return get_args(f.annotation)[0]
    return None


def _walk(root: type[BaseModel], loc: tuple) -> tuple[list, Any, tuple[int, Any] | None]:
    """(field path without union tags, the type at its end, and (length of the path, type)
    at the first plain union such as a selector, or None) for a pydantic error location."""
    tp: Any = root
    path: list = []
    union: tuple[int, Any] | None = None
    for part in loc:
        members = _union_members(tp)
        if members is not None and len(members) == 1:  # Optional[X]
            tp, members = members[0], None
        if members is not None:
            match = next((m for m in members if _is_model(m) and part in (_tag(m), m.__name__)), None)
            if match is not None:  # a discriminator tag: not part of the field path
                tp = match
                continue
            union = union or (len(path), tp)
            tp = next((m for m in members if str(part) == str(m) or part == getattr(m, "__name__", None)), Any)
            continue
        path.append(part)
        if _is_model(tp) and isinstance(part, str) and part in tp.model_fields:
            tp = tp.model_fields[part].annotation
        elif get_origin(tp) is list:
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        else:
            tp = Any
    return path, tp, union


def allowed_fields(model: type[BaseModel]) -> list[str]:
    """The fields a user may write in a model (internal fields excluded)."""
    names = [n for n, f in model.model_fields.items() if not f.exclude]
    return sorted(names, key=lambda n: n != "type")  # the shock type first, then in schema order


def _unknown_field(root: type[BaseModel], loc: tuple) -> str:
    _, parent, _ = _walk(root, loc[:-1])
    members = _union_members(parent)
    if members is not None:
        parent = next((m for m in members if _is_model(m)), parent)
    if not _is_model(parent):
        return "unknown field"
    names = allowed_fields(parent)
    close = difflib.get_close_matches(str(loc[-1]), names, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown field{hint}; allowed: {', '.join(names)}"


def _message(root: type[BaseModel], err: dict) -> str:
    kind, ctx, got = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "extra_forbidden":
        return _unknown_field(root, err["loc"])
    if kind == "union_tag_invalid":
        return f"unknown shock type '{ctx.get('tag')}'; allowed: {ctx.get('expected_tags', '').replace(chr(39), '')}"
    if kind == "union_tag_not_found":
        tags = [_tag(m) for m in _union_members(_walk(root, tuple(err["loc"]))[1]) or () if _is_model(m)]
        return f"missing field 'type'; allowed: {', '.join(t for t in tags if t)}"
    if kind == "literal_error":
        allowed = ctx.get("expected", "").replace("'", "").replace(" or ", ", ")
        return f"'{got}' is not allowed; allowed: {allowed}"
    if kind == "missing":
        return "required field is missing"
    if kind in ("float_type", "int_type"):
        shown = repr(got) if len(repr(got)) <= 40 else repr(got)[:37] + "..."
        return f"must be a number, got {shown}"
    msg = err["msg"].removeprefix("Value error, ")
    if kind != "value_error" and "input" in err and not isinstance(got, (dict, list)):
        msg += f" (got {got!r})"
    return msg


def schema_error_lines(source: str, err: ValidationError, root: type[BaseModel]) -> list[str]:
    """Every error of a failed validation, one line each:
    ``<source>: field '<path>': <message naming the allowed fields or values>``."""
    lines: list[str] = []
    for e in err.errors():
        path, _, union = _walk(root, tuple(e["loc"]))
        if union is not None:  # one line for the field, not one per member of its union
            path = path[:union[0]]
            message = f"must be {SELECTOR_TEXT}" if _is_selector(union[1]) else _message(root, e)
        else:
            message = _message(root, e)
        where = ".".join(str(p) for p in path) or "scenario"
        lines.append(f"{source}: field '{where}': {message}")
    return list(dict.fromkeys(lines))


# ---- omitted selectors ---------------------------------------------------------------------
def omitted_selectors(model: type[BaseModel], given: set[str], where: str) -> list[str]:
    """Warnings for the selectors of a shock that were not written and so default to all."""
    if "table" in given:  # a tariff table names its flows; the selectors only filter its rows
        return []
    out = []
    for name in (*REGION_SELECTORS, *SECTOR_SELECTORS):
        f = model.model_fields.get(name)
        if f is not None and f.default == "all" and name not in given:
            out.append(f"field '{where}.{name}': not given, so the shock applies to all {name.replace('_', ' ')}")
    return out


def selector_warnings(sc: Any) -> list[str]:  # noqa: ANN401 (a cge.scenario.Scenario)
    """Omitted-selector warnings of a validated scenario (recorded with its results)."""
    out = []
    for k, s in enumerate(sc.shocks):
        out += omitted_selectors(type(s), set(s.model_fields_set), f"shocks.{k}")
    return out


# ---- the whole check -------------------------------------------------------------------------
@dataclass
class CheckReport:
    """What ``cge scenario check`` found in one file."""

    source: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _shock_model(raw: dict) -> type[BaseModel] | None:
    from cge.scenario import Scenario

    shock_union = get_args(Scenario.model_fields["shocks"].annotation)[0]
    return next((m for m in _union_members(shock_union) or () if _tag(m) == raw.get("type")), None)


def _selectors(raw: dict) -> list[tuple[str, Any]]:
    """(field, value) of the region and sector selectors written in a raw shock."""
    return [(k, raw[k]) for k in (*REGION_SELECTORS, *SECTOR_SELECTORS) if k in raw]


def _is_names(value: Any) -> bool:  # noqa: ANN401
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _dataset_lines(source: str, raw: dict, base: Path | None) -> list[str]:
    """Errors that need the dataset: selectors, groups, recipients, numeraire, tariff tables."""
    from types import SimpleNamespace

    from cge.runner import _dataset, resolve_dataset_path
    from cge.scenario import Selection
    from cge.tariff_table import read_tariff_table

    name = raw.get("dataset", "default")
    if not isinstance(name, str):
        return []
    try:
        ds = _dataset(resolve_dataset_path(name, base=base))
    except CGEInputError as exc:
        return [f"{source}: field 'dataset': {exc}"]
    regions = [str(r) for r in ds["region"].values]
    sectors = [str(s) for s in ds["sector"].values]
    lines: list[str] = []
    groups = raw.get("groups") if isinstance(raw.get("groups"), dict) else {}
    good_groups = {}
    for g, members in groups.items():
        bad = [m for m in members if m not in regions] if isinstance(members, list) else []
        for m in bad:
            lines.append(f"{source}: field 'groups.{g}': unknown region '{m}'; allowed: {', '.join(regions)}")
        if isinstance(members, list) and not bad:
            good_groups[g] = members
    def selectors(items: Any, where: str, groups: dict) -> None:  # noqa: ANN401
        sel = Selection(SimpleNamespace(groups=groups), regions, sectors, "")
        for k, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            for fld, value in _selectors(item):
                if not _is_names(value):
                    continue  # the schema reports it
                try:
                    (sel.sectors if fld in SECTOR_SELECTORS else sel.regions)(value, fld)
                except CGEInputError as exc:
                    lines.append(f"{source}: field '{where}.{k}.{fld}':{str(exc).split(':', 1)[1]}")
            rent = item.get("rent_to")
            if isinstance(rent, str) and rent not in ("exporter", "importer", "none", *regions):
                lines.append(f"{source}: field '{where}.{k}.rent_to': '{rent}' is not allowed; allowed: "
                             f"exporter, importer, none, {', '.join(regions)}")
            table = item.get("table")
            if where == "shocks" and isinstance(table, str):
                path = ((base or Path.cwd()) / table).resolve()
                try:
                    read_tariff_table(path, "table")
                except CGEInputError as exc:
                    lines.append(f"{source}: field 'shocks.{k}.table':{str(exc).split(':', 1)[1]}")

    selectors(raw.get("shocks"), "shocks", good_groups)
    selectors(raw.get("monitors"), "monitors", good_groups)
    selectors(raw.get("elasticity_overrides"), "elasticity_overrides", {})  # codes only, no groups
    numeraire = (raw.get("closure") or {}).get("numeraire") if isinstance(raw.get("closure"), dict) else None
    allowed = ["world_output_price"] + [f"{r}_cpi" for r in regions]
    if isinstance(numeraire, str) and numeraire not in allowed:
        lines.append(f"{source}: field 'closure.numeraire': '{numeraire}' is not allowed; "
                     f"allowed: {', '.join(allowed)}")
    return lines


def check_scenario(name_or_path: str | Path) -> CheckReport:
    """Check a scenario file (or a seed scenario's name) without solving it; every error is
    one line in :attr:`CheckReport.errors`."""
    from cge.scenario import Scenario, resolve_scenario_path

    try:
        path = resolve_scenario_path(name_or_path)
    except CGEInputError as exc:
        return CheckReport(str(name_or_path), [str(exc)])
    report = CheckReport(str(path))
    source = path.name
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        report.errors.append(f"{source}: malformed YAML{where}")
        return report
    except (OSError, UnicodeDecodeError) as exc:
        report.errors.append(f"{source}: cannot be read ({type(exc).__name__})")
        return report
    if not isinstance(raw, dict):
        report.errors.append(f"{source}: a scenario must be a YAML mapping with name, description, shocks")
        return report
    try:
        Scenario.model_validate(raw)
    except ValidationError as err:
        report.errors += schema_error_lines(source, err, Scenario)
    if isinstance(raw.get("name"), str) and raw["name"] != path.stem:
        report.errors.append(f"{source}: field 'name': '{raw['name']}' must equal the file name '{path.stem}'")
    report.errors += _dataset_lines(source, raw, path.parent)
    for k, shock in enumerate(raw.get("shocks") or []):
        model = _shock_model(shock) if isinstance(shock, dict) else None
        if model is not None:
            report.warnings += [f"{source}: {w}" for w in omitted_selectors(model, set(shock), f"shocks.{k}")]
    return report
