"""What the terminal shows: one line a step, a progress bar for long builds, -q for silence."""

from __future__ import annotations

import sys
from typing import TextIO

BAR_WIDTH = 24
BAR_FROM = 6  # builds with this many lessons or more get a progress bar


class Reporter:
    def __init__(self, quiet: bool = False, stream: TextIO = sys.stdout) -> None:
        self.quiet = quiet
        self.stream = stream
        self.bar_shown = False

    def step(self, action: str, name: str, detail: str = "") -> None:
        if self.quiet:
            return
        self.clear_bar()
        suffix = f"  ({detail})" if detail else ""
        print(f"{action:<8} {name}{suffix}", file=self.stream, flush=True)

    def progress(self, done: int, total: int) -> None:
        if self.quiet or total < BAR_FROM or not self.stream.isatty():
            return
        filled = BAR_WIDTH * done // total
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        print(f"\r[{bar}] {done}/{total} lessons", end="", file=self.stream, flush=True)
        self.bar_shown = True

    def clear_bar(self) -> None:
        if self.bar_shown:
            print("\r" + " " * (BAR_WIDTH + 24) + "\r", end="", file=self.stream)
            self.bar_shown = False

    def warning(self, message: str) -> None:
        self.clear_bar()
        print(f"warning: {message}", file=sys.stderr, flush=True)

    def done(self, summary: str) -> None:
        self.step("done", summary)


def tolerant_streams() -> None:
    """Never fail on printing a Finnish name: a terminal that is not UTF-8 gets escapes."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
