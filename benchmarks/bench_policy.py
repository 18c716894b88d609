"""Policy optimisation on a dataset: optimal US (and Chinese) tariffs, the US-China Nash tariff
war and its cooperative counterpart, with timings (docs/policy_optimisation.md,
docs/performance.md).

Run: python benchmarks/bench_policy.py [--dataset default] [--world] > policy.json
(``--world`` adds every region's unilateral optimum and the all-region Nash war, a few minutes.)
Every case is a scenario with a ``policy:`` section, solved through cge.runner like any
scenario; the JSON holds the chosen tariffs (median and trade-weighted mean), the welfare
changes and the build / solve seconds of each case, in one process.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from cge.runner import solve_scenario
from cge.scenario import scenario_from_dict


def _tariffs(importer: str, exporters: str = "all", vary_by: tuple[str, ...] = ("partner", "sector")) -> dict:
    return {"type": "import_tariff", "importers": importer, "exporters": exporters,
            "vary_by": list(vary_by), "lower_pct": 0.0, "upper_pct": 1000.0}


CASES = {
    "us_optimal_all_partners": {"mode": "optimal", "objective": {"weights": {"USA": 1}},
                                "instruments": [_tariffs("USA")]},
    "us_optimal_on_china": {"mode": "optimal", "objective": {"weights": {"USA": 1}},
                            "instruments": [_tariffs("USA", "CHN", ("sector",))]},
    "china_optimal_on_us": {"mode": "optimal", "objective": {"weights": {"CHN": 1}},
                            "instruments": [_tariffs("CHN", "USA", ("sector",))]},
    "us_china_nash": {"mode": "nash", "players": {"USA": [_tariffs("USA", "CHN", ("sector",))],
                                                  "CHN": [_tariffs("CHN", "USA", ("sector",))]}},
    "us_china_cooperative": {"mode": "cooperative", "players": {"USA": [_tariffs("USA", "CHN", ("sector",))],
                                                                "CHN": [_tariffs("CHN", "USA", ("sector",))]}},
}


def world_cases(regions: list[str]) -> dict[str, dict]:
    """Every region's unilateral optimal tariffs (by sector, on all partners) and the Nash war."""
    cases = {f"unilateral_optimum_{r}": {"mode": "optimal", "objective": {"weights": {r: 1}},
                                         "instruments": [_tariffs(r, "all", ("sector",))]} for r in regions}
    cases["world_nash"] = {"mode": "nash", "players": {r: [_tariffs(r, "all", ("sector",))] for r in regions}}
    return cases


def run(dataset: str, closure: dict, world: bool = False) -> list[dict]:
    out = []
    cases = dict(CASES)
    if world:
        from cge.data.datasets import load_dataset

        cases.update(world_cases([str(r) for r in load_dataset(dataset)["region"].values]))
    for name, policy in cases.items():
        sc = scenario_from_dict({"name": name, "description": name, "dataset": dataset,
                                 "closure": closure, "policy": policy})
        start = time.perf_counter()
        ds = solve_scenario(sc)
        wall = time.perf_counter() - start
        rates = ds.policy_instrument_pct.values
        out.append({
            "case": name, "dataset": dataset, "closure": closure, "instruments": int(rates.size),
            "median_tariff_pct": float(np.median(rates)), "mean_tariff_pct": float(rates.mean()),
            "tariffs_pct": dict(zip(map(str, ds.policy_instrument.values), map(float, rates))),
            "ev_pct_income": {r: float(ds.ev_pct_income.sel(region=r)) for r in ds.region.values},
            "rounds": len(json.loads(ds.attrs["policy_rounds"])), "ipopt_iterations": ds.attrs["policy_iterations"],
            "build_seconds": ds.attrs["policy_build_seconds"], "optimise_seconds": ds.attrs["policy_seconds"],
            "wall_seconds": wall})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="default")
    parser.add_argument("--closure", default="world_prices", help="trade_balance closure")
    parser.add_argument("--world", action="store_true", help="add unilateral optima and the world Nash war")
    args = parser.parse_args()
    print(json.dumps(run(args.dataset, {"trade_balance": args.closure}, args.world), indent=2))


if __name__ == "__main__":
    main()
