"""`cge compare`: comparison tables and charts from results files.

Results files may be single scenarios, batch files and sensitivity analyses in any mix.
Exit status: 0 when every requested file was written; 2 for bad input (a missing or
unreadable results file, a file that is not a results file, an unknown format or
interval, two results with the same scenario name, a region that means different things
in two results).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from cge.cli.common import choices, user_errors
from cge.report.charts import CHART_FORMATS
from cge.report.tables import FORMATS

ALL = "all"
TableFormat = choices("TableFormat", (*FORMATS, ALL))
ChartFormat = choices("ChartFormat", (*CHART_FORMATS, ALL))
Interval = choices("Interval", ("chebyshev", "normal"))


def _formats(values: list[Enum], allowed: tuple[str, ...]) -> list[str]:
    """The formats chosen by repeated options (``all`` = every one), each once."""
    chosen = [v.value for v in values]
    return list(allowed) if ALL in chosen else list(dict.fromkeys(chosen))


def compare(
    results: list[Path] = typer.Argument(
        ..., help="results .nc files: one scenario each (cge run) or a batch.nc (cge batch)"),
    table_format: list[TableFormat] = typer.Option(
        ["md"], "--format", "-f", help="table format (repeat for several)"),
    plot: bool = typer.Option(False, "--plot", help="also draw the charts"),
    chart_format: list[ChartFormat] = typer.Option(
        ["png", "svg"], "--chart-format", help="chart format (repeat for several)"),
    out: Path = typer.Option(Path("results/compare"), "--out", "-o", help="output folder"),
    interval: Interval = typer.Option(
        "chebyshev", "--interval", help="SSA results: the 95% interval shown as error bars, chebyshev "
                                        "(any distribution) or normal"),
) -> None:
    """Welfare, real GDP, terms of trade, trade, tariff, sector-output, spillover,
    decomposition and subtotal tables across scenarios (in the order given), and (with
    --plot) charts; every table and chart states its units, data and base year, closure
    and elasticities."""
    from cge.report import load_results
    from cge.report.charts import comparison_charts
    from cge.report.tables import comparison_tables, write_tables

    with user_errors():
        formats = _formats(table_format, FORMATS)
        charts = _formats(chart_format, CHART_FORMATS) if plot else []
        ds = load_results(results, interval=interval.value)
        tables = write_tables(comparison_tables(ds), out, formats)
        figures = comparison_charts(ds, out, charts) if charts else []
    n = ds.sizes["scenario"]
    charts_written = f" and {len(figures)} chart file(s)" if figures else ""
    typer.echo(f"compared {n} scenario(s): wrote {len(tables)} table file(s){charts_written} "
               f"to {out}")
