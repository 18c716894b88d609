"""Many results (single scenarios, batches, sensitivity analyses) as one comparison Dataset.

Scenarios keep the order in which they are given.  Every dimension keeps the order of the
datasets it comes from (regions and sectors as the base data lists them, never sorted).
Scenarios on different base datasets are aligned label by label where a label means the
same thing in both, known from the definitions the results carry (``region_mapping``,
``sector_mapping``, ``split_parents``):

- a sector whose definition differs is kept apart under a qualified label, e.g. the
  critical-inputs dataset's ``ELE`` becomes ``ELE excl. SEMI, MAG`` beside the default
  dataset's ``ELE`` (which includes chips and magnets); other differences get the dataset's
  name, ``CHM (mydata)``;
- a region whose definition differs (``ROW`` of a 3-region and of a 12-region dataset) is
  refused in one line: region tables would put unlike economies in one row.

A sensitivity-analysis result (a ``statistic`` dimension, cge.ssa) enters with its mean;
the intervals of the headline variables are kept as ``<variable>_interval`` along
``bound`` (lo, hi) for error bars, and the statistics in ``ssa_<variable>`` along
``statistic`` for the sensitivity table.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr

from cge.errors import CGEInputError

SCENARIO = "scenario"
STATISTIC = "statistic"
BOUND = "bound"
#: Variables whose SSA intervals the charts and tables show.
INTERVAL_VARIABLES: tuple[str, ...] = ("ev_usd_million", "ev_pct_income", "real_gdp_pct", "tot_pct")
#: Which of the SSA intervals become error bars (cge.ssa.statistics: normal or Chebyshev 95%).
INTERVALS: dict[str, tuple[str, str]] = {"chebyshev": ("chebyshev_lo", "chebyshev_hi"),
                                         "normal": ("normal_lo", "normal_hi")}
DEFAULT_INTERVAL = "chebyshev"
REGION_DIMS = ("region", "exporter", "importer", "partner")


def _json(ds: xr.Dataset, key: str) -> dict:
    """A JSON attribute as a dict (empty when absent or blank)."""
    text = ds.attrs.get(key, "")
    return json.loads(text) if isinstance(text, str) and text.strip() else {}


def _dataset_label(ds: xr.Dataset) -> str:
    return str(ds.attrs.get("dataset", "?"))


def sector_definitions(ds: xr.Dataset) -> dict[str, str]:
    """What each sector label of a results Dataset covers, as comparable text: the source
    industries, the sectors split out of it, or the split it is; ``""`` when unknown."""
    mapping, parents = _json(ds, "sector_mapping"), _json(ds, "split_parents")
    children: dict[str, list[str]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    out = {}
    for s in (str(x) for x in ds["sector"].values):
        if s in parents:
            out[s] = f"split of {parents[s]}: {s}"
        elif s in mapping:
            out[s] = json.dumps(sorted(mapping[s])) + (f" less {sorted(children[s])}" if s in children else "")
        else:
            out[s] = ""
    return out


def region_definitions(ds: xr.Dataset) -> dict[str, str]:
    """The source countries of each region label (``""`` when unknown)."""
    mapping = _json(ds, "region_mapping")
    return {str(r): json.dumps(sorted(mapping[str(r)])) if str(r) in mapping else ""
            for r in ds["region"].values}


def _ordered_union(orders: Sequence[Sequence[str]]) -> list[str]:
    """Labels in order of first appearance, each list's own order kept: a label new to the
    union goes right after the label it follows in its own list, and a qualified label
    (``ELE excl. SEMI, MAG``) right after its plain one (``ELE``)."""
    out: list[str] = []
    for order in orders:
        prev = None
        for label in order:
            if label not in out:
                plain = label.split(" ")[0]
                if plain != label and plain in out:
                    pos = out.index(plain) + 1
                    while pos < len(out) and out[pos].split(" ")[0] == plain and out[pos] != plain:
                        pos += 1
                else:
                    pos = out.index(prev) + 1 if prev is not None else 0
                out.insert(pos, label)
            prev = label
    return out


def _check_regions(singles: Sequence[xr.Dataset], sources: Sequence[str]) -> None:
    """Refuse region labels that mean different things in two results."""
    seen: dict[str, tuple[str, str, str]] = {}
    for ds, src in zip(singles, sources):
        for region, definition in region_definitions(ds).items():
            if not definition:
                continue
            if region in seen and seen[region][0] != definition:
                _, other, other_data = seen[region]
                raise CGEInputError(
                    f"{src}: region '{region}' of dataset {_dataset_label(ds)} covers other countries than "
                    f"'{region}' of dataset {other_data} in {other}; compare scenarios with one region "
                    "mapping at a time")
            seen.setdefault(region, (definition, src, _dataset_label(ds)))


def sector_labels(singles: Sequence[xr.Dataset]) -> list[dict[str, str]]:
    """Per scenario, its own sector label -> the label in the comparison.

    A label defined the same way everywhere stays as it is.  Where definitions differ, a
    sector with sectors split out of it becomes ``<label> excl. <children>`` (whatever the
    order of the results); of the others, the first definition keeps the plain label and
    any other gets ``<label> (<dataset>)``."""
    definitions = [sector_definitions(ds) for ds in singles]
    conflicted = {s for d in definitions for s in d if d[s] and len({e[s] for e in definitions if e.get(s)}) > 1}
    plain: dict[str, str] = {}
    out = []
    for ds, defs in zip(singles, definitions):
        parents = _json(ds, "split_parents")
        order = [str(x) for x in ds["sector"].values]
        labels = {}
        for s, definition in defs.items():
            children = sorted((c for c, p in parents.items() if p == s), key=order.index)
            if s not in conflicted:
                labels[s] = s
            elif children:
                labels[s] = f"{s} excl. {', '.join(children)}"
            elif plain.setdefault(s, definition) == definition:
                labels[s] = s
            else:
                labels[s] = f"{s} ({_dataset_label(ds)})"
        out.append(labels)
    return out


def _point(ds: xr.Dataset, interval: str) -> xr.Dataset:
    """A sensitivity-analysis result as its mean, with intervals and statistics kept."""
    lo, hi = INTERVALS[interval]
    point = ds.sel({STATISTIC: "mean"}, drop=True)
    for name in INTERVAL_VARIABLES:
        if name in ds:
            bounds = ds[name].sel({STATISTIC: [lo, hi]}).rename({STATISTIC: BOUND})
            point[f"{name}_interval"] = bounds.assign_coords({BOUND: ["lo", "hi"]})
            point[f"ssa_{name}"] = ds[name]
    name = str(ds.attrs.get("scenario_name", "scenario"))
    point.attrs = {**ds.attrs, "scenario_name": f"{name}_ssa",
                   "scenario_title": f"{ds.attrs.get('scenario_title') or name} (SSA mean)",
                   "ssa_interval": interval}
    return point


def combine_results(singles: Sequence[xr.Dataset], sources: Sequence[str] | None = None,
                    interval: str = DEFAULT_INTERVAL) -> xr.Dataset:
    """One Dataset along ``scenario`` (in the given order) from single-scenario results.

    ``sources`` name where each result came from (file names, for error messages).  Attributes
    equal in every scenario stay attributes; the others become coordinates along ``scenario``.
    """
    sources = list(sources) if sources is not None else [f"result {k + 1}" for k in range(len(singles))]
    singles = [_point(ds, interval) if STATISTIC in ds.dims else ds for ds in singles]
    names = [str(ds.attrs.get("scenario_name", f"scenario_{k}")) for k, ds in enumerate(singles)]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise CGEInputError(f"scenario names must be unique across results, repeated: {', '.join(repeated)}")
    _check_regions(singles, sources)
    relabels = sector_labels(singles)
    prepared = []
    for ds, labels, name in zip(singles, relabels, names):
        one = ds.assign_coords(sector=[labels[str(s)] for s in ds["sector"].values]) if "sector" in ds.dims else ds
        one.attrs = {**ds.attrs, "scenario_title": str(ds.attrs.get("scenario_title") or name),
                     "sector_labels": json.dumps(labels)}
        prepared.append(one)
    orders = {dim: _ordered_union([[str(v) for v in ds[dim].values] for ds in prepared if dim in ds.dims])
              for dim in {d for ds in prepared for d in ds.dims}}
    common, varying = _split_attrs([ds.attrs for ds in prepared])
    stripped = [ds.drop_attrs(deep=False) for ds in prepared]
    combined = xr.concat(stripped, dim=xr.DataArray(names, dims=SCENARIO, name=SCENARIO),
                         join="outer", coords="minimal", compat="override", combine_attrs="drop")
    combined = combined.reindex({dim: order for dim, order in orders.items() if dim in combined.dims})
    combined = combined.drop_encoding()   # the first file's string widths would truncate longer labels
    for name in combined.data_vars:   # variable attributes (long_name, units) from the first holder
        holder = next((ds for ds in prepared if name in ds), None)
        if holder is not None:
            combined[name].attrs = dict(holder[name].attrs)
    combined = combined.assign_coords({k: (SCENARIO, v) for k, v in varying.items()})
    combined.attrs = common
    return combined


def _split_attrs(attrs: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Attributes equal in all scenarios, and the others as arrays along ``scenario``."""
    keys = list(dict.fromkeys(k for a in attrs for k in a if k != "scenario_name"))
    common, varying = {}, {}
    for key in keys:
        values = [a.get(key) for a in attrs]
        if all(key in a for a in attrs) and all(_same(v, values[0]) for v in values):
            common[key] = values[0]
        else:
            varying[key] = _as_array(values)
    return common, varying


def _same(a: Any, b: Any) -> bool:
    return bool(np.array_equal(np.asarray(a), np.asarray(b))) if a is not None and b is not None else a is b


def _as_array(values: list[Any]) -> np.ndarray:
    """A NetCDF-writable array: numbers stay numbers, anything else becomes text."""
    if all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in values):
        return np.asarray(values)
    return np.asarray(["" if v is None else (json.dumps(v.tolist()) if isinstance(v, np.ndarray) else str(v))
                       for v in values], dtype=object)
