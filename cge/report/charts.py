"""Comparison charts for papers: welfare bars, sector-output and bilateral-trade heat maps.

Figures are built with matplotlib's object API (:class:`matplotlib.figure.Figure`,
no pyplot state, rendered by the Agg backend), so they can be drawn in batch jobs and
threads without a display.  Each figure states its units on an axis or colour bar
and carries the provenance note (base year, data source, elasticities, closure)
under the plot.  Heat maps use a diverging colour scale centred on zero, symmetric
so that equal gains and losses get equally strong colours, and capped at the 95th
percentile of absolute values so that one outlier does not wash out the rest.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Sequence

import numpy as np
import xarray as xr
from matplotlib import colormaps
from matplotlib.figure import Figure

from cge.batch import write_atomic
from cge.report.notes import SCENARIO, note_text, scenarios, units
from cge.report.tables import bilateral_total_pct

CHART_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
PNG_DPI = 200
NOTE_FONTSIZE = 7.0
#: Characters of 7-pt text per inch of width (measured on DejaVu Sans, with margin).
NOTE_CHARS_PER_INCH = 17
#: Heat maps with more cells than this are drawn without numbers in the cells.
MAX_ANNOTATED_CELLS = 400
DIVERGING_CMAP = "RdBu"
#: The colour scale spans +-(this percentile of |value|), so that one outlier does not
#: wash out every other cell; larger values get the end colours (the bar is extended)
#: and the numbers in the cells stay exact.
COLOUR_PERCENTILE = 95


def _with_note(width: float, plot_height: float, note: str) -> tuple[Figure, object]:
    """A figure with one plot area and the wrapped note in a strip underneath."""
    lines = textwrap.wrap(note, width=int(width * NOTE_CHARS_PER_INCH))
    note_height = 0.16 * len(lines) + 0.1
    fig = Figure(figsize=(width, plot_height + note_height), layout="constrained")
    grid = fig.add_gridspec(2, 1, height_ratios=[plot_height, note_height])
    ax = fig.add_subplot(grid[0])
    note_ax = fig.add_subplot(grid[1])
    note_ax.axis("off")
    note_ax.text(0.0, 1.0, "\n".join(lines), ha="left", va="top", fontsize=NOTE_FONTSIZE,
                 transform=note_ax.transAxes, color="0.25")
    return fig, ax


def welfare_chart(ds: xr.Dataset) -> Figure:
    """Grouped bars of EV (% of benchmark income): regions on the axis, one bar per scenario."""
    ev = ds["ev_pct_income"].transpose("region", SCENARIO)
    regions = [str(r) for r in ev["region"].values]
    names = scenarios(ds)
    width = min(max(6.5, 0.35 * len(regions) * max(len(names), 2) ** 0.5 + 2.5), 16)
    fig, ax = _with_note(width, 4.2, note_text(ds, short=True))
    step = 0.8 / len(names)
    x = np.arange(len(regions))
    for k, name in enumerate(names):
        ax.bar(x - 0.4 + step * (k + 0.5), ev.sel({SCENARIO: name}).values, width=step,
               label=name, color=f"C{k % 10}")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, regions, rotation=0 if len(regions) <= 15 else 90)
    ax.set_xlim(-0.6, len(regions) - 0.4)
    ax.set_ylabel(f"EV ({units(ds, 'ev_pct_income')})")
    ax.set_title("Welfare by region (equivalent variation)")
    ax.grid(axis="y", linewidth=0.4, alpha=0.6)
    ax.set_axisbelow(True)
    ax.legend(title="scenario", fontsize=8, title_fontsize=8, frameon=False,
              loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def _heatmap(values: np.ndarray, rows: Sequence[str], cols: Sequence[str], *, title: str,
             row_label: str, col_label: str, colorbar_label: str, note: str) -> Figure:
    """A zero-centred diverging heat map with values written in the cells."""
    width = min(max(6.0, 0.48 * len(cols) + 2.6), 18)
    fig, ax = _with_note(width, min(max(3.8, 0.4 * len(rows) + 1.6), 14), note)
    finite = np.abs(values[np.isfinite(values)])
    largest = float(finite.max()) if finite.size else 0.0
    limit = float(np.percentile(finite, COLOUR_PERCENTILE)) if finite.size else 0.0
    limit = limit if limit > 0 else (largest or 1.0)
    masked = np.ma.masked_invalid(values)
    cmap = colormaps[DIVERGING_CMAP].with_extremes(bad="0.85")
    image = ax.imshow(masked, cmap=cmap, vmin=-limit, vmax=limit, aspect="auto")
    ax.set_xticks(np.arange(len(cols)), cols, rotation=0 if len(cols) <= 16 else 90)
    ax.set_yticks(np.arange(len(rows)), rows)
    ax.set_xlabel(col_label)
    ax.set_ylabel(row_label)
    ax.set_title(title)
    ax.tick_params(length=0)
    if values.size <= MAX_ANNOTATED_CELLS:
        fontsize = 7 if len(cols) > 10 else 8
        for (i, j), value in np.ndenumerate(values):
            if np.isfinite(value):
                ax.text(j, i, _cell_label(value), ha="center", va="center", fontsize=fontsize,
                        color="white" if abs(value) > 0.6 * limit else "black")
    bar = fig.colorbar(image, ax=ax, shrink=0.95, extend="both" if largest > limit else "neither")
    bar.set_label(colorbar_label, fontsize=9)
    return fig


def _cell_label(value: float) -> str:
    """A cell value with one decimal, without a minus sign on a rounded zero."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def output_heatmap(ds: xr.Dataset, scenario: str) -> Figure:
    """Sector output change (%) by region (rows) and sector (columns) in one scenario."""
    one = ds["output_pct"].sel({SCENARIO: scenario}).transpose("region", "sector")
    return _heatmap(one.values, [str(r) for r in one["region"].values],
                    [str(s) for s in one["sector"].values],
                    title=f"Real output by sector\n{scenario}", row_label="region",
                    col_label="sector", colorbar_label="real output, % change from benchmark",
                    note=note_text(ds.sel({SCENARIO: [scenario]}), short=True))


