"""Measure a handout PDF as printed: how empty each page is, how wide each figure.

Empty space is measured on the page as pdftoppm renders it, inside the text
area that the template's page margins leave (the header and the page number
sit outside it). Figures are found in the PDF itself: Typst draws an SVG as
paths clipped to the image's box, and a raster image as an image XObject,
so the outermost clip box or the XObject's box is the printed figure; its
number is read from the "Kuva N:" caption just below it.

Run it by hand over built handouts:

    .venv/bin/python -m tests.support.handout_pages build/*.pdf
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

import numpy
import pypdf
from PIL import Image
from pypdf.generic import ContentStream

TEMPLATE = Path(__file__).resolve().parents[2] / "coursebuild" / "templates" / "handout.typ.j2"
POINTS = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}
# A pixel darker than this is ink; lighter tints (code and admonition
# backgrounds, table header fill) are not.
INK_LEVEL = 200
# A caption starts this close below its figure (the template's figure gap).
CAPTION_REACH = 30.0
# A drawn box lower than this is an image in a line of text (an emoji).
INLINE_HEIGHT = 20.0


@dataclass(frozen=True)
class Box:
    """A rectangle on a page, in pt, measured from the page's top left corner."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )


@dataclass(frozen=True)
class PageSpace:
    """How much of a page's text area is empty, as shares of its height."""

    page: int
    below_last_ink: float  # the blank band under the last ink
    largest_gap: float  # the tallest blank band, that one included

    @property
    def empty(self) -> float:
        """The page's empty share: its tallest blank band.

        Usually the band below the last ink; but footnotes sit at the foot of
        the text area, so on a page with footnotes the gap is above them.
        """
        return self.largest_gap


@dataclass(frozen=True)
class PrintedFigure:
    page: int
    box: Box
    number: int | None  # from its caption; None without one
    caption: str = ""  # the caption's first line after "Kuva N:"

    @property
    def width(self) -> float:
        return self.box.width


# -- the text area -------------------------------------------------------------


def length_pt(value: str) -> float:
    match = re.fullmatch(r"\s*([\d.]+)\s*(pt|mm|cm|in)\s*", value)
    if match is None:
        raise ValueError(f"not a Typst length: {value!r}")
    return float(match.group(1)) * POINTS[match.group(2)]


def template_margins(template: Path = TEMPLATE) -> dict[str, float]:
    """Left, right, top and bottom page margin in pt, read from ``#set page(margin: …)``."""
    source = template.read_text(encoding="utf-8")
    match = re.search(r"#set page\(.*?\bmargin:\s*(\([^)]*\)|[\d.]+\s*\w+)", source, re.DOTALL)
    if match is None:
        raise ValueError(f"{template} sets no page margin")
    value = match.group(1)
    if not value.startswith("("):
        return dict.fromkeys(("left", "right", "top", "bottom"), length_pt(value))
    sides = dict(re.findall(r"(\w+)\s*:\s*([\d.]+\s*[a-z]+)", value))
    margins = {}
    for side, axis in (("left", "x"), ("right", "x"), ("top", "y"), ("bottom", "y")):
        given = sides.get(side) or sides.get(axis) or sides.get("rest")
        if given is None:
            raise ValueError(f"{template}: no {side} margin in {value}")
        margins[side] = length_pt(given)
    return margins


def text_area(page: pypdf.PageObject, template: Path = TEMPLATE) -> Box:
    """The page's text area: its media box less the template's margins."""
    margins = template_margins(template)
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    return Box(
        margins["left"], margins["top"], width - margins["right"], height - margins["bottom"]
    )


# -- empty space ---------------------------------------------------------------


def render(pdf: Path, folder: Path, dpi: int) -> list[Path]:
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"), key=lambda path: int(path.stem.split("-")[-1]))


