"""The handout's page layout: figures at their natural size, where they stand, pages full.

Measured on the printed pages by tests/handout_pages.py, whose own measurements
are checked first on small PDFs made here with Typst.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
import typst
from PIL import Image

from tests.support.course_factory import PROJECT_ROOT
from tests.support.handout_pages import (
    page_space,
    page_words,
    printed_figures,
    template_margins,
    text_area,
)
from tests.support.slide_rules import sections

LESSON = "100_neuroverkot_101"
SOURCE = (PROJECT_ROOT / "slides" / f"{LESSON}.md").read_text(encoding="utf-8")
FIGURE = re.compile(r"^!\[[^\]]*\]\(([^)]*)\)", re.MULTILINE)
# A figure is at most this share of the text height (`figure-height` in
# templates/handout.typ.j2), so that a tall one leaves room for text.
FIGURE_HEIGHT = 0.6


# -- the measurements themselves ---------------------------------------------


def typeset(folder: Path, body: str) -> Path:
    """A PDF with the handout's page margins, a header and a page number outside them."""
    margins = template_margins()
    page = (
        '#set page(paper: "a4", margin: ({}), header: [Otsikko], footer: align(center)[1 / 1])'
    ).format(", ".join(f"{side}: {length}pt" for side, length in margins.items()))
    source = folder / "test.typ"
    source.write_text(f"{page}\n{body}\n", encoding="utf-8")
    pdf = folder / "test.pdf"
    pdf.write_bytes(typst.compile(str(source), root=str(folder), ignore_system_fonts=True))
    return pdf


def test_empty_share_is_measured_inside_the_text_area(tmp_path):
    pdf = typeset(
        tmp_path,
        # Ink down to 40 % of the text height; then a gap of 60 % between a
        # block at the top and one at the foot (as footnotes sit); then full.
        "#rect(width: 100%, height: 40%, fill: black)\n#pagebreak()\n"
        "#rect(width: 100%, height: 30%, fill: black)\n#v(1fr)\n"
        "#rect(width: 100%, height: 10%, fill: black)\n#pagebreak()\n"
        "#rect(width: 100%, height: 100%, fill: black)",
    )
    first, second, third = page_space(pdf)
    assert first.below_last_ink == pytest.approx(0.6, abs=0.01)
    assert second.below_last_ink < 0.01
    assert second.empty == pytest.approx(0.6, abs=0.01)
    # The header and the page number lie outside the text area.
    assert third.empty < 0.01


def test_text_area_is_where_the_seed_handout_prints(handout):
    # The margins read from the template are the ones Typst printed with: the
    # justified body text runs from the area's left edge to its right one (a
    # hyphen or full stop may hang a little beyond it), the header lies above
    # the area and the page number ("2 / 6") below it.
    reader = pypdf.PdfReader(handout)
    area = text_area(reader.pages[1])
    words = page_words(handout)[2]
    body = [w.box for w in words if area.top <= w.box.top and w.box.bottom <= area.bottom]
    assert min(box.left for box in body) == pytest.approx(area.left, abs=0.5)
    assert max(box.right for box in body) == pytest.approx(area.right, abs=3)
    header = [w for w in words if w.box.bottom < area.top]
    footer = [w.text for w in words if w.box.top > area.bottom]
    assert header and footer[-3:] == ["2", "/", str(len(reader.pages))]


def test_figure_widths_are_read_from_the_pdf(tmp_path):
    (tmp_path / "kuva.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="50pt"'
        ' viewBox="0 0 100 50"><rect width="100" height="50" fill="#c33"/></svg>',
        encoding="utf-8",
    )
    Image.new("RGB", (300, 200), "#33c").save(tmp_path / "kuva.png")
    pdf = typeset(
        tmp_path,
        "#set figure(supplement: [Kuva])\n#set figure.caption(separator: [: ])\n"
        '#figure(image("kuva.svg", width: 200pt), caption: [Vektori.])\n'
        '#figure(image("kuva.png", width: 150pt), caption: [Rasteri.])',
    )
    figures = printed_figures(pdf)
    assert [(f.number, f.caption) for f in figures] == [(1, "Vektori."), (2, "Rasteri.")]
    assert [f.width for f in figures] == [pytest.approx(200, abs=0.1), pytest.approx(150, abs=0.1)]
    assert figures[0].box.height == pytest.approx(100, abs=0.1)


# -- the seed lesson's handout -------------------------------------------------


@pytest.fixture(scope="module")
def handout(seed_build) -> Path:
    return seed_build / f"{LESSON}.pdf"


@pytest.fixture(scope="module")
def figures(handout):
    return printed_figures(handout)


