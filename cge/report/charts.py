"""Comparison charts for papers: welfare bars and heat map, sector-output and bilateral-trade
heat maps, and stacked bars of the welfare decomposition and of subtotals by shock group.

Figures are built with matplotlib's object API (:class:`matplotlib.figure.Figure`, no
pyplot state, Agg backend), so they can be drawn in batch jobs without a display.  Each
figure states its units on an axis or colour bar and carries the note (data and base
year, closure in words, elasticities) under the plot, wrapped to the figure's width as
measured by the renderer.  Text stays text: SVG files keep fonts as text
(``svg.fonttype = none``) and PDF files embed TrueType fonts (``pdf.fonttype = 42``), so
labels can be edited in a drawing program.

Heat maps use a diverging scale centred on zero and symmetric, so that equal gains and
losses get equally strong colours.  Outliers (beyond an upper fence of the absolute values,
Q3 + 3 IQR) do not set the scale: cells beyond it get the end colours, a small triangle in
their corner and a bold label, and the colour bar has arrows.  Cell labels have two
significant digits, so a coloured cell never reads 0.0.  Scenario colours come from a
qualitative palette with as many distinct colours as scenarios (10, 20, then evenly spaced
hues).  Results of a sensitivity analysis get error bars (the interval chosen in ``cge
compare --interval``).
"""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path
from typing import Sequence

import matplotlib
import numpy as np
import xarray as xr
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize, SymLogNorm, to_rgb
from matplotlib.figure import Figure

from cge.atomic import write_atomic
from cge.report.notes import SCENARIO, note_text, scenario_attr, scenarios, titles, units
from cge.report.tables import COMPONENT_LABELS, MIN_COMPONENT, bilateral_total_pct

CHART_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
PNG_DPI = 200
NOTE_FONTSIZE = 7.0
#: Fonts stay text in SVG and TrueType (editable) in PDF and PostScript.
EDITABLE_FONTS = {"svg.fonttype": "none", "pdf.fonttype": 42, "ps.fonttype": 42}
#: Heat maps with more cells than this are drawn without numbers in the cells.
MAX_ANNOTATED_CELLS = 400
ROW_LABEL_CHARS = 40   # heat-map row labels (scenario titles) wrap at this many characters
LEGEND_LABEL_CHARS = 45   # and legend entries of the welfare bars at this many
DIVERGING_CMAP = "RdBu"
#: Outlier fence on |value|: Q3 + FENCE x IQR.
FENCE = 3.0
FENCE_SLACK = 1.5
#: A clipped scale gives way to a symmetric-log one when the largest value exceeds the
#: fence-based limit by this factor (outliers spanning decades, e.g. +1,000% beside +0.1%).
SYMLOG_RATIO = 10.0
MAX_DECIMALS = 3
#: Above this many scenarios the welfare comparison is also drawn as a heat map.
MAX_GROUPED_BARS = 8


def palette(n: int) -> list[tuple[float, float, float]]:
    """``n`` distinct colours: tab10 up to 10, tab20 (dark shades first) up to 20, then
    evenly spaced hues of a cyclic map."""
    if n <= 10:
        return [to_rgb(c) for c in colormaps["tab10"].colors[:n]]
    if n <= 20:
        tab20 = colormaps["tab20"].colors
        return [to_rgb(c) for c in (list(tab20[0::2]) + list(tab20[1::2]))[:n]]
    hsv = colormaps["hsv"]
    return [to_rgb(hsv(k / n)) for k in range(n)]


def significant(value: float, digits: int = 2) -> str:
    """A cell label with ``digits`` significant digits (at least the integer part, at most
    three decimals), without a sign on zero and without scientific notation: 1,046, 49,
    4.9, 0.49, 0.049, 0.005, and 0 below 0.0005."""
    if not math.isfinite(value):
        return ""
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    if round(abs(value), max(digits - 1 - magnitude, 0)) >= 10 ** (magnitude + 1):
        magnitude += 1   # -9.97 rounds to -10, not -10.0
    decimals = min(max(digits - 1 - magnitude, 0), MAX_DECIMALS)
    text = f"{value:,.{decimals}f}"
    return "0" if float(text.replace(",", "")) == 0 else text


