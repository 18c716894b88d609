"""Time build, compile and solves of the model at several sizes, including the sizes of a
published Pyomo + IPOPT GTAP implementation (10 regions x 7 sectors: 13 s; 15 x 10: 494 s).

The 10x7 and 15x10 aggregations are defined below (WIOD countries and industries grouped
the GTAP way: the largest economies on their own, the rest together); the datasets are
built from raw WIOD into a temporary folder with the project's own pipeline.

Run: python benchmarks/bench_model.py [--backend cyipopt|newton] [--datasets tiny default ...]
Prints one JSON document; figures are recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import yaml

from cge.bench import run_benchmark
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="cyipopt")
    parser.add_argument("--datasets", nargs="*", default=["tiny", "10x7", "default", "15x10"])
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        extra = build_comparison_datasets(Path(tmp))
        for name in args.datasets:
            start = time.perf_counter()
            res = run_benchmark(str(extra.get(name, name)), backend=args.backend)
            res["dataset"] = name
            res["end_to_end_first_scenario_seconds"] = (
                sum(res["phases"][k]["seconds"] for k in ("load", "build", "compile", "tariff25")))
            res["wall_seconds"] = time.perf_counter() - start
            results.append(res)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