@pytest.fixture(scope="module")
def area(handout):
    return text_area(pypdf.PdfReader(handout).pages[0])


def svg_size(path: Path) -> tuple[float, float]:
    """An SVG's width and height in pt, as matplotlib writes them."""
    tag = re.search(r"<svg[^>]*>", path.read_text(encoding="utf-8")).group(0)
    width, height = (
        float(re.search(rf'\s{a}="([\d.]+)pt"', tag).group(1)) for a in ("width", "height")
    )
    return width, height


def figure_showing(figures, source_name: str):
    """The printed figure of the lesson's image ``source_name``, by its place in the lesson."""
    names = [src.rsplit("/", 1)[-1] for src in FIGURE.findall(SOURCE)]
    number = names.index(source_name) + 1
    (figure,) = [f for f in figures if f.number == number]
    return figure


def test_no_page_but_the_last_is_more_than_a_third_empty_unless_a_figure_waits(
    handout, figures, area
):
    # A figure that does not fit in what is left of a page begins the next
    # one (it stays with its text): the page before may end early for it.
    opening = {f.page for f in figures if f.box.top - area.top < 30}
    spaces = page_space(handout)
    too_empty = [
        f"page {s.page}: {s.empty:.0%}"
        for s in spaces[:-1]
        if s.empty > 1 / 3 and s.page + 1 not in opening
    ]
    assert not too_empty, too_empty
    assert all(s.empty < 2 / 3 for s in spaces[:-1])


def test_a_one_panel_figure_is_printed_at_its_natural_width(handout, figures, area):
    natural_width, _ = svg_size(handout.parent / "images" / "100_ShallowReLU.svg")
    relu = figure_showing(figures, "100_ShallowReLU.svg")
    assert relu.caption.startswith("ReLu-aktivointifunktio")
    assert relu.width == pytest.approx(natural_width, abs=1)
    assert relu.width < area.width - 50, "the one-panel figure is printed page-wide"


def test_a_wide_figure_is_scaled_to_the_text_width(handout, figures, area):
    natural_width, _ = svg_size(handout.parent / "images" / "100_ShallowApproximate.svg")
    assert natural_width > area.width
    approximate = figure_showing(figures, "100_ShallowApproximate.svg")
    assert approximate.width == pytest.approx(area.width, abs=1)


def test_a_tall_figure_leaves_room_on_its_page(handout, figures, area):
    natural_width, natural_height = svg_size(handout.parent / "images" / "100_ShallowBuildUp.svg")
    build_up = figure_showing(figures, "100_ShallowBuildUp.svg")
    assert build_up.width <= area.width + 0.5
    assert build_up.box.height <= FIGURE_HEIGHT * area.height + 1
    # Scaled, not stretched: the drawing keeps its proportions.
    assert build_up.box.height / build_up.width == pytest.approx(
        natural_height / natural_width, rel=0.01
    )


def test_every_figure_fits_the_text_area(figures, area):
    assert len(figures) == len(FIGURE.findall(SOURCE))
    for figure in figures:
        assert area.left - 0.5 <= figure.box.left and figure.box.right <= area.right + 0.5
        assert area.top - 0.5 <= figure.box.top and figure.box.bottom <= area.bottom + 0.5


def test_figure_numbers_stay_in_reading_order(figures):
    # Page by page, top to bottom, whichever figure floated where.
    assert [f.number for f in figures] == [1, 2, 3, 4, 5]
    # Each number still belongs to the lesson's figure of that place.
    captions = re.findall(r"^\*\*Kuva [^*]*\*\*\s*(\S+)", SOURCE, re.MULTILINE)
    assert [f.caption.split()[0] for f in figures] == captions


def test_a_figure_floats_no_further_than_next_to_its_section(handout, figures):
    reader = pypdf.PdfReader(handout)
    headings = [(level, title, body) for level, title, body in sections(SOURCE) if level > 1]
    headings = [h for h in headings if h[2].strip() != "TODO"]
    pages = [reader.get_destination_page_number(item) + 1 for item in flat(reader.outline)]
    assert len(pages) == len(headings)
    number = 0
    for index, (_, title, body) in enumerate(headings):
        own = pages[index]
        following = pages[index + 1] if index + 1 < len(pages) else len(reader.pages)
        for _ in FIGURE.findall(body):
            number += 1
            (figure,) = [f for f in figures if f.number == number]
            # On its section's pages, or on the page after the next heading's.
            assert own <= figure.page <= following + 1, f"figure {number} of '{title}'"
    assert number == len(figures)


def flat(outline):
    for item in outline:
        if isinstance(item, list):
            yield from flat(item)
        else:
            yield item
