"""`cge data ...`: build base datasets from raw WIOD and inspect them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from cge.cli.common import user_errors
from cge.errors import CGEInputError

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Build (WIOD 2013 release, updated to 2023), import, validate, balance and "
                       "inspect base datasets.")


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
    out: Optional[Path] = typer.Option(None, help="with --mapping: output .nc file (named datasets go to "
                                                      "calibration/datasets/ in a checkout, "
                                                      "~/.local/share/cge-trade/datasets/ when installed)"),
    all_: bool = typer.Option(False, "--all", help="build every named dataset"),
    critical: bool = typer.Option(False, "--critical", help="same as --dataset critical"),
) -> None:
    """Build base datasets from the raw data; existing files are replaced only if every
    requested dataset built and validated (default: --dataset default)."""
    from cge.data.build import build as build_one
    from cge.data.datasets import DATASETS
    from cge.data.rebuild import build_named
    from cge.progress import task

    with user_errors():
        if mapping is not None:
            if dataset or all_ or critical:
                raise CGEInputError("--mapping builds one custom dataset: do not combine it with "
                                    "--dataset, --all or --critical")
            if out is None and mapping not in DATASETS:
                raise CGEInputError("--mapping with a file needs --out (the named datasets are built "
                                    "with --dataset)")
            with task(f"building {mapping}"):
                path = build_one(mapping, year, wiod_dir, out)
            typer.echo(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB)")
            return
        if out is not None or year is not None:
            raise CGEInputError("--out and --year go with --mapping (named datasets have fixed "
                                "files and years)")
        names = list(DATASETS) if all_ else list(dataset or []) + (["critical"] if critical else [])
        with task("building " + ", ".join(names or ["default"])):
            written = build_named(names or ["default"], wiod_dir)
        for path in written:
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
    from cge.resources import checkout_root

    with user_errors():
        if out is None and checkout_root() is None:
            raise CGEInputError("--out: give an output folder (an installed package's own tariff "
                                "tables are not rewritten)")
        build_schedules(out, data_dir)


@app.command()
def validate(
    dataset: str = typer.Argument(..., help="dataset name (default, tiny, full, ...) or .nc path"),
    rtol: float = typer.Option(1e-6, help="relative tolerance of every identity"),
    atol: float = typer.Option(1e-6, help="absolute tolerance, USD million"),
) -> None:
    """Check every identity of the schema: status and largest deviation with coordinates.

    Exits 1 if any identity fails, 2 if the file cannot be read."""
    from cge.data.datasets import load_dataset
    from cge.data.validate import identity_report

    with user_errors():
        ds = load_dataset(dataset, structure=False)
        results = identity_report(ds, rtol, atol)
    width = max(len(r.identity) for r in results)
    for r in results:
        typer.echo(f"{'ok  ' if r.ok else 'FAIL'}  {r.identity:<{width}}  {r.message}")
    failed = [r for r in results if not r.ok]
    typer.echo(f"{dataset}: {len(results) - len(failed)} of {len(results)} checks pass"
               + (f"; {len(failed)} fail" if failed else ""))
    if failed:
        raise typer.Exit(1)


@app.command()
def balance(
    dataset: str = typer.Argument(..., help="input .nc path (the schema's structure, small imbalances)"),
    out: Path = typer.Option(..., help="output .nc file for the balanced dataset"),
) -> None:
    """Balance an almost-balanced table (RAS on use; output, trade, tariffs, factor income kept).

    Negative cells are set to zero, then each region's use matrix is scaled by RAS; prints what
    moved and writes the validated dataset (docs/data.md, "Writing a dataset for the model")."""
    from cge.data.balance import balance_dataset
    from cge.data.datasets import load_dataset
    from cge.data.external import write_dataset

    with user_errors():
        balanced, report = balance_dataset(load_dataset(dataset))
        path = write_dataset(balanced, out)
    for line in report.lines():
        typer.echo(line)
    typer.echo(f"wrote {path} (validated)")


@app.command("import-cp")
def import_cp(
    raw_dir: Optional[Path] = typer.Argument(
        None, help="folder of the Caliendo-Parro (2015) text files (default: ../shared/data/cp2015)"),
    out_dir: Path = typer.Option(Path("cp2015"), help="folder for the dataset, tariff table and scenario"),
) -> None:
    """Caliendo-Parro (2015) files -> dataset, NAFTA tariff table and CP-configured scenario.

    See docs/data.md ("Caliendo-Parro 2015 data") and docs/replication_cp2015.md."""
    from cge.data.cp2015 import import_cp as run_import

    with user_errors():
        paths = run_import(raw_dir, out_dir)
    for p in paths:
        typer.echo(f"wrote {p}")
    typer.echo(f"run it with: cge run {paths[-1]}")


@app.command("import-gtap")
def import_gtap(
    gtap_dir: Path = typer.Argument(..., help="folder with basedata.har, sets.har and default.prm"),
    out: Path = typer.Option(..., help="output .nc file"),
    base_year: int = typer.Option(0, help="the database's reference year, recorded as base_year"),
) -> None:
    """GTAP database (basedata.har, sets.har, default.prm) -> dataset with GTAP's elasticities.

    Also writes <out>.elasticities.csv (every default.prm elasticity by sector and region, ESUBT
    and ESUBC included) for a scenario's elasticity_file (docs/data.md, "GTAP databases")."""
    from cge.data.gtap import import_gtap as run_import

    with user_errors():
        paths, report = run_import(gtap_dir, out, base_year)
    for line in report:
        typer.echo(line)
    for p in paths:
        typer.echo(f"wrote {p}")
