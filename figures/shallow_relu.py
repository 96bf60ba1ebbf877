"""Figure 100_ShallowReLU: the rectified linear unit ReLU[z] = max(0, z)."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from figures.network import relu
from figures.style import LIGHT_GREY, ORANGE, course_style
from figures.text import words

LABELS: dict[str, dict[str, str]] = {"fi": {}, "en": {}}
Z_LIMIT = 5.0


def draw_crosshair(ax: Axes) -> None:
    """Faint lines through the origin, behind the data."""
    ax.axhline(0.0, color=LIGHT_GREY, linewidth=1.0, zorder=0)
    ax.axvline(0.0, color=LIGHT_GREY, linewidth=1.0, zorder=0)


def draw_relu(ax: Axes, z: np.ndarray) -> None:
    ax.plot(z, relu(z), color=ORANGE)
    ax.set_xlim(-Z_LIMIT, Z_LIMIT)
    ax.set_ylim(-Z_LIMIT, Z_LIMIT)
    ax.set_xticks([-5, 0, 5])
    ax.set_yticks([-5, 0, 5])
    ax.set_xlabel("$z$")
    ax.set_ylabel(r"$\mathrm{ReLU}[z]$")
    ax.set_aspect("equal")


def make_figure(lang: str = "fi") -> Figure:
    words(LABELS, lang)  # the labels are mathematics, the same in every language
    # Three points suffice for a piecewise linear curve and keep the SVG small.
    z = np.array([-Z_LIMIT, 0.0, Z_LIMIT])
    with course_style():
        fig = Figure(figsize=(4.2, 4.0), layout="constrained")
        ax = fig.add_subplot()
        draw_crosshair(ax)
        draw_relu(ax, z)
    return fig
