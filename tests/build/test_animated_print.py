"""An animated image: the deck plays it; the handout and the slide PDF print its fullest frame.

Its first frame is empty (an animation that builds its picture up, as a call
stack's does on terminale-nsi's pages): printed as the browser or Typst shows
it, the figure was a blank box.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from tests.support.course_factory import make_site, mkdocs_yml, run_build
from tests.support.deck_slides import slide_titled
from tests.support.images import animation, drawn_boxes

PAGE = """\
# Pino

## Kutsupino

![Kutsupino kasvaa](pino.{suffix})

**Kuva 1:** Kutsupino.
"""


@pytest.fixture(scope="module", params=["gif", "webp"])
def built(request, tmp_path_factory) -> tuple[Path, bytes]:
    suffix = request.param
    root = tmp_path_factory.mktemp(f"animated-{suffix}")
    image = animation(suffix.upper(), scale=8)
    files = {"mkdocs.yml": mkdocs_yml(), "docs/sivu.md": PAGE.format(suffix=suffix)}
    make_site(root, {**files, f"docs/pino.{suffix}": image})
    result = run_build(root, "--out", str(root / "out"), slide_pdfs=True)
    assert result.returncode == 0, result.stderr
    return root / "out", image


def printed_images(pdf: Path) -> list[Image.Image]:
    return [image.image for page in pypdf.PdfReader(pdf).pages for image in page.images]


def test_the_deck_plays_the_animation_as_the_page_has_it(built):
    out, image = built
    shown = slide_titled(out / "sivu.html", "Kutsupino").shown
    assert base64.b64encode(image).decode() in shown


def test_the_handout_prints_the_fullest_frame(built):
    out, _ = built
    [printed] = printed_images(out / "sivu.pdf")
    assert drawn_boxes(printed) == 3


def test_the_slide_pdf_prints_the_fullest_frame(built):
    out, _ = built
    [printed] = printed_images(out / "sivu-slides.pdf")
    assert drawn_boxes(printed) == 3
