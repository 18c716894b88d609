"""General-equilibrium properties: homogeneity, Walras' law, symmetry, terms of trade."""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest

from cge.model.closure import Closure


def _shock_tariff(m, importer: str, exporter: str, rate: float) -> None:
    for k in m.tm:
        if k[1] == exporter and k[2] == importer:
            m.tm[k] = rate


def test_homogeneity_doubling_numeraire_doubles_prices_and_changes_no_quantity(solver):
    """Doubling the numeraire doubles every price and income and leaves quantities unchanged."""
    m = solver.cgem.model
    _shock_tariff(m, "A", "B", 0.25)
    solver.solve()
    base = {v.name: v.value for v in solver.compiled.variables}
    m.pnum = 2.0
    solver.solve()
    for v in solver.compiled.variables:
        ratio = v.value / base[v.name] if abs(base[v.name]) > 1e-12 else None
        if v.parent_component().name in ("y", "im", "ls"):
            assert v.value == pytest.approx(base[v.name], rel=1e-8), v.name
        elif v.parent_component().name in ("py", "pm", "pf", "pfs", "pfd", "inc"):
            assert ratio == pytest.approx(2.0, rel=1e-8), v.name


def test_walras_dropped_market_clears_at_any_solution(solver):
    """The goods market dropped for the numeraire clears at a shocked solution (Walras' law)."""
    m = solver.cgem.model
    _shock_tariff(m, "A", "C", 0.4)
    for k in list(m.prod)[:3]:
        m.prod[k] = 1.1
    report = solver.solve()
    assert abs(report.walras_residual) < 1e-8
    name, key = solver.cgem.dropped
    assert abs(pyo.value(getattr(m, name)[key].body)) < 1e-8


def test_symmetric_regions_under_symmetric_shocks_get_identical_results(make):
    """Two identical regions that raise identical tariffs on each other end up identical."""
    s = make(regions=["A", "B"], symmetric=True, seed=5)
    m = s.cgem.model
    _shock_tariff(m, "A", "B", 0.3)
    _shock_tariff(m, "B", "A", 0.3)
    s.solve()
    for var in (m.y, m.py, m.pm):
        for idx, v in var.items():
            twin = (idx[0], "B" if idx[1] == "A" else "A")
            assert v.value == pytest.approx(var[twin].value, rel=1e-9)
    assert pyo.value(m.inc["A"] / m.cpi["A"]) == pytest.approx(pyo.value(m.inc["B"] / m.cpi["B"]), rel=1e-10)
    assert pyo.value(m.inc["A"] / m.cpi["A"]) < 1.0  # a symmetric tariff war hurts both


def test_optimal_tariff_argument_large_region_gains_partner_loses(make):
    """From free trade, a small tariff by a large region improves its terms of trade and welfare
    and lowers its partner's welfare (the optimal-tariff argument)."""
    s = make(regions=["BIG", "SMALL", "REST"], tariff=0.0, seed=2, sizes=[5.0, 1.0, 1.0])
    m = s.cgem.model
    _shock_tariff(m, "BIG", "SMALL", 0.05)
    s.solve()
    ev_big = pyo.value(m.inc["BIG"] / m.cpi["BIG"]) - 1
    ev_small = pyo.value(m.inc["SMALL"] / m.cpi["SMALL"]) - 1
    assert ev_big > 0
    assert ev_small < 0


def test_fixed_real_wage_keeps_real_wage_and_moves_employment(make):
    """Under a fixed real wage, the wage deflated by the CPI stays 1 and employment adjusts."""
    s = make(closure=Closure(labour="fixed_real_wage"))
    m = s.cgem.model
    _shock_tariff(m, "A", "B", 0.5)
    _shock_tariff(m, "B", "A", 0.5)
    s.solve()
    for r in m.LS_REGIONS:
        assert pyo.value(m.pf["LAB", r] / m.cpi[r]) == pytest.approx(1.0, abs=1e-9)
    assert any(abs(v.value - 1) > 1e-4 for v in m.ls.values())


def test_sector_specific_capital_rents_diverge_across_sectors(make):
    """With sector-specific capital, a shock changes rental rates differently by sector."""
    s = make(closure=Closure(capital="sector_specific"))
    m = s.cgem.model
    for k in m.prod:
        if k == ("X", "A"):
            m.prod[k] = 1.2
    s.solve()
    rents = np.array([m.pfs[f, j, r].value for (f, j, r) in m.FJS if r == "A"])
    assert rents.max() - rents.min() > 1e-3
