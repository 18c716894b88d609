"""Units and source notes for comparison tables and charts.

A number pasted into a paper needs its unit and its assumptions next to it: base
year, base data and its source, elasticity set and closure.  These are read from the
attributes that :mod:`cge.results` writes on every results Dataset (for a combined
batch, from the per-scenario coordinates that :func:`cge.batch.combine_scenarios`
keeps along the ``scenario`` dimension), never typed by hand.
"""

from __future__ import annotations

import xarray as xr

SCENARIO = "scenario"

#: Units of the results variables (names fixed by the results contract, issue 4).
UNITS: dict[str, str] = {
    "ev_usd_million": "USD million, benchmark-year prices",
    "ev_pct_income": "% of benchmark regional income",
    "real_gdp_pct": "% change from benchmark",
    "tot_pct": "% change from benchmark",
    "output_pct": "% change in real output from benchmark",
    "exports_pct": "% change from benchmark",
    "imports_pct": "% change from benchmark",
    "bilateral_trade_pct": "% change in bilateral trade volume from benchmark",
    "factor_price_pct": "% change from benchmark",
    "tariff_revenue_usd_million": "USD million",
    "quota_rent_usd_million": "USD million",
    "income_usd_million": "USD million, benchmark",
    "output_usd_million": "USD million, benchmark",
    "bilateral_trade_usd_million": "USD million, benchmark",
}

#: Results attributes that make up the note, with the label printed for each.
NOTE_FIELDS: tuple[tuple[str, str], ...] = (
    ("base_year", "Base year"),
    ("dataset", "Dataset"),
    ("dataset_source", "Data source"),
    ("elasticity_set", "Elasticities"),
    ("closure", "Closure"),
)


def units(ds: xr.Dataset, variable: str) -> str:
    """Units of a results variable: the table above, else the variable's ``units`` attribute.

    The table comes first because it is more specific than a generic attribute
    (EV in % is a share of benchmark income, not a % change of anything).
    """
    if variable in UNITS:
        return UNITS[variable]
    return str(ds[variable].attrs.get("units", "see variable name"))


def scenario_attr(ds: xr.Dataset, name: str, scenario: str | None = None) -> str | None:
    """One provenance attribute of one scenario, as text (``None`` when absent).

    A combined batch keeps attributes that differ between scenarios as coordinates
    along ``scenario``; those that agree stay global attributes.
    """
    if scenario is not None and name in ds.coords and SCENARIO in ds[name].dims:
        return str(ds[name].sel({SCENARIO: scenario}).item())
    if name in ds.attrs:
        return str(ds.attrs[name])
    return None


def scenarios(ds: xr.Dataset) -> list[str]:
    """Scenario names of a combined results Dataset, in order."""
    return [str(s) for s in ds[SCENARIO].values]


def _field(ds: xr.Dataset, attr: str, scenario: str | None, short: bool) -> str | None:
    """A note field's text for one scenario: the dataset with its title, the source
    cut to its first clause when ``short`` (charts have little room)."""
    value = scenario_attr(ds, attr, scenario)
    if value is None or value == "":
        return None
    if attr == "dataset":
        title = scenario_attr(ds, "dataset_title", scenario)
        return f"{value} ({title})" if title else value
    if attr == "dataset_source" and short:
        return value.split(";")[0].strip()
    return value


def note_text(ds: xr.Dataset, short: bool = False) -> str:
    """The provenance note: base year, dataset, data source, elasticities, closure.

    A field that is the same for every scenario is stated once; a field that varies
    is stated per scenario, e.g. ``Elasticities: gtap (s1, s2), cp2015 (s3).``
    ``short`` keeps only the first clause of the data source (for charts); the full
    citation stays in the results attribute ``dataset_source``.
    """
    names = scenarios(ds) if SCENARIO in ds.dims else [None]
    sentences = []
    for attr, label in NOTE_FIELDS:
        by_value: dict[str, list[str]] = {}
        for name in names:
            value = _field(ds, attr, name, short)
            if value is not None:
                by_value.setdefault(value, []).append(str(name))
        if len(by_value) == 1:
            sentences.append(f"{label}: {next(iter(by_value))}.")
        elif by_value:
            listed = ", ".join(f"{value} ({', '.join(who)})" for value, who in by_value.items())
            sentences.append(f"{label}: {listed}.")
    return "Note. " + " ".join(sentences) if sentences else "Note. Provenance attributes missing."
