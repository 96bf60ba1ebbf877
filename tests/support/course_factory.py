"""Tiny courses in a temporary folder, built by the real build.py in a real process."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from coursebuild.browser.chromium import BROWSER_ENDPOINT
from coursebuild.figure_cache import CACHE_ENV
from coursebuild.reading.course import open_course
from coursebuild.reading.lesson_file import load_lesson

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SEED_PAGE = PROJECT_ROOT / "tests" / "fixtures" / "100_neuroverkot_101.md"
COURSE_TOML = """\
title = "Testikurssi"
author = "Testi Opettaja"
licence = "CC BY 4.0"
language = "fi"

[build]
lessons = "slides"
output = "build"
"""

SMALL_LESSON = """\
---
priority: 1
---

# Pieni oppitunti

## Osio

### Dia

Proosaa, joka menee puhujan muistiinpanoihin. ==Tärkeä lause.==

![](../images/100_ShallowReLU.svg)

**Kuva 7:** ReLU.
"""


# The project's own code, which a test copies to edit it without touching the real one.
PROJECT_CODE = ("build.py", "coursebuild", "figures")


# markdown_extensions entries as the instructor's sites write them (mkdocs_yml).
EMOJI = """pymdownx.emoji:
    emoji_index: !!python/name:material.extensions.emoji.twemoji
    emoji_generator: !!python/name:material.extensions.emoji.to_svg"""
MERMAID_FENCE = """pymdownx.superfences:
    custom_fences:
      - name: mermaid
        class: mermaid
        format: !!python/name:pymdownx.superfences.fence_code_format"""
ARITHMATEX = "pymdownx.arithmatex:\n    generic: true"


def mkdocs_yml(*extensions: str, rest: str = "") -> str:
    """A Finnish MkDocs-Material site's mkdocs.yml: these extensions, then ``rest``."""
    entries = "".join("  - " + entry.replace("\n", "\n  ") + "\n" for entry in extensions)
    header = "site_name: Testisivusto\ntheme:\n  name: material\n  language: fi\n"
    return f"{header}markdown_extensions:\n{entries}{rest}"


def copy_project(destination: Path, parts: tuple[str, ...] = PROJECT_CODE) -> Path:
    """A copy of the project's ``parts`` at ``destination``, node_modules linked in.

    build.py run from the copy imports the copy's code: the script's folder
    comes before the editable install on the path.
    """
    destination.mkdir(parents=True)
    for part in parts:
        source = PROJECT_ROOT / part
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(source, destination / part, ignore=ignore)
        else:
            shutil.copy2(source, destination / part)
    (destination / "node_modules").symlink_to(PROJECT_ROOT / "node_modules")
    return destination


# For a build that must draw its figures: no copies from an earlier build.
NO_FIGURE_CACHE = {CACHE_ENV: "off"}


def make_course(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write course.toml and ``files`` (relative path -> text or bytes) under ``root``."""
    all_files = {"course.toml": COURSE_TOML, **files}
    for name, content in all_files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def make_site(root: Path, files: dict[str, str | bytes]) -> Path:
    """An MkDocs site of ``files`` (mkdocs.yml among them) under ``root``: no course.toml."""
    make_course(root, files)
    (root / "course.toml").unlink()
    return root


def built_once(root: Path, page: str) -> tuple[Path, Path, dict[str, bytes]]:
    """A course of the one lesson ``page``, built: the page, the output folder, what was written."""
    lesson = root / "slides" / "01_oppitunti.md"
    make_course(root, {"slides/01_oppitunti.md": page})
    out = root / "build"
    result = run_build(root, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return lesson, out, outputs(out)


def site_with_pages(root: Path, count: int):
    """An MkDocs site of ``count`` short pages under ``root``: its lessons and its course."""
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: S\n", encoding="utf-8")
    lessons = []
    for number in range(count):
        page = root / "docs" / f"sivu{number:02d}.md"
        page.write_text(f"# Sivu {number}\n\n## Osa\n\nTeksti.\n", encoding="utf-8")
        lessons.append(load_lesson(page))
    return lessons, open_course(root)


def run_build(
    course: Path,
    *arguments: str,
    env: dict[str, str] | None = None,
    build_script: Path = PROJECT_ROOT / "build.py",
    slide_pdfs: bool = False,
):
    """build.py on ``course``; without ``slide_pdfs``, as the preview builds (no slide PDFs).

    Printing a deck takes about half a second, which most tests do not look
    at: the tests of slide PDFs, of the outputs and of what rebuilds ask for them.
    """
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", **(env or {})}
    if "CHROMIUM" in (env or {}):  # a test of the Chromium a build starts: no shared one
        environment.pop(BROWSER_ENDPOINT, None)
    options = () if slide_pdfs else ("--no-slide-pdfs",)
    return subprocess.run(
        [sys.executable, str(build_script), "--course", str(course), *arguments, *options],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=600,
        env=environment,
    )


def outputs(folder: Path) -> dict[str, bytes]:
    """Every file the build wrote, by path relative to ``folder``."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# The line a build with failed pages ends on (coursebuild/cli.py).
FAILED_SUMMARY = re.compile(
    r"^(\d+) built, (\d+) failed, (\d+) warnings; the failed pages keep their last good outputs$"
)
# What a build writes for the course as a whole; a failed page changes them (the
# index marks it unavailable), never its own outputs.
COURSE_FILES = ("index.html", ".build-state.json")


def before_summary(stderr: str, failed: int = 1) -> str:
    """A failed build's stderr without its summary line, which must say ``failed`` pages failed."""
    lines = stderr.splitlines()
    summary = FAILED_SUMMARY.match(lines[-1]) if lines else None
    assert summary, f"no summary line at the end: {stderr!r}"
    assert int(summary[2]) == failed, lines[-1]
    return "".join(line + "\n" for line in lines[:-1])


def page_outputs(folder: Path) -> dict[str, bytes]:
    """The outputs of the pages (decks, handouts, slide PDFs, images), not the course's files."""
    return without_course_files(outputs(folder))


def without_course_files(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in files.items() if name not in COURSE_FILES}
