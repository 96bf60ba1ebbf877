"""An animated image prints (handout, slide PDF) at its fullest frame, within a page's budget."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image, ImageOps

from coursebuild.core import animated_images
from coursebuild.core.animated_images import PixelBudget, print_still, still_deck
from tests.support.images import (
    ANIMATION_BOXES,
    ANIMATION_SIZE,
    animation,
    boxes_frame,
    drawn_boxes,
)


def single_frame_boxes(data: bytes) -> int:
    """How many box rows the one frame of ``data`` shows."""
    image = Image.open(io.BytesIO(data))
    assert getattr(image, "n_frames", 1) == 1
    return drawn_boxes(image)


@pytest.mark.parametrize("image_format", ["GIF", "WEBP", "PNG"])
def test_an_animation_prints_its_fullest_frame_in_its_own_format(image_format):
    still = print_still(animation(image_format), PixelBudget())
    assert still is not None
    assert Image.open(io.BytesIO(still)).format == image_format
    assert single_frame_boxes(still) == 3  # not the first frame's none, nor the last's two


def test_the_background_is_the_first_frames_commonest_colour():
    # A dark animation: a frame of more light pixels shows more.
    frames = [boxes_frame(boxes) for boxes in ANIMATION_BOXES]
    inverted = [ImageOps.invert(image) for image in frames]
    out = io.BytesIO()
    inverted[0].save(out, format="PNG", save_all=True, append_images=inverted[1:])
    still = print_still(out.getvalue(), PixelBudget())
    assert drawn_boxes(ImageOps.invert(Image.open(io.BytesIO(still)).convert("RGB"))) == 3


@pytest.mark.parametrize("image_format", ["GIF", "WEBP", "PNG"])
def test_an_animation_whose_first_frame_shows_enough_prints_it(image_format):
    # One row of three at first: a picture already, as a plot redrawn each epoch is.
    assert print_still(animation(image_format, [[0], [0, 1, 2], [0]]), PixelBudget()) is None


@pytest.mark.parametrize("image_format", ["WEBP", "PNG"])
def test_a_transparent_animation_is_measured_as_shown_on_white(image_format):
    # Black boxes on a transparent ground: taken as RGB, ground and boxes are both black.
    data = animation(image_format, transparent=True)
    assert single_frame_boxes(print_still(data, PixelBudget())) == 3


@pytest.mark.parametrize("image_format", ["GIF", "WEBP", "PNG"])
def test_a_still_image_is_left_as_it_is(image_format):
    out = io.BytesIO()
    boxes_frame([0]).save(out, format=image_format)
    assert print_still(out.getvalue(), PixelBudget()) is None


def test_what_is_no_image_is_left_as_it_is():
    assert print_still(b"GIF89a not really", PixelBudget()) is None
    assert print_still(b"<svg/>", PixelBudget()) is None


def test_a_pages_animations_are_chosen_within_its_budget(monkeypatch):
    pixels = len(ANIMATION_BOXES) * ANIMATION_SIZE[0] * ANIMATION_SIZE[1]
    monkeypatch.setattr(animated_images, "PAGE_PIXEL_BUDGET", pixels * 2 - 1)
    budget = PixelBudget()
    data = animation("GIF")
    assert print_still(data, budget) is not None
    assert print_still(data, budget) is None  # the second is over what is left
    assert budget.left == pixels - 1


def test_a_decks_animations_become_stills_and_nothing_else_changes():
    animated = base64.b64encode(animation("WEBP"))
    plain = io.BytesIO()
    boxes_frame([0, 1]).save(plain, format="PNG")
    still_png = base64.b64encode(plain.getvalue())
    deck = (
        # As Pandoc embeds a GIF or WebP: a type that does not say it is an image.
        b'<img data-src="data:application/octet-stream;base64,' + animated + b'" alt="pino">'
        b'<img src="data:image/png;base64,' + still_png + b'" alt="kuva">'
        b'<img src="data:image/svg+xml;base64,PHN2Zy8+" alt="svg">'
    )
    printed = still_deck(deck)
    first, rest = printed.split(b'" alt="pino">', 1)
    assert rest == deck.split(b'" alt="pino">', 1)[1]  # the plain PNG and the SVG as they were
    shown = base64.b64decode(first.split(b"base64,", 1)[1])
    assert single_frame_boxes(shown) == 3
