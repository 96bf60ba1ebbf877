"""A lesson's new files held on disk, not in memory, until the build writes them.

A clean build of 100 lessons held every deck and handout it had made (~1 MB a
lesson) until the last one was made: ~100 MB of the build's peak. Each is now
written as it is made to a temporary file next to its target (write_atomic's
hidden ``.NAME.XXXXXXXX.tmp``) and renamed into place when the build writes
its outputs; until then no output has changed. What a build that fails or
stops leaves staged is removed as it ends (discard_staged), or, if it was
killed, by the next build (remove_temporaries).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from coursebuild.core.atomic import move_into_place, write_temporary
from coursebuild.core.state import digest

# The files staged and not yet written or discarded, by this process's builds.
_pending: set[Path] = set()
_lock = threading.Lock()


@dataclass(frozen=True)
class StagedFile:
    """An output made and kept in a temporary file next to ``path``."""

    path: Path
    temporary: Path
    size: int
    digest: str


def stage(path: Path, data: bytes) -> StagedFile:
    """Keep ``data`` for ``path`` in a temporary file next to it (a BuildError naming it)."""
    temporary = write_temporary(path, data)
    with _lock:
        _pending.add(temporary)
    return StagedFile(path, temporary, len(data), digest(data))


def commit(staged: StagedFile) -> None:
    """Rename the staged file into place."""
    with _lock:
        _pending.discard(staged.temporary)
    move_into_place(staged.temporary, staged.path)


def discard_staged() -> None:
    """Remove every file staged and not committed: what a failed or stopped build made."""
    with _lock:
        pending = list(_pending)
        _pending.clear()
    for temporary in pending:
        temporary.unlink(missing_ok=True)
