"""A site's title slide: its own logo (theme.logo, or Material's theme.icon.logo), its author."""

from __future__ import annotations

import base64

import pytest

from coursebuild.core.words import WORDS
from coursebuild.reading.icons import material_icons
from tests.support.corpus.markers import pdf_text
from tests.support.course_factory import make_site, run_build
from tests.support.deck_slides import slides
from tests.support.slide_pdf_pages import page_texts

LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><circle r="4" cx="4" cy="4"/></svg>'
)
PAGE = "# Valot\n\n## Osa\n\nTeksti.\n"


def build_site(root, theme: str, extra: str = "") -> tuple[str, str]:
    """The title slide's HTML and the handout's text of a one-page site with ``theme``."""
    course = make_site(
        root / "kurssi",
        {
            "mkdocs.yml": f"site_name: Valokurssi\n{extra}theme:\n  name: material\n{theme}",
            "docs/valot.md": PAGE,
            "docs/kuvat/logo.svg": LOGO.decode(),
        },
    )
    result = run_build(course, "--out", str(root / "out"))
    assert result.returncode == 0, result.stderr
    return slides(root / "out" / "valot.html")[0].shown, pdf_text(root / "out" / "valot.pdf")


@pytest.fixture(scope="module")
def logo_site(tmp_path_factory):
    extra = "site_author: Aino Opettaja\n"
    return build_site(tmp_path_factory.mktemp("logo"), "  logo: kuvat/logo.svg\n", extra)


@pytest.fixture(scope="module")
def icon_site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("ikoni"), "  icon:\n    logo: material/school\n")


def logo_sources(title_slide: str) -> list[str]:
    return [
        part.split('"')[0]
        for part in title_slide.split('class="deck-title-art deck-title-logo" src="')[1:]
    ]


def test_the_title_slide_shows_the_sites_logo_not_this_courses_drawing(logo_site):
    title_slide, _ = logo_site
    [source] = logo_sources(title_slide)
    assert source == "data:image/svg+xml;base64," + base64.b64encode(LOGO).decode()
    assert "<svg" not in title_slide  # the network drawing is this course's own


def test_a_material_icon_as_the_logo_is_the_icon_material_ships(icon_site):
    title_slide, _ = icon_site
    [source] = logo_sources(title_slide)
    icon = (material_icons() / "material" / "school.svg").read_bytes()
    assert source == "data:image/svg+xml;base64," + base64.b64encode(icon).decode()


def test_an_author_is_shown_and_no_author_is_not_the_sites_name_again(logo_site, icon_site):
    with_author, handout = logo_site
    assert WORDS["en"]["author"] in with_author and "Aino Opettaja" in with_author
    assert "Aino Opettaja" in handout
    without, handout = icon_site
    assert WORDS["en"]["author"] not in without
    assert without.count("Valokurssi") == 1  # the course line, not an author too
    header = handout.split("Osa")[0]
    assert header.count("Valokurssi") == 1, header


@pytest.mark.parametrize("text", ["", "\n  \n"], ids=["empty", "blank"])
def test_an_empty_page_is_its_title_slide_alone(tmp_path, text):
    # Pandoc writes an empty slide for an empty body: it is not a slide to show.
    course = make_site(
        tmp_path / "kurssi",
        {"mkdocs.yml": "site_name: Valokurssi\n", "docs/tyhja.md": text, "docs/valot.md": PAGE},
    )
    result = run_build(course, "--out", str(tmp_path / "out"), slide_pdfs=True)
    assert result.returncode == 0, result.stderr
    [title] = slides(tmp_path / "out" / "tyhja.html")
    assert "Tyhja" in title.shown
    assert len(page_texts(tmp_path / "out" / "tyhja-slides.pdf")) == 1
    assert [slide.title for slide in slides(tmp_path / "out" / "valot.html")[1:]] == ["Osa"]
