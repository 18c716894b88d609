"""Keep solver libraries' console output off standard output.

Ipopt (through cyipopt or CasADi) prints its banner and logs from C code, straight to
file descriptor 1, where Python's ``sys.stdout`` redirection cannot catch it.  While a
solver runs, descriptor 1 is pointed at standard error, so ``cge ... --json`` prints
JSON only on stdout.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def solver_output_to_stderr() -> Iterator[None]:
    """Redirect file descriptor 1 to descriptor 2 for the duration of the block."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):  # no real descriptor 1 (e.g. some notebook kernels)
        yield
        return
    try:
        os.dup2(2, 1)
        yield
    finally:
        try:
            sys.stdout.flush()
        except ValueError:
            pass
        os.dup2(saved, 1)
        os.close(saved)
