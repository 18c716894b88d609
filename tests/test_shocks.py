"""Each shock type moves its intended instrument parameters and nothing else."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

from cge.runner import get_model
from cge.scenario import scenario_from_dict
from cge.shocks import apply_shocks

BASE = {"name": "t", "description": "t", "dataset": "tiny", "elasticities": "gtap"}


def snapshot(m: pyo.ConcreteModel) -> dict:
    return {(c.name, k): pyo.value(q) for c in m.component_objects(pyo.Param)
            if c.mutable for k, q in c.items()}


CASES = [
    ({"type": "import_tariff", "importers": "USA", "exporters": "CHN", "sectors": "MAN", "add_pct_points": 10},
     {("tm", ("MAN", "CHN", "USA")): lambda old: old + 0.10}),
    ({"type": "import_tariff", "importers": "USA", "exporters": "CHN", "sectors": "MAN", "rate_pct": 25},
     {("tm", ("MAN", "CHN", "USA")): lambda old: 0.25}),
    ({"type": "import_tariff", "importers": "USA", "exporters": "CHN", "sectors": "MAN", "scale_power": 1.1},
     {("tm", ("MAN", "CHN", "USA")): lambda old: (1 + old) * 1.1 - 1}),
    ({"type": "export_tax", "exporters": "CHN", "importers": "USA", "sectors": "PRI", "rate_pct": 5},
     {("te", ("PRI", "CHN", "USA")): lambda old: 0.05}),
    ({"type": "export_quota", "exporters": "CHN", "importers": "USA", "sectors": "MAN", "change_pct": -30},
     {("quota", ("MAN", "CHN", "USA")): lambda old: 0.7}),
    ({"type": "export_quota", "exporters": "CHN", "importers": "USA", "sectors": "MAN", "change_pct": -100},
     {("avail", ("MAN", "CHN", "USA")): lambda old: 0.0}),
    ({"type": "output_tax", "regions": "CHN", "sectors": "MAN", "add_pct_points": -3},
     {("to", ("MAN", "CHN")): lambda old: -0.03}),
    ({"type": "iceberg", "exporters": "ROW", "importers": "USA", "sectors": "PRI", "change_pct": 10},
     {("tau", ("PRI", "ROW", "USA")): lambda old: 1.1}),
    ({"type": "productivity", "regions": "USA", "sectors": "SRV", "change_pct": 2},
     {("prod", ("SRV", "USA")): lambda old: 1.02}),
]


@pytest.mark.parametrize("shock,expected", CASES, ids=[c[0]["type"] + str(k) for k, c in enumerate(CASES)])
def test_shock_moves_only_its_parameters(shock, expected):
    """After the shock, exactly the expected parameters differ from the benchmark, by the rule."""
    sc = scenario_from_dict({**BASE, "shocks": [shock]})
    cached, _ = get_model(sc)
    cgem = cached.cgem
    apply_shocks(cgem, scenario_from_dict({**BASE, "shocks": []}))
    before = snapshot(cgem.model)
    apply_shocks(cgem, sc)
    after = snapshot(cgem.model)
    changed = {k for k in before if abs(after[k] - before[k]) > 0}
    assert changed == set(expected)
    for key, rule in expected.items():
        assert after[key] == pytest.approx(rule(before[key]), abs=1e-15)


def test_groups_and_all_expand_to_regions():
    """A named group and 'all' select every member region's flows."""
    sc = scenario_from_dict({**BASE, "groups": {"asia": ["CHN"]}, "shocks": [
        {"type": "import_tariff", "importers": "all", "exporters": "asia", "sectors": "all",
         "add_pct_points": 1}]})
    cached, _ = get_model(sc)
    rec = apply_shocks(cached.cgem, sc)
    assert {(s, r) for (_, s, r) in rec.changes["tm"]} == {("CHN", "USA"), ("CHN", "ROW")}
    assert rec.shocked_regions() == ["CHN", "ROW", "USA"]
