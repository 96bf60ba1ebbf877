"""A page's image that is not there: a card in its place and a warning, as the site warns."""

from __future__ import annotations

from pathlib import Path

import pytest

from coursebuild.core.errors import BuildError
from coursebuild.core.words import WORDS
from coursebuild.reading.course import open_course
from coursebuild.reading.images import FigureSet, resolve_page_image
from coursebuild.reading.lesson_file import load_lesson
from coursebuild.reading.read_page import page_warnings, read_page

PAGE = "# Sivu\n\nTeksti.\n\n![Kaavio](kuvat/puuttuva-kaavio.png)\n"


def site_with_page(root: Path, language: str) -> tuple[Path, Path]:
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(
        f"site_name: S\ntheme:\n  name: material\n  language: {language}\n", encoding="utf-8"
    )
    page = root / "docs" / "sivu.md"
    page.write_text(PAGE, encoding="utf-8")
    return root, page


@pytest.mark.parametrize("language", sorted(WORDS))
def test_a_missing_image_is_a_card_in_the_sites_language_and_a_warning(tmp_path, language):
    site, page = site_with_page(tmp_path / "sivusto", language)
    lesson = load_lesson(page)
    figures = FigureSet(tmp_path / "out" / "images", frozenset(), tmp_path / "m", tmp_path / "c")
    _, found = read_page(lesson, open_course(site), figures)
    [card] = found.images
    assert Path(card).parent.parent == tmp_path / "c"
    assert Path(card).name == "puuttuva-kaavio.svg"  # the page's name for it: an alt from it
    text = Path(card).read_text(encoding="utf-8")
    assert WORDS[language]["image_missing"] in text and "kuvat/puuttuva-kaavio.png" in text
    missing = site / "docs" / "kuvat" / "puuttuva-kaavio.png"
    assert found.missing_files == [str(missing)]
    [warning] = page_warnings(lesson, found)
    assert warning == (
        f"{page}:5: image kuvat/puuttuva-kaavio.png: not found: no course figure "
        f"'puuttuva-kaavio' and no file {missing}; shown as a placeholder"
    )


def test_without_a_cache_a_missing_image_is_an_error_at_its_line(tmp_path):
    site, page = site_with_page(tmp_path / "sivusto", "fi")
    with pytest.raises(BuildError) as error:
        resolve_page_image(
            "kuvat/puuttuva-kaavio.png", page, PAGE, site / "docs", tmp_path / "f", set()
        )
    assert error.value.line == 5 and "not found" in error.value.message
