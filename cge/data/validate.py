"""Validator of a base dataset: structure of :mod:`cge.data.schema` and every accounting identity.

Each identity is one small function ``check_<identity>(ds, tol) -> Violation | None`` that
reports the largest violation with its coordinates, in absolute and relative terms,
and how many cells violate it.  :func:`validate_dataset` raises a one-line
:class:`CGEInputError` naming the first identity that fails.  Before any identity, a file
written by ``cge run`` (a results file) is recognised as such (:func:`refuse_results_file`),
and every value must be finite (:func:`check_finite`): NaN would pass every comparison.
Runs validate their dataset in full before any model is built (cge.runner); ``cge data
summary`` needs the structure only (:func:`validate_structure`).

A cell violates ``lhs = rhs`` when ``|lhs - rhs| > rtol * max(|lhs|, |rhs|) + atol``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import xarray as xr

from cge.data.schema import (COMMODITY, EXPORTER, FD, FIELDS, IMPORTER, OPTIONAL_FIELDS, REGION,
                             REQUIRED_ATTRS, SECTOR)
from cge.errors import CGEInputError

RTOL = 1e-6
ATOL = 1e-6  # USD million, i.e. one dollar


@dataclass(frozen=True)
class Tolerance:
    """Relative and absolute tolerance of an identity check."""

    rtol: float = RTOL
    atol: float = ATOL


@dataclass(frozen=True)
class Violation:
    """The largest violation of one identity, as a one-line message."""

    identity: str
    message: str
    count: int = 1


def _where(da: xr.DataArray, flat_index: int) -> str:
    """Coordinates of a flat position of ``da`` as ``a, b, c``."""
    pos = np.unravel_index(flat_index, da.shape)
    return ", ".join(str(da[d].values[p]) for d, p in zip(da.dims, pos))


def compare(identity: str, lhs: xr.DataArray, rhs: xr.DataArray, lhs_name: str,
            rhs_name: str, tol: Tolerance) -> Violation | None:
    """Compare two aligned arrays cell by cell; describe the largest violation, if any."""
    lhs, rhs = xr.broadcast(lhs, rhs)
    rhs = rhs.transpose(*lhs.dims)
    a, b = np.asarray(lhs.values, float), np.asarray(rhs.values, float)
    diff = np.abs(a - b)
    bad = diff > tol.rtol * np.maximum(np.abs(a), np.abs(b)) + tol.atol
    if not bad.any():
        return None
    k = int(np.argmax(np.where(bad, diff, -1.0)))
    av, bv = a.flat[k], b.flat[k]
    rel = abs(av - bv) / max(abs(av), abs(bv), 1e-300)
    return Violation(identity, (
        f"{identity} violated: {lhs_name}({_where(lhs, k)}) = {av:.10g} vs {rhs_name} "
        f"{bv:.10g} (abs diff {abs(av - bv):.4g}, rel {rel:.2e}; largest of "
        f"{int(bad.sum())} violations)"), int(bad.sum()))


def _off_diagonal(trade: xr.DataArray) -> xr.DataArray:
    same = trade[EXPORTER].values[:, None] == trade[IMPORTER].values[None, :]
    return trade.where(~xr.DataArray(same, dims=(EXPORTER, IMPORTER),
                                     coords={EXPORTER: trade[EXPORTER], IMPORTER: trade[IMPORTER]}), 0.0)


def check_structure(ds: xr.Dataset, tol: Tolerance) -> Violation | None:
    """Every schema variable with its dims and units, matching label sets, provenance attrs."""
    for field in FIELDS:
        if field.name not in ds:
            return Violation("structure", f"structure violated: variable {field.name!r} missing")
        if ds[field.name].dims != field.dims:
            return Violation("structure", f"structure violated: {field.name} has dims "
                             f"{ds[field.name].dims}, schema says {field.dims}")
        if ds[field.name].attrs.get("units") != field.units:
            return Violation("structure", f"structure violated: {field.name} units "
                             f"{ds[field.name].attrs.get('units')!r}, schema says {field.units!r}")
    for a, b in ((COMMODITY, SECTOR), (EXPORTER, REGION), (IMPORTER, REGION)):
        if list(ds[a].values) != list(ds[b].values):
            return Violation("structure", f"structure violated: coordinate {a} differs from {b}")
    missing = [a for a in REQUIRED_ATTRS if a not in ds.attrs]
    if missing:
        return Violation("structure", f"structure violated: attributes missing: {', '.join(missing)}")
    return None


def check_optional_fields(ds: xr.Dataset, tol: Tolerance) -> Violation | None:
    """Optional variables, where present, have the schema's dims and units, finite values
    >= 0, and factor labels matching the dataset's."""
    for field in OPTIONAL_FIELDS:
        if field.name not in ds:
            continue
        da = ds[field.name]
        if da.dims != field.dims or da.attrs.get("units") != field.units:
            return Violation("optional fields", f"optional fields violated: {field.name} has dims "
                             f"{da.dims} and units {da.attrs.get('units')!r}, schema says "
                             f"{field.dims} and {field.units!r}")
        values = np.asarray(da.values, float)
        if not np.all(np.isfinite(values)) or (values < 0).any():
            k = int(np.argmax(~np.isfinite(values) | (values < 0)))
            return Violation("optional fields", f"optional fields violated: {field.name}"
                             f"({_where(da, k)}) = {values.flat[k]!r}, must be a finite number >= 0")
    return None


