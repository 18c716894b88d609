"""`cge data ...`: build base datasets from raw WIOD and inspect them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from cge.cli.common import user_errors
from cge.errors import CGEInputError

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Build and inspect base datasets (WIOD 2013 release, updated to 2023).")


@app.command()
def build(
    dataset: Optional[list[str]] = typer.Option(
        None, "--dataset", help="named dataset(s) to build: default, tiny, full, critical (2023), "
                                "default_2011, tiny_2011, full_2011, critical_2011 (repeatable)"),
    mapping: Optional[str] = typer.Option(
        None, help="build a custom aggregation instead: mapping name or YAML file (needs --out)"),
    year: Optional[int] = typer.Option(
        None, help="with --mapping: 2023 (WIOD 2011 updated, the default) or a WIOD year 1995-2011"),
    wiod_dir: Optional[Path] = typer.Option(
        None, help="shared data folder holding wiod2013/ and the 2023 sources "
                   "(default: ../shared/data or $CGE_DATA_DIR)"),
    out: Optional[Path] = typer.Option(None, help="with --mapping: output .nc file"),
    all_: bool = typer.Option(False, "--all", help="build every named dataset"),
    critical: bool = typer.Option(False, "--critical", help="same as --dataset critical"),
) -> None:
    """Build base datasets from the raw data; existing files are replaced only if every
    requested dataset built and validated (default: --dataset default)."""
    from cge.data.build import build as build_one
    from cge.data.datasets import DATASETS
    from cge.data.rebuild import build_named

    with user_errors():
        if mapping is not None:
            if dataset or all_ or critical:
                raise CGEInputError("--mapping builds one custom dataset: do not combine it with "
                                    "--dataset, --all or --critical")
            if out is None and mapping not in DATASETS:
                raise CGEInputError("--mapping with a file needs --out (the named datasets are built "
                                    "with --dataset)")
            path = build_one(mapping, year, wiod_dir, out)
            typer.echo(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB)")
            return
        if out is not None or year is not None:
            raise CGEInputError("--out and --year go with --mapping (named datasets have fixed "
                                "files and years)")
        names = list(DATASETS) if all_ else list(dataset or []) + (["critical"] if critical else [])
        for path in build_named(names or ["default"], wiod_dir):
            typer.echo(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB)")


@app.command()
def summary(
    dataset: str = typer.Argument("default", help="dataset name (default, tiny, full, critical, "
                                                  "default_2011, ...) or .nc path"),
    as_json: bool = typer.Option(False, "--json", help="print JSON instead of tables"),
    pair: Optional[str] = typer.Option(None, help="A,B: also print the imports of A from B"),
) -> None:
    """Print regions, sectors, factors, base year, source, world totals and trade by region."""
    from cge.data.datasets import load_dataset
    from cge.data.summary import format_summary, summarize

    with user_errors():
        pair_codes = None
        if pair is not None:
            parts = [p.strip() for p in pair.split(",")]
            if len(parts) != 2 or not all(parts):
                raise CGEInputError(f"--pair must be IMPORTER,EXPORTER (two region codes), got {pair!r}")
            pair_codes = (parts[0], parts[1])
        result = summarize(load_dataset(dataset), pair_codes)
    typer.echo(json.dumps(result, indent=2) if as_json else format_summary(result))


@app.command()
def schedules(
    out: Optional[Path] = typer.Option(None, help="output folder (default: calibration/tariff_schedules)"),
    data_dir: Optional[Path] = typer.Option(
        None, help="shared data folder holding tariffs/ and wiod2013/ (default: ../shared/data)"),
) -> None:
    """Rebuild the seed scenarios' tariff tables from raw tariff data and print the checks."""
    from cge.data.tariff_schedules import main as build_schedules

    with user_errors():
        build_schedules(out, data_dir)
