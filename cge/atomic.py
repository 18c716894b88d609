"""Atomic file writes and output folders: a failed or interrupted write never damages an
existing file.

Every output of the project (built datasets, tariff tables, results, batch files) goes
through :func:`write_atomic`: the content is written to a uniquely named temporary file in
the target's folder and moved into place with ``os.replace``.  The temporary name carries
the writer's process id (``.<target>.<pid>.<random>.tmp``), so a file left by a process
that was killed (SIGKILL leaves no chance to clean up) is recognised and removed by
:func:`remove_stale_temporaries`, while a live writer's file is never touched.  The name is
unique (not ``mkstemp``, whose files are private, mode 0600), so the file gets the usual
permissions of the user's umask.  A folder that cannot be written (a file in its place,
read-only, full) is refused in one line by :func:`prepare_output_dir` before any work, and
a write that fails on the way (the disk fills up) raises :class:`~cge.errors.OutputError`
with the target's previous content intact.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

from cge.errors import OutputError

_TEMP = re.compile(r"^\..+\.(\d+)\.[0-9a-f]{32}\.(tmp|csv\.tmp|old)$")


def temp_path(target: Path, kind: str = "tmp") -> Path:
    """A unique temporary path beside ``target`` carrying this process's id."""
    return target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex}.{kind}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove temporary files and folders in ``folder`` left by writers that no longer run."""
    removed = []
    if not Path(folder).is_dir():
        return removed
    for entry in Path(folder).iterdir():
        m = _TEMP.match(entry.name)
        if m and int(m.group(1)) != os.getpid() and not _pid_alive(int(m.group(1))):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def reason(exc: OSError) -> str:
    """The system's reason in a few words (HDF5 wraps it in a multi-line report)."""
    if exc.errno:
        return os.strerror(exc.errno)
    found = re.search(r"error message = '([^']+)'", str(exc))
    if found:
        return found.group(1)
    return " ".join(str(exc).split())[:120] or type(exc).__name__


def prepare_output_dir(folder: Path, field: str = "--out") -> Path:
    """Create the output folder if needed and check that files can be written in it."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{field}: '{folder}' is a file; give a folder (results are written as "
                          "<name>.nc and <name>/*.csv inside it)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = temp_path(folder / "write-check")
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"{field}: cannot write in folder '{folder}' ({reason(exc)}); choose another "
                          "folder") from None
    remove_stale_temporaries(folder)
    return folder


def write_netcdf_atomic(target: Path, ds, encoding: dict | None = None) -> Path:  # noqa: ANN001
    """Write a Dataset as NetCDF atomically, sealed with its checksum (cge.integrity).  It is
    encoded in memory first and the bytes are written by Python: HDF5 writing straight to a
    full disk can crash the process when it closes the damaged file, a Python write fails
    cleanly with ENOSPC."""
    data = netcdf_bytes(ds, encoding)
    return write_atomic(target, lambda tmp: tmp.write_bytes(data))


def netcdf_bytes(ds, encoding: dict | None = None) -> bytes:  # noqa: ANN001 (an xarray Dataset)
    """The NetCDF-4 encoding of a Dataset (h5netcdf), in memory, sealed with its SHA-256
    (cge.integrity: readers check it before HDF5 parses the file).  The synchronous scheduler
    keeps xarray from asking a Dask cluster for a write lock on an in-memory target (inside a
    batch worker that request fails)."""
    import dask

    from cge.integrity import seal

    with dask.config.set(scheduler="synchronous"):
        return seal(bytes(ds.to_netcdf(engine="h5netcdf", encoding=encoding)))


def write_atomic(target: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` for a temporary path beside ``target``, then rename it to ``target``."""
    target = Path(target)
    tmp = temp_path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"cannot write '{target}' ({reason(exc)}); "
                          f"{'its previous content is unchanged' if target.exists() else 'nothing was written'}"
                          ) from None
    finally:
        tmp.unlink(missing_ok=True)
    return target
