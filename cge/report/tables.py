"""Comparison tables across scenarios, and their writers (Markdown, CSV, LaTeX, XLSX).

Each table is a :class:`Table`: a DataFrame with a title, its units and the
provenance note.  Paper tables (welfare, real GDP, terms of trade, key bilateral
flows, spillovers) are written in every format; long tables (every bilateral flow by
sector, every sector's output) only to CSV and XLSX, where they can be filtered.

Aggregating bilateral trade over sectors uses benchmark values as weights, so the
total change is a fixed-weight (Laspeyres) index of the sector changes:
``sum_s V0[s] * pct[s] / sum_s V0[s]``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
import xarray as xr

from cge.batch import split_scenarios, write_atomic
from cge.report.notes import SCENARIO, note_text, scenario_attr, scenarios, units

FORMATS: tuple[str, ...] = ("md", "csv", "tex", "xlsx")
WORLD = "World"
#: Number of pairs, beyond those among shocked regions, in the key bilateral table.
TOP_OTHER_PAIRS = 8


@dataclass(frozen=True)
class Table:
    """One comparison table with what a reader needs to interpret it."""

    name: str
    title: str
    units: str
    note: str
    frame: pd.DataFrame
    paper: bool = True


def welfare_usd_table(ds: xr.Dataset) -> Table:
    """Equivalent variation by region (rows) and scenario (columns), USD million; World = sum."""
    frame = _by_region(ds["ev_usd_million"])
    frame.loc[WORLD] = frame.sum(axis=0, min_count=1)
    return Table("welfare_ev_usd", "Welfare (equivalent variation) by region, USD million",
                 units(ds, "ev_usd_million"), note_text(ds), frame)


def welfare_pct_table(ds: xr.Dataset) -> Table:
    """EV as % of benchmark regional income; World = world EV / world benchmark income."""
    frame = _by_region(ds["ev_pct_income"])
    world = ds["ev_usd_million"].sum("region", min_count=1) / ds["income_usd_million"].sum("region") * 100
    frame.loc[WORLD] = world.to_series().reindex(frame.columns).to_numpy()
    return Table("welfare_ev_pct", "Welfare (equivalent variation) by region, % of income",
                 units(ds, "ev_pct_income"), note_text(ds), frame)


def real_gdp_table(ds: xr.Dataset) -> Table:
    """Real GDP change by region and scenario."""
    return Table("real_gdp", "Real GDP by region", units(ds, "real_gdp_pct"), note_text(ds),
                 _by_region(ds["real_gdp_pct"]))


def terms_of_trade_table(ds: xr.Dataset) -> Table:
    """Terms-of-trade change by region and scenario."""
    return Table("terms_of_trade", "Terms of trade by region", units(ds, "tot_pct"),
                 note_text(ds), _by_region(ds["tot_pct"]))


def bilateral_total_pct(ds: xr.Dataset) -> xr.DataArray:
    """Change in total bilateral trade over all sectors, % (benchmark-value weights)."""
    base = ds["bilateral_trade_usd_million"]
    total = base.sum("sector")
    return ((base * ds["bilateral_trade_pct"]).sum("sector") / total.where(total > 0)).rename(
        "bilateral_trade_total_pct")


def key_pairs(ds: xr.Dataset, top: int = TOP_OTHER_PAIRS) -> list[tuple[str, str]]:
    """Trade pairs worth a paper table: all pairs among shocked regions, then the
    ``top`` other pairs with the largest absolute change in USD (any scenario)."""
    shocked = sorted(set().union(*(json.loads(scenario_attr(one, "shocked_regions") or "[]")
                                   for one in split_scenarios(ds))))
    pairs = [(e, i) for e in shocked for i in shocked if e != i]
    base = ds["bilateral_trade_usd_million"].sum("sector")
    change = abs(bilateral_total_pct(ds) * base / 100)
    if SCENARIO in change.dims:
        change = change.max(SCENARIO)
    ranked = change.to_series().dropna().sort_values(ascending=False)
    others = [pair for pair in ranked.index if pair not in pairs and pair[0] != pair[1]]
    return pairs + others[:top]


def bilateral_pairs_table(ds: xr.Dataset, pairs: Sequence[tuple[str, str]] | None = None) -> Table:
    """Total bilateral trade change (all sectors) for the key exporter -> importer pairs."""
    pairs = list(pairs) if pairs is not None else key_pairs(ds)
    total = bilateral_total_pct(ds).to_series().unstack(SCENARIO)[scenarios(ds)]
    base = ds["bilateral_trade_usd_million"].sum("sector")
    if SCENARIO in base.dims:
        base = base.isel({SCENARIO: 0})
    frame = total.reindex(pd.MultiIndex.from_tuples(pairs, names=["exporter", "importer"]))
    frame.columns.name = None
    frame.insert(0, "benchmark (USD million)", base.to_series().reindex(frame.index))
    return Table("bilateral_trade", "Bilateral trade, all sectors: key exporter -> importer pairs",
                 "benchmark in USD million; changes in % from benchmark (benchmark-value "
                 "weighted over sectors)", note_text(ds), frame)


def bilateral_long_table(ds: xr.Dataset) -> Table:
    """Every bilateral flow by sector: benchmark value and change (CSV/XLSX only)."""
    frame = xr.Dataset({
        "benchmark_usd_million": ds["bilateral_trade_usd_million"],
        "change_pct": ds["bilateral_trade_pct"],
        "change_usd_million": ds["bilateral_trade_usd_million"] * ds["bilateral_trade_pct"] / 100,
    }).to_dataframe()[["benchmark_usd_million", "change_pct", "change_usd_million"]]
    frame = frame[frame["benchmark_usd_million"] > 0]
    frame = frame.reorder_levels([SCENARIO, "exporter", "importer", "sector"]).sort_index()
    return Table("bilateral_trade_by_sector", "Bilateral trade by sector, every flow",
                 "benchmark in USD million; change in % and in USD million at benchmark prices",
                 note_text(ds), frame, paper=False)


def output_long_table(ds: xr.Dataset) -> Table:
    """Every sector's output: benchmark value and % change (CSV/XLSX only)."""
    frame = xr.Dataset({
        "benchmark_usd_million": ds["output_usd_million"],
        "output_pct": ds["output_pct"],
    }).to_dataframe()[["benchmark_usd_million", "output_pct"]]
    frame = frame.reorder_levels([SCENARIO, "region", "sector"]).sort_index()
    return Table("sector_output", "Sector output by region", "benchmark in USD million; "
                 f"output_pct in {units(ds, 'output_pct')}", note_text(ds), frame, paper=False)


