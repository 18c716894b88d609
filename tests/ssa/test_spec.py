"""What an SSA varies is checked against the benchmark: bad input is one line naming it."""

from __future__ import annotations

import pytest

from cge.errors import CGEInputError
from cge.runner import calibrated_benchmark
from cge.sensitivity.run import point_scenario
from cge.sensitivity.spec import parse_parameters, resolve


def resolved(sc, entries):
    return resolve(parse_parameters(entries), sc, calibrated_benchmark(sc))


@pytest.mark.parametrize("entry,message", [
    ({"parameter": "esub_xx", "pct": 10}, "parameter: unknown 'esub_xx'"),
    ({"parameter": "esub_mm", "sectors": "XXX", "pct": 10}, "sectors: unknown 'XXX'"),
    ({"parameter": "esub_mm", "regions": "MARS", "pct": 10}, "regions: unknown 'MARS'"),
    ({"parameter": "esub_mm", "distribution": "beta", "pct": 10}, "distribution: unknown 'beta'"),
    ({"parameter": "esub_mm", "pct": 100}, "reaches a non-positive elasticity"),
    ({"parameter": "esub_dm", "low": 0.0, "high": 2.0}, "reaches a non-positive elasticity"),
    ({"parameter": "esub_mm", "distribution": "normal", "pct": 40}, "reaches a non-positive elasticity"),
    ({"parameter": "esub_va", "pct": 120}, "reaches a negative elasticity"),
    ({"parameter": "esub_mm", "low": 2.0, "high": 500.0}, "at or below 100"),
    ({"parameter": "esub_mm", "low": 2.0}, "needs pct or high+low"),
    ({"parameter": "esub_mm", "pct": 10, "colour": "red"}, "unknown key"),
    ({"field": "shocks.0.colour", "pct": 10}, "has no field 'shocks.0.colour'"),
    ({"field": "shocks.0.importers", "pct": 10}, "is not a number"),
    ({"pct": 10}, "exactly one of parameter, field"),
])
def test_bad_entries_are_refused_in_one_line(tiny_tariff, entry, message):
    with pytest.raises(CGEInputError) as err:
        resolved(tiny_tariff, [entry])
    assert message in str(err.value) and "\n" not in str(err.value)


def test_each_expands_to_one_parameter_per_sector(tiny_tariff):
    """`sectors: each` gives an independent parameter per sector, labelled by it."""
    varied = resolved(tiny_tariff, [{"parameter": "esub_mm", "sectors": "each", "pct": 30},
                                    {"field": "shocks.0.add_pct_points", "low": 10, "high": 40}])
    assert [v.label for v in varied] == ["esub_mm[PRI]", "esub_mm[MAN]", "esub_mm[SRV]",
                                         "shocks.0.add_pct_points"]
    assert varied[0].dist.low == pytest.approx(0.7) and varied[3].dist.mean == 25.0


def test_a_point_changes_exactly_what_it_varies(tiny_tariff):
    """A point appends one override per elasticity parameter and edits the varied field."""
    varied = resolved(tiny_tariff, [{"parameter": "esub_mm", "sectors": ["MAN"], "pct": 30},
                                    {"field": "shocks.0.add_pct_points", "low": 10, "high": 40}])
    sc = point_scenario(tiny_tariff, varied, [1.2, 33.0])
    assert [o.model_dump(exclude_none=True) for o in sc.elasticity_overrides] == [
        {"parameter": "esub_mm", "sectors": ["MAN"], "factors": "all", "regions": "all", "scale": 1.2}]
    assert sc.shocks[0].add_pct_points == 33.0
    b0, b1 = calibrated_benchmark(tiny_tariff), calibrated_benchmark(sc)
    man = b0.si["MAN"]
    assert (b1.esub_mm[man] == pytest.approx(1.2 * b0.esub_mm[man]))
    assert (b1.esub_dm == b0.esub_dm).all()
