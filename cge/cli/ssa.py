"""`cge ssa`: systematic sensitivity analysis of one scenario (docs/ssa.md).

Exit status: 0 when every point solved; 1 when some points failed (the statistics use the
others and the failures are listed); 2 for bad input; 3 when no point solved.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer
import yaml
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cge.cli.common import echo_json, user_errors
from cge.errors import CGEInputError


def _spec_file(path: Path) -> dict[str, Any]:
    """The SSA spec YAML: ``parameters`` (a list) and optional run options."""
    if not path.is_file():
        raise CGEInputError(f"--spec: file '{path}' does not exist")
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise CGEInputError(f"{path.name}: not valid YAML ({str(exc).splitlines()[0]})") from None
    allowed = {"parameters", "method", "draws", "sampler", "seed"}
    if not isinstance(raw, dict) or not isinstance(raw.get("parameters"), list):
        raise CGEInputError(f"{path.name}: needs a list 'parameters' (and optionally "
                            "method, draws, sampler, seed)")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise CGEInputError(f"{path.name}: unknown key '{unknown[0]}'; allowed: {', '.join(sorted(allowed))}")
    return raw


def ssa(
    scenario: str = typer.Argument(..., help="scenario YAML file, or the name of one in scenarios/"),
    vary: Optional[list[str]] = typer.Option(
        None, "--vary", help="elasticity to vary for each sector separately, e.g. esub_mm (repeatable)"),
    spec: Optional[Path] = typer.Option(None, "--spec", help="YAML file with a 'parameters' list (docs/ssa.md)"),
    distribution: str = typer.Option("uniform", help="uniform | triangular | normal (for --vary)"),
    pct: float = typer.Option(50.0, help="+/- percent of the base value (normal: sd in percent), for --vary"),
    method: Optional[str] = typer.Option(None, help="quadrature (2N points, default) | montecarlo"),
    draws: Optional[int] = typer.Option(None, help="Monte Carlo draws (default 500)"),
    sampler: Optional[str] = typer.Option(None, help="Monte Carlo sampler: lhs (default) | sobol"),
    seed: Optional[int] = typer.Option(None, help="Monte Carlo seed (default 0)"),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", help="local worker processes"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="address of a running Dask scheduler"),
    out: Path = typer.Option(Path("results"), "--out", "-o", help="folder for <name>_ssa.nc"),
    contributions: Optional[list[str]] = typer.Option(
        None, "--contributions", help="print the parameters that matter most for this region's EV"),
    as_json: bool = typer.Option(False, "--json", help="print EV statistics as JSON"),
) -> None:
    """Vary elasticities (and scenario fields) over distributions, solve every point on Dask,
    write OUT/<name>_ssa.nc (every result variable with a leading `statistic` dimension)
    and print EV (% income) by region: mean, std and 95% normal and Chebyshev intervals."""
    from cge.runner import calibrated_benchmark
    from cge.scenario import load_scenario
    from cge.sensitivity import METHODS, SAMPLERS, run_ssa, write_ssa
    from cge.sensitivity.spec import parse_parameters, resolve

    console = Console(stderr=True)
    with user_errors():
        options = _spec_file(spec) if spec is not None else {}
        parameters = list(options.pop("parameters", []))
        parameters += [{"parameter": p, "sectors": "each", "distribution": distribution, "pct": pct}
                       for p in vary or []]
        if not parameters:
            raise CGEInputError("ssa: nothing to vary; give --vary PARAMETER or --spec FILE")
        given = {"method": method, "draws": draws, "sampler": sampler, "seed": seed}
        options.update({k: v for k, v in given.items() if v is not None})
        if options.get("method", "quadrature") not in METHODS:
            raise CGEInputError(f"ssa: method '{options['method']}' unknown; allowed: {', '.join(METHODS)}")
        if options.get("sampler", "lhs") not in SAMPLERS:
            raise CGEInputError(f"ssa: sampler '{options['sampler']}' unknown; allowed: {', '.join(SAMPLERS)}")
        sc = load_scenario(scenario)
        resolve(parse_parameters(parameters), sc, calibrated_benchmark(sc))  # bad input: before any output
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console, transient=True, disable=as_json) as progress:
            task = progress.add_task("solving points", total=None)
            outcome = run_ssa(sc, parameters, workers=workers, scheduler=scheduler,
                              on_point=lambda r: progress.update(task, advance=1), **options)
        path = write_ssa(outcome.statistics, out)
    stats = outcome.statistics
    ev = stats.ev_pct_income.transpose("region", "statistic").to_pandas()
    if as_json:
        echo_json({"scenario": stats.attrs["scenario_name"], "ssa_file": str(path),
                   "method": stats.attrs["ssa_method"], "points": stats.attrs["ssa_points"],
                   "failed": json.loads(stats.attrs["ssa_failed_points"]),
                   "ev_pct_income": {r: row.to_dict() for r, row in ev.iterrows()}})
    else:
        table = Table(title=f"{stats.attrs['scenario_name']}: EV (% income), {stats.attrs['ssa_method']} over "
                            f"{len(outcome.varied)} parameters, {stats.attrs['ssa_points']} points")
        for col in ("region", "mean", "std", "normal 95%", "Chebyshev 95%"):
            table.add_column(col, justify="left" if col == "region" else "right")
        for r, row in ev.iterrows():
            table.add_row(str(r), f"{row['mean']:.3f}", f"{row['std']:.3f}",
                          f"[{row['normal_lo']:.3f}, {row['normal_hi']:.3f}]",
                          f"[{row['chebyshev_lo']:.3f}, {row['chebyshev_hi']:.3f}]")
        shown = Console()
        shown.print(table)
        for region in contributions or []:
            if region not in ev.index:
                raise typer.BadParameter(f"unknown region '{region}'; allowed: {', '.join(ev.index)}")
            top = outcome.contributions("ev_pct_income", region=region).head(8)
            t = Table(title=f"What matters for {region}'s EV (% income): first-order contributions")
            for col in ("parameter", "change per sd", "share of variance"):
                t.add_column(col, justify="left" if col == "parameter" else "right")
            for label, row in top.iterrows():
                t.add_row(label, f"{row['slope']:+.4f}", f"{100 * row['share']:.1f}%")
            shown.print(t)
        shown.print(f"{stats.attrs['ssa_points']} points, {stats.attrs['ssa_failed']} failed, "
                    f"{outcome.seconds:.1f} s; statistics: {path}")
    for failure in outcome.failed:
        typer.echo(f"failed point {failure['point']}: {failure['error']}", err=True)
    raise typer.Exit(1 if outcome.failed else 0)
