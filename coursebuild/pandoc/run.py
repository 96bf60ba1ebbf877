"""Pandoc, with our Lua filters, from a page's HTML to reveal.js slides or Typst markup."""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
import subprocess
from pathlib import Path

from coursebuild.core import limits, url_policy
from coursebuild.core.errors import BuildError, line_of, one_line
from coursebuild.core.words import words_for

FILTERS_DIR = Path(__file__).resolve().parent / "filters"
# Pages reach Pandoc as the HTML the site's own Markdown parser makes
# (markdown_reader.py, html_bridge.py). --sandbox: the HTML reader would
# otherwise fetch what an <iframe> points at, from the network or the disk.
READER = "html"
COMMON_ARGUMENTS = (
    "--sandbox",
    url_policy.pandoc_metadata(),
    f"--lua-filter={FILTERS_DIR / 'mkdocs.lua'}",
)
DECK_ARGUMENTS = (
    *COMMON_ARGUMENTS,
    "--to=revealjs",
    "--mathml",
    "--slide-level=3",
    f"--lua-filter={FILTERS_DIR / 'captions.lua'}",
    f"--lua-filter={FILTERS_DIR / 'slides.lua'}",
    f"--lua-filter={FILTERS_DIR / 'spoken_math.lua'}",
)
HANDOUT_ARGUMENTS = (
    *COMMON_ARGUMENTS,
    "--to=typst",
    f"--lua-filter={FILTERS_DIR / 'captions.lua'}",
    f"--lua-filter={FILTERS_DIR / 'handout.lua'}",
    # Last: the filters before it still see Pandoc math, not raw Typst.
    f"--lua-filter={FILTERS_DIR / 'typst_math.lua'}",
)
# What the filters load themselves (dofile): both parts depend on them.
FILTER_MODULES = (
    FILTERS_DIR / "math_text.lua",
    FILTERS_DIR / "metadata.lua",
    FILTERS_DIR / "image_alt.lua",
)
BAD_MATH = re.compile(r"Could not convert TeX math (.*?), rendering as TeX", re.DOTALL)


# The wheel's Pandoc is linked with -with-rtsopts=-H64m: a 64 MB allocation area
# for lessons whose live data is under 1 MB. With 16 MB each run needs ~50 MB
# less memory (two run at once in a -j 2 build) and is no slower (bench/).
# -M caps its heap: a page is untrusted, and Pandoc then stops with
# "Heap exhausted" (exit 251) instead of taking the machine's memory.
def wheel_rts_options() -> tuple[str, ...]:
    return ("+RTS", "-H16m", f"-M{limits.PANDOC_HEAP_MB}m", "-RTS")


PANDOC_HEAP_EXHAUSTED = 251


def pandoc_executable() -> str:
    """PANDOC overrides the binary that the pypandoc-binary wheel carries."""
    override = os.environ.get("PANDOC")
    if override:
        return override
    bundled = bundled_pandoc()
    if bundled:
        return bundled
    try:
        # Imported here: only when the wheel's own binary is not where it should be.
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        raise BuildError("Pandoc not found; run `make` to install pypandoc-binary") from None


def pandoc_command(arguments: tuple[str, ...]) -> list[str]:
    """The command line of one conversion: the binary, its RTS options, reader, ``arguments``."""
    executable = pandoc_executable()
    options = wheel_rts_options() if executable == bundled_pandoc() else ()
    return [executable, *options, f"--from={READER}", *arguments]


@functools.cache
def bundled_pandoc() -> str | None:
    """The wheel's own binary, found without importing pypandoc.

    Importing pypandoc (urllib, logging, …) and its search, which runs
    ``pandoc --version`` for every candidate, cost 30–60 ms in every build
    process; a one-lesson edit pays for each. pypandoc's search stays the
    fallback for a pypandoc without a bundled binary.
    """
    spec = importlib.util.find_spec("pypandoc")
    for folder in (spec and spec.submodule_search_locations) or ():
        bundled = Path(folder) / "files" / ("pandoc.exe" if os.name == "nt" else "pandoc")
        if bundled.is_file() and os.access(bundled, os.X_OK):
            return str(bundled)
    return None


class UnreadableMath(BuildError):
    """Formulas Pandoc could not convert (MathJax may show them: the build shows their TeX)."""

    def __init__(self, formulas: list[str], path: Path, source: str) -> None:
        first = formulas[0]
        super().__init__(
            f"Pandoc cannot read this math: {first[:80]}", path, line_of(first, source, 1)
        )
        self.formulas = formulas


def run_pandoc(
    markdown: str, arguments: tuple[str, ...], path: Path, source: str
) -> tuple[str, list[str]]:
    """Convert ``markdown``; return the output and Pandoc's other warnings.

    ``source`` is the lesson file's text, to find the line of a bad formula.
    """
    command = pandoc_command(arguments)
    try:
        result = subprocess.run(
            command,
            input=markdown,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=limits.PANDOC_SECONDS,
        )
    except FileNotFoundError:
        raise BuildError(
            f"Pandoc not found at {command[0]}; run `make` to install pypandoc-binary", path
        ) from None
    except subprocess.TimeoutExpired:  # run() has killed it
        message = f"Pandoc runs longer than {limits.PANDOC_SECONDS} s on the page; stopped"
        raise BuildError(message, path) from None
    if result.returncode == PANDOC_HEAP_EXHAUSTED and "Heap exhausted" in result.stderr:
        message = f"Pandoc needs more than {limits.PANDOC_HEAP_MB} MB of memory for the page"
        raise BuildError(message, path)
    if result.returncode != 0:
        raise BuildError(f"Pandoc failed: {one_line(result.stderr)}", path)
    formulas = [found.strip().strip("'") for found in BAD_MATH.findall(result.stderr)]
    if formulas:
        raise UnreadableMath(formulas, path, source)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("[WARNING]")]
    return result.stdout, warnings


def language_arguments(language: str) -> tuple[str, ...]:
    """The page's language, and the words the filters add in it (core/words.py)."""
    words = json.dumps(words_for(language), ensure_ascii=False, sort_keys=True)
    return (f"--metadata=lang={language}", f"--metadata=words={words}")
