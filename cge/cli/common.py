"""Shared CLI plumbing: one-line errors with stable exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from cge.errors import CGEError

EXIT_CODES = {0: "success", 1: "some scenarios of a batch failed", 2: "bad input (file, field, value)",
              3: "the solver did not converge"}


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a CGEError into ``error: <one line>`` on stderr and its exit code."""
    try:
        yield
    except CGEError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None


def echo_json(obj: object) -> None:
    """Print a JSON document (values JSON cannot encode are printed as strings)."""
    typer.echo(json.dumps(obj, indent=2, default=str))
