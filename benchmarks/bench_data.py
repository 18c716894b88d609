"""Time the data pipeline: raw files -> validated base dataset.

* 2023 default (14 x 15): read and clean WIOD 2011, read the 2023 targets (WDI, BACI,
  Comtrade HS6 and the concordances), split Viet Nam and other ASEAN out of RoW, the
  cross-entropy update, SEA labour shares and resource rents, aggregation, tariffs,
  factors, elasticities, validation.  Each repeat starts from the raw files (the
  in-process cache of the updated table is cleared).
* 2011 default (12 x 15) and full (41 x 35) from WIOD 2011 as it is.

Run: python benchmarks/bench_data.py [--repeat N]
Targets (docs/performance.md): 2023 default < 60 s, 2011 default < 30 s, 2011 full < 120 s on
the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from cge.data import base2023
from cge.data.build import build_dataset, write_dataset


def time_build(mapping: str, year: int, repeat: int) -> tuple[float, float, float]:
    """Best wall time over ``repeat`` builds (s), the update's share of it, and the write time."""
    best, update = float("inf"), 0.0
    for _ in range(repeat):
        base2023._world_2023.cache_clear()
        start = time.perf_counter()
        ds = build_dataset(mapping, year)
        seconds = time.perf_counter() - start
        if seconds < best:
            best = seconds
            update = base2023.world_2023().result.seconds if year == base2023.YEAR else 0.0
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        write_dataset(ds, Path(tmp) / "bench.nc")
        write = time.perf_counter() - start
    return best, update, write


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}, best of {args.repeat}")
    for mapping, year, target in (("default", 2023, 60.0), ("default_2011", 2011, 30.0),
                                  ("full_2011", 2011, 120.0)):
        build, update, write = time_build(mapping, year, args.repeat)
        extra = f" (cross-entropy solve {update:5.2f} s)" if update else ""
        print(f"{mapping:13s} {year} build {build:6.2f} s{extra}  write {write:5.2f} s  "
              f"(target < {target:.0f} s)")


if __name__ == "__main__":
    main()
