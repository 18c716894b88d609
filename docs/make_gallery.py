"""Regenerate the report gallery (docs/gallery.md, docs/img/gallery/) from the seed scenarios.

    python docs/make_gallery.py            # solve the seeds (with --decompose), compare, draw
    python docs/make_gallery.py --reuse    # reuse results/gallery/*.nc whose inputs are unchanged

Solves every scenario in scenarios/ (the seed scenarios) with the welfare decomposition,
writes the results to results/gallery/, runs the comparison (every table format to
results/gallery/compare/, compiled to PDF when pdflatex is installed), draws the gallery's
charts to docs/img/gallery/ and writes docs/gallery.md with the tables and charts.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "results" / "gallery"
IMAGES = ROOT / "docs" / "img" / "gallery"
GALLERY = ROOT / "docs" / "gallery.md"
#: The scenario whose per-scenario charts the gallery shows, and one with an outlier sector.
FEATURED = "us_china_2025_peak"
OUTLIER = "rare_earth_magnet_controls_2025"
#: Rows of a long table shown in the gallery (the files hold all of them).
SHOWN_ROWS = 14


def solve(reuse: bool) -> list[Path]:
    """Solve every seed scenario with the decomposition; returns the result files in order."""
    from cge.batch import solved_hash
    from cge.errors import CGEInputError, SolveError
    from cge.runner import run_scenario, scenario_hash

    files = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        out = RESULTS / f"{path.stem}.nc"
        if reuse and solved_hash(out) == scenario_hash(path):
            print(f"unchanged: {path.stem}")
        else:
            start = time.perf_counter()
            try:
                run_scenario(path, out_dir=RESULTS, decompose=True)
            except (CGEInputError, SolveError) as exc:   # refused by design (docs/scenarios.md)
                print(f"not in the gallery: {path.stem}: {exc}")
                continue
            print(f"solved {path.stem} in {time.perf_counter() - start:.1f} s")
        files.append(out)
    return files


def _markdown(table, rows: int | None = None) -> str:  # noqa: ANN001 (cge.report.tables.Table)
    from cge.report.writers import display_frame

    text = display_frame(table)
    shown = text if rows is None or len(text) <= rows else text.head(rows)
    n_index = table.frame.index.nlevels
    body = shown.to_markdown(index=False, disable_numparse=True,
                             colalign=["left"] * n_index + ["right"] * (shown.shape[1] - n_index))
    more = f"\n\n({len(text) - len(shown)} more rows in the files.)" if len(shown) < len(text) else ""
    return f"{body}{more}"


def _span(ds, scenario: str, sector: str) -> str:  # noqa: ANN001 (xarray.Dataset)
    """The range of a sector's output change over regions, in words, for a caption."""
    from cge.report.charts import own_sectors

    label = next(c for c, own in own_sectors(ds, scenario) if own == sector)
    values = ds["output_pct"].sel(scenario=scenario, sector=label).values
    return f"{float(values.min()):+,.0f}% to {float(values.max()):+,.0f}%"


def _clipped(ds) -> int:  # noqa: ANN001 (xarray.Dataset)
    """How many welfare heat-map cells lie beyond the colour scale."""
    from cge.report.charts import colour_limit

    values = ds["ev_pct_income"].values
    limit, _ = colour_limit(values)
    return int((abs(values) > limit * (1 + 1e-9)).sum())


