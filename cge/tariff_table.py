"""Tariff tables (CSV: importer, exporter, sector, rate_pct): read and checked row by row.

A table is read strictly (cge.yaml_loader: a file, readable, UTF-8, under the size limit)
and every row is checked before any rate is used: the three codes present, the rate a
finite number (``ten`` or an empty cell is refused with its line), no row repeated (the
same importer, exporter and sector twice would add twice, or let one of two conflicting
rates silently win) and no row on a region's imports from itself (domestic sales are not
trade).  Codes are checked against the dataset, and rates against their bounds, when the
table is applied (cge.shocks).
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd

from cge.errors import CGEInputError
from cge.yaml_loader import MAX_TABLE_BYTES, read_text_input

COLUMNS = ("importer", "exporter", "sector", "rate_pct")


def read_tariff_table(path: Path, field: str) -> pd.DataFrame:
    """The rows of a tariff table with their file line (``line``), validated; errors are one
    line naming the field, the file, the line and what is allowed."""
    path = Path(path)
    text = read_text_input(path, f"{field}: tariff table", MAX_TABLE_BYTES)
    name = path.name
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise CGEInputError(f"{field}: tariff table '{name}' is empty; required columns: "
                            f"{', '.join(COLUMNS)}") from None
    except pd.errors.ParserError as exc:
        raise CGEInputError(f"{field}: tariff table '{name}' is not a readable CSV "
                            f"({str(exc).strip().splitlines()[-1]})") from None
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise CGEInputError(f"{field}: tariff table '{name}' lacks columns {missing}; "
                            f"required: {', '.join(COLUMNS)}")
    df = df[list(COLUMNS)].apply(lambda col: col.str.strip())
    df["line"] = range(2, len(df) + 2)
    if df.empty:
        raise CGEInputError(f"{field}: tariff table '{name}' has no rows")
    rates = []
    first: dict[tuple[str, str, str], int] = {}
    for row in df.itertuples(index=False):
        where = f"{field}: tariff table '{name}' line {row.line}"
        for col in ("importer", "exporter", "sector"):
            if not getattr(row, col):
                raise CGEInputError(f"{where}: column {col} is empty; give a code, a group or 'all'")
        try:
            rate = float(row.rate_pct)
        except ValueError:
            raise CGEInputError(f"{where}: rate_pct {row.rate_pct!r} is not a number "
                                "(percent, e.g. 10 for 10%)") from None
        if not math.isfinite(rate):
            raise CGEInputError(f"{where}: rate_pct {row.rate_pct!r} must be a finite number")
        rates.append(rate)
        if row.importer == row.exporter:
            raise CGEInputError(f"{where}: importer and exporter are both {row.importer}; a region "
                                "does not import from itself (tax domestic sales with output_tax)")
        key = (row.importer, row.exporter, row.sector)
        if key in first:
            raise CGEInputError(f"{where}: ({', '.join(key)}) repeats line {first[key]}; each "
                                "importer, exporter and sector may appear once")
        first[key] = row.line
    df["rate_pct"] = rates
    return df
