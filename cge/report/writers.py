"""Writers of comparison tables: Markdown, CSV, XLSX (LaTeX in :mod:`.latex`).

Numbers are printed with the table's decimals and never as ``-0.00``: a value that rounds
to zero prints without a sign.  CSV keeps full precision; XLSX keeps full precision in
the cells and shows the table's decimals through number formats (a cell that rounds to
zero gets a format without a minus sign), with the header row frozen.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cge.atomic import write_atomic

if TYPE_CHECKING:
    from cge.report.tables import Table

FORMATS: tuple[str, ...] = ("md", "csv", "tex", "xlsx")
MISSING = "n/a"
HEADER_ROW = 5   # XLSX: title, units, note in rows 1-3, the table from row 5


def format_number(value: object, decimals: int, grouping: bool = True) -> str:
    """A number with ``decimals`` decimals (thousands grouped), ``n/a`` when missing, and no
    sign on a value that rounds to zero."""
    if value is None or isinstance(value, str):
        return MISSING if value is None else value
    x = float(value)
    if not math.isfinite(x):
        return MISSING
    text = f"{x:,.{decimals}f}" if grouping else f"{x:.{decimals}f}"
    if float(text.replace(",", "")) == 0.0:
        text = text.lstrip("-")
    return text


def display_frame(table: "Table", grouping: bool = True) -> pd.DataFrame:
    """The table as text: index levels as leading columns (scenario names as titles), numbers
    formatted, columns labelled."""
    flat = table.frame.reset_index()
    index_cols = list(table.frame.index.names)
    out = pd.DataFrame(index=flat.index)
    for col in flat.columns:
        if col in index_cols:
            out[str(col)] = [table.label(v) for v in flat[col]]
        else:
            out[table.label(col)] = [format_number(v, table.decimals_of(col), grouping) for v in flat[col]]
    return out


def _markdown(tables: Sequence["Table"]) -> str:
    """All paper tables as one Markdown document."""
    blocks = ["# Scenario comparison\n"]
    for table in (t for t in tables if t.paper):
        text = display_frame(table)
        n_index = table.frame.index.nlevels
        body = text.to_markdown(index=False, disable_numparse=True,
                                colalign=["left"] * n_index + ["right"] * (text.shape[1] - n_index))
        blocks.append(f"## {table.title}\n\nUnits: {table.units}.\n\n{body}\n\n*{table.note}*\n")
    return "\n".join(blocks)


def _csv(table: "Table") -> str:
    """One table as CSV at full precision, preceded by ``#`` lines with title, units, note."""
    header = f"# {table.title}\n# Units: {table.units}\n# {table.note}\n"
    return header + table.frame.reset_index().to_csv(index=False)


def _excel_format(decimals: int, value: object) -> str:
    """Number format for one cell: grouped with the table's decimals; a value that rounds to
    zero is shown without its sign."""
    digits = "#,##0" + ("." + "0" * decimals if decimals else "")
    try:
        zero = round(float(value), decimals) == 0.0
    except (TypeError, ValueError):
        zero = False
    return f"{digits};{digits};{digits}" if zero else f"{digits};-{digits};{digits}"


def _xlsx(tables: Sequence["Table"], path: Path) -> None:
    """All tables in one workbook: title, units and note above each sheet's data, the header
    row frozen (with the row labels), number formats with the table's decimals."""
    from openpyxl.styles import Alignment, Font

    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for table in tables:
            flat = table.frame.reset_index()
            n_index = table.frame.index.nlevels
            sheet = table.name[:31]
            flat.to_excel(writer, sheet_name=sheet, index=False, startrow=HEADER_ROW - 1)
            ws = writer.sheets[sheet]
            ws["A1"], ws["A2"], ws["A3"] = table.title, f"Units: {table.units}", table.note
            ws["A1"].font = Font(bold=True)
            for col, name in enumerate(flat.columns, start=1):
                letter = ws.cell(row=HEADER_ROW, column=col).column_letter
                head = ws.cell(row=HEADER_ROW, column=col)
                head.font, head.alignment = Font(bold=True), Alignment(wrap_text=True, vertical="bottom")
                if col > n_index:
                    decimals = table.decimals_of(name)
                    for row in range(HEADER_ROW + 1, HEADER_ROW + 1 + len(flat)):
                        cell = ws.cell(row=row, column=col)
                        cell.number_format = _excel_format(decimals, cell.value)
                    width = max(len(str(name)), 10)
                else:
                    width = max([len(str(name))] + [len(str(v)) for v in flat[name]])
                ws.column_dimensions[letter].width = min(width, 40) + 2
            ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=n_index + 1)


def write_tables(tables: Iterable["Table"], out_dir: Path, formats: Sequence[str]) -> list[Path]:
    """Write the tables in each format; returns the files written.

    md: ``tables.md`` (paper tables); csv: one ``<name>.csv`` per table, with title, units and
    note as leading ``#`` lines (read with :func:`read_csv_table`); tex: ``tables.tex``
    (paper tables as LaTeX fragments) and ``tables_document.tex`` (a document that inputs
    them and compiles with pdflatex); xlsx: ``tables.xlsx``, one sheet per table.
    """
    from cge.report.latex import latex_document, latex_tables

    tables = list(tables)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        if fmt == "md":
            written.append(_write_text(out_dir / "tables.md", _markdown(tables)))
        elif fmt == "tex":
            written.append(_write_text(out_dir / "tables.tex", latex_tables(tables)))
            written.append(_write_text(out_dir / "tables_document.tex", latex_document("tables.tex")))
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


def read_csv_table(path: Path) -> pd.DataFrame:
    """Read back a CSV written by :func:`write_tables` (skips the ``#`` header lines)."""
    return pd.read_csv(path, comment="#")