RESULTS_MARKERS = ("scenario_name", "input_hash")  # attributes every results file carries


def is_results_file(ds: xr.Dataset) -> bool:
    """True for a file written by ``cge run`` or ``cge batch`` rather than ``cge data build``."""
    return any(k in ds.attrs for k in RESULTS_MARKERS) or "scenario" in ds.dims


def refuse_results_file(ds: xr.Dataset, source: str) -> None:
    """A one-line error when a results file is given where a base dataset is expected."""
    if is_results_file(ds):
        name = ds.attrs.get("scenario_name", "")
        of = f" of scenario '{name}'" if name else ""
        raise CGEInputError(f"{source} is a results file{of} (written by cge run or cge batch), not a base "
                            "dataset; give a dataset built by cge data build (default, tiny, full, critical)")


def validate_structure(ds: xr.Dataset, source: str) -> None:
    """Refuse a results file and a dataset without the schema's variables, dims and units."""
    refuse_results_file(ds, source)
    found = check_structure(ds, Tolerance())
    if found:
        raise CGEInputError(f"{source}: {found.message}")


def check_finite(ds: xr.Dataset, tol: Tolerance) -> Violation | None:
    """Every value of every schema variable is a finite number (no NaN, no infinity)."""
    for field in FIELDS:
        vals = np.asarray(ds[field.name].values, float)
        bad = ~np.isfinite(vals)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            return Violation("finite values", f"finite values violated: {field.name}("
                             f"{_where(ds[field.name], k)}) = {vals.flat[k]} ({int(bad.sum())} "
                             "non-finite cells)", int(bad.sum()))
    return None


def check_non_negative(ds: xr.Dataset, tol: Tolerance) -> Violation | None:
    """Every field declared non-negative has no entry below zero."""
    for field in FIELDS:
        if field.non_negative:
            found = compare("non-negativity", ds[field.name].clip(min=0.0), ds[field.name],
                            field.name, "itself clipped at zero: it is", tol)
            if found:
                return found
    return None


def check_tariff_rate_range(ds: xr.Dataset, tol: Tolerance) -> Violation | None:
    """Tariff rates above -100% (a subsidy cannot exceed the price)."""
    rate = ds["tariff_rate"]
    if (rate <= -1).any():
        k = int(np.argmin(rate.values))
        return Violation("tariff range", f"tariff range violated: tariff_rate({_where(rate, k)}) "
                         f"= {rate.values.flat[k]:.6g}, must be > -1")
    return None


def check_trade_diagonal(ds: xr.Dataset, tol: Tolerance) -> Violation | None:
    """A region does not trade with itself: the trade diagonal is zero."""
    return compare("zero trade diagonal", ds["trade"] - _off_diagonal(ds["trade"]),
                   xr.zeros_like(ds["trade"]), "trade", "zero, found", tol)


def check_row_balance(ds: xr.Dataset, tol: Tolerance) -> Violation | None:
    """output(i,r) = domestic intermediate sales + domestic final sales + exports."""
    sales = (ds["int_dom"].sum(SECTOR).rename({COMMODITY: SECTOR})
             + ds["fd_dom"].sum(FD).rename({COMMODITY: SECTOR})
             + _off_diagonal(ds["trade"]).sum(IMPORTER).rename({EXPORTER: REGION}))
    return compare("row balance", ds["output"], sales, "output", "sales", tol)


def check_import_balance(ds: xr.Dataset, tol: Tolerance) -> Violation | None:
    """Imports of good i into r = imported intermediate use + imported final use."""
    imports = ds["trade"].sum(EXPORTER).rename({IMPORTER: REGION})
    use = (ds["int_imp"].sum(SECTOR) + ds["fd_imp"].sum(FD)).rename({COMMODITY: SECTOR})
    return compare("import balance", imports, use, "imports", "imported use", tol)