def colour_limit(values: np.ndarray) -> tuple[float, bool]:
    """Symmetric colour limit and whether any value lies beyond it: the largest |value|
    within the outlier fence (Q3 + 3 IQR of |value|), widened to take in values up to
    :data:`FENCE_SLACK` times that (clipping a value barely beyond the scale helps no one)."""
    finite = np.abs(values[np.isfinite(values)])
    if not finite.size or finite.max() == 0:
        return 1.0, False
    q1, q3 = np.percentile(finite, [25, 75])
    fence = q3 + FENCE * (q3 - q1)
    inside = finite[finite <= fence]
    limit = float(inside.max()) if inside.size and inside.max() > 0 else float(finite.max())
    limit = float(finite[finite <= FENCE_SLACK * limit].max())
    return limit, bool((finite > limit * (1 + 1e-9)).any())


def wrap_to_width(fig: Figure, text: str, width_inches: float, fontsize: float = NOTE_FONTSIZE) -> str:
    """Text broken into lines that fit ``width_inches`` when drawn (measured by the renderer)."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    probe = fig.text(0, 0, "", fontsize=fontsize)
    limit = width_inches * fig.dpi
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        probe.set_text(trial)
        if current and probe.get_window_extent(renderer).width > limit:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    probe.remove()
    return "\n".join(lines)


def _with_note(width: float, plot_height: float, note: str) -> tuple[Figure, object]:
    """A figure with one plot area and the note, wrapped to the figure, in a strip underneath."""
    probe = Figure(figsize=(width, 1))
    wrapped = wrap_to_width(probe, note, width - 0.35)
    n_lines = wrapped.count("\n") + 1
    note_height = 0.125 * n_lines + 0.15
    fig = Figure(figsize=(width, plot_height + note_height), layout="constrained")
    grid = fig.add_gridspec(2, 1, height_ratios=[plot_height, note_height])
    ax = fig.add_subplot(grid[0])
    note_ax = fig.add_subplot(grid[1])
    note_ax.axis("off")
    fig.text(0.15 / width, note_height / (plot_height + note_height), wrapped, ha="left", va="top",
             fontsize=NOTE_FONTSIZE, color="0.25").set_in_layout(False)
    return fig, ax


def welfare_chart(ds: xr.Dataset) -> Figure:
    """Grouped bars of EV (% of base income): regions on the axis, one bar per scenario (by
    title), error bars where a sensitivity analysis gives an interval."""
    names = scenarios(ds)
    label = titles(ds)
    ev = ds["ev_pct_income"].transpose("region", SCENARIO)
    regions = [str(r) for r in ev["region"].values]
    # every bar about 0.06 inch wide (so many scenarios widen the plot), and the legend, with its
    # labels wrapped, beside it in one or two columns
    ncols = 1 if len(names) <= 12 else 2
    legend_width = ncols * (0.065 * LEGEND_LABEL_CHARS + 0.6)
    plot_width = max(5.0, 0.06 * len(regions) * len(names) + 0.15 * len(regions) + 1.2)
    width = min(plot_width + legend_width, 30)
    fig, ax = _with_note(width, 4.4 + 0.1 * max(0, len(names) / ncols - 12), note_text(ds, short=True))
    step = 0.84 / len(names)
    x = np.arange(len(regions))
    colours = palette(len(names))
    interval = ds.get("ev_pct_income_interval")
    for k, name in enumerate(names):
        values = ev.sel({SCENARIO: name}).values
        err = None
        if interval is not None and np.isfinite(interval.sel({SCENARIO: name}).values).any():
            lo = interval.sel({SCENARIO: name, "bound": "lo"}).values
            hi = interval.sel({SCENARIO: name, "bound": "hi"}).values
            err = np.vstack([values - lo, hi - values])
        ax.bar(x - 0.42 + step * (k + 0.5), values, width=step,
               label=textwrap.fill(label[name], LEGEND_LABEL_CHARS), color=colours[k],
               yerr=err, error_kw={"elinewidth": 0.8, "capsize": 1.5, "ecolor": "0.15"})
    ax.axhline(0, color="black", linewidth=0.8)
    crowded = max(map(len, regions), default=0) * 0.09 > (width - legend_width - 1.2) / max(len(regions), 1)
    ax.set_xticks(x, regions, rotation=90 if crowded else 0)
    ax.set_xlim(-0.6, len(regions) - 0.4)
    ax.set_ylabel(f"EV ({units(ds, 'ev_pct_income')})")
    ax.set_title("Welfare by region (equivalent variation)")
    ax.grid(axis="y", linewidth=0.4, alpha=0.6)
    ax.set_axisbelow(True)
    ax.legend(title="scenario", fontsize=7.5, title_fontsize=8, frameon=False, loc="upper left",
              bbox_to_anchor=(1.01, 1.0), ncols=ncols)
    return fig


def _heatmap(values: np.ndarray, rows: Sequence[str], cols: Sequence[str], *, title: str,
             row_label: str, col_label: str, colorbar_label: str, note: str) -> Figure:
    """A zero-centred diverging heat map with significant-digit labels; outliers clipped
    to the end colours and marked."""
    # long row labels (scenario titles) are wrapped and get their own width, so that the cells
    # keep theirs: about 0.07 inch per character at the tick font size
    rows = [textwrap.fill(str(r), ROW_LABEL_CHARS) for r in rows]
    lines = [len(r.split("\n")) for r in rows]
    label_width = 0.07 * max((len(part) for r in rows for part in r.split("\n")), default=0) + 0.3
    width = min(max(6.5, 0.55 * len(cols) + 2.5 + label_width), 24)
    limit, clipped = colour_limit(values)
    finite = np.abs(values[np.isfinite(values)])
    largest = float(finite.max()) if finite.size else 1.0
    symlog = clipped and largest > SYMLOG_RATIO * limit
    if symlog:
        threshold = max(float(np.percentile(finite[finite > 0], 50)) if (finite > 0).any() else 1.0,
                        largest * 1e-5)
        norm = SymLogNorm(linthresh=threshold, vmin=-largest, vmax=largest, base=10)
        limit, clipped = largest, False
        note = (f"Colour scale symmetric-logarithmic (linear within +/-{significant(threshold)}): the "
                "values span several orders of magnitude. " + note)
    else:
        norm = Normalize(-limit, limit, clip=False)
        if clipped:
            note = f"Cells marked with a triangle lie beyond the colour scale (+/-{significant(limit)}). " + note
    fig, ax = _with_note(width, min(max(3.8, 0.4 * len(rows) + 0.16 * (sum(lines) - len(rows)) + 1.8), 16),
                         note)
    cmap = colormaps[DIVERGING_CMAP].with_extremes(bad="0.85")
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, norm=norm, aspect="auto")
    horizontal = max(map(len, cols), default=0) * len(cols) <= 9 * (width - 3 - label_width)
    ax.set_xticks(np.arange(len(cols)), cols, rotation=0 if horizontal else 90)
    ax.set_yticks(np.arange(len(rows)), rows)
    ax.set_xlabel(col_label)
    ax.set_ylabel(row_label)
    ax.set_title(title, fontsize=10)
    ax.tick_params(length=0)
    if values.size <= MAX_ANNOTATED_CELLS:
        fontsize = 6.5 if len(cols) > 12 else 7.5
        for (i, j), value in np.ndenumerate(values):
            if not np.isfinite(value):
                continue
            beyond = abs(value) > limit * (1 + 1e-9)
            ax.text(j, i, significant(value), ha="center", va="center", fontsize=fontsize,
                    color="white" if abs(norm(value) - 0.5) > 0.3 else "black",
                    fontweight="bold" if beyond else "normal")
            if beyond:
                ax.plot(j + 0.36, i - 0.28, marker=(3, 0, 0), markersize=4.0, color="black",
                        markeredgewidth=0)
    bar = fig.colorbar(image, ax=ax, shrink=0.95, extend="both" if clipped else "neither")
    bar.set_label(colorbar_label, fontsize=9)
    if symlog:
        decades = [10.0 ** k for k in range(math.ceil(math.log10(2 * threshold)), math.floor(math.log10(largest)) + 1)]
        ticks = [-d for d in decades[::-1]] + [0.0] + decades
        bar.set_ticks(ticks, labels=[significant(t, 1) for t in ticks])
    return fig


def own_sectors(ds: xr.Dataset, scenario: str) -> list[tuple[str, str]]:
    """The scenario's sectors in its dataset's order: (label in the comparison, own label)."""
    text = scenario_attr(ds, "sector_labels", scenario)
    if text:
        return [(combined, own) for own, combined in json.loads(text).items()]
    return [(str(s), str(s)) for s in ds["sector"].values]


def output_heatmap(ds: xr.Dataset, scenario: str) -> Figure:
    """Real output change (%) by region (rows) and sector (columns, the scenario's own
    dataset's sectors) in one scenario."""
    pairs = own_sectors(ds, scenario)
    one = ds["output_pct"].sel({SCENARIO: scenario, "sector": [c for c, _ in pairs]}).transpose("region", "sector")
    return _heatmap(one.values, [str(r) for r in one["region"].values], [own for _, own in pairs],
                    title=f"Real output by sector\n{titles(ds)[scenario]}", row_label="region",
                    col_label="sector", colorbar_label=units(ds, "output_pct"),
                    note=note_text(ds.sel({SCENARIO: [scenario]}), short=True))


def bilateral_heatmap(ds: xr.Dataset, scenario: str) -> Figure:
    """Change in total bilateral trade (all sectors, %) by exporter (rows) and importer."""
    total = bilateral_total_pct(ds).sel({SCENARIO: scenario}).transpose("exporter", "importer")
    return _heatmap(total.values, [str(r) for r in total["exporter"].values],
                    [str(r) for r in total["importer"].values],
                    title=f"Bilateral trade, all sectors (base-value weights)\n{titles(ds)[scenario]}",
                    row_label="exporter", col_label="importer",
                    colorbar_label=units(ds, "bilateral_trade_pct") + " (grey: within a region)",
                    note=note_text(ds.sel({SCENARIO: [scenario]}), short=True))


def welfare_heatmap(ds: xr.Dataset) -> Figure:
    """EV (% of base income) by scenario (rows, by title) and region: the welfare comparison
    for many scenarios, where grouped bars get thin."""
    ev = ds["ev_pct_income"].transpose(SCENARIO, "region")
    label = titles(ds)
    return _heatmap(ev.values, [label[s] for s in scenarios(ds)], [str(r) for r in ev["region"].values],
                    title="Welfare by region and scenario (equivalent variation)", row_label="",
                    col_label="region", colorbar_label=units(ds, "ev_pct_income"),
                    note=note_text(ds, short=True))


def _stacked(ds: xr.Dataset, scenario: str, parts: xr.DataArray, part_dim: str, part_labels: dict[str, str],
             title: str, legend_title: str) -> Figure:
    """Stacked bars by region: positive parts up, negative parts down, the total as a marker."""
    one = ds.sel({SCENARIO: [scenario]})
    total = ds["ev_usd_million"].sel({SCENARIO: scenario})
    regions = [str(r) for r in total["region"].values]
    data = parts.sel({SCENARIO: scenario}).transpose("region", part_dim)
    keep = [str(p) for p in data[part_dim].values
            if (np.abs(np.nan_to_num(data.sel({part_dim: p}).values)) >= MIN_COMPONENT).any()]
    fig, ax = _with_note(min(max(7.5, 0.55 * len(regions) + 4.0), 16), 4.4,
                         f"Units: {units(ds, 'ev_usd_million')}. " + note_text(one, short=True))
    x = np.arange(len(regions))
    up, down = np.zeros(len(regions)), np.zeros(len(regions))
    for colour, p in zip(palette(len(keep)), keep):
        v = np.nan_to_num(data.sel({part_dim: p}).values)
        pos, neg = np.clip(v, 0, None), np.clip(v, None, 0)
        ax.bar(x, pos, bottom=up, color=colour, width=0.7, label=part_labels.get(p, p))
        ax.bar(x, neg, bottom=down, color=colour, width=0.7)
        up, down = up + pos, down + neg
    ax.plot(x, total.values, linestyle="none", marker="D", markersize=4.5, color="black", label="total (EV)")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, regions, rotation=0 if len(regions) <= 15 else 90)
    ax.set_ylabel("EV, USD million")
    ax.set_title(f"{title}\n{titles(ds)[scenario]}", fontsize=10)
    ax.grid(axis="y", linewidth=0.4, alpha=0.6)
    ax.set_axisbelow(True)
    ax.legend(title=legend_title, fontsize=7.5, title_fontsize=8, frameon=False, loc="upper left",
              bbox_to_anchor=(1.01, 1.0))
    return fig


