"""Built datasets: match the 2011 source within the cleaning adjustment; provenance; atomic writes."""

from __future__ import annotations

import json

import pytest

from cge.data.datasets import DATASET_FILES, dataset_path, load_dataset
from cge.data.schema import REQUIRED_ATTRS
from cge.data.validate import check_dataset
from cge.errors import CGEInputError


def _adjustment(ds) -> float:
    return json.loads(ds.attrs["cleaning"])["total_abs_adjustment_pct_of_world_output"] / 100


def test_default_matches_source_2011(default_2011):
    """World output 141.8 tn exactly as WIOD; US imports from China 412.8 bn and China's from
    the US 175.3 bn within the reported cleaning adjustment (inventories were reallocated)."""
    assert float(default_2011["output"].sum()) == pytest.approx(141.768e6, rel=1e-5)
    tol = _adjustment(default_2011)
    us_cn = float(default_2011["trade"].sel(exporter="CHN", importer="USA").sum())
    cn_us = float(default_2011["trade"].sel(exporter="USA", importer="CHN").sum())
    assert us_cn == pytest.approx(412.8e3, rel=tol)
    assert cn_us == pytest.approx(175.3e3, rel=tol)


@pytest.mark.parametrize("name,year", [("default_2011", 2011), ("default", 2023)])
def test_provenance_attributes(request, name, year):
    """Every schema attribute is present; mappings and cleaning are JSON; WIOD is cited."""
    ds = request.getfixturevalue(name)
    assert all(a in ds.attrs for a in REQUIRED_ATTRS)
    assert "Timmer, Dietzenbacher, Los, Stehrer and de Vries (2015)" in ds.attrs["source"]
    assert json.loads(ds.attrs["sector_names"])["TRN"] == "Transport equipment"
    assert len(json.loads(ds.attrs["region_mapping"])["EUR"]) == 26
    assert ds.attrs["base_year"] == year


def test_write_roundtrip_and_failed_build_keeps_file(pipeline, tiny, tmp_path):
    """A written dataset reads back valid; a failed build leaves the existing file untouched."""
    out = tmp_path / "tiny.nc"
    pipeline.write_dataset(tiny, out)
    assert check_dataset(load_dataset(out)) == []
    before = out.read_bytes()
    bad_mapping = tmp_path / "bad.yaml"
    bad_mapping.write_text("regions: {A: {members: [USA]}}\nsectors: {B: {members: [c1]}}\n")
    with pytest.raises(CGEInputError, match="not assigned"):
        pipeline.build(bad_mapping, out=out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_failed_write_keeps_file(pipeline, tiny, tmp_path):
    """An exception while writing (here: an unwritable variable) never replaces the old file."""
    out = tmp_path / "tiny.nc"
    out.write_bytes(b"old")
    broken = tiny.assign(bad=(("region",), [object(), object(), object()]))
    with pytest.raises(Exception):
        pipeline.write_dataset(broken, out)
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.nc"]


def test_unknown_dataset_name_one_line():
    """An unknown dataset name lists the names in one line."""
    with pytest.raises(CGEInputError) as err:
        load_dataset("nonexistent")
    assert "default, tiny, full" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("name", list(DATASET_FILES))
def test_committed_datasets_valid(name):
    """Each committed dataset under calibration/datasets passes the validator."""
    try:
        dataset_path(name)
    except CGEInputError:
        pytest.skip(f"dataset {name} not built")
    assert check_dataset(load_dataset(name)) == []