def spillover_table(ds: xr.Dataset) -> Table:
    """Third-country effects (regions neither source nor target of a shock), per scenario,
    as computed by :func:`cge.results.spillover_summary`."""
    from cge.results import spillover_summary

    parts = {str(one.attrs["scenario_name"]): spillover_summary(one) for one in split_scenarios(ds)}
    parts = {name: frame.set_index("region") for name, frame in parts.items() if not frame.empty}
    frame = (pd.concat(parts, names=[SCENARIO]) if parts
             else pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=[SCENARIO, "region"])))
    return Table("spillovers", "Third-country spillovers (regions neither source nor target of a "
                 "shock)", "EV in USD million and % of benchmark income; real GDP and exports in "
                 "% change from benchmark", note_text(ds), frame)


def comparison_tables(ds: xr.Dataset) -> list[Table]:
    """Every comparison table for a combined results Dataset, paper tables first."""
    return [welfare_usd_table(ds), welfare_pct_table(ds), real_gdp_table(ds),
            terms_of_trade_table(ds), bilateral_pairs_table(ds), spillover_table(ds),
            bilateral_long_table(ds), output_long_table(ds)]


def _by_region(da: xr.DataArray) -> pd.DataFrame:
    """A region x scenario frame of a (scenario, region) variable, scenarios in order."""
    frame = da.to_series().unstack(SCENARIO)
    frame = frame[[str(s) for s in da[SCENARIO].values]]
    frame.columns.name = None
    return frame.astype(float)


# --- writers ---------------------------------------------------------------------------

def write_tables(tables: Iterable[Table], out_dir: Path, formats: Sequence[str]) -> list[Path]:
    """Write the tables in each format; returns the files written.

    md: ``tables.md`` (paper tables); csv: one ``<name>.csv`` per table, with title,
    units and note as leading ``#`` lines (read with ``pandas.read_csv(f, comment="#")``);
    tex: ``tables.tex`` (booktabs ``table`` environments, paper tables); xlsx:
    ``tables.xlsx``, one sheet per table.
    """
    tables = list(tables)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        if fmt == "md":
            written.append(_write_text(out_dir / "tables.md", _markdown(tables)))
        elif fmt == "tex":
            written.append(_write_text(out_dir / "tables.tex", _latex(tables)))
        elif fmt == "csv":
            written.extend(_write_text(out_dir / f"{t.name}.csv", _csv(t)) for t in tables)
        elif fmt == "xlsx":
            path = out_dir / "tables.xlsx"
            write_atomic(path, lambda tmp: _xlsx(tables, tmp))
            written.append(path)
        else:
            raise ValueError(f"unknown table format {fmt!r}")
    return written


