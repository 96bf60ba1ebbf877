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
