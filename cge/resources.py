"""Where the model's data live: in a source checkout, or inside an installed package.

The calibration data (built base datasets, mappings, elasticity sets, split definitions,
parameter tables, tariff tables, concordances) and the seed scenarios are kept in a
source checkout at ``calibration/`` and ``scenarios/`` beside ``cge/``.  A built wheel (or
a non-editable ``pip install .``) carries a copy of both under ``cge/_data/`` (setup.py),
so an installed ``cge`` finds them from any folder.

* Reading: a checkout (``pyproject.toml`` and ``calibration/`` beside ``cge/``, as in an
  editable install) is used when there is one, else the packaged copy.
* Built datasets (``cge data build``) are written to ``calibration/datasets/`` in a
  checkout.  An installed package is never written to: builds go to the user's dataset
  folder, ``$XDG_DATA_HOME/cge-trade/datasets`` (default ``~/.local/share/cge-trade/datasets``),
  which is searched before the packaged datasets.
* Raw data (WIOD, tariff sources) are never packaged: ``$CGE_DATA_DIR``, or a command's
  ``--wiod-dir`` / ``--data-dir``; by default ``../shared/data`` beside a checkout, or
  ``./shared/data`` under the current folder for an installed package.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGED_DATA = PACKAGE_DIR / "_data"
USER_DATASETS_SUBDIR = Path("cge-trade") / "datasets"


@lru_cache(maxsize=1)
def checkout_root() -> Path | None:
    """The source checkout ``cge`` runs from (``pyproject.toml`` and ``calibration/``
    beside the package), or None for an installed package."""
    root = PACKAGE_DIR.parent
    if (root / "pyproject.toml").is_file() and (root / "calibration").is_dir():
        return root
    return None


def data_root() -> Path:
    """The folder holding ``calibration/`` and ``scenarios/``: the checkout, or the copy
    inside the installed package."""
    return checkout_root() or PACKAGED_DATA


def calibration_dir() -> Path:
    """``calibration/``: mappings, elasticities, splits, parameters, tariff tables, datasets."""
    return data_root() / "calibration"


def scenario_dir() -> Path:
    """The seed scenarios, ``scenarios/``."""
    return data_root() / "scenarios"


def user_dataset_dir() -> Path:
    """Where an installed package writes the datasets it builds (see the module notes)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / USER_DATASETS_SUBDIR


def dataset_dirs() -> list[Path]:
    """Folders searched, in order, for a named dataset's file."""
    if checkout_root() is not None:
        return [calibration_dir() / "datasets"]
    return [user_dataset_dir(), calibration_dir() / "datasets"]


def dataset_build_dir() -> Path:
    """Where ``cge data build`` writes a dataset by default."""
    return dataset_dirs()[0]


def default_raw_data_dir() -> Path:
    """The raw-data folder: ``$CGE_DATA_DIR``, else ``../shared/data`` beside a checkout,
    else ``./shared/data`` under the current folder."""
    env = os.environ.get("CGE_DATA_DIR")
    if env:
        return Path(env)
    root = checkout_root()
    return root.parent / "shared" / "data" if root is not None else Path.cwd() / "shared" / "data"
