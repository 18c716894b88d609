"""`cge batch`: solve many scenarios on Dask and combine their results.

Exit status: 0 when every scenario was solved (or skipped because its inputs are
unchanged); 1 when at least one scenario failed (the others are still solved and
combined); 2 for bad input (no scenario files, a missing path, a bad --workers
value, an unreachable --scheduler).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Optional

import typer

from cge.cli.common import user_errors


def batch(
    paths: list[Path] = typer.Argument(..., help="scenario .yaml files, or folders holding them"),
    workers: Optional[int] = typer.Option(
        None, "--workers", "-w", help="local worker processes (default: number of CPUs)"),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", help="address of a running Dask scheduler, e.g. tcp://host:8786 "
                                  "(its workers need this package installed)"),
    out: Path = typer.Option(Path("results/batch"), "--out", "-o", help="output folder"),
    force: bool = typer.Option(False, "--force", help="re-solve scenarios whose inputs are unchanged"),
    as_json: bool = typer.Option(False, "--json", help="print the batch manifest as JSON"),
) -> None:
    """Solve scenarios in parallel on Dask; writes OUT/<name>.nc per scenario, OUT/batch.nc
    (all along a `scenario` dimension) and OUT/batch_manifest.json."""
    from cge.api import run_batch

    with user_errors():
        report = run_batch(paths, out, workers=workers, scheduler=scheduler, force=force)
    if as_json:
        typer.echo(json.dumps({"batch_file": str(report.batch_file) if report.batch_file else None,
                               "manifest_file": str(report.manifest_file),
                               "seconds": round(report.seconds, 3),
                               "scenarios": [asdict(o) for o in report.outcomes]}, indent=2))
    else:
        for outcome in report.outcomes:
            if outcome.status == "failed":
                typer.echo(f"failed: {outcome.name}: {outcome.error}", err=True)
        target = report.batch_file or "no results to combine"
        typer.echo(f"{len(report.outcomes)} scenarios: {report.count('ok')} solved, "
                   f"{report.count('skipped')} unchanged (skipped), {report.count('failed')} failed "
                   f"in {report.seconds:.1f} s -> {target}")
    raise typer.Exit(report.exit_code)
