"""Units, display labels and notes for comparison tables and charts.

A number pasted into a paper needs its unit and its assumptions next to it: the data and
base year, the closure in words, the elasticities.  Units come from the results
dictionary (cge.variables, written on every variable as ``units``); everything else from
the attributes that cge.results writes on every results Dataset (for a combined
comparison, from the per-scenario coordinates along ``scenario``), never typed by hand.
"""

from __future__ import annotations

import json

import xarray as xr

from cge.variables import describe

SCENARIO = "scenario"


def units(ds: xr.Dataset, variable: str) -> str:
    """Units of a results variable, from its ``units`` attribute (the results dictionary)."""
    if variable in ds and ds[variable].attrs.get("units"):
        return str(ds[variable].attrs["units"])
    return describe(variable).units


def long_name(ds: xr.Dataset, variable: str) -> str:
    """Long name of a results variable (the results dictionary)."""
    if variable in ds and ds[variable].attrs.get("long_name"):
        return str(ds[variable].attrs["long_name"])
    return describe(variable).long_name


def scenario_attr(ds: xr.Dataset, name: str, scenario: str | None = None) -> str | None:
    """One provenance attribute of one scenario, as text (``None`` when absent).

    A combined comparison keeps attributes that differ between scenarios as coordinates
    along ``scenario``; those that agree stay global attributes.
    """
    if name in ds.coords and SCENARIO in ds[name].dims:
        if scenario is None:
            return None
        return str(ds[name].sel({SCENARIO: scenario}).item())
    if name in ds.attrs:
        return str(ds.attrs[name])
    return None


def scenarios(ds: xr.Dataset) -> list[str]:
    """Scenario names of a combined results Dataset, in order."""
    return [str(s) for s in ds[SCENARIO].values] if SCENARIO in ds.dims else [str(ds.attrs.get("scenario_name"))]


def titles(ds: xr.Dataset) -> dict[str, str]:
    """Display label of each scenario: its ``title`` (scenario file), else its name; a title
    shared by two scenarios gets the name added."""
    out = {s: (scenario_attr(ds, "scenario_title", s) or s) for s in scenarios(ds)}
    for s, t in out.items():
        if list(out.values()).count(t) > 1:
            out[s] = f"{t} ({s})"
    return out


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _by_value(ds: xr.Dataset, get) -> dict[str, list[str]]:  # noqa: ANN001 (callable of a scenario)
    """Scenario titles grouped by the value ``get(scenario)`` (empty values left out)."""
    label = titles(ds)
    out: dict[str, list[str]] = {}
    for s in scenarios(ds):
        value = get(s)
        if value:
            out.setdefault(value, []).append(label[s])
    return out


def _sentence(label: str, groups: dict[str, list[str]], n: int) -> str | None:
    """``Label: value.`` when all ``n`` scenarios share it, else the value per scenario, the
    most common one (if shared) last as ``all others`` when every scenario has a value."""
    if not groups:
        return None
    if len(groups) == 1 and len(next(iter(groups.values()))) == n:
        return f"{label}: {next(iter(groups))}."
    largest = max(groups, key=lambda v: len(groups[v]))
    others = sum(len(who) for who in groups.values()) == n and len(groups[largest]) > 1
    parts = [f"{value} ({_listed(who)})" for value, who in groups.items() if not (others and value == largest)]
    if others:
        parts.append(f"{largest} (all others)")
    return f"{label}: " + "; ".join(parts) + "."


def _source(ds: xr.Dataset, s: str, short: bool) -> str:
    source = scenario_attr(ds, "dataset_source", s) or ""
    source = source.split(";")[0].strip() if short else source
    year = scenario_attr(ds, "base_year", s)
    return f"{source}; base year {year}" if year else source


def _dataset(ds: xr.Dataset, s: str) -> str:
    return scenario_attr(ds, "dataset_title", s) or scenario_attr(ds, "dataset", s) or ""


def _closure(ds: xr.Dataset, s: str) -> str:
    return scenario_attr(ds, "closure_in_words", s) or scenario_attr(ds, "closure", s) or ""


def _splits(ds: xr.Dataset, s: str) -> str:
    """Sectors split out of a parent in the scenario's dataset, in words."""
    text = scenario_attr(ds, "split_parents", s) or ""
    parents = json.loads(text) if text.strip() else {}
    order = json.loads(scenario_attr(ds, "sector_order", s) or "[]")
    children: dict[str, list[str]] = {}
    for child, parent in sorted(parents.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 0):
        children.setdefault(parent, []).append(child)
    return "; ".join(f"{p} excludes {_listed(c)}" for p, c in children.items())


def _ssa(ds: xr.Dataset, s: str) -> str:
    method = scenario_attr(ds, "ssa_method", s)
    if not method or method == "nan":
        return ""
    points = scenario_attr(ds, "ssa_points", s)
    interval = scenario_attr(ds, "ssa_interval", s) or "chebyshev"
    bounds = "Chebyshev's inequality (mean +/- 4.47 std, any distribution)" if interval == "chebyshev" \
        else "a normal distribution (mean +/- 1.96 std)"
    return (f"mean over {points} solved points ({method}); intervals: 95% by {bounds}")


def note_text(ds: xr.Dataset, short: bool = False, units_text: str | None = None) -> str:
    """The note under a table or chart, for a reader: units, data and base year, closure in
    words, elasticities, sector splits, sensitivity analysis.

    Each field is stated once when all scenarios agree, else per scenario (by title).
    ``short`` keeps only the first clause of the data source (charts have little room).
    """
    n = len(scenarios(ds))
    fields = (("Data", lambda s: _source(ds, s, short)), ("Dataset", lambda s: _dataset(ds, s)),
              ("Closure", lambda s: _closure(ds, s)),
              ("Elasticities", lambda s: scenario_attr(ds, "elasticity_set", s)),
              ("Sectors", lambda s: _splits(ds, s)), ("Sensitivity analysis", lambda s: _ssa(ds, s)))
    sentences = [f"Units: {units_text}." if units_text else None] + [
        _sentence(label, _by_value(ds, get), n) for label, get in fields]
    text = " ".join(x for x in sentences if x)
    return text or "Provenance attributes missing."
