"""Each page checked: content against the oracle, raw markup, slide PDF and index counts."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pypdf

from coursebuild.core.words import words_for
from coursebuild.course_index import deck_slide_count, pdf_page_count
from coursebuild.reading.lesson_file import load_lesson
from tests.support.corpus.building import Page, SiteBuild
from tests.support.corpus.deck_html import deck_slides, text_outside_slides
from tests.support.corpus.markers import (
    deck_markup_problems,
    find_markers,
    handout_markup_problems,
    math_source_markers,
    pdf_markup_problems,
    pdf_text,
)
from tests.support.corpus.sides import PageSides, page_sides, site_course
from tests.support.slide_pdf_pages import slide_pdf_problems


def check_content(page: Page, site: SiteBuild) -> PageSides | None:
    """Lost constructs and raw markup in the handout's AST; the sides, for the output checks."""
    try:
        sides = page_sides(page, site)
    except Exception as error:  # any failure is this page's, reported with the rest
        page.fail("content", f"the page's HTML could not be made: {error}")
        return None
    lost = sides.site.differences(sides.handout)
    if lost:
        page.fail("content", "; ".join(lost))
    for problem in handout_markup_problems(sides.doc, sides.site_markers):
        page.fail("handout markup", problem)
    return sides


def check_outputs(page: Page, site: SiteBuild, sides: PageSides | None) -> None:
    """Slide count and raw markup of the deck; page count and raw markup of the PDF."""
    deck = (site.out / f"{page.slug}.html").read_text(encoding="utf-8")
    page.slides = len(deck_slides(deck))
    # The page's title as the site shows it (the nav's, front matter's or first heading):
    # what it holds is shown on the title slide and the handout's running head.
    title = page_title(page, site)
    allowed = (sides.site_markers if sides else Counter()) + find_markers(title)
    for problem in deck_markup_problems(deck, allowed):
        page.fail("slide markup", problem)
    loose = text_outside_slides(deck)
    if loose:
        page.fail("slide markup", f"text outside every slide: {loose[:80]}")
    pdf = site.out / f"{page.slug}.pdf"
    page.handout_pages = len(pypdf.PdfReader(pdf).pages)
    if sides is not None:
        # The title (front matter's or the nav's) is shown by the site too.
        shown = sides.site_all_markers + find_markers(title) + math_source_markers(sides.doc)
        for problem in pdf_markup_problems(pdf, shown, title):
            page.fail("handout markup", problem)
    check_figure_order(page, site, pdf)
    check_slide_pdf_and_index(page, site)


def check_figure_order(page: Page, site: SiteBuild, pdf: Path) -> None:
    """The handout's figures, page by page and top to bottom, in their numbers' order.

    Read from the captions ("Kuva 3: …", or "Kuva 3" alone, starting a line) in text order:
    pdftotext's, a twentieth of the time that reading each drawing's place takes.
    """
    label = re.escape(words_for(site_course(site.root).language)["figure"])
    found = re.findall(rf"^{label} (\d+)(?::|\s*$)", pdf_text(pdf), re.MULTILINE)
    # A page may write its own "Figure 1" under a picture (in a table cell, say):
    # one out of order is that.
    written = re.findall(rf"^[\s*_|]*{label} (\d+)[\s*_.:|]*$", page.path.read_text("utf-8"), re.M)
    own = Counter(map(int, written))
    numbers, highest = [], 0
    for number in map(int, found):
        if number < highest and own[number] > 0:
            own[number] -= 1
            continue
        numbers.append(number)
        highest = max(highest, number)
    if numbers != sorted(numbers):
        page.fail("handout figures", f"printed in the order {numbers}")


def page_title(page: Page, site: SiteBuild) -> str:
    nav_title = site_course(site.root).nav_title_of(page.path)
    return load_lesson(page.path, page.slug, page.chapter, nav_title).title


def check_slide_pdf_and_index(page: Page, site: SiteBuild) -> None:
    """The slide PDF a page a slide, each slide's title on its page; the index's counts right."""
    deck = site.out / f"{page.slug}.html"
    for problem in slide_pdf_problems(deck, site.out / f"{page.slug}-slides.pdf"):
        page.fail("slide pdf", problem)
    shown = (deck_slide_count(deck), pdf_page_count(site.out / f"{page.slug}.pdf"))
    if shown != (page.slides, page.handout_pages):
        page.fail("index", f"the index counts {shown}, not {(page.slides, page.handout_pages)}")


def check_pages(site: SiteBuild) -> SiteBuild:
    """Every page of a built site: content against the oracle, raw markup in the outputs."""
    for page in site.pages:
        sides = check_content(page, site)
        if page.built:
            check_outputs(page, site, sides)
    return site
