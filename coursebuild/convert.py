"""The convert stage: Pandoc (with our Lua filters) and Typst, as real tools."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from coursebuild.errors import BuildError

FILTERS_DIR = Path(__file__).resolve().parent / "filters"
READER = "markdown+mark+autolink_bare_uris"
DECK_ARGUMENTS = (
    "--to=revealjs",
    "--mathml",
    "--slide-level=3",
    f"--lua-filter={FILTERS_DIR / 'captions.lua'}",
    f"--lua-filter={FILTERS_DIR / 'slides.lua'}",
)
HANDOUT_ARGUMENTS = (
    "--to=typst",
    f"--lua-filter={FILTERS_DIR / 'captions.lua'}",
    f"--lua-filter={FILTERS_DIR / 'handout.lua'}",
)
BAD_MATH = re.compile(r"Could not convert TeX math (.*?), rendering as TeX", re.DOTALL)


def pandoc_executable() -> str:
    """PANDOC overrides the binary that the pypandoc-binary wheel carries."""
    override = os.environ.get("PANDOC")
    if override:
        return override
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        raise BuildError("Pandoc not found; run `make` to install pypandoc-binary") from None


def line_of(snippet: str, source: str, first_line: int) -> int | None:
    """Where ``snippet`` (or its first line) stands in ``source``, as a file line."""
    for probe in (snippet.strip(), snippet.strip().split("\n")[0].strip()):
        if probe and probe in source:
            return source[: source.index(probe)].count("\n") + first_line
    return None


def run_pandoc(
    markdown: str, arguments: tuple[str, ...], path: Path, source: str
) -> tuple[str, list[str]]:
    """Convert ``markdown``; return the output and Pandoc's other warnings.

    ``source`` is the lesson file's text, to find the line of a bad formula.
    """
    command = [pandoc_executable(), f"--from={READER}", *arguments]
    try:
        result = subprocess.run(command, input=markdown, capture_output=True, text=True)
    except FileNotFoundError:
        raise BuildError(
            f"Pandoc not found at {command[0]}; run `make` to install pypandoc-binary", path
        ) from None
    if result.returncode != 0:
        raise BuildError(f"Pandoc failed: {result.stderr.strip()}", path)
    bad_math = BAD_MATH.search(result.stderr)
    if bad_math:
        formula = bad_math.group(1).strip().strip("'")
        raise BuildError(
            f"Pandoc cannot read this math: {formula[:80]}", path, line_of(formula, source, 1)
        )
    warnings = [line for line in result.stderr.splitlines() if line.startswith("[WARNING]")]
    return result.stdout, warnings


def compile_typst(source: str, path: Path, timestamp: int) -> bytes:
    """Typst source to PDF bytes; only Typst's embedded fonts, for the same PDF everywhere."""
    import typst

    try:
        return typst.compile(
            source.encode("utf-8"),
            root="/",  # image paths in the source are absolute
            ignore_system_fonts=True,
            timestamp=timestamp,
        )
    except typst.TypstError as error:
        message = " ".join(str(error.message).split())
        near = failing_source_line(str(error.diagnostic))
        where = f" in `{near}`" if near else ""
        raise BuildError(f"Typst cannot typeset the handout: {message}{where}", path) from None


def failing_source_line(diagnostic: str) -> str | None:
    """The Typst source line a diagnostic quotes ("3 │ text"), shortened."""
    match = re.search(r"^\s*\d+ │ (.*)$", diagnostic, re.MULTILINE)
    if match is None:
        return None
    line = match.group(1).strip()
    return line if len(line) <= 80 else line[:77] + "..."
