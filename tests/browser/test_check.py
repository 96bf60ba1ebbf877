"""`--check` reports every way a slide can fail a student: each fault is injected into a real deck.

The deck is built once by the real build; each test changes one thing in a
copy of it (the fault) and shows the copy in Chromium as `--check` does.
(`--check` itself, naming lesson, slide, title and reason with exit 1, is
tested in test_layout.py on a deck that fails by construction: the build
rebuilds a deck whose file was changed.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coursebuild.browser.chromium import inspect_deck, open_browser
from tests.support.course_factory import make_course, run_build

LESSON = """\
---
priority: 1
---

# Tarkistus

## Osio

### Kuva

![](../images/100_ShallowReLU.svg)

**Kuva 1:** ReLU.

### Kohdat

- ensimmäinen kohta
- toinen kohta

### Kaava

$$
y = \\frac{a}{b}
$$
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = make_course(tmp_path_factory.mktemp("check"), {"slides/01_tarkistus.md": LESSON})
    result = run_build(root, "--out", str(root / "build"))
    assert result.returncode == 0, result.stderr
    return root / "build" / "01_tarkistus.html"


@pytest.fixture(scope="module")
def browser():
    with open_browser() as chromium:
        yield chromium


def with_fault(deck: Path, tmp_path: Path, old: str | re.Pattern, new: str) -> Path:
    """A copy of ``deck`` with ``old`` (text or pattern, found once) replaced by ``new``."""
    page = deck.read_text(encoding="utf-8")
    if isinstance(old, re.Pattern):
        changed, count = old.subn(new, page, count=1)
    else:
        changed, count = page.replace(old, new, 1), page.count(old)
    assert count >= 1, f"{old!r} is not in the deck"
    copy = tmp_path / deck.name
    copy.write_text(changed, encoding="utf-8")
    return copy


def problems_of(browser, deck: Path, title: str) -> list[str]:
    report = inspect_deck(browser, deck)
    return [
        problem for slide in report.slides if slide.title == title for problem in slide.problems()
    ]


def test_the_deck_as_built_has_no_problem(browser, built):
    report = inspect_deck(browser, built)
    assert [s.problems() for s in report.slides if s.problems()] == []
    # The course figure's text is measured, and reads from the back row.
    texts = [f["px"] for s in report.slides for f in s.figure_text]
    assert len(texts) == 1 and texts[0] >= 18


POINTS = 'ul "ensimmäinen kohta toinen kohta"'  # the "Kohdat" slide's list, as a report names it


def test_a_shrunk_block_is_reported_by_name(browser, built, tmp_path):
    deck = with_fault(built, tmp_path, "<ul>", '<ul style="zoom: 0.8">')
    assert problems_of(browser, deck, "Kohdat") == [f"content fits only shrunk to 80% ({POINTS})"]


def test_a_block_too_tall_or_too_wide_is_reported_by_name(browser, built, tmp_path):
    tall = with_fault(built, tmp_path, "<ul>", '<ul style="height: 900px">')
    [problem] = problems_of(browser, tall, "Kohdat")
    assert re.fullmatch(rf"content \d+ px too tall \({re.escape(POINTS)}\)", problem), problem
    wide = with_fault(built, tmp_path, "<ul>", '<ul style="min-width: 1600px">')
    [problem] = problems_of(browser, wide, "Kohdat")
    assert re.fullmatch(rf"content \d+ px too wide \({re.escape(POINTS)}\)", problem), problem


def test_a_figure_under_its_minimum_is_reported(browser, built, tmp_path):
    pattern = re.compile(r'style="width: \d+px; height: \d+px;')
    deck = with_fault(built, tmp_path, pattern, 'style="width: 60px; height: 60px;')
    found = problems_of(browser, deck, "Kuva")
    assert any(re.fullmatch(r"Kuva 1 drawn 60 px high, under the minimum \d+ px", p) for p in found)
    # The same figure drawn small also has text too small to read.
    assert any(re.fullmatch(r"Kuva 1: smallest text \d+\.\d px, under 18 px", p) for p in found)


def test_an_image_that_does_not_load_is_reported(browser, built, tmp_path):
    pattern = re.compile(r'data-src="data:image/svg\+xml;base64,[^"]+"')
    deck = with_fault(built, tmp_path, pattern, 'data-src="data:image/png;base64,AAAA"')
    found = problems_of(browser, deck, "Kuva")
    assert "1 image(s) did not load or are drawn at 0 px" in found


def test_a_heading_only_slide_is_reported(browser, built, tmp_path):
    pattern = re.compile(r"(<h3>Kohdat</h3>)\s*<ul>.*?</ul>", re.DOTALL)
    deck = with_fault(built, tmp_path, pattern, r"\1")
    assert problems_of(browser, deck, "Kohdat") == ["a heading and nothing else"]


def test_tex_left_as_text_is_reported(browser, built, tmp_path):
    deck = with_fault(built, tmp_path, "<li>toinen kohta</li>", "<li>\\frac{a}{b} jäi</li>")
    assert problems_of(browser, deck, "Kohdat") == ["1 TeX command(s) shown as text"]


def test_a_request_to_the_network_is_blocked_and_reported(browser, built, tmp_path):
    deck = with_fault(
        built, tmp_path, "<li>toinen kohta</li>", '<li><img src="https://example.org/x.png"></li>'
    )
    report = inspect_deck(browser, deck)
    # The deck's Content-Security-Policy refuses it before the network would.
    assert report.failed_requests == ["https://example.org/x.png"]
    refusals = [error for error in report.console_errors if "example.org/x.png" in error]
    assert len(refusals) == 1 and '"img-src data:"' in refusals[0]
