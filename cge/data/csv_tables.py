"""Reading the project's calibration tables (CSV files with a ``source`` column).

One place for the checks every such table needs before its own: the file exists and has the
columns its reader uses; each failure is one line naming the file (what it is, and its path).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cge.errors import CGEInputError


def read_table_csv(path: Path, what: str, needed: set[str], dtype: dict[str, type] | None = None) -> pd.DataFrame:
    """The table at ``path``, refused in one line (``<what> not found: <path>``, or ``<what>
    <path>: needs columns ...``) when it is missing or lacks one of the ``needed`` columns."""
    if not path.is_file():
        raise CGEInputError(f"{what} not found: {path}")
    table = pd.read_csv(path, dtype=dtype)
    if not needed <= set(table.columns):
        raise CGEInputError(f"{what} {path}: needs columns {', '.join(sorted(needed))}")
    return table
