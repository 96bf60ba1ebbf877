"""Images made in the tests: real files of a chosen size."""

from __future__ import annotations

import io
import struct
import zlib

import numpy
from PIL import Image


def png(width: int, height: int) -> bytes:
    """A real one-colour PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    rows = b"".join(b"\x00" + b"\xc0\x20\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# An animation of box rows drawn on white: none, one, three, two (a stack that
# grows, then shrinks). Its first frame is empty; its fullest shows three.
ANIMATION_SIZE = (40, 30)
ANIMATION_BOXES = [[], [0], [0, 1, 2], [0, 1]]


def boxes_frame(boxes: list[int], scale: int = 1, transparent: bool = False) -> Image.Image:
    """A frame of the animation; ``transparent``: black boxes on a transparent ground."""
    width, height = ANIMATION_SIZE
    ground, box_colour = (
        ((0, 0, 0, 0), (0, 0, 0, 255)) if transparent else ((255,) * 4, (200, 30, 30, 255))
    )
    pixels = numpy.full((height, width, 4), ground, dtype=numpy.uint8)
    for box in boxes:
        pixels[2 + box * 9 : 9 + box * 9, 5:35] = box_colour
    image = Image.fromarray(pixels, "RGBA" if transparent else None)
    image = image if transparent else image.convert("RGB")
    return image.resize((width * scale, height * scale), Image.Resampling.NEAREST)


def animation(
    image_format: str, frames=ANIMATION_BOXES, scale: int = 1, transparent: bool = False
) -> bytes:
    """The boxes' animation as a GIF, WebP or (APNG) PNG file, ``scale`` times its size."""
    images = [boxes_frame(boxes, scale, transparent) for boxes in frames]
    out = io.BytesIO()
    options = {"lossless": True} if image_format == "WEBP" else {}
    images[0].save(
        out, format=image_format, save_all=True, append_images=images[1:], duration=500, **options
    )
    return out.getvalue()


def drawn_boxes(image: Image.Image) -> int:
    """How many of the animation's box rows ``image`` (a frame, as shown on white) has drawn."""
    shown = Image.new("RGBA", image.size, "white")
    shown.alpha_composite(image.convert("RGBA"))
    pixels = numpy.asarray(shown.convert("RGB").resize(ANIMATION_SIZE))
    return sum(bool((pixels[5 + box * 9, 20] < 128).any()) for box in range(3))
