"""The convert stage: Pandoc (with our Lua filters) and Typst, as real tools."""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from coursebuild import limits, url_policy
from coursebuild.errors import BuildError

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
# What the filters load themselves (dofile): both parts depend on it.
FILTER_MODULES = (FILTERS_DIR / "math_text.lua",)
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
    bad_math = BAD_MATH.search(result.stderr)
    if bad_math:
        formula = bad_math.group(1).strip().strip("'")
        raise BuildError(
            f"Pandoc cannot read this math: {formula[:80]}", path, line_of(formula, source, 1)
        )
    warnings = [line for line in result.stderr.splitlines() if line.startswith("[WARNING]")]
    return result.stdout, warnings


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
        raise BuildError(f"Typst cannot typeset the handout: {message}{where}", path)
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


def one_line(stderr: str) -> str:
    """A tool's error as one line: its lines joined, shortened; a panic's message, not its
    place and backtrace (Pandoc's "Error running Lua:" needs the line after it)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if len(lines) > 1 and " panicked at " in lines[0]:
        return f"panic: {lines[1][:300]}"
    text = " ".join(lines) or "no message"
    return text if len(text) <= 300 else text[:297] + "..."


def failing_source_line(diagnostic: str) -> str | None:
    """The Typst source line a diagnostic quotes ("3 │ text"), shortened."""
    match = re.search(r"^\s*\d+ │ (.*)$", diagnostic, re.MULTILINE)
    if match is None:
        return None
    line = match.group(1).strip()
    return line if len(line) <= 80 else line[:77] + "..."
