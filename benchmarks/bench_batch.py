"""Benchmark: a batch of scenarios on local Dask workers, and the speed-up of more workers.

Generates N scenarios (default 20) on the default dataset (12 regions x 15 sectors):
the United States adds 5, 10, ..., 5N percentage points of tariff on every import from
China, GTAP elasticities, default closure.  Each batch runs from scratch (fresh output
folder, so nothing is skipped) on a new local cluster of W worker processes; the wall
time includes starting the cluster, each worker's one build and compile of the model
and writing all results.  Prints a Markdown table for docs/performance.md.

    python benchmarks/bench_batch.py                  # 1 and 2 workers, 20 scenarios
    python benchmarks/bench_batch.py --workers 1 2 4 --scenarios 40
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from cge.batch import BatchReport, run_batch

SCENARIO = """name: us_tariff_{points}
description: The United States adds {points} percentage points of tariff on all imports from China.
sources:
  - "Benchmark scenario (benchmarks/bench_batch.py); base data WIOD 2013 release, 2011."
dataset: {dataset}
elasticities: gtap
shocks:
  - type: import_tariff
    importers: [USA]
    exporters: [CHN]
    sectors: all
    add_pct_points: {points}
"""


def write_scenarios(folder: Path, count: int, dataset: str) -> None:
    """``count`` tariff scenarios of 5, 10, ... percentage points."""
    for k in range(1, count + 1):
        points = 5 * k
        (folder / f"us_tariff_{points}.yaml").write_text(
            SCENARIO.format(points=points, dataset=dataset))


def timed_batch(scenarios: Path, out: Path, workers: int) -> BatchReport:
    """One batch from scratch on a new local cluster of ``workers`` processes."""
    report = run_batch([scenarios], out, workers=workers, force=True)
    failed = [o for o in report.outcomes if o.status != "ok"]
    if failed:
        raise SystemExit(f"{len(failed)} scenarios failed, first: {failed[0].name}: {failed[0].error}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--scenarios", type=int, default=20)
    parser.add_argument("--dataset", default="default")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "scenarios"
        folder.mkdir()
        write_scenarios(folder, args.scenarios, args.dataset)
        wall = {}
        for workers in args.workers:
            report = timed_batch(folder, Path(tmp) / f"out_{workers}", workers)
            wall[workers] = report.seconds
            task = [o.seconds for o in report.outcomes]
            cpu = [o.cpu_seconds for o in report.outcomes]
            print(f"{workers} worker(s): {report.seconds:.1f} s wall for {args.scenarios} scenarios; "
                  f"per task (incl. the first build+compile per worker) median "
                  f"{statistics.median(task):.2f} s wall / {statistics.median(cpu):.2f} s CPU, "
                  f"max {max(task):.2f} s wall / {max(cpu):.2f} s CPU", flush=True)
    base = min(wall)
    print(f"\nCPUs: {os.cpu_count()}\n")
    print("| workers | wall time, 20 scenarios | speed-up over "
          f"{base} worker |\n|---|---|---|")
    for workers, seconds in wall.items():
        print(f"| {workers} | {seconds:.1f} s | {wall[base] / seconds:.2f} |")


if __name__ == "__main__":
    main()
