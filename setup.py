"""Build hook: ship the calibration data and the seed scenarios inside the package.

A source checkout keeps them at ``calibration/`` and ``scenarios/`` beside ``cge/`` (where
``cge data build`` writes and the docs point).  A wheel, or a non-editable ``pip install .``,
gets a copy of both under ``cge/_data/``, so an installed ``cge`` finds its datasets, mappings,
elasticity and split tables, parameter and tariff tables and seed scenarios from any folder
(``cge.resources``).  An editable install reads the checkout itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_FOLDERS = ("calibration", "scenarios")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.tmp", ".*")


class BuildPyWithData(build_py):
    """build_py, then copy the data folders into ``<build>/cge/_data/``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "cge" / "_data"
        for folder in DATA_FOLDERS:
            shutil.rmtree(target / folder, ignore_errors=True)
            shutil.copytree(Path(folder), target / folder, ignore=SKIP)


setup(cmdclass={"build_py": BuildPyWithData})
