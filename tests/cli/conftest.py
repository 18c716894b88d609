"""The `cge` application as users run it, for CLI tests."""

from __future__ import annotations

import pytest
import typer

from cge.cli import app


@pytest.fixture
def cli() -> typer.Typer:
    """The registered `cge` app (tests invoke e.g. ``["batch", ...]``)."""
    return app
