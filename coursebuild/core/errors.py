"""The errors a user can cause, each turned into one line and a non-zero exit by build.py."""

from __future__ import annotations

from pathlib import Path


class BuildError(Exception):
    """A problem in the course's sources: names the file, and the line when known."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def __reduce__(self):
        # Errors travel back from worker processes; keep the file and line.
        return (type(self), (self.message, self.path, self.line))

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


def line_of(snippet: str, source: str, first_line: int) -> int | None:
    """Where ``snippet`` (or its first line) stands in ``source``, as a file line."""
    for probe in (snippet.strip(), snippet.strip().split("\n")[0].strip()):
        if probe and probe in source:
            return source[: source.index(probe)].count("\n") + first_line
    return None


def one_line(stderr: str) -> str:
    """A tool's error as one line: its lines joined, shortened; a panic's message, not its
    place and backtrace (Pandoc's "Error running Lua:" needs the line after it)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if len(lines) > 1 and " panicked at " in lines[0]:
        return f"panic: {lines[1][:300]}"
    text = " ".join(lines) or "no message"
    return text if len(text) <= 300 else text[:297] + "..."
