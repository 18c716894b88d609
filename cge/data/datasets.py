"""Named base datasets: ``load_dataset("default")`` and friends.

Names resolve to the built files under ``calibration/datasets`` (written by
``cge data build``; for an installed package, the user's dataset folder and then the
packaged datasets, :func:`cge.resources.dataset_dirs`); anything else is taken as a path
to a NetCDF file.  The plain
names are the 2023 datasets (WIOD 2011 updated to 2023 targets, docs/data.md); the
``_2011`` names are the datasets of the WIOD 2011 table as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import xarray as xr

from cge.errors import CGEInputError
from cge.integrity import check_sealed
from cge.resources import dataset_dirs


@dataclass(frozen=True)
class DatasetSpec:
    """How a named dataset is built: mapping, year, file, and whether the critical
    inputs are split out of another named dataset (``split_of``)."""

    mapping: str
    year: int
    file: str
    split_of: str | None = None

    @property
    def build_command(self) -> str:
        """The command that builds it."""
        return "cge data build --dataset " + next(k for k, v in DATASETS.items() if v == self)


DATASETS: dict[str, DatasetSpec] = {
    "default": DatasetSpec("default", 2023, "base2023_14x15.nc"),
    "tiny": DatasetSpec("tiny", 2023, "base2023_3x3.nc"),
    "full": DatasetSpec("full", 2023, "base2023_43x35.nc"),
    "critical": DatasetSpec("default", 2023, "base2023_14x18_critical.nc", split_of="default"),
    "default_2011": DatasetSpec("default_2011", 2011, "wiod2011_12x15.nc"),
    "tiny_2011": DatasetSpec("tiny_2011", 2011, "wiod2011_3x3.nc"),
    "full_2011": DatasetSpec("full_2011", 2011, "wiod2011_41x35.nc"),
    "critical_2011": DatasetSpec("default_2011", 2011, "wiod2011_12x18_critical.nc",
                                 split_of="default_2011"),
}
DATASET_FILES: dict[str, str] = {name: spec.file for name, spec in DATASETS.items()}


def dataset_path(name_or_path: str | Path) -> Path:
    """Path of a named dataset (``DATASETS``) or of a given ``.nc`` file."""
    key = str(name_or_path)
    if key in DATASETS:
        candidates = [d / DATASETS[key].file for d in dataset_dirs()]
        path = next((p for p in candidates if p.is_file()), candidates[0])
        if not path.is_file():
            raise CGEInputError(f"dataset {key!r} is not built yet: {path} missing "
                                f"(run: {DATASETS[key].build_command})")
        return path
    path = Path(name_or_path)
    if not path.is_file():
        raise CGEInputError(f"unknown dataset {key!r} (allowed: {', '.join(DATASETS)}, "
                            "or the path of a .nc file)")
    return path


def load_dataset(name_or_path: str | Path = "default", structure: bool = True) -> xr.Dataset:
    """Load a base dataset fully into memory (the file is closed on return); a file that is
    not a NetCDF dataset, a results file, or (with ``structure``) one without the schema's
    variables is refused in one line (cge.data.validate.validate_structure).  ``cge data
    validate`` loads with ``structure=False`` and reports the structure as one of its checks."""
    from cge.data.validate import validate_structure

    path = dataset_path(name_or_path)
    check_sealed(path, "dataset file")   # a damaged file is refused before HDF5 parses it
    try:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            ds = ds.load()
    except Exception as exc:  # noqa: BLE001 (h5py raises OSError, KeyError, RuntimeError, ... on damage)
        raise CGEInputError(f"dataset file {path} is not a readable NetCDF file "
                            f"({type(exc).__name__}: damaged or not a dataset)") from None
    if structure:
        validate_structure(ds, f"dataset file {path.name}")
    return ds
