"""Combining results for a comparison: any mix of files, the order given, each dataset's
own sector order, and labels that mean different things kept apart or refused."""

from __future__ import annotations

import numpy as np
import pytest

from cge.batch import combine_scenarios
from cge.errors import CGEInputError
from cge.report import load_results
from tests.report.conftest import fake_ssa

DEFAULT = ["AGR", "CHM", "ELE", "SRV"]
CRITICAL = ["AGR", "CHM", "ELE", "SEMI", "MAG", "SRV"]


def test_a_batch_and_two_single_results_in_the_order_given(make_results, tmp_path):
    """A batch whose scenarios carry an outcome target (a ``target`` dimension) combines with
    single results that have none: no traceback, scenarios in the order of the arguments
    (not alphabetical), the target's values kept for its scenario only."""
    with_target = make_results("zeta", 0).assign_coords(target=["cap"])
    with_target["target_share_pct"] = (("target",), [12.5])
    combine_scenarios([with_target, make_results("alpha", 1)]).to_netcdf(tmp_path / "batch.nc", engine="h5netcdf")
    make_results("mid", 2).to_netcdf(tmp_path / "mid.nc", engine="h5netcdf")
    make_results("beta", 3).to_netcdf(tmp_path / "beta.nc", engine="h5netcdf")
    ds = load_results([tmp_path / "mid.nc", tmp_path / "batch.nc", tmp_path / "beta.nc"])
    assert [str(s) for s in ds["scenario"].values] == ["mid", "zeta", "alpha", "beta"]
    share = ds["target_share_pct"].sel(target="cap")
    assert share.sel(scenario="zeta").item() == 12.5 and np.isnan(share.sel(scenario="beta").item())
    assert list(ds["region"].values) == ["USA", "CHN", "ROW"]
    assert ds["ev_usd_million"].attrs["long_name"] == "Equivalent variation"


def test_two_datasets_align_sectors_in_their_own_order_and_keep_unlike_labels_apart(make_results, tmp_path):
    """ELE of a dataset with SEMI and MAG split out is not ELE of the default dataset: it is
    shown as 'ELE excl. SEMI, MAG' beside it, right after it, with the split sectors after;
    AGR means the same in both and is one row.  A batch of both datasets (its sectors the
    union) gives back each scenario's own sectors."""
    default = make_results("tariffs", 0, sectors=DEFAULT, dataset="default")
    critical = make_results("chips", 1, sectors=CRITICAL, dataset="critical",
                            split_parents={"SEMI": "ELE", "MAG": "ELE"})
    ds = load_results_pair(default, critical, tmp_path)
    assert list(ds["sector"].values) == ["AGR", "CHM", "ELE", "ELE excl. SEMI, MAG", "SEMI", "MAG", "SRV"]
    out = ds["output_pct"].sel(region="USA")
    assert out.sel(scenario="chips", sector="ELE excl. SEMI, MAG").item() == \
        critical["output_pct"].sel(region="USA", sector="ELE").item()
    assert np.isnan(out.sel(scenario="chips", sector="ELE").item())
    assert np.isnan(out.sel(scenario="tariffs", sector="SEMI").item())
    assert out.sel(scenario="tariffs", sector="AGR").item() == default["output_pct"].sel(region="USA", sector="AGR").item()


def load_results_pair(first, second, folder):
    """The comparison of two results written to files."""
    first.to_netcdf(folder / "first.nc", engine="h5netcdf")
    second.to_netcdf(folder / "second.nc", engine="h5netcdf")
    return load_results([folder / "first.nc", folder / "second.nc"])


def test_a_batch_of_two_datasets_gives_each_scenario_its_own_sectors(make_results, tmp_path):
    """cge batch stacks scenarios of two datasets on the union of their sector labels; the
    comparison restores each scenario's own sectors and order before aligning them, and the
    sector with splits is the qualified one whichever dataset comes first."""
    default = make_results("tariffs", 0, sectors=DEFAULT, dataset="default")
    critical = make_results("chips", 1, sectors=CRITICAL, dataset="critical",
                            split_parents={"SEMI": "ELE", "MAG": "ELE"})
    combine_scenarios([critical, default]).to_netcdf(tmp_path / "batch.nc", engine="h5netcdf")
    ds = load_results([tmp_path / "batch.nc"])
    assert list(ds["sector"].values) == ["AGR", "CHM", "ELE", "ELE excl. SEMI, MAG", "SEMI", "MAG", "SRV"]
    assert ds["scenario_title"].sel(scenario="chips").item() == "Chips"


def test_a_region_that_means_different_things_is_refused_in_one_line(make_results, tmp_path):
    """ROW of a 3-region dataset is not ROW of a 4-region one: refused, naming the file."""
    small = make_results("small", 0)
    large = make_results("large", 1, regions=["USA", "CHN", "EUR", "ROW"])
    large.attrs["region_mapping"] = '{"USA": ["USA"], "CHN": ["CHN"], "EUR": ["DEU"], "ROW": ["BRA"]}'
    small.attrs["region_mapping"] = '{"USA": ["USA"], "CHN": ["CHN"], "ROW": ["BRA", "DEU"]}'
    small.to_netcdf(tmp_path / "small.nc", engine="h5netcdf")
    large.to_netcdf(tmp_path / "large.nc", engine="h5netcdf")
    with pytest.raises(CGEInputError, match="region 'ROW' of dataset tiny covers other countries") as err:
        load_results([tmp_path / "small.nc", tmp_path / "large.nc"])
    assert "\n" not in str(err.value) and "large.nc" in str(err.value)


def test_ssa_results_enter_with_their_mean_and_intervals(make_results, tmp_path):
    """A sensitivity analysis (leading 'statistic' dimension) enters as '<name>_ssa' with its
    mean, the chosen interval as bounds, beside the plain result of the same scenario."""
    plain = make_results("peak", 0)
    fake_ssa(plain).to_netcdf(tmp_path / "peak_ssa.nc", engine="h5netcdf")
    plain.to_netcdf(tmp_path / "peak.nc", engine="h5netcdf")
    ds = load_results([tmp_path / "peak.nc", tmp_path / "peak_ssa.nc"], interval="normal")
    assert [str(s) for s in ds["scenario"].values] == ["peak", "peak_ssa"]
    ev = plain["ev_pct_income"]
    assert ds["ev_pct_income"].sel(scenario="peak_ssa").values == pytest.approx(ev.values)
    lo = ds["ev_pct_income_interval"].sel(scenario="peak_ssa", bound="lo").values
    assert lo == pytest.approx((ev - 1.96 * abs(ev) * 0.1).values)
    assert np.isnan(ds["ev_pct_income_interval"].sel(scenario="peak").values).all()
    with pytest.raises(CGEInputError, match="--interval must be one of chebyshev, normal"):
        load_results([tmp_path / "peak.nc"], interval="wide")
