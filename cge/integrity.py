"""A checksum sealed onto every NetCDF file the project writes, checked before it is parsed.

A damaged HDF5 file can do worse than fail: with some flipped bytes the HDF5 library loops
inside its attribute reader and never returns (seen on a results file with 400 bytes
inverted), and no Python-level timeout can interrupt C code.  So the project never hands a
damaged file of its own to HDF5: every NetCDF file it writes (datasets, results, batch and
SSA files) ends with a trailer ``\\nCGE-SHA256:<64 hex digits>\\n``, the SHA-256 of the bytes
before it, and every reader verifies the trailer first.  HDF5 ignores bytes after the end of
its data, so sealed files stay ordinary NetCDF-4 files for every other tool (xarray,
netCDF-C, h5py).  A file without a trailer (written by another program) is read as it is.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import xarray as xr

from cge.errors import CGEInputError

MAGIC = b"\nCGE-SHA256:"
TRAILER_LENGTH = len(MAGIC) + 64 + 1


def seal(data: bytes) -> bytes:
    """``data`` followed by the trailer carrying its SHA-256."""
    return data + MAGIC + hashlib.sha256(data).hexdigest().encode("ascii") + b"\n"


def sealed_digest(data: bytes) -> tuple[bytes, str] | None:
    """(content, recorded digest) of sealed bytes, or None when there is no trailer."""
    tail = data[-TRAILER_LENGTH:]
    if len(data) < TRAILER_LENGTH or not tail.startswith(MAGIC) or not tail.endswith(b"\n"):
        return None
    return data[:-TRAILER_LENGTH], tail[len(MAGIC):-1].decode("ascii", errors="replace")


def check_sealed(path: Path, what: str = "file") -> None:
    """Refuse, in one line, a sealed file whose content no longer matches its checksum."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CGEInputError(f"{what} {path}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    found = sealed_digest(data)
    if found is not None and hashlib.sha256(found[0]).hexdigest() != found[1]:
        raise CGEInputError(f"{what} {path}: damaged (its content does not match the checksum written "
                            "with it); not a readable NetCDF file -- rebuild or re-run it")


def open_netcdf(path: Path, what: str = "file") -> xr.Dataset:
    """A NetCDF file read fully into memory after its seal is checked (the file is closed)."""
    check_sealed(path, what)
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return ds.load()
