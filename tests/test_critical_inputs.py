"""Critical inputs (issue 6): a magnet cut propagates to transport-equipment output."""

from __future__ import annotations

import pytest

from cge.runner import run_scenario
from cge.scenario import scenario_from_dict


def magnet_ban(esub_crit: float | None, change_pct: float = -100) -> dict:
    spec = {"name": "ban", "description": "China stops magnet exports to the US",
            "dataset": "critical", "elasticities": "gtap",
            "closure": {"capital": "sector_specific"},
            "shocks": [{"type": "export_quota", "exporters": "CHN", "importers": "USA",
                        "sectors": "MAG", "change_pct": change_pct}]}
    if esub_crit is not None:
        spec["esub_crit"] = {"TRN": esub_crit}
    return spec


@pytest.fixture(scope="module")
def trn_output_change() -> dict:
    return {e: float(run_scenario(scenario_from_dict(magnet_ban(e))).output_pct.sel(region="USA", sector="TRN"))
            for e in (None, 0.5, 0.05)}


def test_magnet_ban_lowers_transport_output_in_the_importer(trn_output_change):
    """Banning China's magnet exports to the US lowers US transport-equipment output."""
    assert trn_output_change[0.05] < 0


def test_lower_critical_elasticity_means_larger_output_loss(trn_output_change):
    """The closer to Leontief the magnet-vs-rest nest, the more US transport output falls; without
    the nest, magnets sit in GTAP's Leontief top nest (ESUBT = 0), so the loss is close to the
    near-Leontief case."""
    assert trn_output_change[0.05] < trn_output_change[0.5] < 0
    assert trn_output_change[None] == pytest.approx(trn_output_change[0.05], rel=0.05)


def test_binding_magnet_quota_carries_positive_rent():
    """A 90% cut in China's magnet exports to the US binds, with a positive rent to China."""
    ds = run_scenario(scenario_from_dict(magnet_ban(0.05, change_pct=-90)))
    rent = float(ds.quota_rent_rate_pct.sel(exporter="CHN", importer="USA", sector="MAG"))
    assert rent > 0
    assert float(ds.bilateral_trade_pct.sel(exporter="CHN", importer="USA", sector="MAG")) == pytest.approx(-90, abs=1e-6)
    assert float(ds.quota_rent_usd_million.sel(region="CHN")) > 0


def test_ban_of_an_essential_input_solves_and_lowers_the_users_output():
    """With magnets a Leontief (non-substitutable) input of US transport equipment, banning
    China's magnet exports to the US solves and lowers US transport output."""
    spec = magnet_ban(0.0)
    ds = run_scenario(scenario_from_dict(spec))
    assert ds.attrs["max_residual"] < 1e-8
    assert float(ds.output_pct.sel(region="USA", sector="TRN")) < 0
    assert float(ds.bilateral_trade_pct.sel(exporter="CHN", importer="USA", sector="MAG")) == -100.0


@pytest.mark.parametrize("rent_to", ["exporter", "none"])
def test_quota_stepped_from_the_benchmark_reaches_a_99_percent_cut(rent_to):
    """A 99% cut of China's magnet and rare-earth exports to every other region is reached by
    continuation (quotas stepped in logs from the benchmark flow) to 1e-8."""
    spec = {"name": "cut99", "description": "99% cut", "dataset": "critical", "elasticities": "gtap",
            "esub_crit": {"TRN": 0.05, "ELE": 0.1},
            "shocks": [{"type": "export_quota", "exporters": "CHN", "importers": "all",
                        "sectors": ["MAG", "REE"], "change_pct": -99, "rent_to": rent_to}]}
    ds = run_scenario(scenario_from_dict(spec))
    assert ds.attrs["max_residual"] < 1e-8
    cut = ds.bilateral_trade_pct.sel(exporter="CHN", sector="MAG").drop_sel(importer="CHN")
    assert float(cut.max()) <= -99.0 + 1e-6
