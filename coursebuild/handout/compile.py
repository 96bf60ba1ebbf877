"""Typst, in a child process under the handout's limits: Pandoc's Typst markup to a PDF."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from coursebuild.core import limits
from coursebuild.core.errors import BuildError, one_line

# Typst runs in a child process of its own (see typst_child.py for why).
TYPST_CHILD = Path(__file__).with_name("typst_child.py")
TYPST_FAILED = 3  # typst_child.TYPST_FAILED; not imported, the child must stay light


def typst_command(timestamp: int, warm: bool = False) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of one Typst compile (typst_input on stdin, PDF out).

    ``warm``: a child started ahead of its source spends the wait loading
    fonts, which takes 7 ms off the compile.
    """
    spec = importlib.util.find_spec("typst")
    if spec is None or spec.origin is None:
        raise BuildError("Typst not found; run `make` to install the typst package")
    folder = str(Path(spec.origin).parent.parent)
    path = os.pathsep.join(filter(None, (folder, os.environ.get("PYTHONPATH"))))
    command = [sys.executable, "-S", str(TYPST_CHILD), str(timestamp)]
    command += [str(limits.TYPST_MEMORY_MB), str(limits.TYPST_CPU_SECONDS), *(["--warm"] * warm)]
    # No backtrace on a panic: printing one allocates, and at the memory limit
    # it hung the child until its wall-clock limit.
    return command, {**os.environ, "PYTHONPATH": path, "RUST_BACKTRACE": "0"}


def start_typst(timestamp: int, warm: bool = False) -> subprocess.Popen:
    """A Typst child, started now to wait for its source (finish_typst gives it)."""
    command, environment = typst_command(timestamp, warm)
    return subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )


def typst_input(source: str, root: Path) -> bytes:
    """What a Typst child reads on stdin: its root folder (a JSON line), then the source."""
    return json.dumps(str(root)).encode("utf-8") + b"\n" + source.encode("utf-8")


def finish_typst(child: subprocess.Popen, source: str, path: Path, root: Path) -> bytes:
    """The PDF of ``source``, compiled with ``root`` as the only folder Typst may read."""
    try:
        pdf, stderr = child.communicate(typst_input(source, root), timeout=limits.TYPST_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        message = f"Typst runs longer than {limits.TYPST_SECONDS} s on the handout; stopped"
        raise BuildError(message, path) from None
    if child.returncode == TYPST_FAILED:
        error = json.loads(stderr.decode("utf-8").strip().splitlines()[-1])
        # The root is a fresh temporary folder: named, it would only make the message vary.
        message = " ".join(error["message"].replace(str(root), "").split())
        near = failing_source_line(error["diagnostic"])
        where = f" in `{near}`" if near else ""
        raise TypstRefused(
            f"Typst cannot typeset the handout: {message}{where}",
            path,
            formula=failing_formula(source, error["diagnostic"]),
        )
    if child.returncode != 0:
        raise BuildError(typst_failure(child.returncode, stderr.decode("utf-8", "replace")), path)
    return pdf


def typst_failure(returncode: int, stderr: str) -> str:
    """One line for a Typst child that died: the limit it hit, else its first words."""
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return f"Typst runs over {limits.TYPST_CPU_SECONDS} s of CPU time on the handout; stopped"
    if returncode == -signal.SIGABRT or OUT_OF_MEMORY.search(stderr):
        return f"Typst needs more than {limits.TYPST_MEMORY_MB} MB of memory for the handout"
    return f"Typst failed: {one_line(stderr)}"


# How a child at its memory limit dies: Rust's allocation error, Python's, or
# a thread (Typst's worker pool) that could not be started.
OUT_OF_MEMORY = re.compile(
    r"memory allocation of|allocation error|MemoryError|out of memory|"
    r"Resource temporarily unavailable"
)


class TypstRefused(BuildError):
    """Typst's error on the handout; ``formula``: the TeX of the equation it refused, if one."""

    def __init__(self, message: str, path=None, line=None, formula: str | None = None):
        super().__init__(message, path, line)
        self.formula = formula

    def __reduce__(self):
        return (type(self), (self.message, self.path, self.line, self.formula))


# Where a diagnostic points ("┌─ main.typ:12:58"), and the note typst_math.lua
# writes after each equation: the formula's TeX, in hex.
DIAGNOSTIC_PLACE = re.compile(r"┌─ \S+?:(\d+):(\d+)")
TEX_NOTE = re.compile(r"/\*tex:((?:[0-9a-f]{2})*)\*/")
EQUATION = "#math.equation("


def failing_formula(source: str, diagnostic: str) -> str | None:
    """The TeX of the equation a Typst diagnostic points into, or None if it points elsewhere."""
    place = DIAGNOSTIC_PLACE.search(diagnostic)
    lines = source.split("\n")
    if place is None or not 0 < int(place.group(1)) <= len(lines):
        return None
    line, column = lines[int(place.group(1)) - 1], int(place.group(2)) - 1
    start = line.rfind(EQUATION, 0, column + 1)
    note = TEX_NOTE.search(line, max(start, 0))
    if start < 0 or note is None or line.find(EQUATION, start + 1, note.start()) >= 0:
        return None
    return bytes.fromhex(note.group(1)).decode("utf-8", "replace")


def failing_source_line(diagnostic: str) -> str | None:
    """The Typst source line a diagnostic quotes ("3 │ text"), shortened."""
    match = re.search(r"^\s*\d+ │ (.*)$", diagnostic, re.MULTILINE)
    if match is None:
        return None
    line = match.group(1).strip()
    return line if len(line) <= 80 else line[:77] + "..."