def _latex_preview(compare: Path) -> str | None:
    """Compile the LaTeX tables and keep page 1 as a PNG (needs pdflatex and pdftoppm)."""
    if not (shutil.which("pdflatex") and shutil.which("pdftoppm")):
        return None
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "tables_document.tex"], cwd=compare,
                         capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        print("pdflatex failed; see results/gallery/compare/tables_document.log", file=sys.stderr)
        return None
    subprocess.run(["pdftoppm", "-r", "110", "-png", "-f", "1", "-l", "1", "-singlefile",
                    "tables_document.pdf", str(IMAGES / "latex_welfare")], cwd=compare, check=True)
    return "img/gallery/latex_welfare.png"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="skip scenarios whose results are up to date")
    args = parser.parse_args()
    from cge.report import load_results
    from cge.report.charts import (bilateral_heatmap, decomposition_chart, output_heatmap, save_figure,
                                   subtotal_chart, welfare_chart, welfare_heatmap)
    from cge.report.tables import comparison_tables, write_tables

    files = solve(args.reuse)
    ds = load_results(files)
    compare = RESULTS / "compare"
    tables = comparison_tables(ds)
    write_tables(tables, compare, ["md", "csv", "tex", "xlsx"])
    IMAGES.mkdir(parents=True, exist_ok=True)
    charts = {
        "welfare_ev_pct": ("Welfare by region, all scenarios (grouped bars)", welfare_chart(ds)),
        "welfare_ev_pct_heatmap": ("Welfare by region and scenario (heat map for many scenarios; "
                                   f"{_clipped(ds)} cells beyond the fenced scale are clipped and marked)",
                                   welfare_heatmap(ds)),
        f"welfare_decomposition_{FEATURED}": ("Welfare decomposition, stacked by component",
                                              decomposition_chart(ds, FEATURED)),
        f"welfare_subtotals_{FEATURED}": ("Welfare by group of shocks (subtotals)", subtotal_chart(ds, FEATURED)),
        f"output_pct_{FEATURED}": (f"Real output by sector: rare earths (REE) {_span(ds, FEATURED, 'REE')} "
                                   "beside much smaller changes elsewhere (symmetric-log scale)",
                                   output_heatmap(ds, FEATURED)),
        f"output_pct_{OUTLIER}": ("Real output by sector, magnet controls (symmetric-log scale)",
                                  output_heatmap(ds, OUTLIER)),
        f"bilateral_trade_{FEATURED}": ("Bilateral trade over all sectors", bilateral_heatmap(ds, FEATURED)),
    }
    for stem, (_, fig) in charts.items():
        save_figure(fig, IMAGES / stem, ["png"])
    preview = _latex_preview(compare)

    lines = ["# Report gallery", "",
             "Every table and chart type of `cge compare`, for the ten seed scenarios of `scenarios/` "
             "(four on the default dataset, six on the critical-inputs dataset, so the comparison also "
             "shows how sectors that mean different things are kept apart: `ELE` of the default dataset "
             "beside `ELE excl. SEMI, MAG`). Regenerate with `python docs/make_gallery.py` (solves the "
             "seeds with `--decompose`, about 5 minutes; `--reuse` keeps up-to-date results). "
             "The same files come from:", "",
             "```bash",
             "for f in scenarios/*.yaml; do cge run $f --decompose --out results/gallery; done",
             "cge compare results/gallery/*.nc --format all --plot --out results/gallery/compare",
             "```", "",
             "Scenario columns keep the order of the files given; rows keep the datasets' region and "
             "sector order. Formats: `tables.md`, one CSV per table, `tables.xlsx` (frozen header, "
             "number formats), `tables.tex` (booktabs and siunitx through pandas' Styler; wide tables on "
             "landscape pages, long ones as longtables) with `tables_document.tex` to compile it.", ""]
    if preview:
        lines += ["## LaTeX (page 1 of `tables_document.pdf`)", "", f"![LaTeX welfare table]({preview})", ""]
    lines += ["## Tables", ""]
    for table in (t for t in tables if t.paper):
        rows = None if len(table.frame) <= SHOWN_ROWS else SHOWN_ROWS
        lines += [f"### {table.title} (`{table.name}`)", "", f"Units: {table.units}.", "",
                  _markdown(table, rows), "", f"*{table.note}*", ""]
    long = [t for t in tables if not t.paper]
    lines += ["Long tables (CSV and XLSX only): " + ", ".join(f"`{t.name}` ({len(t.frame):,} rows: {t.title.lower()})"
                                                               for t in long) + ".", "", "## Charts", ""]
    for stem, (caption, _) in charts.items():
        lines += [f"### {caption}", "", f"![{caption}](img/gallery/{stem}.png)", ""]
    GALLERY.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {GALLERY.relative_to(ROOT)}, {len(charts)} charts in {IMAGES.relative_to(ROOT)}, "
          f"tables in {compare.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
