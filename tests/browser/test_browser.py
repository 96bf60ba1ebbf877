"""Decks opened as a student opens them: Debian's Chromium from file://, network blocked."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from coursebuild.browser.chromium import (
    DeckReport,
    deck_viewer,
    inspect_deck,
    open_browser,
    open_deck,
)
from tests.support.course_factory import PROJECT_ROOT, make_course, run_build
from tests.support.deck_slides import slides
from tests.support.slide_rules import expected_slides, slides_with_prose

LESSON = "100_neuroverkot_101"
SEED_TEXT = (PROJECT_ROOT / "tests" / "fixtures" / f"{LESSON}.md").read_text(encoding="utf-8")
PAGES = sorted((PROJECT_ROOT / "slides").glob("*.md"))
BUILD_UP_STEPS = {"100_ShallowBuildUp.svg": 4}  # its slide layout: four figures


@pytest.fixture(scope="module")
def built(seed_build) -> Path:
    return seed_build


@pytest.fixture(scope="module")
def browser():
    with open_browser() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def reports(browser, built) -> dict[str, DeckReport]:
    """Every built deck, inspected slide by slide in one page, as --check does."""
    with deck_viewer(browser) as viewer:
        return {
            page.stem: inspect_deck(browser, built / f"{page.stem}.html", viewer=viewer)
            for page in PAGES
        }


@pytest.fixture(scope="module")
def report(reports) -> DeckReport:
    return reports[LESSON]


def test_every_deck_loads_offline_without_errors_or_requests(reports):
    for deck in reports.values():
        assert deck.console_errors == [], deck.path
        assert deck.failed_requests == [], deck.path
        assert deck.blocked_requests == [], deck.path


def layout_continuations(deck: Path) -> int:
    """Slides the build's layout pass added because content did not fit."""
    page = deck.read_text(encoding="utf-8")
    return len(re.findall(r'<section\b[^>]*\bclass="[^"]*\bcontinued\b', page))


def test_every_deck_has_the_slides_its_page_and_the_split_rules_give(reports, built):
    for page in PAGES:
        expected = expected_slides(page.read_text(encoding="utf-8"), BUILD_UP_STEPS)
        added = layout_continuations(built / f"{page.stem}.html")
        assert reports[page.stem].total_slides == expected + added, page.name
    # By hand for the first lesson: title 1 + five ## + five ### + six
    # continuations in "Mitä se tekee?" (four figures, the build-up in four
    # steps: seven figure slides) = 17, and what did not fit on them.
    assert expected_slides(SEED_TEXT, BUILD_UP_STEPS) == 17
    added = layout_continuations(built / f"{LESSON}.html")
    assert reports[LESSON].total_slides == len(reports[LESSON].slides) == 17 + added


def test_every_figure_and_formula_on_a_slide_has_a_size(report):
    # By hand: the title slide's drawing and five figures, the build-up in
    # four steps; five display formulas and the four inline ones in the
    # build-up's list.
    assert sum(slide.images for slide in report.slides) == 9
    assert sum(slide.maths for slide in report.slides) == 9
    assert [s.number for s in report.slides if s.broken_images] == []
    assert [s.number for s in report.slides if s.empty_maths] == []
    assert [s.number for s in report.slides if s.raw_tex] == []


def test_no_slide_of_any_deck_overflows_1280_by_720(reports):
    for deck in reports.values():
        assert [s.overflow_message() for s in deck.slides if s.overflows] == [], deck.path
        assert [s.number for s in deck.slides if s.broken_images or s.empty_maths] == []


def test_speaker_notes_exist_where_the_page_has_prose(reports):
    for page in PAGES:
        slides = reports[page.stem].slides
        with_notes = {slide.title for slide in slides if slide.notes > 0}
        for title in slides_with_prose(page.read_text(encoding="utf-8")):
            assert title in with_notes, f"{page.name}: '{title}' has prose but no notes"


def test_keyboard_reaches_the_last_slide_and_s_opens_the_speaker_view(browser, built):
    report = DeckReport(built / f"{LESSON}.html")
    with open_deck(browser, report.path, report) as page:
        total = page.evaluate("Reveal.getTotalSlides()")
        for _ in range(total - 1):
            page.keyboard.press("Space")
        assert page.evaluate("Reveal.isLastSlide()")
        assert page.evaluate("Reveal.getSlidePastCount()") == total - 1
        with page.expect_popup() as popup:
            page.keyboard.press("s")
        speaker_view = popup.value
        speaker_view.wait_for_load_state()
        assert "reveal-notes" in speaker_view.content() or speaker_view.title()
    assert report.console_errors == []


def test_build_check_passes_for_the_first_lesson(built, report):
    result = run_build(PROJECT_ROOT, "--out", str(built), "--check", "--screenshots")
    assert result.returncode == 0, result.stderr
    assert f"{report.total_slides} slides, 0 with problems" in result.stdout
    shots = sorted((built / "check" / LESSON).glob("slide-*.png"))
    assert len(shots) == report.total_slides
    # The smallest text of each course figure, as drawn: five figures, the
    # build-up in four steps.
    sizes = re.findall(r"smallest figure text (\d+\.\d) px", result.stdout)
    assert len(sizes) == 8 and min(float(size) for size in sizes) >= 18


