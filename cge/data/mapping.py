"""Region and sector mappings: which WIOD countries and industries form each model label.

A mapping file (YAML, under ``calibration/mappings/``) reads::

    name: default
    description: ...
    regions:
      USA: {name: United States, members: [USA]}
      EUR: {name: Other EU members, members: [AUT, BEL, ...]}
    sectors:
      AGR: {name: Agriculture, members: [c1]}

Each block must be a partition of the WIOD source: every country (industry) belongs to
exactly one region (sector).  Anything else -- a code left out, a code assigned twice,
an unknown code, an empty group -- is a one-line :class:`CGEInputError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from cge.errors import CGEInputError
from cge.data.wiod import repo_root

MAPPING_YEARS: dict[str, int] = {"default": 2023, "tiny": 2023, "full": 2023,
                                 "default_2011": 2011, "tiny_2011": 2011, "full_2011": 2011}
"""Named mappings and the table they partition: the 2023 table (WIOD economies with Viet
Nam and other ASEAN split out of RoW) or the 2011 WIOD table (41 economies)."""
MAPPING_NAMES: tuple[str, ...] = tuple(MAPPING_YEARS)


@dataclass(frozen=True)
class Mapping:
    """A validated partition of WIOD countries into regions and industries into sectors."""

    name: str
    regions: dict[str, list[str]]
    sectors: dict[str, list[str]]
    region_names: dict[str, str]
    sector_names: dict[str, str]
    source: str

    def region_matrix(self, countries: tuple[str, ...]) -> np.ndarray:
        """0/1 matrix (region x country) that sums countries into regions."""
        return _membership(self.regions, countries)

    def sector_matrix(self, industries: tuple[str, ...]) -> np.ndarray:
        """0/1 matrix (sector x industry) that sums industries into sectors."""
        return _membership(self.sectors, industries)


def _membership(groups: dict[str, list[str]], codes: tuple[str, ...]) -> np.ndarray:
    index = {c: k for k, c in enumerate(codes)}
    m = np.zeros((len(groups), len(codes)))
    for g, members in enumerate(groups.values()):
        m[g, [index[c] for c in members]] = 1.0
    return m


def mappings_dir() -> Path:
    """The folder of the named mapping files, ``calibration/mappings``."""
    return repo_root() / "calibration" / "mappings"


def mapping_path(name_or_path: str | Path) -> Path:
    """Resolve a mapping name (``MAPPING_NAMES``) or a file path to a file path."""
    if str(name_or_path) in MAPPING_NAMES:
        return mappings_dir() / f"{name_or_path}.yaml"
    path = Path(name_or_path)
    if not path.is_file():
        raise CGEInputError(f"mapping {str(name_or_path)!r} is neither a mapping name "
                            f"({', '.join(MAPPING_NAMES)}) nor an existing file")
    return path


def load_mapping(name_or_path: str | Path, countries: tuple[str, ...],
                 industries: tuple[str, ...]) -> Mapping:
    """Read a mapping file and check it partitions ``countries`` and ``industries``."""
    path = mapping_path(name_or_path)
    try:
        doc = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f" at line {line + 1}" if line is not None else ""
        raise CGEInputError(f"mapping file {path}: malformed YAML{where}") from None
    if not isinstance(doc, dict) or "regions" not in doc or "sectors" not in doc:
        raise CGEInputError(f"mapping file {path}: needs top-level keys 'regions' and 'sectors'")
    regions, region_names = _parse_block(doc["regions"], "regions", path)
    sectors, sector_names = _parse_block(doc["sectors"], "sectors", path)
    _check_partition(regions, countries, "country", "regions", path)
    _check_partition(sectors, industries, "industry", "sectors", path)
    return Mapping(name=str(doc.get("name", path.stem)), regions=regions, sectors=sectors,
                   region_names=region_names, sector_names=sector_names, source=str(path))


def _parse_block(block: object, key: str, path: Path) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Read ``{label: {name, members}}`` into members and long names, in file order."""
    if not isinstance(block, dict) or not block:
        raise CGEInputError(f"mapping file {path}: '{key}' must be a non-empty mapping "
                            "label -> {name, members}")
    members: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for label, entry in block.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("members"), list) \
                or not entry["members"]:
            raise CGEInputError(f"mapping file {path}: {key}.{label} needs a non-empty "
                                "'members' list")
        members[str(label)] = [str(m) for m in entry["members"]]
        names[str(label)] = str(entry.get("name", label))
    return members, names


def _check_partition(groups: dict[str, list[str]], codes: tuple[str, ...], kind: str,
                     key: str, path: Path) -> None:
    """Every code of the source in exactly one group, and no unknown code."""
    known = set(codes)
    seen: dict[str, str] = {}
    for label, members in groups.items():
        for code in members:
            if code not in known:
                raise CGEInputError(f"mapping file {path}: unknown {kind} {code!r} in "
                                    f"{key}.{label} (allowed: {', '.join(codes)})")
            if code in seen:
                raise CGEInputError(f"mapping file {path}: {kind} {code!r} assigned twice "
                                    f"({key}.{seen[code]} and {key}.{label})")
            seen[code] = label
    missing = [c for c in codes if c not in seen]
    if missing:
        raise CGEInputError(f"mapping file {path}: {kind} {', '.join(missing)} not assigned "
                            f"to any of the {key}")
