"""`cge data ...`: build base datasets from raw WIOD and inspect them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from cge.cli.common import user_errors
from cge.errors import CGEInputError

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Build and inspect base datasets (WIOD 2013 release).")

ALL_MAPPINGS = ("default", "tiny", "full")


@app.command()
def build(
    mapping: str = typer.Option("default", help="mapping name (default, tiny, full) or YAML file"),
    year: int = typer.Option(2011, help="WIOD year, 1995-2011"),
    wiod_dir: Optional[Path] = typer.Option(
        None, help="shared data folder holding wiod2013/ (default: ../shared/data or $CGE_DATA_DIR)"),
    out: Optional[Path] = typer.Option(None, help="output .nc file (default: calibration/datasets/ in a checkout, "
                                                      "~/.local/share/cge-trade/datasets/ when installed)"),
    all_: bool = typer.Option(False, "--all", help="build the default, tiny, full and critical datasets"),
    critical: bool = typer.Option(False, "--critical",
                                  help="split REE, MAG, SEMI out of the default dataset (calibration/splits)"),
) -> None:
    """Build a base dataset from raw WIOD; an existing file is replaced only on success."""
    from cge.data.build import build as build_dataset
    from cge.data.datasets import DATASET_FILES, dataset_path
    from cge.data.split import build_critical_dataset
    from cge.progress import step, task, track
    from cge.resources import dataset_build_dir

    with user_errors():
        if (all_ or critical) and out is not None:
            raise CGEInputError("--out cannot be combined with --all or --critical")
        names = ALL_MAPPINGS if all_ else () if critical else (mapping,)
        for name in track(names, "building datasets"):
            step(0, f"building {name} from WIOD {year}")
            path = build_dataset(name, year, wiod_dir, out)
            typer.echo(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB)")
        if all_ or critical:
            target = dataset_build_dir() / DATASET_FILES["critical"]
            with task("splitting REE, MAG and SEMI out of the default dataset"):
                build_critical_dataset(dataset_path("default"), target)
            typer.echo(f"wrote {target} ({target.stat().st_size / 1e3:.0f} kB)")


@app.command()
def summary(
    dataset: str = typer.Argument("default", help="dataset name (default, tiny, full) or .nc path"),
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
    from cge.resources import checkout_root

    with user_errors():
        if out is None and checkout_root() is None:
            raise CGEInputError("--out: give an output folder (an installed package's own tariff "
                                "tables are not rewritten)")
        build_schedules(out, data_dir)
