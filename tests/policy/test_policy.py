"""Policy optimisation (issue 20): the optimal tariff obeys the inverse-elasticity formula,
computed optima cannot be improved by perturbing an instrument, Nash best responses
converge (symmetrically for symmetric players), least-cost de-risking is no worse than the
single-instrument target, reciprocity holds, and bad specifications fail in one line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cge.data.synthetic import synthetic_dataset
from cge.errors import CGEInputError
from cge.model.build import build_model
from cge.model.calibration import calibrate
from cge.policy.problem import PolicyProblem, instrument_set
from cge.policy.spec import OptimisationSpec
from cge.results import State
from cge.runner import solve_scenario
from cge.scenario import scenario_from_dict
from cge.solve.solver import Solver


def two_region_problem(sigma: float):
    """Home's uniform tariff on Foreign in a symmetric two-region, one-good, labour-only
    Armington economy with balanced trade, from free trade."""
    ds = synthetic_dataset(["H", "F"], ["G"], factors=("LAB",), intermediates=False, symmetric=True,
                           balanced_trade=True, tariff=0.0, esub_dm=sigma, esub_mm=sigma,
                           fd_shares=(1.0, 0.0, 0.0), seed=1)
    cgem = build_model(calibrate(ds, "synthetic"))
    solver = Solver(cgem)
    sc = scenario_from_dict({"name": "o", "description": "o", "shocks": []})
    spec = OptimisationSpec(objective={"weights": {"H": 1}},
                            instruments=[{"type": "import_tariff", "importers": "H", "vary_by": []}])
    ins = instrument_set(cgem, sc, spec.instruments)
    return cgem, solver, ins, PolicyProblem(cgem, solver.compiled, State(cgem.x0, cgem.p0), ins, spec, sc)


@pytest.mark.parametrize("sigma", [3.0, 5.0])
def test_optimal_tariff_equals_the_inverse_of_the_partners_export_supply_elasticity(sigma):
    """Johnson's formula t* = 1/e, where e = dln X_F / dln(p_F/p_H) is the elasticity of the
    partner's export supply (its offer curve) with respect to its terms of trade, measured in
    the model at the optimum by central differences in the tariff; to 1e-6 (relative)."""
    cgem, solver, ins, prob = two_region_problem(sigma)
    t = prob.solve(cgem.p0, cgem.x0).u[0]

    def offer(tt: float) -> tuple[float, float]:
        p = ins.apply(cgem.p0, np.array([tt]))
        solver.solve(p)
        _, e = cgem.evaluate(solver.x, p)
        flows = cgem.sets.flows.labels
        x, pc = np.asarray(e.trade.exports), np.asarray(e.trade.pcif)
        kf = [k for k, f in enumerate(flows) if f[1] == "F"]
        kh = [k for k, f in enumerate(flows) if f[1] == "H"]
        return np.log(x[kf].sum()), np.log(pc[kf].sum() / pc[kh].sum())
    up, dn = offer(t + 1e-4), offer(t - 1e-4)
    e = (up[0] - dn[0]) / (up[1] - dn[1])
    assert t == pytest.approx(1.0 / e, rel=1e-6)


def test_perturbing_any_instrument_does_not_raise_the_objective():
    """At the computed optimum of US tariffs by sector (tiny WIOD data), moving any tariff by
    +-0.5 points (the equilibrium re-solved) lowers or keeps US welfare."""
    sc = scenario_from_dict({"name": "o", "description": "o", "dataset": "tiny", "policy": {
        "mode": "optimal", "objective": {"weights": {"USA": 1}},
        "instruments": [{"type": "import_tariff", "importers": "USA", "vary_by": ["sector"]}]}})
    ds = solve_scenario(sc)
    best = float(ds.ev_usd_million.sel(region="USA"))
    rates = ds.policy_instrument_pct.to_pandas()
    for label, rate in rates.items():
        sector = label.split()[-1]
        for delta in (-0.5, 0.5):
            other = solve_scenario(scenario_from_dict({
                "name": "p", "description": "p", "dataset": "tiny", "shocks": [
                    {"type": "import_tariff", "importers": "USA", "sectors": s, "rate_pct": float(r)
                     + (delta if s == sector else 0.0)} for s, r in
                    ((lab.split()[-1], val) for lab, val in rates.items())]}))
            assert float(other.ev_usd_million.sel(region="USA")) <= best + 1e-6 * abs(best)


def test_nash_best_responses_converge_to_symmetric_tariffs_for_symmetric_players(tmp_path):
    """Two identical regions choosing tariffs on each other: best responses converge and the
    Nash tariffs are equal; both lose against free trade (the prisoners' dilemma)."""
    ds = synthetic_dataset(["A", "B"], ["X", "Y"], symmetric=True, balanced_trade=True, tariff=0.0, seed=5)
    path = tmp_path / "sym.nc"
    ds.to_netcdf(path, engine="h5netcdf")
    sc = scenario_from_dict({"name": "nash", "description": "n", "dataset": str(path), "elasticities": "synthetic",
                             "policy": {"mode": "nash", "players": {
                                 "A": [{"type": "import_tariff", "importers": "A", "vary_by": []}],
                                 "B": [{"type": "import_tariff", "importers": "B", "vary_by": []}]}}})
    out = solve_scenario(sc)
    rounds = json.loads(out.attrs["policy_rounds"])
    assert rounds[-1]["largest_change_pct_points"] <= 1e-6
    rates = out.policy_instrument_pct.values
    assert rates[0] == pytest.approx(rates[1], rel=1e-7) and rates[0] > 1.0
    assert float(out.ev_usd_million.sel(region="A")) == pytest.approx(float(out.ev_usd_million.sel(region="B")), rel=1e-7)
    assert float(out.ev_usd_million.sel(region="A")) < 0
    coop = solve_scenario(sc.model_copy(update={"name": "coop", "policy": sc.policy.model_copy(
        update={"mode": "cooperative"})}))
    assert float(coop.ev_usd_million.sum()) >= -1e-6  # cooperation does at least as well as free trade


def test_least_cost_derisking_never_costs_more_than_the_single_instrument_target():
    """Meeting a cap on China's share of US manufactures imports: the optimal mix of US tariffs
    and Chinese export taxes costs the US and China together no more than the share target met
    by a uniform US tariff alone."""
    cap = 0.1  # China's benchmark share is 21% on the tiny dataset
    single = solve_scenario(scenario_from_dict({
        "name": "single", "description": "s", "dataset": "tiny", "shocks": [
            {"type": "share_target", "name": "cap", "exporters": "CHN", "importers": "USA", "sectors": "MAN",
             "max_share": cap, "instrument": "import_tariff"}]}))
    assert float(single.target_share_pct.sel(target="cap")) == pytest.approx(100 * cap, abs=1e-6)
    mix = solve_scenario(scenario_from_dict({
        "name": "mix", "description": "m", "dataset": "tiny", "policy": {
            "mode": "optimal", "objective": {"weights": {"USA": 1, "CHN": 1}},
            "instruments": [{"type": "import_tariff", "importers": "USA", "exporters": "CHN", "sectors": "MAN",
                             "lower_pct": 0, "upper_pct": 300},
                            {"type": "export_tax", "exporters": "CHN", "importers": "USA", "sectors": "MAN",
                             "lower_pct": 0, "upper_pct": 300}],
            "constraints": [{"name": "cap", "exporters": "CHN", "importers": "USA", "sectors": "MAN",
                             "max_share": cap}]}}))
    two = ["USA", "CHN"]
    assert float(mix.ev_usd_million.sel(region=two).sum()) >= float(single.ev_usd_million.sel(region=two).sum()) - 1e-6


def test_reciprocity_target_balances_the_two_sides_export_changes():
    """China's endogenous tariff makes the change in US exports to China equal the change in
    China's exports to the US, at benchmark world prices, to 1e-8 (relative)."""
    # gtap: under protee the 10-point US tariff cuts China's exports to the US by USD 230 bn on
    # the tiny dataset, more than a Chinese tariff can cut US exports to China (-157 bn at 40%)
    ds = solve_scenario(scenario_from_dict({"name": "r", "description": "r", "dataset": "tiny",
                                            "elasticities": "gtap", "shocks": [
        {"type": "import_tariff", "importers": "USA", "exporters": "CHN", "add_pct_points": 10},
        {"type": "reciprocity_target", "name": "xxviii", "side_a": "USA", "side_b": "CHN"}]}))
    change = (ds.bilateral_trade_usd_million * ds.bilateral_trade_pct / 100).fillna(0)
    us, cn = float(change.sel(exporter="USA", importer="CHN").sum()), float(change.sel(exporter="CHN", importer="USA").sum())
    assert us == pytest.approx(cn, rel=1e-8)
    assert float(ds.target_instrument_pct.sel(target="xxviii")) > 0


def test_proportional_reciprocity_equates_the_percentage_changes_of_the_two_sides_exports():
    """With ``balance: proportional`` China's endogenous tariff on US goods makes US goods
    exports to China fall by the same percentage as China's goods exports to the US (1e-8)."""
    goods = ["PRI", "MAN"]
    ds = solve_scenario(scenario_from_dict({"name": "r", "description": "r", "dataset": "tiny", "shocks": [
        {"type": "import_tariff", "importers": "USA", "exporters": "CHN", "add_pct_points": 40},
        {"type": "reciprocity_target", "name": "xxviii", "side_a": "USA", "side_b": "CHN",
         "sectors": goods, "balance": "proportional"}]}))
    base = ds.bilateral_trade_usd_million.sel(sector=goods)
    change = (base * ds.bilateral_trade_pct.sel(sector=goods) / 100).fillna(0)

    def pct(e: str, m: str) -> float:
        return float(change.sel(exporter=e, importer=m).sum() / base.sel(exporter=e, importer=m).sum())
    assert pct("USA", "CHN") == pytest.approx(pct("CHN", "USA"), rel=1e-8)
    assert pct("USA", "CHN") < -0.05


@pytest.mark.parametrize("policy,message", [
    ({"mode": "optimal", "objective": {"weights": {"MARS": 1}},
      "instruments": [{"type": "import_tariff", "importers": "USA"}]}, "unknown region 'MARS'"),
    ({"mode": "optimal", "objective": {"weights": {"USA": 1}},
      "instruments": [{"type": "import_tariff", "importers": "USA", "sectors": "XXX"}]}, "unknown sector 'XXX'"),
    ({"mode": "optimal", "objective": {"weights": {"USA": 1}},
      "instruments": [{"type": "import_tariff", "importers": "USA", "lower_pct": 50, "upper_pct": 10}]},
     "infeasible bounds"),
    ({"mode": "optimal", "objective": {"weights": {"USA": 1}},
      "instruments": [{"type": "import_tariff", "importers": "USA", "exporters": "CHN", "sectors": "MAN",
                       "lower_pct": 0, "upper_pct": 1}],
      "constraints": [{"name": "c", "exporters": "CHN", "importers": "USA", "sectors": "MAN", "max_share": 0.01}]},
     "no instrument values within the bounds"),
    ({"mode": "nash", "players": {"USA": [{"type": "import_tariff", "importers": "USA"}]}}, "at least two players"),
])
def test_bad_policy_specifications_fail_in_one_line(policy, message):
    with pytest.raises(CGEInputError) as err:
        solve_scenario(scenario_from_dict({"name": "bad", "description": "b", "dataset": "tiny", "policy": policy}))
    assert message in str(err.value) and "\n" not in str(err.value)
