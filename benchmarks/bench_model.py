"""Time load, build, compile and solves of the model at several sizes and backends, and the
growth of each phase with the number of unknowns (docs/performance.md).

Sizes: WIOD aggregations (tiny 3 x 3, the 10 x 7 and 15 x 10 of a published Pyomo + IPOPT
GTAP implementation -- 13 s and 494 s there --, default 12 x 15, critical 12 x 18, full
41 x 35; the 10 x 7 and 15 x 10 mappings are defined below and built from raw WIOD into a
temporary folder with the project's own pipeline) and synthetic economies of any size
(``synthetic:RxS``, e.g. ``synthetic:141x65``, GTAP-sized; for timing, not for results).

Run: python benchmarks/bench_model.py [--backend auto|newton|cyipopt] [--datasets tiny default ...]
Prints one JSON document, then a Markdown table with each phase's growth exponent (the
log-log slope of seconds against unknowns between the smallest and the largest size).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from cge.data.build import build_dataset, write_dataset

WIOD_COUNTRIES = ("AUS AUT BEL BGR BRA CAN CHN CYP CZE DEU DNK ESP EST FIN FRA GBR GRC HUN IDN IND "
                  "IRL ITA JPN KOR LTU LUX LVA MEX MLT NLD POL PRT ROM RUS SVK SVN SWE TUR TWN USA "
                  "RoW").split()
SECTORS_7 = {"AGR": [1], "MIN": [2], "FOD": [3], "LMF": [4, 5, 6, 7, 16], "HMF": [8, 9, 10, 11, 12],
             "EQP": [13, 14, 15], "SRV": list(range(17, 36))}
SECTORS_10 = {"AGR": [1], "MIN": [2], "FOD": [3], "TEX": [4, 5], "CHM": [8, 9], "MET": [10, 11, 12],
              "EQP": [13, 14, 15], "OMF": [6, 7, 16], "UTC": [17, 18], "SRV": list(range(19, 36))}
REGIONS_10 = ["USA", "CHN", "JPN", "DEU", "GBR", "FRA", "KOR", "IND", "BRA"]
REGIONS_15 = REGIONS_10 + ["CAN", "MEX", "ITA", "ESP", "TWN"]


def mapping(name: str, regions: list[str], sectors: dict[str, list[int]]) -> dict:
    """A mapping file: the listed countries on their own, all others in ROW."""
    rest = [c for c in WIOD_COUNTRIES if c not in regions]
    regs = {r: {"name": r, "members": [r]} for r in regions}
    regs["ROW"] = {"name": "rest of the world", "members": rest}
    secs = {s: {"name": s, "members": [f"c{k}" for k in ks]} for s, ks in sectors.items()}
    return {"name": name, "description": f"benchmark aggregation {name}", "regions": regs, "sectors": secs}


def build_comparison_datasets(folder: Path) -> dict[str, Path]:
    """Build the 10x7 and 15x10 datasets into ``folder``."""
    out = {}
    for name, regs, secs in (("10x7", REGIONS_10, SECTORS_7), ("15x10", REGIONS_15, SECTORS_10)):
        path = folder / f"{name}.yaml"
        path.write_text(yaml.safe_dump(mapping(name, regs, secs)))
        out[name] = write_dataset(build_dataset(path, 2011), folder / f"{name}.nc")  # WIOD 2011 codes
    return out


ONE_RUN = ("import json, sys; from cge.bench import run_benchmark; "
           "print(json.dumps(run_benchmark(sys.argv[1], backend=sys.argv[2])))")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--datasets", nargs="*",
                        default=["tiny", "10x7", "default", "15x10", "synthetic:20x20", "synthetic:28x28",
                                 "full", "synthetic:141x65"])
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        extra = build_comparison_datasets(Path(tmp))
        for name in args.datasets:  # one fresh process per size: its own peak memory, cold caches
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", ONE_RUN, str(extra.get(name, name)), args.backend],
                                  capture_output=True, text=True, check=True)
            res = json.loads(done.stdout.strip().splitlines()[-1])
            res["dataset"] = name
            res["end_to_end_first_scenario_seconds"] = (
                sum(res["phases"][k]["seconds"] for k in ("load", "build", "compile", "tariff25")))
            res["wall_seconds"] = time.perf_counter() - start
            results.append(res)
    print(json.dumps(results, indent=2))
    print(markdown_table(results))


PHASES = ("build", "compile", "tariff25", "resolve", "results")


def markdown_table(results: list[dict]) -> str:
    """Seconds per phase and size, and each phase's growth exponent in the number of unknowns."""
    head = "| dataset | unknowns | " + " | ".join(PHASES) + " | first scenario end to end | peak memory |"
    rows = [head, "|" + "---|" * (len(PHASES) + 4)]
    for r in results:
        cells = [f"{r['phases'][p]['seconds']:.3g} s" for p in PHASES]
        rows.append(f"| {r['dataset']} | {r['variables']:,} | " + " | ".join(cells)
                    + f" | {r['end_to_end_first_scenario_seconds']:.3g} s | {r['peak_memory_mb']:,.0f} MB |")
    if len(results) > 1:
        lo, hi = min(results, key=lambda r: r["variables"]), max(results, key=lambda r: r["variables"])
        span = math.log(hi["variables"] / lo["variables"])
        grow = [math.log(max(hi["phases"][p]["seconds"], 1e-6) / max(lo["phases"][p]["seconds"], 1e-6)) / span
                for p in PHASES]
        rows.append("| growth | n^k | " + " | ".join(f"k = {g:.2f}" for g in grow) + " | | |")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
