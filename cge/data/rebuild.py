"""Build named datasets (``cge data build --dataset NAME`` / ``--all``) as one transaction.

Every requested dataset is built and validated first, written to a staging folder
beside ``calibration/datasets``, and only when all of them succeeded are they moved
into place; a failure anywhere (a missing or malformed raw file, a target that cannot
be met) leaves every existing file as it was.  The critical-input datasets are the
named base dataset with REE, MAG and SEMI split out (:mod:`cge.data.split`).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from cge.data.build import build_dataset, datasets_dir, write_dataset
from cge.data.datasets import DATASETS
from cge.errors import CGEInputError


def build_order(names: list[str]) -> list[str]:
    """The requested names plus the bases their splits need, bases first."""
    unknown = [n for n in names if n not in DATASETS]
    if unknown:
        raise CGEInputError(f"--dataset: unknown name {unknown[0]!r} (allowed: {', '.join(DATASETS)})")
    out: list[str] = []
    for name in names:
        base = DATASETS[name].split_of
        for n in ([base] if base else []) + [name]:
            if n not in out:
                out.append(n)
    return sorted(out, key=lambda n: DATASETS[n].split_of is not None)


def build_named(names: list[str], data_dir: Path | None = None,
                target_dir: Path | None = None) -> list[Path]:
    """Build the named datasets and move them into ``target_dir`` only if all succeed."""
    from cge.data.split import build_critical_dataset

    target_dir = Path(target_dir) if target_dir is not None else datasets_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    stage = target_dir / f".build-{uuid.uuid4().hex}"
    stage.mkdir()
    try:
        order = build_order(names)
        for name in order:
            spec = DATASETS[name]
            if spec.split_of is None:
                write_dataset(build_dataset(spec.mapping, spec.year, data_dir), stage / spec.file)
            else:
                base = stage / DATASETS[spec.split_of].file
                build_critical_dataset(base, stage / spec.file)
        written = []
        for name in order:
            if name in names:
                path = target_dir / DATASETS[name].file
                os.replace(stage / DATASETS[name].file, path)
                written.append(path)
        return written
    finally:
        shutil.rmtree(stage, ignore_errors=True)