def _write_text(path: Path, text: str) -> Path:
    """Write a text file atomically and return its path."""
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Index levels as ordinary leading columns (for text formats)."""
    return frame.reset_index()


def _markdown(tables: Sequence[Table]) -> str:
    """All paper tables as one Markdown document."""
    blocks = ["# Scenario comparison\n"]
    for table in (t for t in tables if t.paper):
        flat = _flat(table.frame)
        body = flat.astype(object).where(flat.notna(), None).to_markdown(
            index=False, floatfmt=".2f", missingval="n/a")
        blocks.append(f"## {table.title}\n\nUnits: {table.units}.\n\n{body}\n\n*{table.note}*\n")
    return "\n".join(blocks)


def _csv(table: Table) -> str:
    """One table as CSV at full precision, preceded by ``#`` lines with title, units, note."""
    header = f"# {table.title}\n# Units: {table.units}\n# {table.note}\n"
    return header + _flat(table.frame).to_csv(index=False)


_LATEX_ESCAPES: dict[str, str] = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "->": r"$\rightarrow$",
}
_LATEX_SPECIAL = re.compile("|".join(re.escape(k) for k in sorted(_LATEX_ESCAPES, key=len, reverse=True)))


def _tex(text: object) -> str:
    """LaTeX-escape a cell or caption (one pass, so escapes are not escaped again)."""
    return _LATEX_SPECIAL.sub(lambda m: _LATEX_ESCAPES[m.group(0)], str(text))


def _tex_cell(value: object) -> str:
    """A number with two decimals (n/a when missing), or escaped text."""
    if isinstance(value, (float, np.floating)):
        return "n/a" if np.isnan(value) else f"{value:,.2f}".replace(",", "{,}")
    return _tex(value)


def _latex(tables: Sequence[Table]) -> str:
    """All paper tables as LaTeX ``table`` environments (needs ``booktabs``)."""
    blocks = ["% Scenario comparison tables; needs \\usepackage{booktabs}\n"]
    for table in (t for t in tables if t.paper):
        flat = _flat(table.frame)
        align = "".join("r" if pd.api.types.is_numeric_dtype(flat[c]) else "l" for c in flat)
        rows = [" & ".join(_tex_cell(v) for v in row) + r" \\" for row in flat.itertuples(index=False)]
        blocks.append("\n".join([
            r"\begin{table}[htbp]", r"\centering", r"\footnotesize",
            rf"\caption{{{_tex(table.title)} ({_tex(table.units)})}}",
            rf"\label{{tab:{table.name}}}",
            rf"\begin{{tabular}}{{{align}}}", r"\toprule",
            " & ".join(_tex(c) for c in flat.columns) + r" \\", r"\midrule",
            *rows, r"\bottomrule", r"\end{tabular}",
            rf"\par\smallskip\parbox{{\linewidth}}{{\scriptsize {_tex(table.note)}}}",
            r"\end{table}", "",
        ]))
    return "\n".join(blocks)


def _xlsx(tables: Sequence[Table], path: Path) -> None:
    """All tables in one workbook: title, units and note above each sheet's data."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for table in tables:
            flat = _flat(table.frame)
            sheet = table.name[:31]
            flat.to_excel(writer, sheet_name=sheet, index=False, startrow=4)
            ws = writer.sheets[sheet]
            ws["A1"], ws["A2"], ws["A3"] = table.title, f"Units: {table.units}", table.note
            for col, name in enumerate(flat.columns, start=1):
                width = max(len(str(name)), 10) + 2
                ws.column_dimensions[ws.cell(row=5, column=col).column_letter].width = width
                if pd.api.types.is_float_dtype(flat[name]):
                    for row in range(6, 6 + len(flat)):
                        ws.cell(row=row, column=col).number_format = "#,##0.00"


def read_csv_table(path: Path) -> pd.DataFrame:
    """Read back a CSV written by :func:`write_tables` (skips the ``#`` header lines)."""
    return pd.read_csv(path, comment="#")

