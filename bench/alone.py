"""Parts of a build alone, each timed inside a fresh interpreter (so without its start-up):
the figures, the page read by Python-Markdown, a browser start, a site's mermaid diagrams."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bench.measure import Series, run, seconds_only
from bench.settings import PYTHON, ROOT

# The figures alone: importing numpy and matplotlib, the network's computation, drawing, SVG.
FIGURES_SNIPPET = """\
import importlib, sys, time
started = time.perf_counter()
from coursebuild.figure_files import render_figure
from figures.catalogue import FIGURES
for spec in FIGURES:
    importlib.import_module(spec.module)  # numpy, matplotlib and the figure code
times = {"imports": time.perf_counter() - started}
for spec in FIGURES:
    begun = time.perf_counter()
    render_figure(spec, sys.argv[1])
    times[spec.name] = time.perf_counter() - begun
print(time.perf_counter() - started)
for name, seconds in times.items():
    print(name, seconds)
"""

# What a build that makes a deck pays once for its layout pass: Playwright,
# Chromium, one page at the deck's size.
BROWSER_SNIPPET = """\
from coursebuild.browser.chromium import open_browser
with open_browser() as browser:
    browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
"""

# The bare browser work a deck needs, Playwright and Chromium alone (nothing of
# the build's): start the project's Chromium, open the built deck from its
# file, and print it with Chromium's own print to a PDF at the slide's size.
BARE_BROWSER_SNIPPET = """\
import sys
from playwright.sync_api import sync_playwright
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=sys.argv[1], headless=True)
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(sys.argv[2])
    page.pdf(path=sys.argv[3], width="1280px", height="720px")
    browser.close()
"""

# The page read by the build's read_lesson (Python-Markdown, in its limited
# child), timed once the course and page are loaded (as a build has them):
# importing the reader and the extensions, setting the Markdown instance up,
# converting the page. Then the page again, with the instance set up: the
# conversion alone. The rest of the build's lesson code is imported untimed.
MARKDOWN_SNIPPET = """\
import sys, time
from pathlib import Path
from coursebuild.reading.course import open_course
from coursebuild.reading.images import FigureSet
from coursebuild.reading.lesson_file import load_lesson
from figures.catalogue import FIGURES
course, lesson = open_course(Path(sys.argv[1])), load_lesson(Path(sys.argv[2]))
out = Path(sys.argv[3])
names = frozenset(s.name for s in FIGURES if (out / "images" / f"{s.name}.svg").is_file())
figures = FigureSet(out / "images", names, out / ".cache" / "mermaid")
started = time.perf_counter()
import coursebuild.reading.html_bridge, coursebuild.reading.markdown_reader
imported = time.perf_counter()
from coursebuild.lesson.make import read_lesson
resumed = time.perf_counter()
read_lesson(lesson, course, figures)
first = time.perf_counter()
read_lesson(lesson, course, figures)
setup_and_page = first - resumed
print(imported - started + setup_and_page, imported - started, setup_and_page,
      time.perf_counter() - first)
"""

# A site's mermaid diagrams alone, in one browser session: importing
# Playwright, starting Chromium, rendering, the SVG files.
MERMAID_SNIPPET = """\
import json, sys, time
from pathlib import Path
started = time.perf_counter()
from coursebuild.browser.mermaid import render_diagrams
render_diagrams(json.loads(Path(sys.argv[1]).read_text("utf-8")), Path(sys.argv[2]))
print(time.perf_counter() - started)
"""

MARKDOWN_PARTS = ("imports", "set-up and page", "page again")


def browser_command() -> list[str]:
    return [PYTHON, "-c", BROWSER_SNIPPET]


def bare_browser_command(deck: Path, pdf: Path) -> list[str]:
    """Chromium started, ``deck`` loaded and printed by Chromium to ``pdf``: the floor's browser."""
    from coursebuild.browser.chromium import chromium_path

    return [PYTHON, "-c", BARE_BROWSER_SNIPPET, chromium_path(), deck.resolve().as_uri(), str(pdf)]


def time_figures(series: Series, parts: dict[str, list[float]], lang: str) -> None:
    """The figures alone: the total into ``series``, each part into ``parts``."""
    result = run([PYTHON, "-c", FIGURES_SNIPPET, lang], cwd=ROOT)
    total, *lines = result.stdout.split("\n")
    series.add("figures", seconds_only(float(total), result.max_rss_mb))
    for line in filter(None, lines):
        name, seconds = line.split()
        parts.setdefault(name, []).append(float(seconds))


def time_markdown(
    series: Series, parts: dict[str, list[float]], course: Path, page: Path, out: Path
) -> None:
    """The page read by read_lesson alone, after a build of ``course`` into ``out``."""
    command = [PYTHON, "-c", MARKDOWN_SNIPPET, str(course), str(page), str(out)]
    result = run(command, cwd=ROOT)
    total, *values = (float(value) for value in result.stdout.split())
    series.add("markdown", seconds_only(total, result.max_rss_mb))
    for name, seconds in zip(MARKDOWN_PARTS, values, strict=True):
        parts.setdefault(name, []).append(seconds)


def time_mermaid(diagrams: list[str], folder: Path):
    """The diagrams alone, in one browser session, into an empty cache."""
    sources = folder / "diagrams.json"
    sources.write_text(json.dumps(diagrams), encoding="utf-8")
    cache = folder / "mermaid-cache"
    shutil.rmtree(cache, ignore_errors=True)
    result = run([PYTHON, "-c", MERMAID_SNIPPET, str(sources), str(cache)], cwd=ROOT)
    return seconds_only(float(result.stdout.split()[-1]), result.max_rss_mb)
