"""Tests of the sector split (cge.data.split) on a small synthetic balanced dataset.

The fixture builds a 4-region x 6-sector dataset from random flows so that every
identity of cge.data.schema holds by construction (row, import, column balance,
tariffs, trade balance, income = expenditure + trade balance); the split must keep
them all and preserve every total of the parent.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml

from cge.data.schema import (COMMODITY, EXPORTER, FD, FD_AGENTS, FIELD_BY_NAME, IMPORTER,
                             REGION, REQUIRED_ATTRS, SECTOR)
from cge.data.split import (SPLITS_DIR, SplitSpec, allocate_within_bounds, apply_splits,
                            load_split_spec, split_sector)
from cge.data.validate import validate_dataset
from cge.errors import CGEInputError

REGIONS = ["USA", "CHN", "EUR", "ROW"]
SECTORS = ["MIN", "CHM", "MET", "ELE", "TRN", "OSV"]
FACTORS = ["LAB", "CAP"]


def synthetic_dataset(seed: int = 0) -> xr.Dataset:
    """A balanced random base dataset following the schema (USD million)."""
    rng = np.random.default_rng(seed)
    S, R, F = len(SECTORS), len(REGIONS), len(FD_AGENTS)
    int_dom = rng.uniform(1, 6, (S, S, R))
    int_imp = rng.uniform(0.5, 3, (S, S, R))
    fd_dom = rng.uniform(30, 90, (S, F, R))
    fd_imp = rng.uniform(5, 20, (S, F, R))
    imports = int_imp.sum(1) + fd_imp.sum(1)                       # (S, R)
    share = rng.uniform(0.2, 1.0, (S, R, R)) * (1 - np.eye(R))[None]
    trade = share / share.sum(1, keepdims=True) * imports[:, None, :]   # (S, X, M)
    output = int_dom.sum(1) + fd_dom.sum(1) + trade.sum(2)
    rate = rng.uniform(0.0, 0.1, (S, R, R)) * (1 - np.eye(R))[None]
    revenue = rate * trade
    tbar = revenue.sum(1) / trade.sum(1)                            # (S, M)
    int_tariff = (tbar[:, None, :] * int_imp).sum(0)
    fd_tariff = (tbar[:, None, :] * fd_imp).sum(0)
    va = output - int_dom.sum(0) - int_imp.sum(0) - int_tariff
    assert (va > 0).all()
    lab = rng.uniform(0.3, 0.7, (S, R))
    factor_income = np.stack([va * lab, va * (1 - lab)])
    tb = trade.sum((0, 2)) - trade.sum((0, 1))
    c = {SECTOR: SECTORS, COMMODITY: SECTORS, REGION: REGIONS, EXPORTER: REGIONS,
         IMPORTER: REGIONS, FD: list(FD_AGENTS), "factor": FACTORS, "elasticity_set": ["gtap"]}
    values = {"output": output, "int_dom": int_dom, "int_imp": int_imp, "fd_dom": fd_dom,
              "fd_imp": fd_imp, "trade": trade, "factor_income": factor_income,
              "tariff_rate": rate, "tariff_revenue": revenue, "int_tariff": int_tariff,
              "fd_tariff": fd_tariff, "trade_balance": tb,
              "esub_dm": rng.uniform(1, 4, (1, S)), "esub_mm": rng.uniform(2, 8, (1, S)),
              "esub_va": np.full((1, S), 1.0)}
    ds = xr.Dataset({name: xr.DataArray(v, dims=FIELD_BY_NAME[name].dims,
                                        coords={d: c[d] for d in FIELD_BY_NAME[name].dims},
                                        attrs={"units": FIELD_BY_NAME[name].units})
                     for name, v in values.items()})
    ds.attrs = {a: "{}" for a in REQUIRED_ATTRS} | {"title": "synthetic"}
    return ds


def spec(**overrides) -> SplitSpec:
    """A SEMI-like split of ELE: China 50% of world output, 90% of world exports."""
    raw = {"new": "NEW", "parent": "ELE", "name": "test good", "description": "test",
           "output": {"world_usd_m": 60.0, "region_shares": {"CHN": 0.5, "other": 0.5}},
           "trade": {"world_exports_usd_m": 20.0, "exporter_shares": {"CHN": 0.9, "other": 0.1}},
           "uses": {"TRN": {"share_of_parent_use": 0.5, "source": "test"}},
           "sources": ["test"]}
    raw.update(overrides)
    return SplitSpec.model_validate(raw)


@pytest.fixture(scope="module")
def base() -> xr.Dataset:
    return synthetic_dataset()


@pytest.fixture(scope="module")
def split(base) -> xr.Dataset:
    return split_sector(base, spec())


def test_fixture_balances(base):
    """The synthetic base dataset satisfies every identity of the validator."""
    validate_dataset(base)


def test_split_passes_every_identity(split):
    """After the split, row/import/column balance, tariffs and income = expenditure + TB hold."""
    validate_dataset(split)
    assert list(split[SECTOR].values) == ["MIN", "CHM", "MET", "ELE", "NEW", "TRN", "OSV"]


def test_split_preserves_parent_totals(base, split):
    """Parent + new = old parent: output, trade by pair, tariff revenue by pair, every
    use (domestic and imported, intermediate and final) and rows of the other goods."""
    both = lambda da, dim: da.sel({dim: "ELE"}, drop=True) + da.sel({dim: "NEW"}, drop=True)
    for name in ("output", "trade", "tariff_revenue"):
        xr.testing.assert_allclose(both(split[name], SECTOR), base[name].sel({SECTOR: "ELE"}, drop=True),
                                   rtol=1e-12)
    for name in ("int_dom", "int_imp"):
        old = base[name].sel({COMMODITY: "ELE"}, drop=True)
        new = both(split[name], COMMODITY)
        new = new.sel({SECTOR: "ELE"}, drop=True) + new.sel({SECTOR: "NEW"}, drop=True)   # split column summed back
        xr.testing.assert_allclose(new, old.sel({SECTOR: "ELE"}, drop=True), rtol=1e-9)
        others = [s for s in SECTORS if s != "ELE"]
        xr.testing.assert_allclose(both(split[name], COMMODITY).sel({SECTOR: others}),
                                   old.sel({SECTOR: others}), rtol=1e-9)
    for name in ("fd_dom", "fd_imp"):
        xr.testing.assert_allclose(both(split[name], COMMODITY),
                                   base[name].sel({COMMODITY: "ELE"}, drop=True), rtol=1e-9)
    xr.testing.assert_allclose(split["trade_balance"], base["trade_balance"], rtol=1e-12)


def test_split_preserves_value_added(base, split):
    """Regional value added plus tariffs paid by industries is exact (tariff revenue moves
    between users only); the parent's value added is preserved up to the recorded
    re-attribution of tariff payments between users, which is small."""
    income = lambda d: d["factor_income"].sum(("factor", SECTOR)) + d["int_tariff"].sum(SECTOR)
    xr.testing.assert_allclose(split["tariff_revenue"].sum((SECTOR, EXPORTER)),
                               base["tariff_revenue"].sum((SECTOR, EXPORTER)), rtol=1e-12)
    xr.testing.assert_allclose(income(split), income(base), rtol=1e-12)
    va = split["factor_income"].sum("factor")
    moved = json.loads(split.attrs["splits"])[-1]["adjustments"]["tariff_reattribution_usd_m"]
    diff = np.abs((va.sel(sector="ELE") + va.sel(sector="NEW")
                   - base["factor_income"].sum("factor").sel(sector="ELE")).values)
    assert diff.max() <= 2 * moved + 1e-9
    assert moved < 1e-2 * float(va.sel(sector="NEW").min())


def test_export_shares_and_output_as_specified(split):
    """China's share of world exports of the new good and world output come out as specified,
    and the named user (TRN) buys the specified share of its parent-good use as new good."""
    exports = split["trade"].sel(sector="NEW").sum(IMPORTER)
    assert float(exports.sel(exporter="CHN") / exports.sum()) == pytest.approx(0.9, abs=1e-9)
    assert float(exports.sum()) == pytest.approx(20.0)
    assert float(split["output"].sel(sector="NEW").sum()) == pytest.approx(60.0)
    assert float(split["output"].sel(sector="NEW", region="CHN")) == pytest.approx(30.0)
    adjust = json.loads(split.attrs["splits"])[-1]["adjustments"]
    use = lambda c: (split["int_dom"] + split["int_imp"]).sel(commodity=c, sector="TRN")
    share = (use("NEW") / (use("NEW") + use("ELE"))).values
    exact = np.isclose(share, 0.5, rtol=1e-9)
    assert exact.sum() >= 3
    moved = adjust["specified_uses_rescaled_share"] + adjust["uses_moved_by_dom_imp_bounds_share"]
    assert exact.all() or moved > 1e-3   # any departure is recorded


def test_new_sector_copies_parent_cost_shares_and_elasticities(base, split):
    """The new sector has the parent's factor shares, tariff rates and elasticities."""
    fi = split["factor_income"]
    lab = lambda d, s: (d["factor_income"].sel(factor="LAB", sector=s)
                        / d["factor_income"].sel(sector=s).sum("factor"))
    np.testing.assert_allclose(lab(split, "NEW").values, lab(base, "ELE").values, rtol=1e-3)
    xr.testing.assert_equal(split["tariff_rate"].sel(sector="NEW", drop=True),
                            base["tariff_rate"].sel(sector="ELE", drop=True))
    assert float(split["esub_dm"].sel(sector="NEW")[0]) == float(base["esub_dm"].sel(sector="ELE")[0])
    assert fi.dims == base["factor_income"].dims


