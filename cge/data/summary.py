"""Summary of a base dataset: labels, provenance, world totals and trade by region."""

from __future__ import annotations

import json
import textwrap

import xarray as xr
from tabulate import tabulate

from cge.data.schema import EXPORTER, IMPORTER, REGION, SECTOR
from cge.errors import CGEInputError


def bilateral_imports(ds: xr.Dataset, importer: str, exporter: str) -> float:
    """Total imports of ``importer`` from ``exporter`` at world prices, USD million."""
    regions = list(ds[REGION].values)
    for code in (importer, exporter):
        if code not in regions:
            raise CGEInputError(f"--pair: unknown region {code!r} (allowed: {', '.join(regions)})")
    return float(ds["trade"].sel({EXPORTER: exporter, IMPORTER: importer}).sum())


def summarize(ds: xr.Dataset, pair: tuple[str, str] | None = None) -> dict:
    """Regions, sectors, factors, base year, source, world totals, trade by region (USD million).

    ``pair = (A, B)`` adds the total imports of A from B.
    """
    trade = ds["trade"]
    exports = trade.sum((SECTOR, IMPORTER))
    imports = trade.sum((SECTOR, EXPORTER))
    out = {
        "title": ds.attrs.get("title", ""),
        "base_year": int(ds.attrs.get("base_year", 0)),
        "source": ds.attrs.get("source", ""),
        "regions": [str(r) for r in ds[REGION].values],
        "sectors": [str(s) for s in ds[SECTOR].values],
        "factors": [str(f) for f in ds["factor"].values],
        "world_gross_output": float(ds["output"].sum()),
        "world_value_added": float(ds["factor_income"].sum() + ds["int_tariff"].sum()),
        "world_tariff_revenue": float(ds["tariff_revenue"].sum()),
        "exports_by_region": {str(r): float(exports.sel({EXPORTER: r})) for r in ds[REGION].values},
        "imports_by_region": {str(r): float(imports.sel({IMPORTER: r})) for r in ds[REGION].values},
        "units": "USD million",
    }
    cleaning = json.loads(ds.attrs.get("cleaning", "{}"))
    if "total_abs_adjustment_pct_of_world_output" in cleaning:
        out["cleaning_adjustment_pct_of_world_output"] = cleaning[
            "total_abs_adjustment_pct_of_world_output"]
    if pair is not None:
        a, b = pair
        out["pair"] = {"importer": a, "exporter": b, "imports": bilateral_imports(ds, a, b)}
    return out


def format_summary(summary: dict) -> str:
    """The summary as readable text tables (values in USD billion)."""
    head = [
        ["title", summary["title"]],
        ["base year", str(summary["base_year"])],
        ["source", textwrap.fill(summary["source"], 90)],
        ["regions", " ".join(summary["regions"])],
        ["sectors", " ".join(summary["sectors"])],
        ["factors", " ".join(summary["factors"])],
        ["world gross output (USD bn)", f"{summary['world_gross_output'] / 1e3:,.1f}"],
        ["world value added (USD bn)", f"{summary['world_value_added'] / 1e3:,.1f}"],
        ["world tariff revenue (USD bn)", f"{summary['world_tariff_revenue'] / 1e3:,.1f}"],
    ]
    if "cleaning_adjustment_pct_of_world_output" in summary:
        head.append(["cleaning adjustment (% of world output)",
                     f"{summary['cleaning_adjustment_pct_of_world_output']:.3f}"])
    rows = [[r, f"{summary['exports_by_region'][r] / 1e3:,.1f}",
             f"{summary['imports_by_region'][r] / 1e3:,.1f}"] for r in summary["regions"]]
    text = [tabulate(head, tablefmt="plain", disable_numparse=True), "",
            tabulate(rows, headers=["region", "exports (USD bn)", "imports (USD bn)"],
                     tablefmt="simple", disable_numparse=True)]
    if "pair" in summary:
        p = summary["pair"]
        text += ["", f"imports of {p['importer']} from {p['exporter']}: "
                     f"{p['imports'] / 1e3:,.1f} USD bn"]
    return "\n".join(text)
