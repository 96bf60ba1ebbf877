"""`--check` reports every way a slide can fail a student: each fault is injected into a real deck.

The deck is built once by the real build; each test changes one thing in a
copy of it (the fault) and shows the copy in Chromium as `--check` does.
(`--check` itself, naming lesson, slide, title and reason with exit 1, is
tested in test_layout.py on a deck that fails by construction: the build
rebuilds a deck whose file was changed.)
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from coursebuild.browser.chromium import DeckReport, inspect_deck, open_browser, open_deck
from tests.support.course_factory import make_course, run_build
from tests.support.images import png

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

### Avattava

??? note "Ratkaisu"

    $$
    z = \\frac{1}{2}
    $$

    ![](../images/100_ShallowReLU.svg)

    === "Vaihe :snake:"

        Ensimmäinen vaihe.

    === "Tarkistus :one:"

        Toinen vaihe.

### Koodi

```python
def f():
    return laske(ensimmainen_argumentti, toinen_argumentti, kolmas_argumentti, neljas_argumentti)
```

```
tavallinen_rivi = https://esimerkki.fi/hyvin/pitka/osoite/joka/ei/mahdu/yhdelle/riville/dialla/koskaan
```
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


# The "Koodi" slide's code, as the deck shows it: each line's box and the code's width.
CODE_LINES = """() => {
    const slide = [...document.querySelectorAll('.reveal .slides section')]
        .find((s) => s.querySelector('h3') && s.querySelector('h3').textContent === 'Koodi');
    return [...slide.querySelectorAll('pre')].map((pre) => ({
        lineHeight: parseFloat(getComputedStyle(pre).lineHeight),
        cut: pre.scrollWidth - pre.clientWidth,
        lines: [...pre.querySelectorAll('code > span')].map((line) => {
            const range = document.createRange();
            range.selectNodeContents(line);
            const rows = [...range.getClientRects()].filter((r) => r.width > 0);
            return {
                text: line.textContent,
                height: line.getBoundingClientRect().height / Reveal.getScale(),
                mark: getComputedStyle(line).backgroundImage,
                indent: line.style.getPropertyValue('--indent'),
                // Where its last row starts, from the line's own left edge.
                lastRow: (rows.at(-1).left - line.getBoundingClientRect().left) / Reveal.getScale(),
                padding: parseFloat(getComputedStyle(line).paddingLeft),
            };
        }),
    }));
}"""


SHOW_CODE_SLIDE = """() => {
    const slide = Reveal.getSlides().find((s) => s.textContent.includes('def f()'));
    const at = Reveal.getIndices(slide);
    Reveal.slide(at.h, at.v);
}"""


def test_a_long_line_of_code_wraps_marked_and_nothing_is_cut_off(browser, built):
    with open_deck(browser, built, DeckReport(built)) as page:
        page.evaluate(SHOW_CODE_SLIDE)
        highlighted, plain = page.evaluate(CODE_LINES)
    for block in (highlighted, plain):
        assert block["cut"] <= 1, block
        long = max(block["lines"], key=lambda line: len(line["text"]))
        assert long["height"] >= 1.9 * block["lineHeight"], long  # wrapped onto a second row
        assert "gradient" in long["mark"]  # the bar beside what it wraps onto
    short = highlighted["lines"][0]
    assert short["text"] == "def f():" and short["height"] < 1.5 * highlighted["lineHeight"]
    # A wrapped line goes on under its own indentation, and further in.
    indented = max(highlighted["lines"], key=lambda line: len(line["text"]))
    unindented = max(plain["lines"], key=lambda line: len(line["text"]))
    assert (indented["indent"], unindented["indent"]) == ("4ch", "")
    for line in (indented, unindented):
        assert abs(line["lastRow"] - line["padding"]) <= 1, line
    assert indented["lastRow"] > unindented["lastRow"] + 30
    assert [line["text"] for line in plain["lines"]] == [plain["lines"][0]["text"]]  # one line


def test_code_cut_off_at_the_side_is_reported(browser, built, tmp_path):
    deck = with_fault(built, tmp_path, "white-space: pre-wrap;", "white-space: pre;")
    cut = [p for p in problems_of(browser, deck, "Koodi") if "wider than its box" in p]
    suffix = r"\d+ px wider than its box: scrolled or cut off"
    assert len(cut) == 2, cut
    assert re.fullmatch(r'pre "def f\(\): return laske.*" ' + suffix, cut[0]), cut
    assert re.fullmatch(r'pre "tavallinen_rivi = .*" ' + suffix, cut[1]), cut
    # Inside a box too, where the slide's own width does not grow for it.
    boxed = with_fault(
        built,
        tmp_path,
        re.compile(r"(<h3>Kohdat</h3>)"),
        r'\1<div class="admonition note"><pre style="white-space: pre">'
        + "x" * 300
        + "</pre></div>",
    )
    [problem] = [p for p in problems_of(browser, boxed, "Kohdat") if "wider" in p]
    assert re.fullmatch(r'pre "x+…" ' + suffix, problem), problem


OPEN_THE_BOX = """() => {
    const box = document.querySelector('.reveal details');
    const at = Reveal.getIndices(box.closest('section'));
    Reveal.slide(at.h, at.v);
    const figure = box.querySelector('img:not(.twemoji)');
    const seen = figure.checkVisibility();
    box.open = true;
    return [seen, figure.getBoundingClientRect().width / Reveal.getScale()];
}"""


def test_what_a_closed_box_holds_is_unseen_until_opened_then_drawn_whole(browser, built):
    # Its formula and figure are no "drawn at 0 px" problem while it is closed
    # (test_the_deck_as_built_has_no_problem); opened, the figure has a size.
    with open_deck(browser, built, DeckReport(built)) as page:
        seen, opened = page.evaluate(OPEN_THE_BOX)
    assert seen is False and opened >= 300


def test_a_small_raster_figure_is_judged_by_its_own_size(browser, built, tmp_path):
    """A raster image is drawn at most twice its size (it would blur): that is its minimum."""
    pixels = "data:image/png;base64," + base64.b64encode(png(40, 30)).decode("ascii")
    figure = re.compile(
        r'data-src="data:image/svg\+xml;base64,[^"]*"([^>]*)style="width: \d+px; height: \d+px;'
    )
    at_twice = with_fault(
        built, tmp_path, figure, f'data-src="{pixels}"\\1style="width: 80px; height: 60px;'
    )
    assert not [p for p in problems_of(browser, at_twice, "Kuva") if "under the minimum" in p]
    at_less = with_fault(
        built, tmp_path, figure, f'data-src="{pixels}"\\1style="width: 60px; height: 45px;'
    )
    assert "Kuva 1 drawn 45 px high, under the minimum 60 px" in problems_of(
        browser, at_less, "Kuva"
    )