def test_conflicting_export_share_is_rebalanced_and_reported(base):
    """An exporter share the exporter cannot supply (exports > its output) is capped and the
    excess moved to the other exporters; the move is reported in the attrs."""
    ds = split_sector(base, spec(output={"world_usd_m": 60.0, "region_shares":
                                         {"CHN": 0.05, "other": 0.95}}))
    validate_dataset(ds)
    adjust = json.loads(ds.attrs["splits"])[-1]["adjustments"]
    assert adjust["exports_moved_share"] > 0.5
    exports = ds["trade"].sel(sector="NEW").sum(IMPORTER)
    assert float(exports.sel(exporter="CHN")) <= float(ds["output"].sel(sector="NEW", region="CHN")) + 1e-9


def test_split_records_parents(split):
    """The split is recorded: split_parents maps new -> parent; splits keeps the definition."""
    assert json.loads(split.attrs["split_parents"]) == {"NEW": "ELE"}
    assert json.loads(split.attrs["splits"])[0]["definition"]["sources"] == ["test"]


def test_importer_shares_fitted(base):
    """Destination shares of world imports are matched by the bounded RAS when feasible."""
    ds = split_sector(base, spec(trade={"world_exports_usd_m": 10.0,
                                        "importer_shares": {"USA": 0.4, "other": 0.6}}))
    validate_dataset(ds)
    imports = ds["trade"].sel(sector="NEW").sum(EXPORTER)
    assert float(imports.sel(importer="USA") / imports.sum()) == pytest.approx(0.4, abs=1e-6)


