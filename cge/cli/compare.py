"""`cge compare`: comparison tables and charts from results files.

Results files may be single scenarios, batch files and sensitivity analyses in any mix.
Exit status: 0 when every requested file was written; 2 for bad input (a missing or
unreadable results file, a file that is not a results file, an unknown format or
interval, two results with the same scenario name, a region that means different things
in two results).
"""

from __future__ import annotations

from pathlib import Path

import typer

from cge.cli.common import user_errors
from cge.errors import CGEInputError

ALL = "all"


def _formats(values: list[str], allowed: tuple[str, ...], option: str) -> list[str]:
    """Formats from repeated and/or comma-separated option values (``all`` = every one)."""
    chosen = [v.strip().lower() for value in values for v in value.split(",") if v.strip()]
    if ALL in chosen:
        return list(allowed)
    unknown = [v for v in chosen if v not in allowed]
    if unknown or not chosen:
        raise CGEInputError(f"{option} must be one of {', '.join(allowed)} or {ALL}, "
                            f"got {', '.join(unknown) or 'nothing'}")
    return list(dict.fromkeys(chosen))


def compare(
    results: list[Path] = typer.Argument(
        ..., help="results .nc files: one scenario each (cge run) or a batch.nc (cge batch)"),
    table_format: list[str] = typer.Option(
        ["md"], "--format", "-f", help="table format: md, csv, tex, xlsx or all (repeat or "
                                       "comma-separate for several)"),
    plot: bool = typer.Option(False, "--plot", help="also draw the charts"),
    chart_format: list[str] = typer.Option(
        ["png", "svg"], "--chart-format", help="chart format: png, svg, pdf or all"),
    out: Path = typer.Option(Path("results/compare"), "--out", "-o", help="output folder"),
    interval: str = typer.Option(
        "chebyshev", "--interval", help="SSA results: the 95% interval shown as error bars, chebyshev "
                                        "(any distribution) or normal"),
) -> None:
    """Welfare, real GDP, terms of trade, trade, tariff, sector-output, spillover,
    decomposition and subtotal tables across scenarios (in the order given), and (with
    --plot) charts; every table and chart states its units, data and base year, closure
    and elasticities."""
    from cge.report import load_results
    from cge.report.charts import CHART_FORMATS, comparison_charts
    from cge.report.tables import FORMATS, comparison_tables, write_tables

    with user_errors():
        formats = _formats(table_format, FORMATS, "--format")
        charts = _formats(chart_format, CHART_FORMATS, "--chart-format") if plot else []
        ds = load_results(results, interval=interval.strip().lower())
        tables = write_tables(comparison_tables(ds), out, formats)
        figures = comparison_charts(ds, out, charts) if charts else []
    n = ds.sizes["scenario"]
    charts_written = f" and {len(figures)} chart file(s)" if figures else ""
    typer.echo(f"compared {n} scenario(s): wrote {len(tables)} table file(s){charts_written} "
               f"to {out}")