def check_column_balance(ds: xr.Dataset, tol: Tolerance) -> Violation | None:
    """output(j,r) = intermediates (domestic + imported) + tariffs on them + factor income."""
    cost = (ds["int_dom"].sum(COMMODITY) + ds["int_imp"].sum(COMMODITY) + ds["int_tariff"]
            + ds["factor_income"].sum("factor"))
    return compare("column balance", ds["output"], cost, "output", "costs", tol)


def check_tariff_revenue(ds: xr.Dataset, tol: Tolerance) -> Violation | None:
    """tariff_revenue = tariff_rate * trade, cell by cell."""
    return compare("tariff revenue", ds["tariff_revenue"], ds["tariff_rate"] * ds["trade"],
                   "tariff_revenue", "tariff_rate * trade", tol)


def _average_tariff(ds: xr.Dataset) -> xr.DataArray:
    """tbar(i,r): importer r's trade-weighted tariff on good i."""
    imports = ds["trade"].sum(EXPORTER)
    revenue = ds["tariff_revenue"].sum(EXPORTER)
    tbar = xr.where(imports > 0, revenue / imports.where(imports > 0, 1.0), 0.0)
    return tbar.rename({SECTOR: COMMODITY, IMPORTER: REGION})


def check_int_tariff(ds: xr.Dataset, tol: Tolerance) -> Violation | None:
    """int_tariff(j,r) = sum_i tbar(i,r) * int_imp(i,j,r)."""
    expected = (_average_tariff(ds) * ds["int_imp"]).sum(COMMODITY)
    return compare("intermediate tariffs", ds["int_tariff"], expected, "int_tariff",
                   "tbar * int_imp", tol)


def check_fd_tariff(ds: xr.Dataset, tol: Tolerance) -> Violation | None:
    """fd_tariff(a,r) = sum_i tbar(i,r) * fd_imp(i,a,r)."""
    expected = (_average_tariff(ds) * ds["fd_imp"]).sum(COMMODITY)
    return compare("final-demand tariffs", ds["fd_tariff"], expected, "fd_tariff",
                   "tbar * fd_imp", tol)


def check_trade_balance(ds: xr.Dataset, tol: Tolerance) -> Violation | None:
    """trade_balance(r) = exports - imports at world prices."""
    trade = _off_diagonal(ds["trade"])
    net = (trade.sum((SECTOR, IMPORTER)).rename({EXPORTER: REGION})
           - trade.sum((SECTOR, EXPORTER)).rename({IMPORTER: REGION}))
    return compare("trade balance", ds["trade_balance"], net, "trade_balance",
                   "exports - imports", tol)


def check_income_expenditure(ds: xr.Dataset, tol: Tolerance) -> Violation | None:
    """Factor income + tariff revenue = final expenditure (incl. tariffs) + trade balance."""
    income = (ds["factor_income"].sum(("factor", SECTOR))
              + ds["tariff_revenue"].sum((SECTOR, EXPORTER)).rename({IMPORTER: REGION}))
    spending = (ds["fd_dom"].sum((COMMODITY, FD)) + ds["fd_imp"].sum((COMMODITY, FD))
                + ds["fd_tariff"].sum(FD) + ds["trade_balance"])
    return compare("income = expenditure + trade balance", income, spending, "income",
                   "expenditure + trade balance", tol)


FD_ROLES = ("private", "government", "investment")
FACTOR_ROLES = ("labour", "capital")
MOBILITY = ("mobile", "sector_specific")


def _json(ds: xr.Dataset, key: str) -> object:
    """A JSON attribute parsed, None when absent; a string that is not JSON is returned as is
    (and then refused as not an object or list)."""
    import json

    raw = ds.attrs.get(key)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return raw