def _write(tmp_path: Path, raw: dict) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def _raw() -> dict:
    return spec().model_dump(exclude_none=True)


def test_shares_not_adding_up_fail_in_one_line(tmp_path):
    """Exporter shares summing to 0.8 fail with one line naming the field."""
    raw = _raw()
    raw["trade"]["exporter_shares"] = {"CHN": 0.7, "other": 0.1}
    with pytest.raises(CGEInputError, match=r"trade.*exporter_shares sums to 0\.8") as err:
        load_split_spec(_write(tmp_path, raw))
    assert "\n" not in str(err.value)


def test_share_outside_unit_interval_fails(tmp_path):
    """A share above 1 fails naming the field."""
    raw = _raw()
    raw["uses"]["TRN"]["share_of_parent_use"] = 1.5
    with pytest.raises(CGEInputError, match=r"uses\.TRN.*outside \[0, 1\]") as err:
        load_split_spec(_write(tmp_path, raw))
    assert "\n" not in str(err.value)


def test_unknown_sector_or_region_fails(base):
    """An unknown parent, user sector or region fails with one line naming it."""
    for bad, pattern in ((spec(parent="XYZ"), r"parent: unknown sector 'XYZ'"),
                         (spec(uses={"CAR": {"share_of_parent_use": 0.1, "source": "x"}}),
                          r"uses\.CAR: unknown sector"),
                         (spec(trade={"exporter_shares": {"JPN": 0.9, "other": 0.1}}),
                          r"trade\.exporter_shares\.JPN: unknown region")):
        with pytest.raises(CGEInputError, match=pattern) as err:
            split_sector(base, bad)
        assert "\n" not in str(err.value)


