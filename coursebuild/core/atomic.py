"""Write outputs so a failed build never leaves a half-written file behind.

A write goes to a hidden temporary file next to its target (``.NAME.XXXXXXXX.tmp``)
and is renamed into place. A build killed midway may leave such a file; the
next build removes them (remove_temporaries) under a lock on the output folder
(lock_folder), so that it never removes the files of a build still writing.
"""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
from pathlib import Path

from coursebuild.core.errors import BuildError

SUFFIX = ".tmp"
# tempfile.mkstemp's names: the prefix, eight of [a-z0-9_], the suffix.
TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}" + re.escape(SUFFIX))


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file next to ``path``, then rename it into place.

    A failure (a read-only folder, a full disk, a folder where the file should
    be) is a BuildError naming ``path``, and the old file is kept as it was.
    """
    move_into_place(write_temporary(path, data), path)


def write_temporary(path: Path, data: bytes) -> Path:
    """A temporary file next to ``path`` holding ``data`` (a BuildError naming ``path``)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=SUFFIX
        )
    except OSError as error:
        raise write_error(path, error) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise write_error(path, error) from None
        raise
    return Path(temporary)


def move_into_place(temporary: Path, path: Path) -> None:
    """Rename the temporary file write_temporary made into ``path``; removed if it cannot be."""
    try:
        os.replace(temporary, path)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise write_error(path, error) from None
        raise


def write_error(path: Path, error: OSError) -> BuildError:
    return BuildError(f"cannot write: {error.strerror or error}", path)


def remove_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary files killed writes left in ``folder``; return them.

    Only names write_atomic makes; a file that cannot be removed (a read-only
    folder) is left for a later build.
    """
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []  # no folder yet, or not one
    removed = []
    for entry in entries:
        if TEMPORARY.fullmatch(entry.name) and entry.is_file() and not entry.is_symlink():
            try:
                entry.unlink()
            except OSError:
                continue
            removed.append(entry)
    return removed


def lock_folder(folder: Path) -> int:
    """Lock ``folder`` for this process's lifetime; a BuildError if another build holds it.

    The lock is on the folder itself (flock), so taking it writes nothing, and
    it ends with the process however the process ends.
    """
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise BuildError(f"cannot open the output folder: {error.strerror}", folder) from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        raise BuildError(
            "another build is writing to this folder; run again when it has finished", folder
        ) from None
    return handle
