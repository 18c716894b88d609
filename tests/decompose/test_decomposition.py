"""Welfare decomposition and subtotals by path integration (issue 15): components add up to
EV, subtotals to every total, the economics of terms of trade and efficiency comes out as
theory says, and bad subtotal groups are refused in one line."""

from __future__ import annotations

import numpy as np
import pytest

from cge.data.synthetic import synthetic_dataset
from cge.decompose import decompose
from cge.decompose.welfare import COMPONENTS
from cge.errors import CGEInputError
from cge.model.build import build_model
from cge.model.calibration import calibrate
from cge.results import State
from cge.runner import get_model, solve_scenario
from cge.scenario import scenario_from_dict
from cge.shocks import ShockRecord, resolve_shocks
from cge.solve.solver import Solver
from tests.conftest import tariff


class _Cached:
    """What decompose() needs from the runner's cache, for a synthetic economy."""

    def __init__(self, cgem) -> None:  # noqa: ANN001
        self.cgem, self.solver = cgem, Solver(cgem)
        self.base = State(cgem.x0.copy(), cgem.p0.copy())


def synthetic_decomposition(importer: str, rate: float, **kwargs) -> tuple[object, dict]:
    """Decompose a uniform tariff of ``importer`` on all its imports, from free trade."""
    cgem = build_model(calibrate(synthetic_dataset(tariff=0.0, **kwargs), "synthetic"))
    cached = _Cached(cgem)
    p = cgem.p0.copy()
    for other in cgem.benchmark.regions:
        if other != importer:
            p = tariff(cgem, p, importer, other, rate)
    rec = ShockRecord(owners={k: {0} for k in np.flatnonzero(p != cgem.p0)})
    sc = scenario_from_dict({"name": "d", "description": "d", "shocks": [
        {"type": "import_tariff", "importers": importer, "rate_pct": 100 * rate}]})
    d = decompose(cached, sc, p, rec)
    comp = {c: d.components[k] for k, c in enumerate(COMPONENTS)}
    return cgem, comp


def test_small_open_economy_tariff_loses_allocative_efficiency_only():
    """A tiny region (0.1% of its partners' size) taxing its imports: its terms-of-trade
    effect vanishes as demand for its exports becomes perfectly elastic -- the ratio of the
    terms-of-trade gain to the efficiency loss falls as 1/esub_mm (partners' sourcing
    elasticity) and is below 1% at esub_mm = 1600, where the region is a price taker and
    loses only allocative efficiency.  (With finite Armington elasticities every region has
    some market power over its own variety, so 'small' needs size and substitutability.)"""
    ratios = {}
    for mm in (100, 400, 1600):
        cgem, comp = synthetic_decomposition("SMALL", 0.20, regions=["SMALL", "B", "C"], sectors=["X", "Y"],
                                             sizes=[0.001, 1.0, 1.0], esub_dm=2.0, esub_mm=float(mm), seed=3)
        k = cgem.benchmark.ri["SMALL"]
        assert comp["import_tariffs"][k] < 0
        ratios[mm] = abs(comp["terms_of_trade"][k] / comp["import_tariffs"][k])
    assert ratios[1600] < 0.01
    assert ratios[400] * 400 == pytest.approx(ratios[100] * 100, rel=0.1)
    assert ratios[1600] * 1600 == pytest.approx(ratios[400] * 400, rel=0.1)


def test_large_economy_small_tariff_gains_more_terms_of_trade_than_it_loses_in_efficiency():
    """From free trade, a small tariff of a large region: the terms-of-trade gain exceeds the
    efficiency loss (the first-order logic of the optimal tariff)."""
    cgem, comp = synthetic_decomposition("BIG", 0.02, regions=["BIG", "B", "C"], sectors=["X", "Y"],
                                         sizes=[5.0, 1.0, 1.0], seed=2)
    k = cgem.benchmark.ri["BIG"]
    assert comp["terms_of_trade"][k] > 0
    assert comp["terms_of_trade"][k] > -comp["import_tariffs"][k] > 0


SHOCKS = [
    {"name": "us_tariffs", "type": "import_tariff", "importers": "USA", "exporters": "CHN", "add_pct_points": 25},
    {"name": "chn_retaliation", "type": "import_tariff", "importers": "CHN", "exporters": "USA",
     "add_pct_points": 25},
    {"name": "controls", "type": "export_quota", "exporters": "CHN", "importers": "USA", "sectors": "MAN",
     "change_pct": -40, "rent_to": "none"},
    {"name": "subsidy", "type": "output_tax", "regions": "CHN", "sectors": "MAN", "add_pct_points": -5},
]
GROUPS = {"US tariffs": ["us_tariffs"], "China retaliation": ["chn_retaliation"],
          "controls and subsidies": ["controls", "subsidy"]}


