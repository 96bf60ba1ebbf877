"""How large a figure's texts are, and how large they come out on a slide.

A deck shows a figure scaled to fit its image box, so a text's size on the
slide depends on the figure's natural size as well as on its own size in
points. The figure stage records the smallest text size in each SVG; the
arithmetic below turns it into CSS pixels on the slide.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.text import Text

# The box a slide gives an image (CSS px on the 1280×720 slide), and the
# smallest text a reader at the back of the room can still read there.
SLIDE_BOX_PX = (1152.0, 460.0)
MIN_SLIDE_TEXT_PX = 18.0
PX_PER_PT = 4 / 3  # CSS: 96 px per inch, 72 pt per inch
SVG_ATTRIBUTE = "data-min-text-pt"


def is_shown(text: Text) -> bool:
    """Visible, in a visible axes (if any), and not blank."""
    axes_shown = text.axes is None or text.axes.get_visible()
    return text.get_visible() and axes_shown and bool(text.get_text().strip())


def smallest_text_pt(fig: Figure, *, drawn: bool = False) -> float:
    """The smallest font size (pt) among the figure's shown texts, tick labels included.

    Draws the figure first (without output), since tick labels get their text
    only when drawn, unless it was just drawn (``drawn``: saved, say). Raises
    ValueError for a figure without any text.
    """
    if not drawn:
        fig.draw_without_rendering()
    sizes = [text.get_fontsize() for text in fig.findobj(Text) if is_shown(text)]
    if not sizes:
        raise ValueError("the figure has no visible text")
    return float(min(sizes))


def format_pt(size: float) -> str:
    """Up to two decimals, no trailing zeros: 12.5 → "12.5", 13.0 → "13"."""
    return f"{size:.2f}".rstrip("0").rstrip(".")


def with_min_text_attribute(svg: bytes, size: float) -> bytes:
    """The SVG with ``data-min-text-pt`` added to its root element's start tag."""
    start = b"<svg "
    if start not in svg:
        raise ValueError("no <svg start tag found")
    attribute = f'{SVG_ATTRIBUTE}="{format_pt(size)}" '.encode("ascii")
    return svg.replace(start, start + attribute, 1)


def slide_scale(width_pt: float, height_pt: float, box_px=SLIDE_BOX_PX) -> float:
    """How much a figure of this natural size (pt) is scaled to fit the slide's image box."""
    box_width, box_height = box_px
    return min(box_width / (width_pt * PX_PER_PT), box_height / (height_pt * PX_PER_PT))


def slide_text_px(
    min_text_pt: float, width_pt: float, height_pt: float, box_px=SLIDE_BOX_PX
) -> float:
    """The smallest text's height in CSS px once the figure is fitted into the slide's box."""
    return min_text_pt * PX_PER_PT * slide_scale(width_pt, height_pt, box_px)
