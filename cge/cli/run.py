"""`cge run`, `cge info` and `cge bench`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from cge.cli.common import echo_json, user_errors


def run(
    scenario: str = typer.Argument(..., help="scenario YAML file, or the name of one in scenarios/"),
    out: Path = typer.Option(Path("results"), help="folder for <name>.nc and <name>/*.csv"),
    backend: str = typer.Option("auto", help="auto | newton | cyipopt | casadi | pyomo"),
    as_json: bool = typer.Option(False, "--json", help="print the headline results as JSON"),
    decompose: bool = typer.Option(False, "--decompose",
                                   help="add the welfare decomposition and subtotals by shock group"),
) -> None:
    """Solve a scenario, write its results, print welfare and GDP by region."""
    from cge.results import spillover_summary
    from cge.runner import run_scenario

    with user_errors():
        ds = run_scenario(scenario, out_dir=out, backend=backend, decompose=decompose)
    name = ds.attrs["scenario_name"]
    warnings = json.loads(ds.attrs.get("warnings", "[]"))
    for line in warnings:
        typer.echo(f"warning: {line}", err=True)
    headline = {
        r: {"ev_usd_million": float(ds.ev_usd_million.sel(region=r)),
            "ev_pct_income": float(ds.ev_pct_income.sel(region=r)),
            "ev_pct_consumption": float(ds.ev_pct_consumption.sel(region=r)),
            "real_gdp_pct": float(ds.real_gdp_pct.sel(region=r)),
            "tot_pct": float(ds.tot_pct.sel(region=r))}
        for r in ds.region.values
    }
    if as_json:
        echo_json({"scenario": name, "results_file": str(out / f"{name}.nc"), "regions": headline,
                   "warnings": warnings,
                   "solver": {k: ds.attrs[k] for k in ("solver_status", "solver_iterations",
                                                         "max_residual", "solve_seconds")}})
        return
    table = Table(title=f"{name}: welfare and GDP ({ds.attrs['dataset_title']}, "
                        f"elasticities {ds.attrs['elasticity_set']})")
    for col in ("region", "EV (USD m)", "EV (% income)", "EV (% consumption)", "real GDP (%)", "ToT (%)"):
        table.add_column(col, justify="right" if col != "region" else "left")
    for r, v in headline.items():
        table.add_row(str(r), f"{v['ev_usd_million']:,.0f}", f"{v['ev_pct_income']:.3f}",
                      f"{v['ev_pct_consumption']:.3f}",
                      f"{v['real_gdp_pct']:.3f}", f"{v['tot_pct']:.3f}")
    console = Console()
    console.print(table)
    spill = spillover_summary(ds)
    if not spill.empty:
        third = Table(title="Third countries (neither source nor target of a shock): "
                            "welfare and exports by destination, % change")
        dests = [c for c in spill.columns if c.startswith("exports_to_")]
        for col in ["region", "outcome", "EV (% income)"] + [
                "to " + c.removeprefix("exports_to_").removesuffix("_pct") for c in dests]:
            third.add_column(col, justify="left" if col in ("region", "outcome") else "right")
        for row in spill.to_dict("records"):
            third.add_row(row["region"], row["outcome"], f"{row['ev_pct_income']:.3f}",
                          *(f"{row[c]:.2f}" if row[c] == row[c] else "n/a" for c in dests))
        console.print(third)
    if "ev_component_usd_million" in ds:
        _print_decomposition(console, ds)
    if "policy_instrument_pct" in ds:
        _print_policy(console, ds)
    console.print(f"solver: {ds.attrs['solver_status'].split(',')[0]}, {ds.attrs['solver_iterations']} iterations, "
                  f"max residual {ds.attrs['max_residual']:.1e}, {ds.attrs['solve_seconds']:.2f} s; "
                  f"results: {out / (name + '.nc')}")


def _print_policy(console: Console, ds) -> None:  # noqa: ANN001 (xarray Dataset)
    """The instruments the optimisation chose."""
    rounds = json.loads(ds.attrs["policy_rounds"])
    table = Table(title=f"Policy ({ds.attrs['policy_mode']}): chosen rates, % "
                        f"({len(rounds)} round(s), {ds.attrs['policy_iterations']} Ipopt iterations)")
    for col in ("instrument", "chosen by", "before", "chosen"):
        table.add_column(col, justify="left" if col in ("instrument", "chosen by") else "right")
    for lab in ds["policy_instrument"].values:
        table.add_row(str(lab), str(ds.policy_instrument_chosen_by.sel(policy_instrument=lab).item()),
                      f"{float(ds.policy_instrument_start_pct.sel(policy_instrument=lab)):.2f}",
                      f"{float(ds.policy_instrument_pct.sel(policy_instrument=lab)):.2f}")
    console.print(table)


def _print_decomposition(console: Console, ds) -> None:  # noqa: ANN001 (xarray Dataset)
    """Welfare by component and by subtotal group (USD million)."""
    comp = ds["ev_component_usd_million"]
    used = [c for c in comp["ev_component"].values if float(abs(comp.sel(ev_component=c)).max()) > 0.5]
    table = Table(title="Welfare decomposition: EV by component, USD million "
                        f"(integration error < {ds.attrs['decomposition_error_usd_million']:.2g})")
    table.add_column("region")
    for c in used:
        table.add_column(str(c).replace("_", " "), justify="right")
    table.add_column("EV", justify="right")
    for r in ds["region"].values:
        table.add_row(str(r), *(f"{float(comp.sel(region=r, ev_component=c)):,.0f}" for c in used),
                      f"{float(ds.ev_usd_million.sel(region=r)):,.0f}")
    console.print(table)
    sub = ds["subtotal_ev_usd_million"]
    table = Table(title="EV by subtotal group (shocks), USD million")
    table.add_column("region")
    for g in sub["subtotal"].values:
        table.add_column(str(g), justify="right")
    for r in ds["region"].values:
        table.add_row(str(r), *(f"{float(sub.sel(region=r, subtotal=g)):,.0f}" for g in sub["subtotal"].values))
    console.print(table)


def info(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """List datasets (built or not), their regions and sectors, elasticity sets, closures, scenarios."""
    from cge.data.datasets import DATASET_FILES, dataset_path, load_dataset
    from cge.errors import CGEInputError
    from cge.scenario import SCENARIO_DIR

    datasets = {}
    for name in DATASET_FILES:
        try:
            ds = load_dataset(dataset_path(name))
        except CGEInputError:
            datasets[name] = {"built": False}
            continue
        datasets[name] = {"built": True, "title": ds.attrs.get("title", ""),
                          "regions": [str(r) for r in ds.region.values],
                          "sectors": [str(s) for s in ds.sector.values],
                          "elasticity_sets": [str(e) for e in ds.elasticity_set.values]}
    doc = {
        "datasets": datasets,
        "closures": {"capital": ["mobile", "sector_specific"],
                     "labour": ["full_employment", "fixed_real_wage"],
                     "trade_balance": ["fixed"],
                     "numeraire": ["world_output_price", "<REGION>_cpi"]},
        "shock_types": ["import_tariff", "export_tax", "export_quota", "output_tax", "iceberg",
                        "productivity"],
        "scenarios": sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml")),
    }
    if as_json:
        echo_json(doc)
        return
    for name, d in datasets.items():
        if d["built"]:
            typer.echo(f"dataset {name}: {d['title']}\n  regions: {' '.join(d['regions'])}\n"
                       f"  sectors: {' '.join(d['sectors'])}\n  elasticity sets: {' '.join(d['elasticity_sets'])}")
        else:
            typer.echo(f"dataset {name}: not built (cge data build --dataset {name})")
    for k, v in doc["closures"].items():
        typer.echo(f"closure {k}: {' | '.join(v)}")
    typer.echo(f"shock types: {', '.join(doc['shock_types'])}")
    typer.echo(f"scenarios: {', '.join(doc['scenarios'])}")


def bench(
    datasets: list[str] = typer.Argument(None, help="datasets to time (default: tiny default)"),
    backend: str = typer.Option("auto", help="auto | newton | cyipopt | casadi"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Time build, compile and solves (benchmark, 25% US-China tariffs, a re-solve) per dataset."""
    from cge.bench import run_benchmark

    out = []
    with user_errors():
        for name in datasets or ["tiny", "default"]:
            out.append(run_benchmark(name, backend=backend))
    if as_json:
        echo_json(out)
        return
    for r in out:
        typer.echo(f"{r['dataset']}: {r['regions']} regions x {r['sectors']} sectors, "
                   f"{r['variables']} variables, {r['jacobian_nonzeros']} Jacobian nonzeros, "
                   f"peak memory {r['peak_memory_mb']:.0f} MB")
        for phase, v in r["phases"].items():
            its = f", {v['iterations']} iterations" if "iterations" in v else ""
            typer.echo(f"  {phase:<10} {v['seconds']:8.3f} s{its}")
