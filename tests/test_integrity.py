"""Every NetCDF file the project writes carries its checksum, and a damaged one is refused in
one line before HDF5 parses it (HDF5 can loop forever on some damaged files)."""

from __future__ import annotations

import xarray as xr
import pytest

from cge.atomic import write_netcdf_atomic
from cge.data.datasets import dataset_path, load_dataset
from cge.errors import CGEInputError
from cge.integrity import TRAILER_LENGTH, check_sealed, open_netcdf, sealed_digest


def _damage(path, tmp_path, start: int = 2000, stop: int = 2400):
    raw = bytearray(path.read_bytes())
    for k in range(start, stop):
        raw[k] ^= 0xFF
    out = tmp_path / f"damaged_{path.name}"
    out.write_bytes(bytes(raw))
    return out


def test_written_files_are_sealed_and_read_back_unchanged(tmp_path):
    ds = xr.Dataset({"x": ("i", [1.0, 2.0, 3.0])}, attrs={"title": "t"})
    path = write_netcdf_atomic(tmp_path / "a.nc", ds)
    assert sealed_digest(path.read_bytes()) is not None
    back = open_netcdf(path)
    assert back.attrs["title"] == "t" and back.x.values.tolist() == [1.0, 2.0, 3.0]
    with xr.open_dataset(path) as plain:   # other tools read the sealed file as ordinary NetCDF
        assert plain.x.values.tolist() == [1.0, 2.0, 3.0]


def test_a_damaged_built_dataset_is_refused_in_one_line(tmp_path):
    """The shipped datasets are sealed; flipped bytes are named as damage, not parsed."""
    source = dataset_path("tiny")
    assert sealed_digest(source.read_bytes()) is not None
    with pytest.raises(CGEInputError, match="damaged") as err:
        load_dataset(_damage(source, tmp_path))
    assert "\n" not in str(err.value)


def test_a_file_without_a_seal_is_read_as_it_is(tmp_path):
    """A NetCDF file written by another program has no trailer and is not refused for it."""
    path = tmp_path / "foreign.nc"
    xr.Dataset({"x": ("i", [1.0])}).to_netcdf(path, engine="h5netcdf")
    check_sealed(path)
    assert open_netcdf(path).x.values.tolist() == [1.0]


def test_a_damaged_trailer_is_damage_too(tmp_path):
    ds = xr.Dataset({"x": ("i", [1.0])})
    path = write_netcdf_atomic(tmp_path / "a.nc", ds)
    size = path.stat().st_size
    bad = _damage(path, tmp_path, size - TRAILER_LENGTH + 20, size - TRAILER_LENGTH + 22)
    with pytest.raises(CGEInputError, match="damaged"):
        check_sealed(bad)
