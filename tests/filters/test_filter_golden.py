"""Golden tests of the Lua filters: Pandoc alone on a small page, its output compared with a file.

A case is golden/<suite>/<case>.html: a small page, showing one behaviour
that its name says, as the build's reader hands it to Pandoc
(coursebuild/reading/html_bridge.py). Pandoc reads it as the build does
(pandoc_command), with the suite's arguments (SUITES: the build's own from
coursebuild.pandoc.run, keeping only the filters under test), then the lines
of <case>.args if there is one: the --metadata=... options the build gives a
page. The output must equal <case>.expected.<extension>, and the warnings
(the filter's path and line left out) <case>.expected.warnings, where no
file means none.

To regenerate the expected files after a deliberate change to a filter:

    GOLDEN_REGENERATE=1 .venv/bin/python -m pytest tests/filters/test_filter_golden.py \
        -p no:cacheprovider

then read every changed file (git diff tests/filters/golden) before keeping
it: an expected file is only as right as the reading it got.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from coursebuild.pandoc.run import (
    COMMON_ARGUMENTS,
    DECK_ARGUMENTS,
    FILTERS_DIR,
    HANDOUT_ARGUMENTS,
    language_arguments,
    pandoc_command,
)

GOLDEN = Path(__file__).resolve().parent / "golden"
LANG_OPTION = "--metadata=lang="
REGENERATE = os.environ.get("GOLDEN_REGENERATE") == "1"
# Where pandoc.log.warn was called moves with every edit of the filter.
WARNING_PLACE = re.compile(r"Scripting warning at .*? line \d+ column \d+: ")


def lua_filter(name: str) -> str:
    return f"--lua-filter={FILTERS_DIR / name}"


def with_filters(arguments: tuple[str, ...], *names: str) -> tuple[str, ...]:
    """The build's ``arguments``, its Lua filters cut to mkdocs.lua and ``names``.

    mkdocs.lua stays: it makes the page's math spans the Math the others read.
    """
    kept = {lua_filter(name) for name in ("mkdocs.lua", *names)}
    return tuple(a for a in arguments if not a.startswith("--lua-filter=") or a in kept)


@dataclass(frozen=True)
class Suite:
    arguments: tuple[str, ...]
    extension: str  # of the expected output files


# Pandoc's native output shows the document tree a filter hands on exactly.
SUITES = {
    "mkdocs": Suite((*COMMON_ARGUMENTS, "--to=native"), "native"),
    "captions": Suite((*COMMON_ARGUMENTS, lua_filter("captions.lua"), "--to=native"), "native"),
    "slides": Suite(DECK_ARGUMENTS, "html"),
    "handout": Suite(HANDOUT_ARGUMENTS, "typ"),
    "typst_math": Suite(with_filters(HANDOUT_ARGUMENTS, "typst_math.lua"), "typ"),
    "spoken_math": Suite(with_filters(DECK_ARGUMENTS, "spoken_math.lua"), "html"),
    # math_text.lua is no filter: spoken_math.lua adds its text and nothing else.
    "math_text": Suite((*COMMON_ARGUMENTS, lua_filter("spoken_math.lua"), "--to=native"), "native"),
}

# A deck's expected output is HTML too.
CASES = sorted(path for path in GOLDEN.glob("*/*.html") if ".expected." not in path.name)


def expected_path(case: Path, extension: str) -> Path:
    return case.with_name(f"{case.stem}.expected.{extension}")


def case_options(case: Path) -> tuple[str, ...]:
    """The case's page options: its language (Finnish unless it names one, as
    ``--metadata=lang=en``) with that language's words, then the rest of its .args."""
    options = case.with_suffix(".args")
    lines = options.read_text(encoding="utf-8").splitlines() if options.exists() else []
    languages = [line.removeprefix(LANG_OPTION) for line in lines if line.startswith(LANG_OPTION)]
    rest = tuple(line for line in lines if not line.startswith(LANG_OPTION))
    return (*language_arguments(languages[-1] if languages else "fi"), *rest)


def pandoc(case: Path, options: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    """Pandoc on ``case`` with its suite's arguments and ``options``."""
    return subprocess.run(
        pandoc_command(SUITES[case.parent.name].arguments + options),
        input=case.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def check(path: Path, found: str) -> None:
    """``found`` equals the file at ``path`` (none: empty), or is written there."""
    if REGENERATE:
        if found:
            path.write_text(found, encoding="utf-8", newline="\n")
        else:
            path.unlink(missing_ok=True)
        return
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    assert found == expected, f"differs from {path.relative_to(GOLDEN)}"


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.parent.name}/{case.stem}")
def test_filter_output_is_the_expected(case):
    result = pandoc(case, case_options(case))
    assert result.returncode == 0, result.stderr
    check(expected_path(case, SUITES[case.parent.name].extension), result.stdout)
    check(case.with_name(f"{case.stem}.expected.warnings"), WARNING_PLACE.sub("", result.stderr))


def test_every_folder_is_a_suite_and_every_expected_file_has_its_case():
    assert {case.parent.name for case in CASES} == set(SUITES)
    for path in GOLDEN.glob("*/*.*"):
        stem = path.name.split(".")[0]
        assert (path.parent / f"{stem}.html").exists(), f"{path} has no case"


# Not golden: the message names the metadata, not where in metadata.lua it stopped.
@pytest.mark.parametrize(
    ("case", "key", "shape"),
    [
        ("slides/metadata_slide_variants.html", "slide-variants", "image -> variant images"),
        ("handout/metadata_handout_files.html", "handout-files", "path -> name"),
    ],
)
def test_metadata_that_is_not_json_stops_pandoc(case, key, shape):
    result = pandoc(GOLDEN / case, (*language_arguments("fi"), f"--metadata={key}=not json"))
    assert result.returncode != 0
    assert f"metadata {key} is not a JSON object of {shape}: not json" in result.stderr


@pytest.mark.parametrize(
    "case", ["mkdocs/math.html", "slides/highlights.html", "handout/sources.html"]
)
def test_a_page_without_its_words_stops_pandoc(case):
    """No filter falls back to a language of its own: the build gives each page its words."""
    result = pandoc(GOLDEN / case, ("--metadata=lang=en",))
    assert result.returncode != 0
    assert "metadata words is missing" in result.stderr
