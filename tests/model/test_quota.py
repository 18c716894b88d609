"""Quantity restrictions are complementarity conditions (rent >= 0, quota - flow >= 0, one
binds), and their rents go where the scenario says: exporter, importer, a controlling
government, or nobody (dissipated)."""

from __future__ import annotations

import numpy as np
import pytest

from cge.model.algebra import values
from cge.model.trade import QuotaSpec
from tests.conftest import set_param, tariff, value, welfare

FLOW = ("X", "A", "B")  # good X from A to B


def flow(s, f=FLOW) -> float:
    """Delivered quantity of a flow relative to its benchmark."""
    _, e = s.cgem.evaluate(s.x, s.p)
    k = s.cgem.sets.flows.position[f]
    return float(values(e.trade.exports)[k] / s.cgem.trade.x_bar[k])


def test_quota_above_free_trade_quantity_does_not_bind(make):
    """A quota above the quantity that would flow anyway leaves a zero rent and no effect."""
    s, free = make(quotas=[FLOW]), make()
    free.solve(tariff(free.cgem, free.cgem.p0.copy(), "B", "A", 0.2))
    p = tariff(s.cgem, s.cgem.p0.copy(), "B", "A", 0.2)
    s.solve(set_param(s.cgem, p, "quota", 1.5))
    assert value(s, "rent", FLOW) == pytest.approx(0.0, abs=1e-9)
    assert flow(s) == pytest.approx(flow(free), rel=1e-8)


def test_quota_below_free_trade_quantity_binds_with_positive_rent(make):
    """A quota at half the benchmark quantity binds: the flow equals the quota, the rent is positive."""
    s = make(quotas=[FLOW])
    s.solve(set_param(s.cgem, s.cgem.p0.copy(), "quota", 0.5))
    assert flow(s) == pytest.approx(0.5, abs=1e-8)
    assert value(s, "rent", FLOW) > 0.01


def test_ban_removes_the_flow(make):
    """A ban (avail = 0) drives the flow to exactly zero and raises the importer's import price."""
    s = make()
    s.solve(set_param(s.cgem, s.cgem.p0.copy(), "avail", 0.0, lambda lab: lab == FLOW))
    assert flow(s) == 0.0
    assert value(s, "pm", ("X", "B")) > s.cgem.trade.pm_bar[s.cgem.sets.mi.position[("X", "B")]]


def _export_restriction(make, rent_to: str, cut: float = 0.6):
    """Region A restricts all its exports of X to 60% of the benchmark; rent to ``rent_to``."""
    flows = [("X", "A", d) for d in ("B", "C")]
    s = make(quotas=[QuotaSpec(f, rent_to) for f in flows], seed=8)
    s.solve(set_param(s.cgem, s.cgem.p0.copy(), "quota", cut))
    return s


def test_rents_sum_to_the_income_each_recipient_records(make):
    """Each recipient's recorded quota-rent income equals rent rate x price x flow of the flows
    whose rent it holds; dissipated rents are recorded by nobody."""
    for rent_to, holder in (("exporter", {"A"}), ("importer", {"B", "C"}), ("C", {"C"}), ("none", set())):
        s = _export_restriction(make, rent_to)
        _, e = s.cgem.evaluate(s.x, s.p)
        rents = dict(zip(s.cgem.benchmark.regions, values(e.quota_rents)))
        t = e.trade
        k = [s.cgem.sets.flows.position[("X", "A", d)] for d in ("B", "C")]
        rate_x, rate_m = values(t.rent_x)[k], values(t.rent_m)[k]
        tm = s.p[s.cgem.parameters.slice("tm")][k]
        expected = (rate_x * values(t.fob)[k] + rate_m * values(t.pcif)[k] * (1 + tm)) * values(t.exports)[k]
        assert sum(rents.values()) == pytest.approx(0.0 if rent_to == "none" else expected.sum(), rel=1e-10)
        for r, amount in rents.items():
            assert (abs(amount) > 1e-9) == (r in holder), (rent_to, r)
        assert abs(s.compiled.dropped(s.x, s.p)) < 1e-10  # Walras holds whoever holds the rent


def test_dissipated_rents_leave_the_controller_no_better_off_than_an_export_tax(make):
    """With the rent dissipated, restricting one's own exports never beats the export tax that
    yields the same flows: the exporter loses the revenue and still bears the real cost."""
    s_none = _export_restriction(make, "none")
    s_exp = _export_restriction(make, "exporter")
    tax = make(seed=8)
    k = [s_exp.cgem.sets.flows.position[("X", "A", d)] for d in ("B", "C")]
    rates = s_exp.x[s_exp.cgem.variables.slice("rent")]
    p = tax.cgem.p0.copy()
    te = p[tax.cgem.parameters.slice("te")]
    te[k] = rates
    p[tax.cgem.parameters.slice("te")] = te
    tax.solve(p)
    assert welfare(s_exp, "A") == pytest.approx(welfare(tax, "A"), rel=1e-9)  # exporter rent = export tax
    assert welfare(s_none, "A") < welfare(tax, "A")
    assert welfare(s_none, "A") < 1.0


def test_importer_held_licences_move_the_rent_to_the_importers(make):
    """The same restriction makes the exporter better off when it holds the licences and the
    importers better off when they do."""
    exp_held = _export_restriction(make, "exporter")
    imp_held = _export_restriction(make, "importer")
    assert welfare(exp_held, "A") > welfare(imp_held, "A")
    assert welfare(imp_held, "B") > welfare(exp_held, "B")
    assert np.isclose(flow(exp_held, ("X", "A", "B")), 0.6, atol=1e-8)
    assert np.isclose(flow(imp_held, ("X", "A", "B")), 0.6, atol=1e-8)
