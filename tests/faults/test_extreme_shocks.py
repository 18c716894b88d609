"""Extreme but legitimate shocks (issue 13): each solves to 1e-8 or is refused with a reason
that names the economics.  The full catalogue (29 shocks on two datasets) runs with
``python tests/faults/extreme_shocks.py``; here the acceptance cases: 500% tariffs
everywhere, productivity -50% world-wide (output- and value-added-augmenting), bans of all
goods on six pairs on the default and critical datasets, all exports of a region banned."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location("extreme_shocks", Path(__file__).with_name("extreme_shocks.py"))
extreme = importlib.util.module_from_spec(spec)
spec.loader.exec_module(extreme)


def outcome(name: str, dataset: str) -> tuple[str, str]:
    kind, detail, _ = extreme.classify(extreme.scenario_spec(name, extreme.shocks()[name], dataset))
    return kind, detail


@pytest.mark.slow
def test_500pct_tariffs_everywhere_solve_by_continuation():
    """Every region taxes every import at 500%: on the 2011 critical dataset reached in geometric
    steps of the tariff power, residual below 1e-8, the steps recorded in the results'
    provenance (solver_path). On the 2023 one Vietnam's benchmark trade surplus, held fixed in
    world prices by the default closure, would exceed its collapsing factor income: refused
    with that reason, naming Vietnam."""
    from cge.runner import run_scenario
    from cge.scenario import scenario_from_dict

    ds = run_scenario(scenario_from_dict(extreme.scenario_spec("everyone_500", extreme.shocks()["everyone_500"],
                                                               "critical_2011")))
    assert ds.attrs["max_residual"] <= 1e-8
    path = json.loads(ds.attrs["solver_path"])
    assert path[0]["phase"] == "direct" and path[-1]["phase"].startswith("continuation t=1")
    assert path[-1]["status"] == "solved" and ds.attrs["continuation_steps"] == len(path) - 1
    assert float(ds.imports_pct.sum()) < 0  # trade falls
    kind, detail = outcome("everyone_500", "critical")
    assert kind == "refused" and "no economic equilibrium" in detail and "income of VNM" in detail


def test_world_productivity_fall_of_50pct():
    """Output-augmenting: value added would turn negative wherever intermediates are more than
    half of costs (Leontief top nest), so no equilibrium exists and the refusal says why; the
    same fall in value-added productivity (GTAP ava) has an equilibrium and solves."""
    kind, detail = outcome("productivity_world_-50", "critical")
    assert kind == "refused" and "no economic equilibrium" in detail and "value added" in detail
    kind, detail = outcome("productivity_va_world_-50", "critical")
    assert kind == "solved", detail


def test_bans_of_all_goods_on_six_pairs():
    """Default dataset: solves (every good keeps another source).  Critical dataset: China's
    magnet imports come only from the EU and Japan, so the bans leave the import nest with no
    source: refused before solving with that reason (no NaN, no failed solve)."""
    kind, detail = outcome("ban_6_pairs_all_sectors", "default")
    assert kind == "solved", detail
    kind, detail = outcome("ban_6_pairs_all_sectors", "critical")
    assert kind == "refused" and "every source of MAG imports into CHN" in detail, detail


def test_ban_of_every_export_of_a_surplus_region_is_refused_at_once():
    """China cannot earn its fixed trade surplus with every export banned: no equilibrium."""
    kind, detail = outcome("ban_china_exports_everywhere", "default")
    assert kind == "refused" and "every export of CHN is banned" in detail, detail


@pytest.mark.slow
def test_one_percent_quotas_and_145pct_war_with_a_share_cap():
    for name in ("quota_1pct_6_pairs", "both_145_with_share_cap"):
        kind, detail = outcome(name, "default")
        assert kind == "solved", (name, detail)