def test_allocation_respects_bounds():
    """Proportional allocation within bounds adds up exactly and respects every bound."""
    x = allocate_within_bounds(10.0, np.array([1.0, 1.0, 8.0]), np.zeros(3),
                               np.array([5.0, 5.0, 3.0]), "test")
    assert x.sum() == pytest.approx(10.0, abs=1e-12)
    np.testing.assert_allclose(x, [3.5, 3.5, 3.0])
    with pytest.raises(CGEInputError):
        allocate_within_bounds(20.0, np.ones(3), np.zeros(3), np.full(3, 5.0), "test")


def test_project_split_definitions_load():
    """The committed REE, MAG and SEMI definitions are valid and cite sources."""
    for name in ("ree", "mag", "semi"):
        loaded = load_split_spec(SPLITS_DIR / f"{name}.yaml")
        assert loaded.new == name.upper() and loaded.sources


def test_critical_splits_on_synthetic_data():
    """MAG, SEMI and REE applied in order to a dataset with the default sector codes keep
    every identity; China's export shares of REE and MAG come out at about 90%."""
    regions = ["USA", "CHN", "EUR", "GBR", "JPN", "KOR", "TWN", "MEX", "CAN", "IND", "BRA", "ROW"]
    sectors = ["AGR", "MIN", "FOD", "TEX", "CHM", "RPN", "MET", "MCH", "ELE", "TRN", "OMF",
               "UTL", "CNS", "TTS", "OSV"]
    global REGIONS, SECTORS
    saved = REGIONS, SECTORS
    REGIONS, SECTORS = regions, sectors
    try:
        ds = synthetic_dataset(1)
    finally:
        REGIONS, SECTORS = saved
    scale = 2e5   # synthetic flows of ~1e2 -> a world economy of ~1e8 USD million
    for name in ("output", "int_dom", "int_imp", "fd_dom", "fd_imp", "trade", "factor_income",
                 "tariff_revenue", "int_tariff", "fd_tariff", "trade_balance"):
        ds[name] = ds[name] * scale
        ds[name].attrs["units"] = FIELD_BY_NAME[name].units
    out = apply_splits(ds, [SPLITS_DIR / f for f in ("mag.yaml", "semi.yaml", "ree.yaml")])
    validate_dataset(out)
    assert json.loads(out.attrs["critical_inputs"]) == ["MAG", "SEMI", "REE"]
    for code in ("REE", "MAG"):
        exports = out["trade"].sel(sector=code).sum(IMPORTER)
        assert float(exports.sel(exporter="CHN") / exports.sum()) > 0.85


def test_built_critical_dataset_keeps_full_sector_codes(tmp_path):
    """Writing the split dataset keeps four-letter codes such as SEMI (no truncation to the
    three-letter width of the source file's labels)."""
    from cge.data.datasets import dataset_path
    from cge.data.split import build_critical_dataset
    import xarray as xr

    out = tmp_path / "critical.nc"
    build_critical_dataset(dataset_path("default"), out)
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        assert "SEMI" in [str(s) for s in ds["sector"].values]


# ------------------------------------------------ own cost structure, resource factor, elasticities
def _chain(base: xr.Dataset, **ree_overrides) -> tuple[xr.Dataset, xr.Dataset]:
    """A magnet-like sector out of ELE, then a rare-earth-like sector out of CHM whose magnet
    user must hold a 40% cost share (its own cost structure, ``adjust_user_costs``)."""
    mag = spec(new="MAG", output={"world_usd_m": 8.0, "region_shares": {"CHN": 0.6, "other": 0.4}},
               trade={"world_exports_usd_m": 3.0, "exporter_shares": {"CHN": 0.9, "other": 0.1}},
               uses={})
    first = split_sector(base, mag)
    raw = {"new": "REE", "parent": "CHM", "name": "rare earths", "description": "test",
           "output": {"world_usd_m": 12.0, "region_shares": {"CHN": 0.9, "other": 0.1}},
           "trade": {"world_exports_usd_m": 5.0, "exporter_shares": {"CHN": 0.9, "other": 0.1}},
           "uses": {"MAG": {"cost_share": 0.4, "adjust_user_costs": True, "source": "test"}},
           "sources": ["test"]}
    raw.update(ree_overrides)
    return first, split_sector(first, SplitSpec.model_validate(raw))


