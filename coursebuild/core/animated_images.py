"""An animated image (GIF, WebP, APNG) as a still for print: its fullest frame, when
its first is (nearly) empty.

A page's animation plays in its deck. A handout and a slide PDF print one
frame, the first, and an animation that builds its picture up (a call stack
growing, a tree drawn, a list sorted into place) starts from nothing: a
blank box on paper. One whose first frame shows less than a quarter of what
its fullest shows (the frame least like the background) prints that fullest
frame, in the image's own format; any other prints its first, as before (a
plot redrawn each epoch, a scatter turning: no frame says more).
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

# Frames × width × height decoded to choose frames, for one page's deck or
# handout (each frame is drawn over the ones before it: choosing any decodes
# them all). Measured at 9-40 ns a pixel (GIF fastest, WebP slowest): up to
# about 1.5 s of CPU. An animation beyond it prints its first frame.
PAGE_PIXEL_BUDGET = 40_000_000
# The first frame is kept unless it shows less than this share of the fullest: nearly empty.
EMPTY_SHARE = 0.25
# Frames are compared this small: what is drawn, not how finely.
THUMBNAIL = (64, 64)
FORMATS = {b"GIF8": "GIF", b"RIFF": "WEBP", b"\x89PNG": "PNG"}
# A data: URI the deck embeds a file as: an image's type may be any (Pandoc
# embeds a GIF as application/octet-stream); its first bytes tell.
DATA_URI = re.compile(rb"data:[\w.+-]*/?[\w.+-]*;base64,([A-Za-z0-9+/]+=*)")
HEAD_BYTES = 1024  # enough to see a WebP's or PNG's animation chunk


@dataclass
class PixelBudget:
    """What is left of a page's PAGE_PIXEL_BUDGET: a page of animations is bounded too."""

    left: int = field(default_factory=lambda: PAGE_PIXEL_BUDGET)

    def take(self, pixels: int) -> bool:
        if pixels > self.left:
            return False
        self.left -= pixels
        return True


def may_be_animated(head: bytes) -> bool:
    """Whether an image starting with ``head`` can be animated: a cheap look, no decoding."""
    if head.startswith(b"GIF8"):
        return True
    if head.startswith(b"RIFF") and head[8:16] == b"WEBPVP8X":
        return len(head) > 20 and bool(head[20] & 0x02)  # VP8X's animation flag
    if head.startswith(b"\x89PNG"):
        return b"acTL" in head.split(b"IDAT", 1)[0]  # APNG's control chunk comes first
    return False


def print_still(data: bytes, budget: PixelBudget) -> bytes | None:
    """The fullest frame of an animation whose first is (nearly) empty, as an image of
    its format; None to print ``data`` as it is: no animation, one whose first frame
    shows enough, or one larger than what is left of ``budget``."""
    if not may_be_animated(data[:HEAD_BYTES]):
        return None
    # Imported here: Pillow loads only for a page with an animation.
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(data))
        frames = getattr(image, "n_frames", 1)
        width, height = image.size
        if frames < 2 or not budget.take(frames * width * height):
            return None
        chosen = printed_frame(image, frames)
        if chosen == 0:
            return None
        image.seek(chosen)
        return encoded_frame(image, FORMATS[data[:4]])
    except (OSError, ValueError, EOFError, Image.DecompressionBombError):
        return None  # one Pillow cannot read prints as the browser or Typst shows it


def printed_frame(image, frames: int) -> int:
    """The frame to print: the first, unless it shows less than EMPTY_SHARE of the first
    of the frames with the most pixels unlike the first frame's commonest colour."""
    import numpy
    from PIL import Image

    background, best, most, first = None, 0, -1, 0
    for index in range(frames):
        image.seek(index)  # Pillow draws the frame over the ones before, as a browser does
        # On white, as a page shows it: a transparent frame's dark strokes stay dark.
        frame = Image.new("RGBA", image.size, "white")
        frame.alpha_composite(image.convert("RGBA"))
        small = frame.convert("RGB").resize(THUMBNAIL, Image.Resampling.NEAREST)
        pixels = numpy.asarray(small).reshape(-1, 3)
        if background is None:
            colours, counts = numpy.unique(pixels, axis=0, return_counts=True)
            background = colours[counts.argmax()]
        drawn = int(numpy.any(pixels != background, axis=1).sum())
        if index == 0:
            first = drawn
        if drawn > most:
            best, most = index, drawn
    return 0 if first >= EMPTY_SHARE * most else best


def encoded_frame(image, image_format: str) -> bytes:
    """The frame ``image`` is at, alone, as a file of ``image_format``."""
    from PIL import Image

    frame = image.convert("RGBA")
    options = {}
    if image_format == "GIF":
        frame = frame.convert("P", palette=Image.Palette.ADAPTIVE)
    elif image_format == "WEBP":
        options["lossless"] = True
    still = io.BytesIO()
    frame.save(still, format=image_format, **options)
    return still.getvalue()


def file_still(path: Path, budget: PixelBudget) -> bytes | None:
    """print_still of the image file at ``path``, which is read whole only if it may animate."""
    with path.open("rb") as image:
        head = image.read(HEAD_BYTES)
        return print_still(head + image.read(), budget) if may_be_animated(head) else None


def still_deck(deck: bytes) -> bytes:
    """The deck to print: each embedded animation that starts empty at its fullest frame."""
    budget = PixelBudget()

    def replace(match: re.Match) -> bytes:
        encoded = match.group(1)
        try:
            # The head first: most embedded files (fonts, still images) are not decoded whole.
            head = base64.b64decode(encoded[: min(len(encoded), HEAD_BYTES) // 4 * 4])
            if not may_be_animated(head):
                return match.group(0)
            frame = print_still(base64.b64decode(encoded), budget)
        except binascii.Error:  # no image's (the deck's scripts name the scheme too)
            return match.group(0)
        if frame is None:
            return match.group(0)
        return match.group(0)[: match.start(1) - match.start(0)] + base64.b64encode(frame)

    return DATA_URI.sub(replace, deck)