def decomposition_chart(ds: xr.Dataset, scenario: str) -> Figure:
    """The welfare decomposition of one scenario as stacked bars by region."""
    return _stacked(ds, scenario, ds["ev_component_usd_million"], "ev_component", COMPONENT_LABELS,
                    "Welfare decomposition by region", "component")


def subtotal_chart(ds: xr.Dataset, scenario: str) -> Figure:
    """Welfare by group of shocks (subtotals) of one scenario as stacked bars by region."""
    parts = ds["subtotal_ev_usd_million"]
    own = _own_groups(ds, scenario)
    if own:
        parts = parts.sel(subtotal=own)
    return _stacked(ds, scenario, parts, "subtotal", {}, "Welfare by group of shocks (subtotals)",
                    "group of shocks")


def _own_groups(ds: xr.Dataset, scenario: str) -> list[str]:
    """The scenario's subtotal groups in its own order (the comparison holds the union)."""
    held = ds["subtotal_ev_usd_million"].sel({SCENARIO: scenario}).notnull().any("region")
    names = [str(g) for g, h in zip(ds["subtotal"].values, held.values) if h]
    text = scenario_attr(ds, "subtotal_groups", scenario) or ""
    order = [g.strip() for g in text.split(", ") if g.strip() in names]
    return order + [g for g in names if g not in order]


