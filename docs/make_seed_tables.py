"""Headline tables of seed-scenario results, in the layout of docs/scenarios.md.

Run the seed scenarios first (``cge batch scenarios/ --out results/seed``), then::

    python docs/make_seed_tables.py results/seed trade_war_2018_2019 us_china_2025_peak ...

prints, for each named scenario, its dataset, elasticity set and closure and a table of
EV (USD bn, % of income, % of private consumption), real GDP and terms of trade by region.
With ``--vs OTHER_FOLDER`` the EV rows of the same scenario solved in OTHER_FOLDER (e.g. on
the 2011 dataset) are printed below, so that old and new stand side by side.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from cge.integrity import open_netcdf

ROWS = [("EV (USD bn)", "ev_usd_million", 1e-3), ("EV (% income)", "ev_pct_income", 1.0),
        ("EV (% priv. cons.)", "ev_pct_consumption", 1.0), ("real GDP (%)", "real_gdp_pct", 1.0),
        ("ToT (%)", "tot_pct", 1.0)]


def headline(path: Path, rows: list[tuple[str, str, float]] = ROWS, label: str = "") -> tuple[pd.DataFrame, str]:
    """The headline rows of one results file and a one-line statement of what it was run on."""
    ds = open_netcdf(path)
    table = pd.DataFrame({f"{name}{label}": ds[var].to_series() * scale for name, var, scale in rows}).T
    table = table[[str(r) for r in ds.region.values]]
    about = (f"dataset `{ds.attrs['dataset']}` (base year {ds.attrs.get('base_year', '?')}), "
             f"elasticities `{ds.attrs['elasticity_set']}`, closure: {ds.attrs['closure']}")
    return table, about


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="folder with <scenario>.nc results")
    parser.add_argument("scenarios", nargs="+", help="scenario names")
    parser.add_argument("--vs", type=Path, help="second results folder: its EV rows are added")
    parser.add_argument("--vs-label", default=" (2011)", help="suffix of the added rows")
    args = parser.parse_args()
    for name in args.scenarios:
        table, about = headline(args.folder / f"{name}.nc")
        if args.vs is not None:
            other, other_about = headline(args.vs / f"{name}.nc", ROWS[:3], args.vs_label)
            table = pd.concat([table, other.reindex(columns=table.columns)])
            about += f"; rows marked{args.vs_label}: {other_about}"
        print(f"#### {name}\n\n{about}\n")
        print(table.map(lambda x: "n/a" if pd.isna(x) else f"{x:.3f}").to_markdown(stralign="right"))
        print()


if __name__ == "__main__":
    main()
