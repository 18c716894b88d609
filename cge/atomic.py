"""Atomic file writes: a failed or interrupted write never damages an existing file.

Every output of the project (built datasets, tariff tables, results, batch files)
goes through :func:`write_atomic`: the content is written to a uniquely named
temporary file in the target's folder and moved into place with ``os.replace``.
The temporary name is unique (not ``mkstemp``, whose files are private, mode 0600),
so the file gets the usual permissions of the user's umask.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path


def write_atomic(target: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` for a temporary path beside ``target``, then rename it to ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
