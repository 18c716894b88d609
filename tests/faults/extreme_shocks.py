"""The extreme but legitimate shocks of issue 13, on the default and critical datasets.

Each shock must solve to the solver tolerance (1e-8, scaled residual) or be refused with
a reason that names the economics (no equilibrium of the model exists).  Run all of them
and print the tally with ``python tests/faults/extreme_shocks.py`` (a few minutes); the
tests (tests/faults/test_extreme_shocks.py) run the acceptance cases.
"""

from __future__ import annotations

import sys
import time

SIX_PAIRS = [("USA", "CHN"), ("CHN", "USA"), ("EUR", "CHN"), ("CHN", "EUR"), ("JPN", "CHN"), ("CHN", "JPN")]
ECONOMIC_REASONS = ("no economic equilibrium", "value added", "needs esub_mm", "cannot")


def _tariff(imp, exp, rate, kind="import_tariff"):
    return {"type": kind, "importers": imp, "exporters": exp, "rate_pct": rate}


def _pairs(change_pct, sectors="all"):
    return [{"type": "export_quota", "exporters": e, "importers": m, "sectors": sectors,
             "change_pct": change_pct} for m, e in SIX_PAIRS]


def _share(max_share=0.05):
    return {"type": "share_target", "name": "cap", "exporters": "CHN", "importers": "USA",
            "sectors": "all", "max_share": max_share}


def shocks() -> dict[str, list[dict]]:
    """Name -> shock list (the dataset is chosen separately)."""
    prod = lambda regions, pct, to="output": [{"type": "productivity", "regions": regions,  # noqa: E731
                                               "change_pct": pct, "applies_to": to}]
    return {
        "us_145_on_china": [_tariff("USA", "CHN", 145)],
        "china_145_on_us": [_tariff("CHN", "USA", 145)],
        "both_145": [_tariff("USA", "CHN", 145), _tariff("CHN", "USA", 145)],
        "us_500_on_china": [_tariff("USA", "CHN", 500)],
        "china_500_on_us": [_tariff("CHN", "USA", 500)],
        "both_500": [_tariff("USA", "CHN", 500), _tariff("CHN", "USA", 500)],
        "everyone_100": [_tariff("all", "all", 100)],
        "everyone_200": [_tariff("all", "all", 200)],
        "everyone_500": [_tariff("all", "all", 500)],
        "everyone_export_tax_100": [_tariff("all", "all", 100, "export_tax")],
        "everyone_export_tax_500": [_tariff("all", "all", 500, "export_tax")],
        "ban_6_pairs_all_sectors": _pairs(-100),
        "ban_6_pairs_electrical": _pairs(-100, "ELE"),
        "ban_china_exports_everywhere": [{"type": "export_quota", "exporters": "CHN", "importers": "all",
                                          "sectors": "all", "change_pct": -100}],
        "quota_1pct_china_to_us": [{"type": "export_quota", "exporters": "CHN", "importers": "USA",
                                    "sectors": "all", "change_pct": -99}],
        "quota_1pct_6_pairs": _pairs(-99),
        "quota_1pct_all_to_us": [{"type": "export_quota", "exporters": "all", "importers": "USA",
                                  "sectors": "all", "change_pct": -99}],
        "productivity_china_-10": prod("CHN", -10),
        "productivity_china_-30": prod("CHN", -30),
        "productivity_china_-40": prod("CHN", -40),
        "productivity_china_-50": prod("CHN", -50),
        "productivity_world_-40": prod("all", -40),
        "productivity_world_-50": prod("all", -50),
        "productivity_world_+50": prod("all", 50),
        "productivity_va_china_-50": prod("CHN", -50, "value_added"),
        "productivity_va_world_-50": prod("all", -50, "value_added"),
        "both_145_with_share_cap": [_tariff("USA", "CHN", 145), _tariff("CHN", "USA", 145), _share(0.02)],
        "everyone_500_with_share_cap": [_tariff("all", "all", 500), _share(0.02)],
        "ban_japan_china_with_share_cap": [s for s in _pairs(-100) if "JPN" in (s["exporters"], s["importers"])]
        + [_share(0.10)],
    }


def scenario_spec(name: str, shock_list: list[dict], dataset: str) -> dict:
    return {"name": f"{name}_{dataset}", "description": f"extreme shock {name} (issue 13)",
            "dataset": dataset, "shocks": shock_list}


def classify(spec: dict) -> tuple[str, str, float]:
    """('solved', residual and steps) | ('refused', the reason) | ('failing', the error)."""
    from cge.errors import CGEError
    from cge.runner import run_scenario
    from cge.scenario import scenario_from_dict

    start = time.perf_counter()
    try:
        ds = run_scenario(scenario_from_dict(spec))
    except CGEError as exc:
        text = str(exc)
        kind = "refused" if any(r in text for r in ECONOMIC_REASONS) and "solve failed" not in text \
            else "failing"
        return kind, text, time.perf_counter() - start
    resid = float(ds.attrs["max_residual"])
    kind = "solved" if resid <= 1e-8 else "failing"
    return kind, (f"residual {resid:.1e}, {ds.attrs['continuation_steps']} steps, "
                  f"{ds.attrs['solver_iterations']} iterations"), time.perf_counter() - start


def main(only: list[str]) -> None:
    tally: dict[str, int] = {}
    for dataset in ("default", "critical"):
        for name, shock_list in shocks().items():
            if only and name not in only:
                continue
            kind, detail, secs = classify(scenario_spec(name, shock_list, dataset))
            tally[kind] = tally.get(kind, 0) + 1
            print(f"{kind:8s} {dataset:8s} {name:34s} {secs:6.1f} s  {detail[:300]}", flush=True)
    print(tally)


if __name__ == "__main__":
    main(sys.argv[1:])
