"""What --check calls a problem on a measured slide: no false alarms at the edges."""

from __future__ import annotations

import pytest

from coursebuild.browser.chromium import SlideInfo, with_runs


def slide(**measured) -> SlideInfo:
    fields = {
        "number": 3, "title": "Osa", "heading_only": False, "last_heading": None,
        "overflow_x": 0.0, "overflow_y": 0.0, "autofit": None, "images": 0,
        "broken_images": 0, "small_figures": [], "figure_text": [], "maths": 0,
        "empty_maths": 0, "notes": 0, "raw_tex": 0,
    }  # fmt: skip
    return SlideInfo(**{**fields, **measured})


@pytest.mark.parametrize(
    "autofit, problems",
    [(None, []), (1.0, []), (0.996, []), (0.994, ["content fits only shrunk to 99%"])],
)
def test_a_sub_pixel_zoom_is_no_problem(autofit, problems):
    assert slide(autofit=autofit).problems() == problems
    assert slide(autofit=autofit).overflows is bool(problems)


@pytest.mark.parametrize("overflow, problems", [(1.0, []), (1.5, ["content 2 px too tall"])])
def test_a_pixel_of_overflow_is_no_problem(overflow, problems):
    assert slide(overflow_y=overflow).problems() == problems


def test_tex_left_as_text_is_a_problem_only_where_the_site_reads_math():
    assert slide(raw_tex=2).problems() == ["2 TeX command(s) shown as text"]
    assert slide(raw_tex=2).problems(math=False) == []


def test_a_third_continuation_slide_in_a_row_is_a_problem():
    flags = [False, True, True, True, False, True]
    placed = with_runs([slide(number=n, continued=c, words=20) for n, c in enumerate(flags, 1)])
    assert [s.run for s in placed] == [0, 1, 2, 3, 0, 1]
    assert [s.number for s in placed if s.problems()] == [4]
    assert placed[3].problems() == ["continuation slide 3 in a row (at most 2)"]


@pytest.mark.parametrize(
    "measured, problem",
    [
        ({"continued": True, "words": 4}, True),
        ({"continued": True, "words": 5}, False),
        ({"continued": False, "words": 2}, False),  # a slide of its own may be short
        ({"continued": True, "words": 2, "images": 1}, False),  # a figure says the rest
        ({"continued": True, "words": 0, "maths": 1}, False),
    ],
)
def test_a_continuation_of_under_five_words_is_a_scrap(measured, problem):
    found = slide(**measured).problems()
    assert found == (
        [f"continues with only {measured['words']} word(s): a scrap of a split"] if problem else []
    )


@pytest.mark.parametrize(
    "figure, problem",
    [
        ({"label": "Kuva 1", "px": 17.0, "goal": None, "largest": False}, "under 18 px"),
        ({"label": "Kuva 1", "px": 17.0, "goal": None, "largest": True}, "under 18 px"),
        ({"label": "Kaavio", "px": 17.0, "goal": 16, "largest": False}, None),
        ({"label": "Kaavio", "px": 15.0, "goal": 16, "largest": False}, "under 16 px"),
        # As large as the slide allows: the build's warning names it.
        ({"label": "Kaavio", "px": 9.0, "goal": 16, "largest": True}, None),
    ],
)
def test_figure_text_is_held_to_its_own_goal(figure, problem):
    found = slide(figure_text=[figure]).problems()
    expected = f"{figure['label']}: smallest text {figure['px']:.1f} px, {problem}"
    assert found == ([expected] if problem else [])