# -- faults a reader would notice must fail the checks -------------------------


def test_a_slide_too_long_continues_and_passes_the_check(tmp_path):
    # Two slides' worth: longer is an excerpt (tests/browser/test_layout.py).
    points = "\n".join(f"* ==Kohta numero {n} on tässä.==" for n in range(1, 17))
    page = f"# Pitkä\n\n## Osio\n\n### Liian pitkä dia\n\n{points}\n"
    course = make_course(tmp_path, {"slides/pitka.md": page})
    result = run_build(course, "--check")
    assert result.returncode == 0, result.stderr
    titles = [slide.title for slide in slides(course / "build" / "pitka.html")]
    start = titles.index("Liian pitkä dia")
    assert len(titles) - start >= 2
    assert set(titles[start + 1 :]) == {"Liian pitkä dia (jatkuu)"}


def broken_copy(deck: Path, tmp_path: Path, change) -> Path:
    copy = tmp_path / deck.name
    copy.write_text(change(deck.read_text(encoding="utf-8")), encoding="utf-8")
    return copy


def test_a_missing_figure_is_caught(browser, built, tmp_path):
    garbage = base64.b64encode(b"not an image").decode()

    def break_first_figure(html: str) -> str:
        pattern = r'src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+'
        return re.sub(pattern, f'src="data:image/svg+xml;base64,{garbage}', html, count=1)

    deck = broken_copy(built / f"{LESSON}.html", tmp_path, break_first_figure)
    report = inspect_deck(browser, deck)
    assert [s.title for s in report.slides if s.broken_images] == ["Määritelmä"]


def test_a_broken_math_block_is_caught(browser, built, tmp_path):
    def break_first_display_math(html: str) -> str:
        # What a reader would see if Pandoc had passed the TeX through as text.
        pattern = r'<math display="block".*?</math>'
        return re.sub(pattern, r"\\[\\Theta = \\begin{bmatrix}\\]", html, count=1, flags=re.S)

    deck = broken_copy(built / f"{LESSON}.html", tmp_path, break_first_display_math)
    report = inspect_deck(browser, deck)
    assert [s.number for s in report.slides if s.raw_tex] != []


def test_a_scrap_and_a_long_run_of_continuation_slides_are_caught(browser, built, tmp_path):
    words = "Tämä jatko näyttää kymmenen sanaa, jotta se ei ole pelkkä rippe."
    scrap = (
        '<section class="slide level3 continued"><h3>Määritelmä (jatkuu)</h3>'
        "<p>Kaksi sanaa</p></section>"
    )
    whole = scrap.replace("Kaksi sanaa", words)

    def continue_three_times(html: str) -> str:
        leaf = re.search(r"<section[^>]*>\s*<h3[^>]*>Määritelmä</h3>.*?</section>", html, re.S)
        return html[: leaf.end()] + scrap + whole + whole + html[leaf.end() :]

    deck = broken_copy(built / f"{LESSON}.html", tmp_path, continue_three_times)
    report = inspect_deck(browser, deck)
    found = {(s.title, p) for s in report.slides for p in s.problems()}
    assert found == {
        ("Määritelmä (jatkuu)", "continues with only 2 word(s): a scrap of a split"),
        ("Määritelmä (jatkuu)", "continuation slide 3 in a row (at most 2)"),
    }


def with_external_script(built: Path, tmp_path: Path) -> Path:
    return broken_copy(
        built / f"{LESSON}.html",
        tmp_path,
        lambda html: html.replace(
            "</head>", '<script src="https://cdn.example.org/x.js"></script></head>', 1
        ),
    )


def test_an_external_script_url_is_caught(browser, built, tmp_path):
    report = inspect_deck(browser, with_external_script(built, tmp_path))
    # The deck's Content-Security-Policy refuses it before the network would.
    assert report.failed_requests == ["https://cdn.example.org/x.js"]
    refusals = [error for error in report.console_errors if "cdn.example.org/x.js" in error]
    assert len(refusals) == 1 and "script-src" in refusals[0]


def test_decks_shown_in_one_page_keep_their_errors_apart(browser, built, tmp_path, report):
    """--check shows every deck in one page: one deck's errors are never the next one's."""
    broken = with_external_script(built, tmp_path)
    with deck_viewer(browser) as viewer:
        first, clean, again = (
            inspect_deck(browser, deck, viewer=viewer)
            for deck in (broken, built / f"{LESSON}.html", broken)
        )
    assert first.failed_requests == again.failed_requests == ["https://cdn.example.org/x.js"]
    assert len(first.console_errors) == len(again.console_errors) == 1
    assert (clean.console_errors, clean.failed_requests, clean.blocked_requests) == ([], [], [])
    # Each deck measured as it is measured alone.
    assert [slide.title for slide in clean.slides] == [slide.title for slide in report.slides]
    assert len(first.slides) == len(clean.slides)
