"""The Caliendo-Parro (2015) NAFTA replication: timings and the tables of docs/replication_cp2015.md.

    python benchmarks/bench_cp2015.py [--raw ../shared/data/cp2015] [--out /tmp/cp2015] [--tables]

Imports the raw files (`cge data import-cp`), then in one process times each phase on the
31 x 40 model configured as CP's by the scenario file: load, calibrate + build, compile (solver
set-up), the zero-deficit baseline solve, and the NAFTA solve from the baseline; peak memory.
With ``--tables`` it also runs the welfare decomposition and prints the markdown tables
(welfare, real wages, CP's own decomposition formula, intra-NAFTA trade).
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import numpy as np

NAFTA = ("MEX", "CAN", "USA")


def timings(scenario_path: Path) -> dict:
    """Seconds of each phase and peak memory."""
    from cge.model.build import build_model
    from cge.model.calibration import calibrate
    from cge.runner import _baseline, _dataset, resolve_dataset_path
    from cge.scenario import load_scenario
    from cge.shocks import instrument_path, resolve_shocks
    from cge.solve.solver import Solver

    sc = load_scenario(scenario_path)
    out: dict[str, float] = {}
    t = time.perf_counter()
    ds = _dataset(resolve_dataset_path(sc.dataset, base=scenario_path.parent))
    out["load_and_validate"] = time.perf_counter() - t
    t = time.perf_counter()
    cgem = build_model(calibrate(ds, sc.elasticities, options=sc.model), sc.closure)
    out["build"] = time.perf_counter() - t
    t = time.perf_counter()
    solver = Solver(cgem)
    out["compile"] = time.perf_counter() - t
    t = time.perf_counter()
    base, report = _baseline(cgem, solver)
    out["baseline_solve"] = time.perf_counter() - t
    out["baseline_iterations"] = report.iterations
    p, _ = resolve_shocks(cgem, sc, base.p)
    t = time.perf_counter()
    rep = solver.solve(p, path=instrument_path(cgem, base.p, p))
    out["nafta_solve"] = time.perf_counter() - t
    out["nafta_iterations"] = rep.iterations
    out["unknowns"] = cgem.n
    out["build_compile_solve"] = out["build"] + out["compile"] + out["baseline_solve"] + out["nafta_solve"]
    out["peak_memory_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return out


def cp_formula(ds) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001 (results Dataset)
    """CP's reported decomposition (terms of trade, volume of trade; CP 2015 eq. 28 as their code
    evaluates it: first-order formula, discrete changes, baseline flows), from the model's results."""
    c_hat = 1 + ds.producer_price_pct.transpose("region", "sector").values / 100   # (r, j)
    m0 = np.nan_to_num(ds.bilateral_trade_usd_million.transpose("exporter", "importer", "sector").values)
    ratio = np.nan_to_num(1 + ds.bilateral_trade_value_pct.transpose("exporter", "importer", "sector").values / 100)
    tau = np.nan_to_num(ds.tariff_benchmark_pct.transpose("exporter", "importer", "sector").values / 100)
    income = ds.income_usd_million.values
    tot = ((m0 * (c_hat[:, None, :] - 1)).sum(axis=(1, 2))              # exports: exporter's price
           - (m0 * (c_hat[:, None, :] - 1)).sum(axis=(0, 2))) / income  # imports: the source's price
    vot = (tau * m0 * (ratio - c_hat[:, None, :])).sum(axis=(0, 2)) / income
    return tot, vot


def tables(ds) -> str:  # noqa: ANN001
    """Markdown tables for docs/replication_cp2015.md."""
    regions = list(ds.region.values)
    tot, vot = cp_formula(ds)
    comp = ds.ev_component_usd_million
    inc = ds.income_usd_million
    rows = ["| | " + " | ".join(NAFTA) + " |", "|---|" + "---:|" * len(NAFTA)]

    def row(label: str, values: dict) -> None:
        rows.append(f"| {label} | " + " | ".join(f"{values[r]:.4f}" for r in NAFTA) + " |")

    row("EV, % of income (exact welfare)", {r: float(ds.ev_pct_income.sel(region=r)) for r in NAFTA})
    row("real wage, %", {r: float(ds.real_factor_price_pct.sel(factor="LAB", region=r)) for r in NAFTA})
    row("decomposition: import tariffs (efficiency), %", {r: 100 * float(comp.sel(region=r, ev_component="import_tariffs") / inc.sel(region=r)) for r in NAFTA})
    row("decomposition: terms of trade, %", {r: 100 * float(comp.sel(region=r, ev_component="terms_of_trade") / inc.sel(region=r)) for r in NAFTA})
    row("CP formula: terms of trade, %", {r: 100 * tot[regions.index(r)] for r in NAFTA})
    row("CP formula: volume of trade, %", {r: 100 * vot[regions.index(r)] for r in NAFTA})
    row("CP formula: total, %", {r: 100 * (tot + vot)[regions.index(r)] for r in NAFTA})
    rev0 = ds.tariff_revenue_benchmark_usd_million / inc
    row("tariff revenue, % of baseline income, before", {r: 100 * float(rev0.sel(region=r)) for r in NAFTA})
    row("tariff revenue, % of baseline income, after", {r: 100 * float((ds.tariff_revenue_usd_million / inc).sel(region=r)) for r in NAFTA})
    value = ds.bilateral_trade_usd_million * (1 + ds.bilateral_trade_value_pct / 100)
    base = ds.bilateral_trade_usd_million
    trade = ["", "| importer \\ exporter | " + " | ".join(NAFTA) + " | all NAFTA partners |",
             "|---|" + "---:|" * (len(NAFTA) + 1)]
    for m in NAFTA:
        cells = []
        for e in NAFTA:
            if e == m:
                cells.append("")
                continue
            cells.append(f"{100 * (float(value.sel(exporter=e, importer=m).sum()) / float(base.sel(exporter=e, importer=m).sum()) - 1):.1f}")
        partners = [e for e in NAFTA if e != m]
        total = 100 * (float(value.sel(exporter=partners, importer=m).sum())
                       / float(base.sel(exporter=partners, importer=m).sum()) - 1)
        trade.append(f"| {m} | " + " | ".join(cells) + f" | {total:.1f} |")
    return "\n".join(rows + trade)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=Path("/tmp/cp2015"))
    parser.add_argument("--tables", action="store_true")
    args = parser.parse_args()
    from cge.data.cp2015 import SCENARIO_FILE, import_cp

    t = time.perf_counter()
    import_cp(args.raw, args.out)
    print(json.dumps({"import_seconds": time.perf_counter() - t}))
    print(json.dumps(timings(args.out / SCENARIO_FILE), indent=1))
    if args.tables:
        from cge.runner import run_scenario

        ds = run_scenario(args.out / SCENARIO_FILE, decompose=True)
        print(f"decomposition: {ds.attrs['decomposition_seconds']:.1f} s, "
              f"error {ds.attrs['decomposition_error_usd_million']:.3g} USD million")
        print(tables(ds))


if __name__ == "__main__":
    main()
