"""Decks opened as a student opens them: Debian's Chromium from file://, network blocked."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from coursebuild.browser import DeckReport, inspect_deck, open_browser, open_deck
from tests.course_factory import PROJECT_ROOT, make_course, run_build
from tests.slide_rules import expected_slides, slides_with_prose

LESSON = "100_neuroverkot_101"
SEED_TEXT = (PROJECT_ROOT / "tests" / "fixtures" / f"{LESSON}.md").read_text(encoding="utf-8")
PAGES = sorted((PROJECT_ROOT / "slides").glob("*.md"))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("decks")
    result = run_build(PROJECT_ROOT, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def browser():
    with open_browser() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def reports(browser, built) -> dict[str, DeckReport]:
    """Every built deck, inspected slide by slide."""
    return {page.stem: inspect_deck(browser, built / f"{page.stem}.html") for page in PAGES}


@pytest.fixture(scope="module")
def report(reports) -> DeckReport:
    return reports[LESSON]


def test_every_deck_loads_offline_without_errors_or_requests(reports):
    for deck in reports.values():
        assert deck.console_errors == [], deck.path
        assert deck.failed_requests == [], deck.path
        assert deck.blocked_requests == [], deck.path


def test_every_deck_has_the_slides_its_page_and_the_split_rules_give(reports):
    for page in PAGES:
        expected = expected_slides(page.read_text(encoding="utf-8"))
        assert reports[page.stem].total_slides == expected, page.name
    # By hand for the first lesson: title 1 + five ## + five ### + seven
    # continuations in "Mitä se tekee?" (eight figures or long equations) = 18.
    assert expected_slides(SEED_TEXT) == 18
    assert reports[LESSON].total_slides == len(reports[LESSON].slides) == 18


def test_every_figure_and_formula_on_a_slide_has_a_size(report):
    # By hand: the title slide's drawing and five figures; five display
    # formulas and the four inline ones in the build-up slide's list.
    assert sum(slide.images for slide in report.slides) == 6
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


def test_build_check_passes_for_the_first_lesson(built):
    result = run_build(PROJECT_ROOT, "--out", str(built), "--check", "--screenshots")
    assert result.returncode == 0, result.stderr
    assert "18 slides, 0 overflowing" in result.stdout
    shots = sorted((built / "check" / LESSON).glob("slide-*.png"))
    assert len(shots) == 18


# -- faults a reader would notice must fail the checks -------------------------


def test_build_check_names_a_slide_that_is_too_long(tmp_path):
    points = "\n".join(f"* ==Kohta numero {n} on tässä.==" for n in range(1, 25))
    page = f"# Pitkä\n\n## Osio\n\n### Liian pitkä dia\n\n{points}\n"
    course = make_course(tmp_path, {"slides/pitka.md": page})
    result = run_build(course, "--check")
    assert result.returncode == 1
    assert "pitka.md: slide 3 'Liian pitkä dia': content" in result.stderr
    assert "too tall" in result.stderr or "shrunk" in result.stderr


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


def test_an_external_script_url_is_caught(browser, built, tmp_path):
    deck = broken_copy(
        built / f"{LESSON}.html",
        tmp_path,
        lambda html: html.replace(
            "</head>", '<script src="https://cdn.example.org/x.js"></script></head>', 1
        ),
    )
    report = inspect_deck(browser, deck)
    assert report.blocked_requests == ["https://cdn.example.org/x.js"]
    assert report.failed_requests == ["https://cdn.example.org/x.js"]