def check_labels(ds: xr.Dataset, tol: Tolerance) -> Violation | None:
    """The attributes that give agents and factors their roles name only labels the dataset has
    (``fd_roles``: role -> fd label; ``factor_roles``: role -> factor; ``factor_mobility``:
    factor -> mobile | sector_specific; ``critical_inputs``: sectors)."""
    fd = [str(a) for a in ds["fd"].values]
    factors = [str(f) for f in ds["factor"].values]
    sectors = [str(s) for s in ds[SECTOR].values]
    specs = (("fd_roles", FD_ROLES, fd, "final-demand agent"),
             ("factor_roles", FACTOR_ROLES, factors, "factor"))
    for key, roles, labels, what in specs:
        value = _json(ds, key)
        if value is None:
            continue
        if not isinstance(value, dict):
            return Violation("labels", f"labels violated: attribute {key} must be a JSON object role -> label")
        for role, label in value.items():
            if role not in roles:
                return Violation("labels", f"labels violated: {key} names unknown role {role!r}; "
                                 f"allowed: {', '.join(roles)}")
            if label not in labels:
                return Violation("labels", f"labels violated: {key}.{role} = {label!r} is not a {what} "
                                 f"of the dataset; allowed: {', '.join(labels)}")
    mobility = _json(ds, "factor_mobility")
    if mobility is not None:
        if not isinstance(mobility, dict):
            return Violation("labels", "labels violated: attribute factor_mobility must be a JSON object")
        for factor, kind in mobility.items():
            if factor not in factors:
                return Violation("labels", f"labels violated: factor_mobility names unknown factor {factor!r}; "
                                 f"allowed: {', '.join(factors)}")
            if kind not in MOBILITY:
                return Violation("labels", f"labels violated: factor_mobility.{factor} = {kind!r}; "
                                 f"allowed: {', '.join(MOBILITY)}")
    critical = _json(ds, "critical_inputs")
    if critical is not None:
        unknown = [c for c in critical if c not in sectors] if isinstance(critical, list) else [critical]
        if unknown:
            return Violation("labels", f"labels violated: critical_inputs names {unknown[0]!r}, not a sector "
                             f"of the dataset")
    return None


CHECKS: tuple[Callable[[xr.Dataset, Tolerance], Violation | None], ...] = (
    check_structure,
    check_optional_fields,
    check_finite,
    check_non_negative,
    check_tariff_rate_range,
    check_trade_diagonal,
    check_row_balance,
    check_import_balance,
    check_column_balance,
    check_tariff_revenue,
    check_int_tariff,
    check_fd_tariff,
    check_trade_balance,
    check_income_expenditure,
    check_labels,
)


def check_dataset(ds: xr.Dataset, rtol: float = RTOL, atol: float = ATOL) -> list[Violation]:
    """Run every check; a structural or non-finite failure stops the rest (they need the
    structure, and NaN passes every comparison)."""
    tol = Tolerance(rtol, atol)
    for first in CHECKS[:3]:   # structure, optional fields, finite values
        found = first(ds, tol)
        if found:
            return [found]
    return [v for check in CHECKS[3:] if (v := check(ds, tol)) is not None]


def validate_dataset(ds: xr.Dataset, rtol: float = RTOL, atol: float = ATOL,
                     source: str | None = None) -> None:
    """Raise a one-line :class:`CGEInputError` for the first identity the dataset violates
    (``source`` names the file in the message; default the dataset's title)."""
    where = source or f"base dataset {ds.attrs.get('title', '')!r}"
    refuse_results_file(ds, where)
    violations = check_dataset(ds, rtol, atol)
    if violations:
        more = f" (and {len(violations) - 1} more identities fail)" if len(violations) > 1 else ""
        raise CGEInputError(f"{where}: {violations[0].message}{more}")


@dataclass(frozen=True)
class IdentityResult:
    """One identity as `cge data validate` reports it."""

    identity: str
    ok: bool
    message: str


IDENTITY_NAMES: dict[str, str] = {
    "check_non_negative": "non-negativity", "check_tariff_rate_range": "tariff range",
    "check_trade_diagonal": "zero trade diagonal", "check_int_tariff": "intermediate tariffs",
    "check_fd_tariff": "final-demand tariffs", "check_income_expenditure": "income = expenditure + trade balance",
}


def _name(check: Callable) -> str:
    return IDENTITY_NAMES.get(check.__name__, check.__name__.removeprefix("check_").replace("_", " "))


def identity_report(ds: xr.Dataset, rtol: float = RTOL, atol: float = ATOL) -> list[IdentityResult]:
    """Every identity with its status and its largest deviation with coordinates.

    A failing identity carries the violation message of its check; a passing one the largest
    deviation found with zero tolerance (so a user sees how close to the limit a table is), or
    ``exact``.  A structural failure stops the rest (they need the structure)."""
    tol = Tolerance(rtol, atol)
    found = check_structure(ds, tol)
    if found:
        return [IdentityResult("structure", False, found.message)]
    out = [IdentityResult("structure", True, "every variable, dims, units and attribute present")]
    for check in CHECKS[1:]:
        found = check(ds, tol)
        if found:
            out.append(IdentityResult(found.identity, False, found.message))
            continue
        exact = check(ds, Tolerance(0.0, 0.0))
        if exact is None or check in (check_labels, check_tariff_rate_range):
            out.append(IdentityResult(_name(check), True, "exact" if exact is None else "holds"))
        else:
            detail = exact.message.split(" violated: ", 1)[1].rsplit("; largest of", 1)[0]
            out.append(IdentityResult(_name(check), True, f"within tolerance; largest deviation "
                                      f"{detail}; {exact.count} cells not exact)"))
    return out
