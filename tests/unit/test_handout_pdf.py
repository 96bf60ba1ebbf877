"""The handout as a student meets it in a PDF reader, and on paper."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from tests.support.course_factory import PROJECT_ROOT
from tests.support.slide_rules import sections

LESSON = "100_neuroverkot_101"
SOURCE = (PROJECT_ROOT / "slides" / f"{LESSON}.md").read_text(encoding="utf-8")
# The instructor's page as written holds the words that Jinja fills in from data.
WRITTEN = (PROJECT_ROOT / "tests" / "fixtures" / f"{LESSON}.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def handout(seed_build) -> Path:
    return seed_build / f"{LESSON}.pdf"


@pytest.fixture(scope="module")
def reader(handout) -> pypdf.PdfReader:
    return pypdf.PdfReader(handout)


@pytest.fixture(scope="module")
def text(reader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_page_count_is_sane(reader):
    assert 4 <= len(reader.pages) <= 10


def test_finnish_letters_survive_text_extraction(text):
    for word in ("Määritelmä", "Mihin käytetään", "Tehtävät", "Lähteet", "syötteen"):
        assert word in text


def test_hyphenation_breaks_only_real_words(text):
    # Lines ending in "-" followed by a lowercase start are Typst's hyphenation;
    # the rejoined word must be a word of the lesson (so Finnish rules were used).
    # The source as read: without link targets, brackets and code ticks.
    source = re.sub(r"\]\([^)]*\)", "", WRITTEN.lower()).replace("[", "").replace("`", "")
    source_words = set(re.findall(r"\w+", source))
    breaks = re.findall(r"(\w+)-\n(\w+)", text)
    hyphenated = [(a, b) for a, b in breaks if b[:1].islower()]
    assert hyphenated, "no hyphenation at all: is the text language set?"
    for first, second in hyphenated:
        joined = (first + second).lower()
        written_with_hyphen = f"{first}-{second}".lower() in source
        assert joined in source_words or written_with_hyphen, f"odd break {first}-{second}"


def test_captions_are_numbered_in_order(text):
    numbers = [int(n) for n in re.findall(r"Kuva (\d+):", text)]
    assert numbers == [1, 2, 3, 4, 5]


def test_footnotes_are_present(text):
    assert re.search(r"\n1\s*Prince, S\. Understanding Deep Learning", text)


def test_fonts_are_embedded(reader):
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts", [font])
            for descendant in descendants:
                descriptor = descendant.get_object().get("/FontDescriptor", {})
                embedded = any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                fonts[font.get("/BaseFont")] = embedded
    assert fonts and all(fonts.values()), fonts


def test_outline_lists_the_lesson_headings(reader):
    def titles(outline):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    headings = [
        title for level, title, body in sections(SOURCE) if level > 1 and body.strip() != "TODO"
    ]
    assert list(titles(reader.outline)) == headings


def test_metadata_has_title_author_and_language(reader):
    assert reader.metadata.title == "Neuroverkot 101"
    assert reader.metadata.author == "Neuroverkot 101 -kurssin opettaja"
    assert reader.trailer["/Root"].get("/Lang") == "fi"


def test_figures_are_vector_not_raster(reader):
    for number, page in enumerate(reader.pages, 1):
        assert len(page.images) == 0, f"page {number} has a raster image"
    # The figures are drawn: hundreds of path operators, where text alone has few.
    path_operators = 0
    for page in reader.pages:
        content = page.get_contents().get_data()
        path_operators += len(re.findall(rb"\s[mlc]\n", content))
    assert path_operators > 500


def test_no_page_is_blank(handout, tmp_path):
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(handout), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(pypdf.PdfReader(handout).pages)
    for page in pages:
        grey = Image.open(page).convert("L")
        ink = sum(grey.histogram()[:200]) / (grey.width * grey.height)
        assert ink > 0.01, f"{page.name} is (nearly) blank: {ink:.3%} ink"
