"""Sector-specific factors with a supply elasticity (land, natural resources): output of a
factor-constrained sector responds exactly as the factor's supply parameter allows."""

from __future__ import annotations

import numpy as np
import pytest

from cge.data.synthetic import synthetic_dataset
from cge.model.algebra import values
from cge.model.build import build_model
from cge.model.calibration import calibrate
from cge.solve.solver import Solver
from tests.conftest import set_param, value


def resource_economy(eta: float, esub_va: float) -> Solver:
    """Three regions, three sectors, labour, capital and a natural resource (NRS) used only in
    sector X, with supply elasticity ``eta``; value added of X has elasticity ``esub_va``, the
    other sectors Cobb-Douglas.  (With Leontief value added in every sector the factor markets
    cannot all clear at positive prices after a large shock.)"""
    ds = synthetic_dataset(["A", "B", "C"], ["X", "Y", "Z"], factors=("LAB", "CAP", "NRS"),
                           esub_va=1.0, seed=4)
    ds["esub_va"].loc[dict(sector="X")] = esub_va
    fi = ds["factor_income"]
    for sec in ("Y", "Z"):  # the resource only in X: its income elsewhere goes to capital
        fi.loc[dict(factor="CAP", sector=sec)] += fi.sel(factor="NRS", sector=sec)
        fi.loc[dict(factor="NRS", sector=sec)] = 0.0
    ds["factor_supply_elasticity"] = (("factor", "region"), np.full((3, 3), eta))
    ds["factor_supply_elasticity"].loc[dict(factor=["LAB", "CAP"])] = 0.0
    return Solver(build_model(calibrate(ds, "synthetic")))


def boom(s: Solver) -> np.ndarray:
    """A 30% output subsidy to X in A: a strong pull on X's factors."""
    return set_param(s.cgem, s.cgem.p0.copy(), "to", -0.3, lambda lab: lab == ("X", "A"))


def test_natural_resources_are_sector_specific_by_default():
    s = resource_economy(0.0, 0.5)
    assert {lab[:2] for lab in s.cgem.variables.blocks["pfs"]} == {("NRS", "X")}
    assert not any(lab[0] == "NRS" for lab in s.cgem.variables.blocks["pf"])


def test_fixed_resource_with_leontief_value_added_caps_output():
    """With a fixed resource and no substitution in value added (or between value added and
    intermediates), output cannot rise at all, however strong the pull."""
    s = resource_economy(0.0, 0.0)
    s.solve(boom(s))
    assert value(s, "y", ("X", "A")) == pytest.approx(1.0, abs=1e-9)
    assert value(s, "pfs", ("NRS", "X", "A")) > 1.2  # the resource rent absorbs the subsidy


@pytest.mark.parametrize("eta", [0.5, 2.0])
def test_output_follows_the_resource_supply_curve(eta):
    """With Leontief value added, output of X moves one for one with the resource employed, and
    the resource employed is (rent / CPI)^eta: output rises exactly as far as supply allows."""
    s = resource_economy(eta, 0.0)
    s.solve(boom(s))
    _, e = s.cgem.evaluate(s.x, s.p)
    cpi_a = values(e.cpi)[s.cgem.benchmark.ri["A"]]
    supply = (value(s, "pfs", ("NRS", "X", "A")) / cpi_a) ** eta
    assert value(s, "y", ("X", "A")) == pytest.approx(supply, rel=1e-9)
    assert value(s, "y", ("X", "A")) > 1.01


def test_substitution_in_value_added_lets_output_rise_past_a_fixed_resource():
    """With a fixed resource but substitutable value added, output rises, by less than with an
    elastic resource supply."""
    fixed, elastic = resource_economy(0.0, 0.5), resource_economy(1.0, 0.5)
    fixed.solve(boom(fixed))
    elastic.solve(boom(elastic))
    y_fixed, y_elastic = value(fixed, "y", ("X", "A")), value(elastic, "y", ("X", "A"))
    assert 1.0 < y_fixed < y_elastic


@pytest.fixture(scope="module")
def dataset_2023():
    """The committed 2023 default dataset (LND in agriculture, NRS in mining)."""
    from cge.data.datasets import load_dataset
    from cge.errors import CGEInputError

    try:
        return load_dataset("default")
    except CGEInputError as err:
        pytest.skip(str(err))


def mining_boom(ds, eta_nrs: float) -> tuple[Solver, dict[str, float]]:
    """A 30% output subsidy to mining (MIN) in ROW on the 2023 dataset, with the natural
    resource's supply elasticity set to ``eta_nrs`` everywhere."""
    ds = ds.copy(deep=True)
    ds["factor_supply_elasticity"].loc[dict(factor="NRS")] = eta_nrs
    s = Solver(build_model(calibrate(ds, "gtap")))
    s.solve(set_param(s.cgem, s.cgem.p0.copy(), "to", -0.3, lambda lab: lab == ("MIN", "ROW")))
    _, e = s.cgem.evaluate(s.x, s.p)
    k = s.cgem.sets.fjs.position[("NRS", "MIN", "ROW")]
    return s, {"employed": float(values(e.fjs_supply)[k]),
               "rent": value(s, "pfs", ("NRS", "MIN", "ROW")),
               "cpi": float(values(e.cpi)[s.cgem.benchmark.ri["ROW"]]),
               "output": value(s, "y", ("MIN", "ROW"))}


def test_dataset_resource_supply_follows_its_elasticity(dataset_2023):
    """On the 2023 data, NRS is specific to mining and LND to agriculture; under a mining boom
    the resource employed is (rent / CPI)^eta with the dataset's eta (0: fixed, so the rent
    absorbs the subsidy) and with eta = 1; output rises in both, more with the elastic
    resource, since with a fixed resource it rises only as far as labour and capital
    substitute for it (esub_va of mining 0.2)."""
    model = build_model(calibrate(dataset_2023, "gtap"))
    specific = {lab[:2] for lab in model.variables.blocks["pfs"]}
    assert specific == {("NRS", "MIN"), ("LND", "AGR")}
    _, fixed = mining_boom(dataset_2023, 0.0)
    _, elastic = mining_boom(dataset_2023, 1.0)
    assert fixed["employed"] == pytest.approx(1.0, abs=1e-9)
    assert fixed["rent"] / fixed["cpi"] > 1.1
    assert elastic["employed"] == pytest.approx(elastic["rent"] / elastic["cpi"], rel=1e-9)
    assert 1.0 < fixed["output"] < elastic["output"]