def bilateral_heatmap(ds: xr.Dataset, scenario: str) -> Figure:
    """Change in total bilateral trade (all sectors, %) by exporter (rows) and importer."""
    total = bilateral_total_pct(ds).sel({SCENARIO: scenario}).transpose("exporter", "importer")
    return _heatmap(total.values, [str(r) for r in total["exporter"].values],
                    [str(r) for r in total["importer"].values],
                    title=f"Bilateral trade, all sectors (benchmark-value weights)\n{scenario}",
                    row_label="exporter", col_label="importer",
                    colorbar_label="trade volume, % change from benchmark",
                    note=note_text(ds.sel({SCENARIO: [scenario]}), short=True))


def save_figure(fig: Figure, stem: Path, formats: Sequence[str]) -> list[Path]:
    """Save a figure as ``<stem>.<fmt>`` for each format, each file replaced atomically."""
    written = []
    for fmt in formats:
        path = stem.with_name(f"{stem.name}.{fmt}")
        write_atomic(path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=PNG_DPI))
        written.append(path)
    return written


def comparison_charts(ds: xr.Dataset, out_dir: Path,
                      formats: Sequence[str] = ("png", "svg")) -> list[Path]:
    """Welfare chart for all scenarios, and output and trade heat maps per scenario."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = save_figure(welfare_chart(ds), out_dir / "welfare_ev_pct", formats)
    for name in scenarios(ds):
        written += save_figure(output_heatmap(ds, name), out_dir / f"output_pct_{name}", formats)
        written += save_figure(bilateral_heatmap(ds, name), out_dir / f"bilateral_trade_{name}",
                               formats)
    return written
