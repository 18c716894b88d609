"""Export quotas are complementarity conditions: rent >= 0, quota - exports >= 0, one binds."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

FLOW = ("X", "A", "B")  # good X from A to B


def test_quota_above_free_trade_quantity_does_not_bind(make):
    """A quota above the quantity that would flow anyway leaves a zero rent and no effect."""
    s = make(quota_flows=[FLOW])
    m = s.cgem.model
    free = make()
    for solv in (s, free):
        for k in solv.cgem.model.tm:
            if k[1] == "A" and k[2] == "B":
                solv.cgem.model.tm[k] = 0.2
    free.solve()
    m.quota[FLOW] = 1.5
    s.solve()
    assert m.rent[FLOW].value == pytest.approx(0.0, abs=1e-9)
    assert pyo.value(m.exports[FLOW]) == pytest.approx(pyo.value(free.cgem.model.exports[FLOW]), rel=1e-8)


def test_quota_below_free_trade_quantity_binds_with_positive_rent(make):
    """A quota at half the benchmark quantity binds: exports equal the quota and the rent is positive."""
    s = make(quota_flows=[FLOW])
    m, b = s.cgem.model, s.cgem.benchmark
    m.quota[FLOW] = 0.5
    s.solve()
    bench = b.trade[b.sectors.index("X"), b.regions.index("A"), b.regions.index("B")]
    assert pyo.value(m.exports[FLOW]) / bench == pytest.approx(0.5, abs=1e-8)
    assert m.rent[FLOW].value > 0.01


def test_ban_removes_the_flow(make):
    """A ban (avail = 0) drives the flow to exactly zero and raises the importer's import price."""
    s = make()
    m = s.cgem.model
    m.avail[FLOW] = 0.0
    s.solve()
    assert pyo.value(m.exports[FLOW]) == 0.0
    assert m.pm["X", "B"].value > s.cgem.benchmark.pm_bar[0, 1]
