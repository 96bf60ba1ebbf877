"""A single lesson's deck draft is handed on as soon as it is made, beside its handout.

The build lays the deck out while Typst compiles the handout (make_lesson's
``deck_drafted``): in-process, with the real Pandoc and Typst.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coursebuild.core.errors import BuildError
from coursebuild.lesson.make import make_lesson
from coursebuild.reading.course import open_course
from coursebuild.reading.images import FigureSet
from coursebuild.reading.lesson_file import load_lesson

PAGE = "# Sivu\n\n## Osa\n\nTeksti diassa.\n"


def lesson_in_site(root: Path, text: str):
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: S\n", encoding="utf-8")
    page = root / "docs" / "sivu.md"
    page.write_text(text, encoding="utf-8")
    return load_lesson(page), open_course(root)


def figures(root: Path) -> FigureSet:
    return FigureSet(root / "out" / "images", frozenset(), root / "m", root / "c")


def test_the_draft_is_handed_on_once_and_is_the_deck_the_outputs_carry(tmp_path):
    lesson, course = lesson_in_site(tmp_path / "sivusto", PAGE)
    handed = []
    outputs = make_lesson(
        lesson,
        course,
        figures(tmp_path),
        overlap=True,
        deck_drafted=lambda drafted, page: handed.append((drafted, page)),
    )
    assert handed == [(lesson, outputs.deck_page)]
    assert "Teksti diassa." in outputs.deck_page
    assert outputs.handout.startswith(b"%PDF")


def test_a_deck_that_fails_hands_on_nothing(tmp_path):
    outside = "\n![Kuva](../../ulkona.png)\n"  # an image outside the site: the page fails
    lesson, course = lesson_in_site(tmp_path / "sivusto", PAGE + outside)
    handed = []
    with pytest.raises(BuildError):
        make_lesson(
            lesson,
            course,
            figures(tmp_path),
            overlap=True,
            deck_drafted=lambda drafted, page: handed.append(page),
        )
    assert handed == []
