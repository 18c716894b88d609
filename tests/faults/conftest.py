"""Fixtures of the fault tests: the `cge` application as users run it."""

from __future__ import annotations

import pytest
import typer

from cge.cli import app


@pytest.fixture(scope="session")
def cli() -> typer.Typer:
    """The registered `cge` app (tests invoke e.g. ``["run", ...]``)."""
    return app