def scenario(shocks=SHOCKS, groups=GROUPS, **extra) -> object:  # noqa: ANN001
    return scenario_from_dict({"name": "dec", "description": "decomposition test", "dataset": "tiny",
                               "shocks": shocks, "subtotals": groups, **extra})


@pytest.fixture(scope="module")
def decomposed():
    return solve_scenario(scenario(), decompose=True)


def test_components_sum_to_ev_of_the_levels_solution(decomposed):
    """Σ components = EV within 1e-6 of income (after Richardson extrapolation)."""
    ds = decomposed
    gap = abs(ds.ev_component_usd_million.sum("ev_component") - ds.ev_usd_million) / ds.income_usd_million
    assert float(gap.max()) < 1e-6
    assert ds.attrs["decomposition_identity_residual"] < 1e-12 * float(ds.income_usd_million.max())


def test_subtotals_sum_to_the_total_of_every_variable(decomposed):
    """For every results variable with subtotals, the groups add up to the total change."""
    ds = decomposed
    names = [v[len("subtotal_"):] for v in ds.data_vars if v.startswith("subtotal_") and v[9:] in ds]
    assert {"ev_usd_million", "real_gdp_pct", "output_pct", "bilateral_trade_pct"} <= set(names)
    for name in names:
        total, parts = ds[name], ds[f"subtotal_{name}"].sum("subtotal")
        scale = max(1.0, float(np.nanmax(np.abs(total))))
        assert float(np.nanmax(np.abs(parts - total))) < 1e-4 * scale, name


def test_subtotals_do_not_depend_on_the_order_of_shocks(decomposed):
    """The same shocks in reverse order give the same subtotals."""
    other = solve_scenario(scenario(shocks=list(reversed(SHOCKS))), decompose=True)
    for name in ("subtotal_ev_usd_million", "subtotal_output_pct"):
        a = decomposed[name].sel(subtotal=list(GROUPS))
        b = other[name].sel(subtotal=list(GROUPS))
        scale = float(np.abs(a).max())
        assert np.allclose(a, b, rtol=1e-7, atol=1e-7 * scale), name  # relative to the largest subtotal


def test_integration_error_falls_as_the_grid_is_refined():
    """With more quadrature nodes, Σ components moves closer to EV."""
    sc = scenario()
    ds = solve_scenario(sc)
    cached = get_model(sc)[0]
    p, rec = resolve_shocks(cached.cgem, sc, cached.base.p)
    gaps = []
    for n in (2, 3, 4):
        d = decompose(cached, sc, p, rec, tolerance=0.0, min_nodes=n, max_nodes=n)
        gaps.append(float(np.abs(d.components.sum(axis=0) - ds.ev_usd_million.values).max()))
    assert gaps[0] > gaps[1] > gaps[2]


@pytest.mark.parametrize("groups,message", [
    ({"a": ["nope"]}, "unknown shock 'nope'"),
    ({"a": ["us_tariffs"], "b": ["us_tariffs"]}, "already in group"),
    ({"a": []}, "empty group"),
])
def test_bad_subtotal_groups_are_refused_in_one_line(groups, message):
    with pytest.raises(CGEInputError) as err:
        solve_scenario(scenario(groups=groups), decompose=True)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_shocks_of_two_groups_on_one_instrument_are_refused():
    """Two groups changing the same tariff cannot be told apart: one line naming it."""
    shocks = [{"name": "a", "type": "import_tariff", "importers": "USA", "exporters": "CHN", "add_pct_points": 5},
              {"name": "b", "type": "import_tariff", "importers": "USA", "exporters": "CHN", "add_pct_points": 5}]
    with pytest.raises(CGEInputError) as err:
        solve_scenario(scenario(shocks=shocks, groups={"A": ["a"], "B": ["b"]}), decompose=True)
    assert "tm[" in str(err.value) and "one group" in str(err.value)


def test_a_scenario_without_shocks_decomposes_to_zero_with_no_subtotals():
    """No shocks (as in a scenario whose instruments only the optimiser sets): no subtotal
    groups, every component zero -- not a failure (it was a traceback)."""
    ds = solve_scenario(scenario_from_dict({"name": "none", "description": "no shocks", "dataset": "tiny",
                                            "shocks": []}), decompose=True)
    assert ds.sizes["subtotal"] == 0
    assert np.abs(ds.ev_component_usd_million.values).max() == 0.0
