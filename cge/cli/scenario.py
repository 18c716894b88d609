"""`cge scenario check | schema | reference`: learn, check and edit scenario files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from cge.atomic import write_atomic
from cge.cli.common import echo_json

app = typer.Typer(no_args_is_help=True, help="Check scenario files; print their schema and reference.")


@app.command()
def check(
    files: list[str] = typer.Argument(..., help="scenario YAML files, or names of seed scenarios"),
    as_json: bool = typer.Option(False, "--json", help="print JSON: errors and warnings per file"),
) -> None:
    """Report every mistake of each file at once, one line each, naming the field and the
    allowed values (warnings, e.g. an omitted selector that defaults to all, go to stderr).
    Exit status 0 when every file is valid, 2 otherwise."""
    from cge.api import check as check_api

    reports = [check_api(f) for f in files]
    if as_json:
        echo_json([{"file": r.source, "ok": r.ok, "errors": r.errors, "warnings": r.warnings}
                   for r in reports])
    else:
        for r in reports:
            for line in r.warnings:
                typer.echo(f"warning: {line}", err=True)
            for line in r.errors:
                typer.echo(f"error: {line}")
            if r.ok:
                typer.echo(f"ok: {r.source}")
    raise typer.Exit(0 if all(r.ok for r in reports) else 2)


def _write_or_print(text: str, out: Optional[Path]) -> None:
    if out is None:
        typer.echo(text, nl=False)
        return
    write_atomic(out, lambda tmp: tmp.write_text(text))
    typer.echo(f"wrote {out}", err=True)


@app.command()
def schema(out: Optional[Path] = typer.Option(None, "--out", "-o", help="write to this file")) -> None:
    """Print the JSON Schema of scenario files (for editors' completion and checking)."""
    from cge.api import schema as schema_api

    _write_or_print(json.dumps(schema_api(), indent=2) + "\n", out)


@app.command()
def reference(out: Optional[Path] = typer.Option(None, "--out", "-o", help="write to this file, e.g. "
                                                                          "docs/scenario_reference.md")) -> None:
    """Print the scenario language reference (Markdown), generated from the schema."""
    from cge.scenario_reference import reference_markdown

    _write_or_print(reference_markdown(), out)
