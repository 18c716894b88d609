"""Comparison charts: files in every format, units and the provenance note on every
figure, zero-centred colour scales, and no overlapping or clipped text at the
default dataset's size (12 regions x 15 sectors)."""

from __future__ import annotations

from itertools import combinations

import pytest
import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from cge.batch import combine_scenarios
from cge.report.charts import bilateral_heatmap, comparison_charts, output_heatmap, welfare_chart

REGIONS = ["USA", "CHN", "EUR", "GBR", "JPN", "KOR", "TWN", "MEX", "CAN", "IND", "BRA", "ROW"]
SECTORS = "AGR MIN FOD TEX CHM RPN MET MCH ELE TRN OMF UTL CNS TTS OSV".split()
NAMES = ["trade_war_2018_2019", "us_china_2025_peak", "us_china_2025_november_truce",
         "china_industrial_subsidies"]


@pytest.fixture
def default_size(make_results) -> xr.Dataset:
    """Four scenarios with long names on a 12-region, 15-sector layout."""
    return combine_scenarios([make_results(n, i, regions=REGIONS, sectors=SECTORS)
                              for i, n in enumerate(NAMES)])


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
    """The welfare bars carry EV's unit (% of benchmark regional income), one bar series
    per scenario, the note with base year and data source, and readable labels."""
    fig = welfare_chart(default_size)
    texts = " ".join(_texts(fig))
    assert "% of benchmark regional income" in fig.axes[0].get_ylabel()
    assert "Base year: 2011" in texts and "Elasticities: gtap" in texts and "Closure:" in texts
    assert len(fig.axes[0].containers) == len(NAMES)
    heights = [bar.get_height() for bar in fig.axes[0].containers[1]]
    assert heights == pytest.approx(default_size["ev_pct_income"].sel(scenario=NAMES[1]).values)
    _assert_no_overlap_or_clipping(fig)


@pytest.mark.parametrize("draw", [output_heatmap, bilateral_heatmap])
def test_heatmaps_are_zero_centred_labelled_and_readable(default_size, draw):
    """Heat maps use a symmetric colour scale (equal gains and losses, equal colour),
    a colour bar in % change, the note, and non-overlapping region and sector labels."""
    fig = draw(default_size, NAMES[2])
    image = fig.axes[0].images[0]
    assert image.norm.vmin == -image.norm.vmax > -float("inf")
    assert "% change" in fig.axes[-1].get_ylabel()
    assert "Base year: 2011" in " ".join(_texts(fig))
    assert NAMES[2] in fig.axes[0].get_title()
    _assert_no_overlap_or_clipping(fig)


def test_comparison_charts_write_each_format(make_results, tmp_path):
    """One welfare chart plus an output and a trade heat map per scenario, in PNG and SVG."""
    small = combine_scenarios([make_results(n, i) for i, n in enumerate(NAMES[:2])])
    written = comparison_charts(small, tmp_path, ["png", "svg"])
    assert len(written) == 2 * (1 + 2 * 2)
    assert all(p.stat().st_size > 1000 for p in written)
    png = tmp_path / "output_pct_trade_war_2018_2019.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (tmp_path / "welfare_ev_pct.svg").read_text()[:500]
