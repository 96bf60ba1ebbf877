"""The course palette and the one style context every figure is drawn in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib.pyplot as plt

STYLE_FILE = Path(__file__).with_name("course.mplstyle")

# Colours of the textbook's figures, kept so students recognise them.
ORANGE = "#d18362"
BROWN = "#773c23"
TEAL = "#629e9c"
LIGHT_TEAL = "#a0d9d3"
DARK_GREY = "#424b4f"
SLATE_BLUE = "#476779"
LIGHT_GREY = "#c6cdcf"
SHADING = "#d2d2d2"

# One line colour per hidden unit, and a darker text colour for its label
# (the light line colours are too faint for text on a projector).
UNIT_COLOURS = (ORANGE, TEAL, DARK_GREY)
UNIT_TEXT_COLOURS = (BROWN, TEAL, DARK_GREY)
OUTPUT_COLOUR = SLATE_BLUE


@contextmanager
def course_style() -> Iterator[None]:
    """Draw inside this context; rcParams outside it stay untouched."""
    with plt.style.context(STYLE_FILE):
        yield


def unit_colour(index: int) -> str:
    """Line colour of hidden unit ``index`` (0-based), cycling if there are many."""
    return UNIT_COLOURS[index % len(UNIT_COLOURS)]


def unit_text_colour(index: int) -> str:
    return UNIT_TEXT_COLOURS[index % len(UNIT_TEXT_COLOURS)]
