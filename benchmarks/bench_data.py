"""Time the data pipeline: raw WIOD -> validated base dataset (read, clean, aggregate, tariffs,
factors, elasticities, validation), for the default 12 x 15 and the full 41 x 35 mappings.

Run: python benchmarks/bench_data.py [--repeat N]
Targets (docs/performance.md): default < 30 s, full < 120 s on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from cge.data.build import build_dataset, write_dataset


def time_build(mapping: str, repeat: int) -> tuple[float, float]:
    """Best wall time over ``repeat`` builds (seconds) and the time to write the file."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        ds = build_dataset(mapping)
        best = min(best, time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        write_dataset(ds, Path(tmp) / "bench.nc")
        write = time.perf_counter() - start
    return best, write


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, best of {args.repeat}")
    for mapping, target in (("default", 30.0), ("full", 120.0)):
        build, write = time_build(mapping, args.repeat)
        print(f"{mapping:8s} build {build:6.2f} s  write {write:5.2f} s  (target < {target:.0f} s)")


if __name__ == "__main__":
    main()
