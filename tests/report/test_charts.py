"""Comparison charts: files in every format, units and the provenance note on every
figure, zero-centred colour scales, and no overlapping or clipped text at the
default dataset's size (12 regions x 15 sectors)."""

from __future__ import annotations

from itertools import combinations

import pytest
import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import numpy as np
from matplotlib.container import BarContainer, ErrorbarContainer

from cge.report.charts import (bilateral_heatmap, comparison_charts, decomposition_chart, output_heatmap,
                               palette, significant, subtotal_chart, welfare_chart)
from cge.report.combine import combine_results
from tests.report.conftest import fake_ssa

REGIONS = ["USA", "CHN", "EUR", "GBR", "JPN", "KOR", "TWN", "MEX", "CAN", "IND", "BRA", "ROW"]
SECTORS = "AGR MIN FOD TEX CHM RPN MET MCH ELE TRN OMF UTL CNS TTS OSV".split()
NAMES = ["trade_war_2018_2019", "us_china_2025_peak", "us_china_2025_november_truce",
         "china_industrial_subsidies"]


@pytest.fixture
def default_size(make_results) -> xr.Dataset:
    """Four scenarios with long names on a 12-region, 15-sector layout."""
    return combine_results([make_results(n, i, regions=REGIONS, sectors=SECTORS) for i, n in enumerate(NAMES)])


def _texts(fig: Figure) -> list[str]:
    """Every piece of text on a figure (labels, titles, notes, tick labels)."""
    found = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    return [t for t in found if t]


def _ticklabels_in_view(axis) -> list:
    """Tick labels whose tick lies within the axis limits (the ones matplotlib draws)."""
    low, high = sorted(axis.get_view_interval())
    return [label for loc, label in zip(axis.get_ticklocs(), axis.get_ticklabels())
            if low - 1e-9 <= loc <= high + 1e-9]


def _drawn_texts(ax) -> list:
    """Texts an axes draws: tick labels in view, axis labels, title, annotations, legend."""
    texts = list(ax.texts)
    if ax.axison:
        texts += [*_ticklabels_in_view(ax.xaxis), *_ticklabels_in_view(ax.yaxis),
                  ax.xaxis.label, ax.yaxis.label, ax.title]
    if ax.get_legend() is not None:
        texts += [*ax.get_legend().get_texts(), ax.get_legend().get_title()]
    return [t for t in texts if t.get_text() and t.get_visible()]


def _assert_no_overlap_or_clipping(fig: Figure) -> None:
    """Tick labels of each axis do not overlap; all text lies inside the figure."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    frame = fig.bbox
    for ax in (a for a in fig.axes if a.axison):
        for labels in (_ticklabels_in_view(ax.xaxis), _ticklabels_in_view(ax.yaxis)):
            boxes = [t.get_window_extent(renderer) for t in labels if t.get_text()]
            for a, b in combinations(boxes, 2):
                assert not a.overlaps(b), "tick labels overlap"
    for text in (t for ax in fig.axes for t in _drawn_texts(ax)):
        box = text.get_window_extent(renderer)
        inside = frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1 and \
            frame.y0 - 1 <= box.y0 and box.y1 <= frame.y1 + 1
        assert inside, f"text outside the figure: {text.get_text()[:40]!r}"


def test_welfare_chart_states_units_and_note_without_overlaps(default_size):
    """The welfare bars carry EV's unit (% of base regional income), one bar series per
    scenario labelled by its title, the note with base year and data source, and readable
    labels inside the figure."""
    fig = welfare_chart(default_size)
    texts = " ".join(_texts(fig))
    assert "% of base regional income" in fig.axes[0].get_ylabel()
    assert "base year 2011" in texts and "Elasticities: gtap" in texts and "Closure:" in texts
    assert len(fig.axes[0].containers) == len(NAMES)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [n.replace("_", " ").title() for n in NAMES]
    heights = [bar.get_height() for bar in fig.axes[0].containers[1]]
    assert heights == pytest.approx(default_size["ev_pct_income"].sel(scenario=NAMES[1]).values)
    _assert_no_overlap_or_clipping(fig)


def test_fourteen_scenarios_get_distinct_colours_and_a_wrapped_note(make_results):
    """With 14 scenarios no two bar series share a colour (nor with 25), and the long note
    wraps inside the figure."""
    many = combine_results([make_results(f"scenario_{k}", k, regions=REGIONS) for k in range(14)])
    fig = welfare_chart(many)
    colours = [tuple(c.patches[0].get_facecolor()) for c in fig.axes[0].containers]
    assert len(set(colours)) == 14
    assert len(set(palette(25))) == 25
    _assert_no_overlap_or_clipping(fig)


def test_labels_have_significant_digits_and_no_signed_zero():
    """Cell labels keep two significant digits, so a coloured cell never reads 0.0."""
    assert [significant(v) for v in (1046.3, 49.2, 0.493, 0.0493, -0.0049, -0.0001, -9.97)] == \
        ["1,046", "49", "0.49", "0.049", "-0.005", "0", "-10"]


@pytest.mark.parametrize("draw", [output_heatmap, bilateral_heatmap])
def test_heatmaps_are_zero_centred_labelled_and_readable(default_size, draw):
    """Heat maps use a symmetric colour scale (equal gains and losses, equal colour), a
    colour bar in % change, the scenario's title, the note, non-overlapping labels."""
    fig = draw(default_size, NAMES[2])
    image = fig.axes[0].images[0]
    assert image.norm.vmin == -image.norm.vmax > -float("inf")
    assert "% change" in fig.axes[-1].get_ylabel()
    assert "base year 2011" in " ".join(_texts(fig))
    assert NAMES[2].replace("_", " ").title() in fig.axes[0].get_title()
    _assert_no_overlap_or_clipping(fig)