def inked_rows(png: Path, area: Box, dpi: int, covered: list[Box]) -> list[bool]:
    """For each pixel row of ``area``, whether it has ink (or lies on a figure)."""
    grey = numpy.asarray(Image.open(png).convert("L"))
    scale = dpi / 72
    # Across: a little beyond the text width, for content that sticks out.
    left = max(0, int((area.left - 6) * scale))
    right = min(grey.shape[1], int((area.right + 6) * scale) + 1)
    top, bottom = int(area.top * scale), min(grey.shape[0], int(area.bottom * scale) + 1)
    rows = (grey[top:bottom, left:right] < INK_LEVEL).any(axis=1)
    for box in covered:
        rows[max(0, int(box.top * scale) - top) : max(0, int(box.bottom * scale) + 1 - top)] = True
    return rows.tolist()


def blank_bands(rows: list[bool]) -> list[int]:
    """Lengths of the runs of blank rows, top to bottom (the last one is below the ink)."""
    bands, run = [], 0
    for ink in rows:
        if ink:
            bands.append(run)
            run = 0
        else:
            run += 1
    bands.append(run)
    return bands


def page_space(pdf: Path, dpi: int = 50, template: Path = TEMPLATE) -> list[PageSpace]:
    """The empty share of every page's text area."""
    reader = pypdf.PdfReader(pdf)
    boxes = figure_boxes(reader)
    spaces = []
    with tempfile.TemporaryDirectory() as folder:
        pngs = render(pdf, Path(folder), dpi)
        if len(pngs) != len(reader.pages):
            raise ValueError(f"pdftoppm made {len(pngs)} pages of {len(reader.pages)}")
        for number, (png, page) in enumerate(zip(pngs, reader.pages, strict=True), 1):
            rows = inked_rows(png, text_area(page, template), dpi, boxes.get(number, []))
            bands = blank_bands(rows)
            height = len(rows)
            spaces.append(PageSpace(number, bands[-1] / height, max(bands) / height))
    return spaces


def emptiest_page(spaces: list[PageSpace]) -> PageSpace | None:
    """The emptiest page but the last (which may end where it likes)."""
    return max(spaces[:-1], key=lambda space: space.empty, default=None)


# -- figures -------------------------------------------------------------------


def multiply(a: list[float], b: list[float]) -> list[float]:
    """The PDF matrix product a × b (apply a, then b)."""
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def bounds(points: list[tuple[float, float]], matrix: list[float], page_height: float) -> Box:
    """The box around ``points`` (user space) on the page, from its top left corner."""
    placed = [
        (matrix[0] * x + matrix[2] * y + matrix[4], matrix[1] * x + matrix[3] * y + matrix[5])
        for x, y in points
    ]
    xs, ys = [p[0] for p in placed], [page_height - p[1] for p in placed]
    return Box(min(xs), min(ys), max(xs), max(ys))


