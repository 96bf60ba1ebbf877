"""An image file's natural size in CSS px, as a browser gives it, read from the file's header.

The layout pass sizes figures from it without loading the images. None when
the format or the file is not one read here (the pass then loads the image):
JPEG among them, whose EXIF orientation a browser applies.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

# CSS px per unit: what a browser makes of an SVG's width="648pt".
SVG_UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54}
SVG_UNITS["mm"] = SVG_UNITS["cm"] / 10
SVG_ROOT = re.compile(rb"<svg\b[^>]*>", re.DOTALL)
LENGTH = re.compile(r"\s*([0-9.]+(?:e[+-]?[0-9]+)?)\s*([a-z]*)\s*$")
HEADER_BYTES = 65536


def natural_size(path: Path) -> tuple[float, float] | None:
    try:
        with path.open("rb") as stream:
            head = stream.read(HEADER_BYTES)
    except OSError:
        return None
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        width, height = struct.unpack(">II", head[16:24])
        return float(width), float(height)
    if head[:6] in (b"GIF87a", b"GIF89a"):
        width, height = struct.unpack("<HH", head[6:10])
        return float(width), float(height)
    if path.suffix.lower() == ".svg":
        return svg_size(head)
    return None


def svg_size(head: bytes) -> tuple[float, float] | None:
    """Width and height attributes in absolute units, else the viewBox's (no size at all: None)."""
    root = SVG_ROOT.search(head)
    if not root:
        return None
    attributes = dict(re.findall(rb'\s([a-zA-Z:-]+)\s*=\s*"([^"]*)"', root.group(0)))
    width = svg_length(attributes.get(b"width"))
    height = svg_length(attributes.get(b"height"))
    box = [float(v) for v in re.split(rb"[\s,]+", attributes.get(b"viewBox", b"").strip()) if v]
    if width and height:
        return width, height
    if len(box) == 4 and box[2] > 0 and box[3] > 0:
        # One given side scales the viewBox; none: the viewBox's own size.
        if width:
            return width, width * box[3] / box[2]
        if height:
            return height * box[2] / box[3], height
        return box[2], box[3]
    return None


def svg_length(value: bytes | None) -> float | None:
    match = value is not None and LENGTH.match(value.decode("ascii", "replace"))
    if not match or match.group(2) not in SVG_UNITS:
        return None  # a percentage, or no length
    return float(match.group(1)) * SVG_UNITS[match.group(2)] or None
