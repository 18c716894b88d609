"""The `cge` command line: one sub-module per command group."""

import typer

from cge.cli import data as data_cli

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Multi-region CGE model of world trade calibrated to WIOD.")
app.add_typer(data_cli.app, name="data")