def drawn_boxes(page: pypdf.PageObject, reader: pypdf.PdfReader) -> list[Box]:
    """Every clip box and image XObject box that the page's content draws."""
    page_height = float(page.mediabox.height)
    xobjects = page["/Resources"].get("/XObject", {})
    matrix, stack, path, boxes = [1.0, 0, 0, 1.0, 0, 0], [], [], []
    clipping = False
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"q":
            stack.append(matrix)
        elif operator == b"Q":
            matrix = stack.pop() if stack else matrix
        elif operator == b"cm":
            matrix = multiply([float(v) for v in operands], matrix)
        elif operator in (b"m", b"l"):
            path.append((float(operands[0]), float(operands[1])))
        elif operator == b"c":
            path.append((float(operands[4]), float(operands[5])))
        elif operator == b"re":
            x, y, w, h = (float(v) for v in operands)
            path += [(x, y), (x + w, y + h)]
        elif operator in (b"W", b"W*"):
            clipping = True
        elif operator in (b"n", b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"):
            if clipping and path:
                boxes.append(bounds(path, matrix, page_height))
            path, clipping = [], False
        elif operator == b"Do":
            xobject = xobjects.get(operands[0])
            xobject = xobject.get_object() if xobject is not None else None
            if xobject is None:
                continue
            if xobject.get("/Subtype") == "/Image":
                boxes.append(bounds([(0, 0), (1, 1)], matrix, page_height))
            elif xobject.get("/Subtype") == "/Form":
                left, bottom, right, top = (float(v) for v in xobject["/BBox"])
                form = [float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                corners = [(left, bottom), (right, top), (left, top), (right, bottom)]
                boxes.append(bounds(corners, multiply(form, matrix), page_height))
    return boxes


def outermost(boxes: list[Box]) -> list[Box]:
    """The figures' boxes, top to bottom: of overlapping boxes the largest, no inline ones.

    An SVG's own clip paths lie inside its box, or stick out of it; either
    way they overlap it.
    """
    kept: list[Box] = []
    for box in sorted(set(boxes), key=lambda box: box.width * box.height, reverse=True):
        if box.height > INLINE_HEIGHT and not any(box.overlaps(other) for other in kept):
            kept.append(box)
    return sorted(kept, key=lambda box: (box.top, box.left))


def figure_boxes(reader: pypdf.PdfReader) -> dict[int, list[Box]]:
    """The printed boxes of the images on each page (by page number)."""
    return {
        number: outermost(drawn_boxes(page, reader)) for number, page in enumerate(reader.pages, 1)
    }


@dataclass(frozen=True)
class Word:
    text: str
    box: Box


def page_words(pdf: Path) -> dict[int, list[Word]]:
    """Every word with its box, by page, as ``pdftotext -bbox`` reads them."""
    result = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    )
    # pdftotext writes an XHTML page; its namespace is in the way of find().
    document = ElementTree.fromstring(re.sub(r'\sxmlns="[^"]*"', "", result.stdout, count=1))
    words = {}
    for number, page in enumerate(document.iter("page"), 1):
        words[number] = [
            Word(
                word.text or "",
                Box(*(float(word.get(key)) for key in ("xMin", "yMin", "xMax", "yMax"))),
            )
            for word in page.iter("word")
        ]
    return words


def caption(box: Box, words: list[Word], supplement: str) -> tuple[int | None, str]:
    """The number and first line of the "Kuva N:" caption that starts just below ``box``."""
    for index, (first, second) in enumerate(itertools.pairwise(words)):
        starts_below = 0 <= first.box.top - box.bottom <= CAPTION_REACH
        if first.text == supplement and starts_below and re.fullmatch(r"\d+:?", second.text):
            line = [w.text for w in words[index + 2 :] if abs(w.box.top - first.box.top) < 1]
            return int(second.text.rstrip(":")), " ".join(line)
    return None, ""


def printed_figures(pdf: Path, supplement: str = "Kuva") -> list[PrintedFigure]:
    """The figures in reading order: page by page, top to bottom."""
    reader = pypdf.PdfReader(pdf)
    words = page_words(pdf)
    return [
        PrintedFigure(page, box, *caption(box, words.get(page, []), supplement))
        for page, boxes in figure_boxes(reader).items()
        for box in boxes
    ]


# -- by hand -------------------------------------------------------------------


def report(pdf: Path) -> str:
    spaces = page_space(pdf)
    lines = [f"{pdf}: {len(spaces)} pages"]
    for space in spaces:
        lines.append(
            f"  page {space.page}: {space.empty:.0%} empty"
            f" (below the last ink {space.below_last_ink:.0%})"
        )
    for figure in printed_figures(pdf):
        lines.append(
            f"  figure {figure.number} on page {figure.page}:"
            f" {figure.box.width:.1f} × {figure.box.height:.1f} pt"
        )
    emptiest = emptiest_page(spaces)
    if emptiest is not None:
        lines.append(f"  emptiest page but the last: {emptiest.page}, {emptiest.empty:.0%}")
    return "\n".join(lines)


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        print(report(Path(argument)))