def _cost_share(ds: xr.Dataset, good: str, user: str) -> np.ndarray:
    use = (ds["int_dom"] + ds["int_imp"]).sel(commodity=good, sector=user)
    return (use / ds["output"].sel(sector=user)).values


def test_user_takes_its_own_cost_structure(base):
    """A user named with adjust_user_costs buys the new good for exactly its cost share (here
    40%, where the inherited coefficient allows only a few percent); its parent takes the
    opposite change, so parent + user still equal the old parent column cell by cell, and
    every identity holds."""
    first, ds = _chain(base)
    validate_dataset(ds)
    np.testing.assert_allclose(_cost_share(ds, "REE", "MAG"), 0.4, rtol=1e-9)
    assert _cost_share(first, "CHM", "MAG").max() < 0.1
    for name in ("int_dom", "int_imp"):
        old = first[name].sel(sector=["ELE", "MAG"]).sum("sector")
        new = ds[name].sel(sector=["ELE", "MAG"]).sum("sector")
        new = new.sel(commodity=[c for c in new.commodity.values if c != "REE"]).copy()
        new.loc[{"commodity": "CHM"}] += ds[name].sel(commodity="REE", sector=["ELE", "MAG"]).sum("sector")
        xr.testing.assert_allclose(new, old.sel(commodity=new.commodity), rtol=1e-9)
    va = lambda d: d["factor_income"].sum("factor").sel(sector=["ELE", "MAG"]).sum("sector")
    np.testing.assert_allclose(va(ds).values, va(first).values, rtol=1e-2)   # up to tariff re-attribution
    assert json.loads(ds.attrs["splits"])[-1]["adjustments"]["user_costs_moved_usd_m"]["MAG"] > 0


def test_new_sector_cost_shares(base):
    """``costs`` gives the new sector its own input shares (share of gross output); the rest of
    its column is scaled, the parent takes the difference, the dataset stays balanced."""
    ds = split_sector(base, spec(costs={"MET": {"cost_share": 0.05, "by_region": {"USA": 0.08},
                                               "source": "test"}}))
    validate_dataset(ds)
    share = _cost_share(ds, "MET", "NEW")
    np.testing.assert_allclose(share, [0.08, 0.05, 0.05, 0.05], rtol=1e-9)
    for name in ("int_dom", "int_imp", "factor_income"):
        both = ds[name].sel(sector=["ELE", "NEW"]).sum("sector")
        if name != "factor_income":
            both = both.sel(commodity=["MIN", "CHM", "MET", "TRN", "OSV"])
        ref = split_sector(base, spec())[name].sel(sector=["ELE", "NEW"]).sum("sector")
        ref = ref.sel(commodity=both.commodity) if name != "factor_income" else ref
        xr.testing.assert_allclose(both, ref, rtol=1e-6)


def test_resource_factor_is_carved_out_of_value_added(base):
    """A resource factor takes its share of the new sector's value added in every region, the
    other factors shrink pro rata (value added unchanged), and its supply elasticity and
    sector-specific mobility are recorded for the model."""
    res = {"factor": "NRS", "share_of_value_added": 0.4, "supply_elasticity": 0.05, "source": "test"}
    plain, ds = split_sector(base, spec()), split_sector(base, spec(resource=res))
    validate_dataset(ds)
    fi = ds["factor_income"]
    assert list(fi.factor.values) == ["LAB", "CAP", "NRS"]
    np.testing.assert_allclose((fi.sel(factor="NRS", sector="NEW") / fi.sel(sector="NEW").sum("factor")).values,
                               0.4, rtol=1e-12)
    xr.testing.assert_allclose(fi.sum("factor"), plain["factor_income"].sum("factor"), rtol=1e-12)
    assert float(fi.sel(factor="NRS").drop_sel(sector="NEW").sum()) == 0.0
    np.testing.assert_allclose(ds["factor_supply_elasticity"].sel(factor="NRS").values, 0.05)
    np.testing.assert_allclose(ds["factor_supply_elasticity"].sel(factor=["LAB", "CAP"]).values, 0.0)
    assert json.loads(ds.attrs["factor_mobility"]) == {"NRS": "sector_specific"}


