"""Outcome targets (issue 7): the instrument is zero when the target does not bind,
and a binding target holds exactly at the solution."""

from __future__ import annotations

import pytest

from cge.errors import CGEInputError
from cge.runner import run_scenario
from cge.scenario import scenario_from_dict


def target(level: float, instrument: str = "import_tariff", kind: str = "max_share") -> dict:
    return {"name": "tgt", "description": "China's share of US imports of manufactures",
            "dataset": "tiny", "elasticities": "gtap",
            "shocks": [{"type": "share_target", "name": "chn_in_us_man", "exporters": "CHN",
                        "importers": "USA", "sectors": "MAN", "measure": "imports",
                        kind: level, "instrument": instrument}]}


@pytest.fixture(scope="module")
def benchmark_share() -> float:
    ds = run_scenario(scenario_from_dict(target(1.0)))
    return float(ds.target_benchmark_share_pct.sel(target="chn_in_us_man")) / 100


def test_target_that_does_not_bind_returns_benchmark_with_zero_instrument(benchmark_share):
    """A cap above the benchmark share leaves the instrument at zero and the economy unchanged."""
    ds = run_scenario(scenario_from_dict(target(min(1.0, 1.5 * benchmark_share))))
    assert float(ds.target_instrument_pct.sel(target="chn_in_us_man")) == pytest.approx(0.0, abs=1e-7)
    assert float(abs(ds.ev_pct_income).max()) < 1e-8


@pytest.mark.parametrize("instrument", ["import_tariff", "import_quota", "export_quota"])
def test_binding_target_holds_exactly(benchmark_share, instrument):
    """A cap at half the benchmark share binds: the share equals the cap (1e-8), instrument > 0."""
    cap = 0.5 * benchmark_share
    ds = run_scenario(scenario_from_dict(target(cap, instrument)))
    assert float(ds.target_share_pct.sel(target="chn_in_us_man")) / 100 == pytest.approx(cap, abs=1e-8)
    assert float(ds.target_instrument_pct.sel(target="chn_in_us_man")) > 0


def test_importer_instrument_benefits_importer_terms_of_trade(benchmark_share):
    """With an import tariff the importer collects the wedge; with an export quota the exporter
    collects the rent, so China fares better under the export quota than under the tariff."""
    cap = 0.5 * benchmark_share
    tariff = run_scenario(scenario_from_dict(target(cap, "import_tariff")))
    quota = run_scenario(scenario_from_dict(target(cap, "export_quota")))
    assert float(quota.ev_pct_income.sel(region="CHN")) > float(tariff.ev_pct_income.sel(region="CHN"))


def test_equal_target_fixes_the_share(benchmark_share):
    """An 'equal' target pins the share, raising it above the benchmark with a subsidy-like wedge."""
    level = min(0.99, 1.2 * benchmark_share)
    ds = run_scenario(scenario_from_dict(target(level, kind="equal_share")))
    assert float(ds.target_share_pct.sel(target="chn_in_us_man")) / 100 == pytest.approx(level, abs=1e-8)
    assert float(ds.target_instrument_pct.sel(target="chn_in_us_man")) < 0


def test_infeasible_target_fails_in_one_line():
    """A share of 0 cannot be reached by a finite instrument: one line naming the field."""
    with pytest.raises(CGEInputError) as err:
        run_scenario(scenario_from_dict(target(0.0)))
    assert "max_share" in str(err.value) and "\n" not in str(err.value)
