"""The build's processes, found by a mark in their environment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# The environment variable that marks a test's build and every process it starts.
MARK = "COURSEBUILD_TEST_RUN"
EPOCH = "1767225600"


@dataclass(frozen=True)
class Marked:
    pid: int
    parent: int
    command: str


def marked(mark: str) -> list[Marked]:
    """Every live process whose environment carries ``mark``."""
    entry = f"{MARK}={mark}".encode()
    found = []
    for folder in Path("/proc").iterdir():
        if not folder.name.isdigit():
            continue
        try:
            if entry not in (folder / "environ").read_bytes().split(b"\0"):
                continue
            command = (
                (folder / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            )
            parent = int((folder / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile, or a zombie
        found.append(Marked(int(folder.name), parent, command))
    return found


def descendants(root: int) -> list[str]:
    """The command lines of ``root``'s live descendants.

    Found by their parents, not by a mark in their environment: Chromium
    writes its long process titles over it.
    """
    children: dict[int, list[int]] = {}
    commands: dict[int, str] = {}
    for folder in Path("/proc").iterdir():
        if not folder.name.isdigit():
            continue
        try:
            parent = int((folder / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (folder / "cmdline").read_bytes().replace(b"\0", b" ")
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
        children.setdefault(parent, []).append(int(folder.name))
        commands[int(folder.name)] = command.decode(errors="replace")
    found, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(commands[pid])
        todo.extend(children.get(pid, []))
    return found