def test_an_outlier_is_clipped_and_marked_and_decades_use_a_symlog_scale(make_results):
    """One sector far outside the others does not set the colour scale: it is clipped, its
    cells marked and labelled with their exact values; values spanning decades (+1,000%
    beside +0.1%) get a symmetric-log scale instead."""
    one = make_results("ree", 0, regions=REGIONS, sectors=SECTORS)
    out = one["output_pct"]
    out[:] = np.random.default_rng(1).normal(0, 1, out.shape)
    out.loc[{"sector": "MIN"}] = 8.0
    ds = combine_results([one])
    fig = output_heatmap(ds, "ree")
    ax = fig.axes[0]
    norm = ax.images[0].norm
    assert norm.vmax < 8.0 and type(norm).__name__ == "Normalize"
    labels = {t.get_text() for t in ax.texts}
    assert "8.0" in labels and len(ax.lines) == len(REGIONS)   # one marker per clipped cell
    assert "beyond the colour scale" in " ".join(_texts(fig))
    out.loc[{"sector": "MIN"}] = 1000.0
    fig = output_heatmap(combine_results([one]), "ree")
    assert type(fig.axes[0].images[0].norm).__name__ == "SymLogNorm"
    assert "symmetric-logarithmic" in " ".join(_texts(fig))


def test_ssa_results_get_error_bars(make_results):
    """Bars of a sensitivity-analysis scenario carry error bars spanning its interval."""
    plain = make_results("peak", 0, regions=REGIONS)
    ds = combine_results([plain, fake_ssa(plain)])
    ax = welfare_chart(ds).axes[0]
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    errors = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(bars) == 2 and len(errors) == 1 and bars[1].errorbar is errors[0]
    segments = errors[0].lines[2][0].get_segments()
    interval = ds["ev_pct_income_interval"].sel(scenario="peak_ssa")
    assert segments[0][:, 1] == pytest.approx(interval.isel(region=0).values)


def test_decomposition_bars_stack_to_the_components_and_mark_ev(make_results):
    """The stacked decomposition chart draws every component with its value and EV as a
    marker; the subtotal chart stacks the shock groups."""
    ds = combine_results([make_results("peak", 0, decomposition=True)])
    ax = decomposition_chart(ds, "peak").axes[0]
    drawn = sum(p.get_height() for p in ax.patches)
    assert drawn == pytest.approx(float(ds["ev_component_usd_million"].sum()))
    assert ax.lines[0].get_ydata() == pytest.approx(ds["ev_usd_million"].sel(scenario="peak").values)
    ax = subtotal_chart(ds, "peak").axes[0]
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"us_side", "china_side", "total (EV)"}


def test_comparison_charts_write_each_format_with_editable_text(make_results, tmp_path):
    """Welfare chart plus output and trade heat maps per scenario and the decomposition
    charts where present; SVG keeps text as text and PDF embeds TrueType, not Type 3, fonts."""
    small = combine_results([make_results(NAMES[0], 0, decomposition=True), make_results(NAMES[1], 1)])
    written = comparison_charts(small, tmp_path, ["png", "svg", "pdf"])
    assert len(written) == 3 * (1 + 2 * 2 + 2)
    assert (tmp_path / f"output_pct_{NAMES[0]}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (tmp_path / "welfare_ev_pct.svg").read_text()
    assert "<text" in svg and "Welfare by region" in svg
    pdf = (tmp_path / "welfare_ev_pct.pdf").read_bytes()
    assert b"/Subtype /Type3" not in pdf and (b"/CIDFontType2" in pdf or b"/Subtype /TrueType" in pdf)
