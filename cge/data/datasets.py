"""Named base datasets: ``load_dataset("default")`` and friends.

Names resolve to the built files under ``calibration/datasets`` (written by
``cge data build``); anything else is taken as a path to a NetCDF file.
"""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from cge.data.wiod import repo_root
from cge.errors import CGEInputError

DATASET_FILES: dict[str, str] = {
    "default": "wiod2011_12x15.nc",
    "tiny": "wiod2011_3x3.nc",
    "full": "wiod2011_41x35.nc",
    "critical": "wiod2011_12x18_critical.nc",
}


def dataset_path(name_or_path: str | Path) -> Path:
    """Path of a named dataset (default, tiny, full) or of a given ``.nc`` file."""
    key = str(name_or_path)
    if key in DATASET_FILES:
        path = repo_root() / "calibration" / "datasets" / DATASET_FILES[key]
        if not path.is_file():
            raise CGEInputError(f"dataset {key!r} is not built yet: {path} missing "
                                f""
                                  f"(run: cge data build {'--critical' if key == 'critical' else '--mapping ' + key})")
        return path
    path = Path(name_or_path)
    if not path.is_file():
        raise CGEInputError(f"unknown dataset {key!r} (allowed: {', '.join(DATASET_FILES)}, "
                            "or the path of a .nc file)")
    return path


def load_dataset(name_or_path: str | Path = "default") -> xr.Dataset:
    """Load a base dataset fully into memory (the file is closed on return); a file that is
    not a NetCDF dataset, a results file, or one without the schema's variables is refused in
    one line (cge.data.validate.validate_structure)."""
    from cge.data.validate import validate_structure

    path = dataset_path(name_or_path)
    try:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            ds = ds.load()
    except Exception as exc:  # noqa: BLE001 (h5py raises OSError, KeyError, RuntimeError, ... on damage)
        raise CGEInputError(f"dataset file {path} is not a readable NetCDF file "
                            f"({type(exc).__name__}: damaged or not a dataset)") from None
    validate_structure(ds, f"dataset file {path.name}")
    return ds
