"""Drawn course figures kept between builds, by the digest of all they are drawn from.

The state file knows what is fresh in one output folder; this cache knows it
for every folder of this user. A clean build, a build with ``--out`` somewhere
new, or a fresh checkout's CI then copies the figures it drew before instead
of loading matplotlib and drawing them again (about 4 s for the five).

The key is the figure's inputs digest (figure_files.figure_inputs: its module,
the shared figure code, the language, the title, matplotlib's version) and its
name. Nothing a lesson writes reaches a figure, so nothing a lesson writes
reaches the cache. An entry records the SHA-256 of its SVGs: one that does not
match (a disk error, a half-written file, a hand edit) is drawn again. The cache
is only ever an aid: a folder that cannot be read or written is no error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

from coursebuild.core.atomic import write_atomic
from coursebuild.core.errors import BuildError
from coursebuild.core.paths import CACHE_ENV, cache_root  # noqa: F401 (CACHE_ENV: the tests')

# Our five figures take 200 KiB; an entry larger than this is not ours.
MAX_ENTRY_BYTES = 16 * 1024 * 1024


def cache_folder() -> Path | None:
    """Where drawn figures are kept, or None when the cache is off."""
    root = cache_root()
    return None if root is None else root / "figures"


def entry_path(folder: Path, name: str, key: str) -> Path:
    return folder / f"{name}-{key}.json"


def svgs_digest(svgs: list[bytes]) -> str:
    hasher = hashlib.sha256()
    for svg in svgs:
        hasher.update(len(svg).to_bytes(8, "little"))
        hasher.update(svg)
    return hasher.hexdigest()


def cached_svgs(name: str, key: str, count: int) -> list[bytes] | None:
    """The ``count`` SVGs drawn for ``name`` with inputs ``key``, or None."""
    folder = cache_folder()
    if folder is None:
        return None
    path = entry_path(folder, name, key)
    try:
        if path.stat().st_size > MAX_ENTRY_BYTES:
            return None
        entry = json.loads(path.read_bytes())
        svgs = [svg.encode("utf-8") for svg in entry["svgs"]]
        recorded = entry["sha256"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # not there, or not an entry this code wrote: drawn again
    if len(svgs) != count or svgs_digest(svgs) != recorded:
        return None
    return svgs


def store_svgs(name: str, key: str, svgs: list[bytes]) -> None:
    """Keep ``svgs`` for the next build; a cache that cannot be written is left alone."""
    folder = cache_folder()
    if folder is None:
        return
    try:
        entry = {"svgs": [svg.decode("utf-8") for svg in svgs], "sha256": svgs_digest(svgs)}
    except UnicodeDecodeError:
        return  # matplotlib writes UTF-8; anything else is not kept
    # A read-only home, a full disk: the next build draws again.
    with contextlib.suppress(BuildError):
        write_atomic(entry_path(folder, name, key), json.dumps(entry).encode("utf-8"))
