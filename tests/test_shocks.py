"""Each shock type moves its intended instrument parameters and nothing else."""

from __future__ import annotations

import pytest

from cge.errors import CGEInputError
from cge.runner import get_model
from cge.scenario import scenario_from_dict
from cge.shocks import resolve_shocks

BASE = {"name": "t", "description": "t", "dataset": "tiny", "elasticities": "gtap"}

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
    cgem = get_model(sc)[0].cgem
    p, _ = resolve_shocks(cgem, sc)
    par = cgem.parameters
    changed = {par.labels()[k] for k in range(par.size) if p[k] != cgem.p0[k]}
    assert changed == set(expected)
    for (name, lab), rule in expected.items():
        k = par.position(name, lab)
        assert p[k] == pytest.approx(rule(cgem.p0[k]), abs=1e-15)


def test_groups_and_all_expand_to_regions():
    """A named group and 'all' select every member region's flows."""
    sc = scenario_from_dict({**BASE, "groups": {"asia": ["CHN"]}, "shocks": [
        {"type": "import_tariff", "importers": "all", "exporters": "asia", "sectors": "all",
         "add_pct_points": 1}]})
    _, rec = resolve_shocks(get_model(sc)[0].cgem, sc)
    assert {(s, r) for (_, s, r) in rec.changes["tm"]} == {("CHN", "USA"), ("CHN", "ROW")}
    assert rec.shocked_regions() == ["CHN", "ROW", "USA"]


def test_quota_path_steps_from_the_benchmark_flow_in_logs():
    """The continuation path moves a quota from the benchmark flow (1) to its target in equal
    proportional steps, and ends exactly at the scenario's instruments."""
    import numpy as np

    from cge.shocks import instrument_path

    sc = scenario_from_dict({**BASE, "shocks": [{"type": "export_quota", "exporters": "CHN",
                                                 "importers": "USA", "sectors": "MAN", "change_pct": -99}]})
    cgem = get_model(sc)[0].cgem
    p, _ = resolve_shocks(cgem, sc)
    path = instrument_path(cgem, cgem.p0, p)
    k = cgem.parameters.position("quota", ("MAN", "CHN", "USA"))
    assert path(0.5)[k] == pytest.approx(0.1, rel=1e-12)
    assert np.array_equal(path(1.0), p)


def test_table_rows_on_imports_from_itself_are_refused(tmp_path):
    """A tariff-table row on a region's imports from itself names no trade flow: refused with
    its line (it was once a warning; a silently ineffective row hides a mistake)."""
    from cge.runner import run_scenario
    from cge.scenario import load_scenario

    table = tmp_path / "t.csv"
    table.write_text("importer,exporter,sector,rate_pct\nUSA,CHN,MAN,30\nUSA,USA,MAN,30\n")
    (tmp_path / "w.yaml").write_text(
        "name: w\ndescription: warnings\ndataset: tiny\nshocks:\n"
        f"  - type: import_tariff\n    table: {table.name}\n    mode: rate_pct\n")
    with pytest.raises(CGEInputError, match="line 3: importer and exporter are both USA"):
        run_scenario(load_scenario(tmp_path / "w.yaml"))


def test_rebalancing_moves_the_consumption_share_by_exactly_the_stated_amount():
    """Moving 4 points of China's income from investment to private consumption: at the solution
    households spend exactly 4 points more of income (and investment 4 points less)."""
    from cge.model.algebra import values
    from cge.runner import run_scenario

    sc = scenario_from_dict({**BASE, "name": "rebal", "shocks": [
        {"type": "rebalancing", "regions": "CHN", "change_pct_points": {"hh": 4, "inv": -4}}]})
    run_scenario(sc)
    cached = get_model(sc)[0]
    cg, s = cached.cgem, cached.solver
    _, e = cg.evaluate(s.x, s.p)
    pa = values(e.pa)
    arm = cg.sets.arm
    income = s.x[cg.variables.slice("inc")] * cg.demand.income_bar
    k = cg.benchmark.ri["CHN"]
    for agent, change in (("hh", 4.0), ("inv", -4.0)):
        a = len(cg.benchmark.sectors) + cg.benchmark.ai[agent]
        mask = (arm["a"] == a) & (arm["r"] == k)
        share = float((values(e.aq)[mask] * pa[mask]).sum() / income[k])
        bench = float(cg.demand.alpha[cg.sets.fda.position[(agent, "CHN")]])
        assert 100 * (share - bench) == pytest.approx(change, abs=1e-9)
