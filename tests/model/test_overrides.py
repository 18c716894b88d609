"""Elasticity overrides change exactly the elasticities they name, and bad ones are refused
in one line."""

from __future__ import annotations

import numpy as np
import pytest

from cge.errors import CGEInputError
from cge.model.overrides import OVERRIDABLE, ElasticityOverride, apply_overrides, overrides_from_csv
from cge.runner import get_model
from cge.scenario import scenario_from_dict

BASE = {"name": "ov", "description": "override", "dataset": "tiny", "elasticities": "gtap"}


def elasticities(b) -> dict[str, np.ndarray]:
    return {k: getattr(b, k).copy() for k in OVERRIDABLE}


@pytest.mark.parametrize("override", [
    {"parameter": "esub_mm", "sectors": "MAN", "value": 9.0},
    {"parameter": "esub_dm", "sectors": ["PRI"], "regions": "USA", "scale": 1.5},
    {"parameter": "esub_va", "value": 0.0},
    {"parameter": "esub_top", "sectors": "SRV", "regions": ["CHN", "ROW"], "value": 0.3},
])
def test_override_changes_exactly_the_parameter_it_names(override):
    """Only the named parameter changes, only on the named sectors and regions, to the rule."""
    plain = get_model(scenario_from_dict({**BASE, "shocks": []}))[0].cgem.benchmark
    b = get_model(scenario_from_dict({**BASE, "elasticity_overrides": [override]}))[0].cgem.benchmark
    before, after = elasticities(plain), elasticities(b)
    par = override["parameter"]
    secs = override.get("sectors", "all")
    regs = override.get("regions", "all")
    secs = plain.sectors if secs == "all" else ([secs] if isinstance(secs, str) else secs)
    regs = plain.regions if regs == "all" else ([regs] if isinstance(regs, str) else regs)
    mask = np.zeros_like(before[par], dtype=bool)
    mask[np.ix_([plain.si[s] for s in secs], [plain.ri[r] for r in regs])] = True
    for k in OVERRIDABLE:
        if k != par:
            assert np.array_equal(before[k], after[k]), k
    assert np.array_equal(before[par][~mask], after[par][~mask])
    want = (np.full(mask.sum(), override["value"]) if "value" in override
            else before[par][mask] * override["scale"])
    assert np.allclose(after[par][mask], want)


def test_overrides_from_a_csv_file(tmp_path):
    """A CSV of sector (and region) rows sets those elasticities."""
    path = tmp_path / "e.csv"
    path.write_text("sector,region,esub_mm,esub_dm\nMAN,USA,7.5,3.0\n")
    sc = scenario_from_dict({**BASE, "name": "csv", "elasticity_file": str(path)})
    b = get_model(sc)[0].cgem.benchmark
    assert b.esub_mm[b.si["MAN"], b.ri["USA"]] == 7.5
    assert b.esub_dm[b.si["MAN"], b.ri["USA"]] == 3.0
    assert b.esub_mm[b.si["MAN"], b.ri["CHN"]] != 7.5


@pytest.mark.parametrize("override,message", [
    ({"parameter": "esub_mm", "sectors": "XXX", "value": 2.0}, "unknown 'XXX'"),
    ({"parameter": "esub_mm", "regions": "MARS", "value": 2.0}, "unknown 'MARS'"),
    ({"parameter": "esub_mm", "value": 0.0}, "must stay above 0"),
    ({"parameter": "esub_va", "value": 1e6}, "at or below"),
])
def test_bad_overrides_are_refused_in_one_line(override, message):
    b = get_model(scenario_from_dict({**BASE, "shocks": []}))[0].cgem.benchmark
    with pytest.raises(CGEInputError) as err:
        apply_overrides(b, [ElasticityOverride(**override)])
    assert message in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("raw", [
    {"parameter": "esub_xx", "value": 1.0}, {"parameter": "esub_mm"},
    {"parameter": "esub_mm", "value": 1.0, "scale": 2.0}, {"parameter": "esub_mm", "value": float("nan")},
    {"parameter": "esub_mm", "scale": -1.0},
])
def test_malformed_overrides_fail_validation(raw):
    with pytest.raises(CGEInputError):
        scenario_from_dict({**BASE, "elasticity_overrides": [raw]})


def test_csv_without_parameter_columns_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("sector,foo\nMAN,1\n")
    with pytest.raises(CGEInputError) as err:
        overrides_from_csv(path)
    assert "needs a column" in str(err.value)


def test_overrides_are_recorded_in_the_results_provenance(tmp_path):
    """The results (and the written file) name the overrides and the elasticity file, and the
    input hash changes with the file's content."""
    import json

    import xarray as xr

    from cge.runner import run_scenario, scenario_hash

    path = tmp_path / "e.csv"
    path.write_text("sector,esub_mm\nMAN,7.5\n")
    raw = {**BASE, "name": "prov", "elasticity_file": str(path),
           "elasticity_overrides": [{"parameter": "esub_dm", "sectors": "PRI", "regions": "USA", "scale": 1.5}]}
    sc = scenario_from_dict(raw)
    run_scenario(sc, out_dir=tmp_path)
    with xr.open_dataset(tmp_path / "prov.nc", engine="h5netcdf") as ds:
        overrides = ds.attrs["elasticity_overrides"]
        overrides = json.loads(overrides) if isinstance(overrides, str) else overrides
        assert "esub_dm" in str(overrides) and "PRI" in str(overrides)
        assert ds.attrs["elasticity_file"] == str(path) and ds.attrs["elasticity_set"] == "gtap"
    before = scenario_hash(sc)
    path.write_text("sector,esub_mm\nMAN,8.5\n")
    assert scenario_hash(sc) != before


def test_factor_supply_elasticity_override_changes_only_that_factor_and_region():
    """A scenario sets the supply elasticity of natural resources in one region; every other
    factor and region keeps the dataset's value (issue 11: a supply response a scenario can
    change)."""
    base = {"name": "fs", "description": "factor supply", "dataset": "tiny", "shocks": []}
    plain = get_model(scenario_from_dict(base))[0].cgem.benchmark
    assert "NRS" in plain.factors
    ov = {"parameter": "factor_supply_elasticity", "factors": "NRS", "regions": "USA", "value": 0.7}
    b = get_model(scenario_from_dict({**base, "elasticity_overrides": [ov]}))[0].cgem.benchmark
    changed = b.factor_supply_elasticity != plain.factor_supply_elasticity
    assert changed.sum() == 1 and b.factor_supply_elasticity[b.factors.index("NRS"), b.ri["USA"]] == 0.7


def test_factor_supply_override_is_refused_by_sector():
    with pytest.raises(ValueError, match="factors and regions, not sectors"):
        ElasticityOverride(parameter="factor_supply_elasticity", sectors="MAN", value=1.0)
