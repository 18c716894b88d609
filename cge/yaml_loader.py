"""Strict reading of the text files users give us (scenario YAML, tariff-table CSV).

Every file goes through :func:`read_text_input` before it is parsed: it must exist, be a
regular file (not a folder), be readable, stay under a size limit (a scenario is a few
kB; a 60 MB file is a mistake, and parsing it would take minutes), contain no NUL bytes
(binary data) and be valid UTF-8 (a UTF-16 file or a stray Latin-1 byte is named with its
position).  :func:`load_yaml` then parses with a safe loader that refuses duplicate keys
(plain YAML keeps the last one silently: two ``shocks:`` keys would drop every shock of
the first) and trees that expand to more entries than any scenario has (alias bombs).
:func:`plain_tree` normalises a parsed or programmatic tree for validation and refuses
NaN and infinite numbers wherever they sit.  Each refusal is one
:class:`~cge.errors.CGEInputError` line naming the file, the field and what is allowed.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from cge.errors import CGEInputError

MAX_SCENARIO_BYTES = 1 << 20  # 1 MiB: the largest seed scenario is ~5 kB
MAX_TABLE_BYTES = 64 << 20    # 64 MiB: a 41-region, 35-sector bilateral table is ~2 MB
MAX_TREE_NODES = 100_000      # entries after alias expansion; the largest seed scenario has ~300


def read_text_input(path: Path, what: str, max_bytes: int) -> str:
    """The text of a user-given file, or a one-line error saying why it cannot be read."""
    path = Path(path)
    if not path.exists():
        raise CGEInputError(f"{what} '{path}': no such file")
    if path.is_dir():
        raise CGEInputError(f"{what} '{path}' is a folder; give a file")
    if not path.is_file():
        raise CGEInputError(f"{what} '{path}' is not a regular file")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise CGEInputError(f"{what} '{path.name}' is {size / 2**20:.1f} MiB; the limit is "
                                f"{max_bytes / 2**20:g} MiB (is it the right file?)")
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except PermissionError:
        raise CGEInputError(f"{what} '{path}': permission denied (not readable)") from None
    except OSError as exc:
        raise CGEInputError(f"{what} '{path}': cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > max_bytes:
        raise CGEInputError(f"{what} '{path.name}' is larger than the limit of {max_bytes / 2**20:g} MiB")
    return decode_utf8(data, f"{what} '{path.name}'")


def decode_utf8(data: bytes, where: str) -> str:
    """Bytes as UTF-8 text; UTF-16, binary data and invalid bytes are refused by name."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise CGEInputError(f"{where} is UTF-16 encoded; save it as UTF-8")
    if b"\x00" in data:
        raise CGEInputError(f"{where} holds binary data (NUL bytes at byte {data.index(0)}); "
                            "it must be UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise CGEInputError(f"{where}: byte {exc.start} (line {line}) is not valid UTF-8; "
                            "the file must be UTF-8 text") from None
    return text.removeprefix("\ufeff")


class _StrictLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key repeated within one mapping."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark) from None
        if key in seen:
            raise _DuplicateKey(key, seen[key], key_node.start_mark.line + 1)
        seen[key] = key_node.start_mark.line + 1
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# YAML 1.2 reads 1e9 and 2E-3 as numbers; PyYAML (YAML 1.1) would read them as text and
# make `change_pct: 1e9` a type error instead of the bound it breaks
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"))


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: Any, first: int, again: int) -> None:
        super().__init__(f"key {key!r} at line {again} repeats the key of line {first}")
        self.key, self.first, self.again = key, first, again


def parse_yaml(text: str, where: str) -> Any:
    """Parse YAML text strictly (duplicate keys refused); errors name ``where`` and the line."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader subclass)
    except _DuplicateKey as exc:
        raise CGEInputError(f"{where}: field '{exc.key}' is given twice (lines {exc.first} and "
                            f"{exc.again}); YAML would silently keep the last one") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None)
        raise CGEInputError(f"{where}: malformed YAML{at}" + (f" ({problem})" if problem else "")) from None
    except RecursionError:
        raise CGEInputError(f"{where}: YAML nested too deeply") from None


def load_yaml(path: Path, what: str = "scenario file", max_bytes: int = MAX_SCENARIO_BYTES) -> tuple[Any, str]:
    """Read and strictly parse a YAML file; returns (tree, text)."""
    text = read_text_input(path, what, max_bytes)
    return parse_yaml(text, Path(path).name), text


def plain_tree(tree: Any, where: str, max_nodes: int = MAX_TREE_NODES) -> Any:
    """A copy of a parsed (or programmatic) tree ready for validation: tuples become lists,
    NumPy scalars Python numbers; NaN and infinite numbers are refused with their field,
    and so is a tree of more than ``max_nodes`` entries (YAML aliases can expand a small
    file into billions)."""
    count = 0

    def walk(node: Any, loc: str) -> Any:
        nonlocal count
        count += 1
        if count > max_nodes:
            raise CGEInputError(f"{where}: more than {max_nodes:,} entries (after expanding YAML "
                                "aliases); a scenario is far smaller")
        if isinstance(node, dict):
            return {k: walk(v, f"{loc}.{k}" if loc else str(k)) for k, v in node.items()}
        if isinstance(node, (list, tuple)):
            return [walk(v, f"{loc}.{i}") for i, v in enumerate(node)]
        if isinstance(node, np.generic):
            node = node.item()
        if isinstance(node, float) and not math.isfinite(node):
            raise CGEInputError(f"{where}: field '{loc or 'scenario'}': must be a finite number "
                                f"(got {node})")
        return node

    return walk(tree, "")