def test_resource_factor_when_the_parent_has_one(base):
    """When the dataset already has the factor (here in the parent), the new sector's share is
    still the specified one and nothing else changes; a different supply elasticity for the
    same factor is a one-line error (the model holds one per factor and region)."""
    res = {"factor": "NRS", "share_of_value_added": 0.3, "supply_elasticity": 0.05, "source": "t"}
    withnrs = split_sector(base, spec(new="AAA", parent="MIN", output={"world_usd_m": 10.0,
                                      "region_shares": {"CHN": 0.5, "other": 0.5}}, uses={},
                                      trade={}, resource=res))
    parent_share = withnrs["factor_income"].sel(factor="NRS", sector="AAA").sum()
    ds = split_sector(withnrs, spec(parent="AAA", output={"share_of_parent": {"default": 0.5}},
                                    trade={}, uses={}, resource=dict(res, share_of_value_added=0.6)))
    validate_dataset(ds)
    fi = ds["factor_income"]
    np.testing.assert_allclose((fi.sel(factor="NRS", sector="NEW") / fi.sel(sector="NEW").sum("factor")).values,
                               0.6, rtol=1e-12)
    assert float(parent_share) > 0
    with pytest.raises(CGEInputError, match=r"supply_elasticity 0\.2 differs") as err:
        split_sector(withnrs, spec(resource=dict(res, supply_elasticity=0.2)))
    assert "\n" not in str(err.value)


def test_own_elasticities(base):
    """The new sector's own elasticities replace the parent's in the named set; an unknown set
    is a one-line error."""
    ds = split_sector(base, spec(elasticities={"gtap": {"esub_mm": 1.45, "esub_va": 0.2, "source": "t"}}))
    assert float(ds["esub_mm"].sel(sector="NEW", elasticity_set="gtap")) == 1.45
    assert float(ds["esub_va"].sel(sector="NEW", elasticity_set="gtap")) == 0.2
    assert float(ds["esub_dm"].sel(sector="NEW", elasticity_set="gtap")) == \
        float(base["esub_dm"].sel(sector="ELE", elasticity_set="gtap"))
    with pytest.raises(CGEInputError, match=r"elasticities\.xyz: unknown elasticity set"):
        split_sector(base, spec(elasticities={"xyz": {"esub_mm": 2.0, "source": "t"}}))


def test_bad_structure_options_fail_in_one_line(base, tmp_path):
    """Cost shares that leave nothing for value added, an unknown input, adjust_user_costs on a
    user that is not a split sector, or without a cost share: one-line errors naming them."""
    raw = _raw()
    raw["costs"] = {"MET": {"cost_share": 0.6, "source": "t"}, "CHM": {"cost_share": 0.5, "source": "t"}}
    with pytest.raises(CGEInputError, match=r"costs: cost shares sum to 1\.1") as err:
        load_split_spec(_write(tmp_path, raw))
    assert "\n" not in str(err.value)
    raw = _raw()
    raw["uses"]["TRN"]["adjust_user_costs"] = True
    with pytest.raises(CGEInputError, match=r"adjust_user_costs needs the cost_share form"):
        load_split_spec(_write(tmp_path, raw))
    with pytest.raises(CGEInputError, match=r"costs\.CAR: unknown sector"):
        split_sector(base, spec(costs={"CAR": {"cost_share": 0.1, "source": "t"}}))
    with pytest.raises(CGEInputError, match=r"uses\.TRN\.adjust_user_costs: TRN is not a split sector") as err:
        split_sector(base, spec(uses={"TRN": {"cost_share": 0.01, "adjust_user_costs": True, "source": "t"}}))
    assert "\n" not in str(err.value)
