"""Each site built by build.py in a subprocess; its pages, their times, warnings and errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from coursebuild.reading.course import open_course
from coursebuild.reading.page_names import lesson_pages
from tests.support.corpus.layout import PROJECT_ROOT

SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01: the builds are reproducible
JOBS = "2"
MAX_BUILDS = 6  # a site build is repeated without the failing page at most this often


LESSON_LINE = re.compile(r"^lesson\s+(?P<path>\S.*?)\s+\((?P<seconds>[\d.]+) s\)$", re.MULTILINE)
ERROR_LINE = re.compile(r"^error: (?P<path>/\S+?\.md)(?::\d+)?: (?P<message>.*)$", re.MULTILINE)


@dataclass
class Page:
    site: str
    path: Path  # the .md file
    name: str  # path inside the site's docs folder
    slug: str  # output name: <slug>.html, <slug>.pdf
    chapter: str | None
    built: bool = False
    seconds: float | None = None
    warnings: set[str] = field(default_factory=set)
    problems: dict[str, list[str]] = field(default_factory=dict)  # check -> messages
    slides: int | None = None
    handout_pages: int | None = None
    axe: Counter | None = None  # (impact, rule) -> elements, once axe ran on the deck
    # As --check measured the deck: continuation slides, the longest run of
    # them, and the smallest course-figure text in px (None: no such figure).
    continued: int | None = None
    longest_run: int | None = None
    smallest_text: float | None = None
    # What the deck shows shortened (all of it is in the handout): boxes and
    # tabs shown closed, and blocks cut to an excerpt ("⋯ loput monisteessa").
    closed: int | None = None
    excerpts: int | None = None

    def fail(self, check: str, message: str) -> None:
        self.problems.setdefault(check, []).append(message)


@dataclass
class SiteBuild:
    name: str
    root: Path
    out: Path
    pages: list[Page]
    commands: list[str] = field(default_factory=list)
    seconds: float = 0.0
    general_errors: list[str] = field(default_factory=list)  # not about one page


def site_pages(name: str, root: Path) -> list[Page]:
    """The site's pages in navigation order, with the output names the build gives them."""
    course = open_course(root)
    paths = [page.path for page in course.pages]
    return [
        Page(name, path, path.relative_to(course.docs_dir).as_posix(), slug, chapter)
        for path, slug, chapter, _ in lesson_pages(course, paths)
    ]


def build_command(root: Path, out: Path, targets: list[Path]) -> list[str]:
    command = [sys.executable, "build.py", "--course", str(root), "--out", str(out), "-j", JOBS]
    return command + [str(path) for path in targets]


def run_build(command: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    return subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)


def record_output(pages: list[Page], stdout: str, stderr: str) -> None:
    """Lesson times and warnings from build.py's output, onto the pages they name."""
    by_path = {str(page.path): page for page in pages}
    for match in LESSON_LINE.finditer(stdout):
        page = by_path.get(match["path"])
        if page is not None:
            page.seconds = float(match["seconds"])
    for line in stderr.splitlines():
        if line.startswith("warning: "):
            for path, page in by_path.items():
                if line.startswith((f"warning: {path}:", f"warning: {path} ")):
                    page.warnings.add(line)


def build_site(name: str, root: Path, out: Path) -> SiteBuild:
    """One build of the whole site; a page that fails is reported and the rest built again."""
    site = SiteBuild(name, root, out, site_pages(name, root))
    started = time.perf_counter()
    remaining = list(site.pages)
    for attempt in range(MAX_BUILDS):
        targets = [] if attempt == 0 else [page.path for page in remaining]
        command = build_command(root, out, targets)
        site.commands.append(" ".join(command))
        result = run_build(command)
        record_output(site.pages, result.stdout, result.stderr)
        if result.returncode == 0:
            for page in remaining:
                page.built = True
            break
        failed = failed_pages(remaining, result.stderr)
        if not failed:
            site.general_errors.append(result.stderr.strip() or f"exit {result.returncode}")
            break
        remaining = [page for page in remaining if page not in failed]
        if not remaining:
            break
    else:
        site.general_errors.append(f"still failing after {MAX_BUILDS} builds; rest not built")
    site.seconds = time.perf_counter() - started
    return site


def failed_pages(pages: list[Page], stderr: str) -> list[Page]:
    """The pages build.py's error lines name, each given its error as a build problem."""
    by_path = {str(page.path): page for page in pages}
    failed = []
    for match in ERROR_LINE.finditer(stderr):
        page = by_path.get(match["path"])
        if page is not None:
            page.fail("build", match.group(0).removeprefix("error: "))
            if page not in failed:
                failed.append(page)
    return failed
