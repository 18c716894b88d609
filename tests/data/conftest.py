"""Fixtures of the data-pipeline tests: raw data availability and datasets built from it
(``tiny``, ``default``: 2023; ``tiny_2011``, ``default_2011``: the WIOD 2011 table)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import xarray as xr

from cge.data.wiod import default_data_dir, wiod_file


@pytest.fixture(scope="session")
def raw_available() -> Path:
    """The shared data folder; skips the test when raw WIOD 2011 is not there."""
    if not wiod_file(2011).is_file():
        pytest.skip(f"raw WIOD not found under {default_data_dir()}")
    return default_data_dir()


@pytest.fixture(scope="session")
def pipeline(raw_available):
    """The build module (imported lazily so reader-only tests do not need it)."""
    return importlib.import_module("cge.data.build")


@pytest.fixture(scope="session")
def tiny(pipeline) -> xr.Dataset:
    """The 3 x 3 dataset of 2023 (WIOD 2011 updated), built from the raw files."""
    return pipeline.build_dataset("tiny")


@pytest.fixture(scope="session")
def default(pipeline) -> xr.Dataset:
    """The 14 x 15 dataset of 2023 (WIOD 2011 updated), built from the raw files."""
    return pipeline.build_dataset("default")


@pytest.fixture(scope="session")
def tiny_2011(pipeline) -> xr.Dataset:
    """The 3 x 3 dataset built from raw WIOD 2011."""
    return pipeline.build_dataset("tiny_2011")


@pytest.fixture(scope="session")
def default_2011(pipeline) -> xr.Dataset:
    """The 12 x 15 dataset built from raw WIOD 2011."""
    return pipeline.build_dataset("default_2011")