def save_figure(fig: Figure, stem: Path, formats: Sequence[str]) -> list[Path]:
    """Save a figure as ``<stem>.<fmt>`` for each format (fonts editable), each file replaced
    atomically."""
    written = []
    with matplotlib.rc_context(EDITABLE_FONTS):
        for fmt in formats:
            path = stem.with_name(f"{stem.name}.{fmt}")
            write_atomic(path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=PNG_DPI))
            written.append(path)
    return written


def _held(ds: xr.Dataset, variable: str, scenario: str) -> bool:
    return variable in ds and bool(ds[variable].sel({SCENARIO: scenario}).notnull().any())


def comparison_charts(ds: xr.Dataset, out_dir: Path, formats: Sequence[str] = ("png", "svg")) -> list[Path]:
    """Welfare chart (and heat map for many scenarios); per scenario output and trade heat
    maps, and stacked decomposition and subtotal charts where the results hold them."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = save_figure(welfare_chart(ds), out_dir / "welfare_ev_pct", formats)
    if len(scenarios(ds)) > MAX_GROUPED_BARS:
        written += save_figure(welfare_heatmap(ds), out_dir / "welfare_ev_pct_heatmap", formats)
    for name in scenarios(ds):
        written += save_figure(output_heatmap(ds, name), out_dir / f"output_pct_{name}", formats)
        written += save_figure(bilateral_heatmap(ds, name), out_dir / f"bilateral_trade_{name}", formats)
        if _held(ds, "ev_component_usd_million", name):
            written += save_figure(decomposition_chart(ds, name), out_dir / f"welfare_decomposition_{name}",
                                   formats)
        if _held(ds, "subtotal_ev_usd_million", name) and len(_own_groups(ds, name)) > 1:
            written += save_figure(subtotal_chart(ds, name), out_dir / f"welfare_subtotals_{name}", formats)
    return written
