"""A built slide PDF read back: each page's text and size, and whether it matches its deck.

The corpus check calls ``slide_pdf_problems`` for every page it builds:

    problems = slide_pdf_problems(out / f"{slug}.html", out / f"{slug}-slides.pdf")
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.deck_slides import slides


def folded(text: str) -> str:
    return " ".join(text.split())


def unspaced(text: str) -> str:
    """Text without any whitespace: the deck's text has a space at each tag, a PDF's none."""
    return "".join(text.split())


def letters(text: str) -> str:
    """Only the letters and digits: an emoji in a title is an image on the page."""
    return "".join(character for character in text if character.isalnum())


def page_texts(pdf: Path) -> list[str]:
    """The text pdftotext finds on each page, whitespace folded."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [folded(page) for page in text.split("\f")[:-1]]


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """Each page's width and height in points."""
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99999", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    sizes = []
    for line in info.splitlines():
        if line.startswith("Page") and " size:" in line:
            width, _, height = line.split("size:")[1].split()[:3]
            sizes.append((float(width), float(height)))
    return sizes


def slide_pdf_problems(deck: Path, pdf: Path) -> list[str]:
    """How the slide PDF differs from its deck: a page a slide, each slide's title on its page."""
    if not pdf.is_file():
        return [f"{pdf.name}: missing"]
    deck_slides, pages = slides(deck), page_texts(pdf)
    if len(pages) != len(deck_slides):
        return [f"{pdf.name}: {len(pages)} pages for {len(deck_slides)} slides"]
    return [
        f"{pdf.name}: page {number} lacks its slide's title {slide.title!r}"
        for number, (slide, page) in enumerate(zip(deck_slides, pages, strict=True), 1)
        if letters(slide.title) not in letters(page)
    ]
