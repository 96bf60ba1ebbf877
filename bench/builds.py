"""build.py as the benchmark runs it, what a build wrote, and the build's own code."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from bench.settings import BUILD, CODE, PYTHON, ROOT


def build_command(course: Path, out: Path, *extra: str) -> list[str]:
    return [PYTHON, str(BUILD), "--course", str(course), "--out", str(out), "-q", *extra]


def seeded(built: Path, out: Path) -> Path:
    """``out`` as a copy of an earlier build's output folder, before an untimed build
    into it: the figures drawn there are not drawn again (~4 s); the lessons are
    built again, as their digests hold their course's path."""
    shutil.copytree(built, out)
    return out


def snapshot(out: Path) -> dict[str, tuple[int, int]]:
    """Each output's (inode, mtime): the build replaces a file it writes."""
    files = {}
    for path in out.rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            stat = path.stat()
            files[str(path.relative_to(out))] = (stat.st_ino, stat.st_mtime_ns)
    return files


def changed(before: dict, after: dict) -> set[str]:
    return {name for name, key in after.items() if before.get(name) != key}


def cache_times(out: Path) -> dict[str, int]:
    """Each cached diagram's mtime: a diagram drawn again gets a new file."""
    return {path.name: path.stat().st_mtime_ns for path in (out / ".cache" / "mermaid").iterdir()}


def imported(stderr: str, module: str) -> bool:
    """Whether ``-X importtime`` output (``stderr``) shows ``module`` imported."""
    return re.search(rf"\|\s+{re.escape(module)}\b", stderr) is not None


def code_copy(folder: Path) -> Path:
    """The build's code in a temporary folder, so a figure module can be edited."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in CODE:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(ROOT / name, folder / name, ignore=ignore)
        else:
            shutil.copy(ROOT / name, folder / name)
    (folder / "node_modules").symlink_to(ROOT / "node_modules")
    return folder


def code_state() -> dict[str, tuple[int, int]]:
    """Size and mtime of each file of the build's code: whether it changed during the run."""
    files = {}
    for name in CODE:
        path = ROOT / name
        for file in [path] if path.is_file() else path.rglob("*"):
            if file.is_file() and "__pycache__" not in file.parts:
                stat = file.stat()
                files[str(file.relative_to(ROOT))] = (stat.st_size, stat.st_mtime_ns)
    return files


def code_version() -> str:
    """The commit benchmarked, and whether the build's files differ from it."""
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run([*git, "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    status = subprocess.run([*git, "status", "--porcelain", *CODE], capture_output=True, text=True)
    dirty = " (+ uncommitted changes to the build)" if status.stdout.strip() else ""
    return commit.stdout.strip() + dirty
