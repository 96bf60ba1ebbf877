"""The plot panel shared by the function figures: x in [0, 2], y in [-1, 1], a lettered corner."""

from __future__ import annotations

from matplotlib.axes import Axes

from figures.style import LIGHT_GREY

X_RANGE = (0.0, 2.0)
Y_RANGE = (-1.0, 1.0)


def setup_function_panel(ax: Axes, letter: str, zero_line_style: str = "--") -> None:
    """Limits and ticks of the book's panels, a faint zero line and the panel letter."""
    ax.set_xlim(*X_RANGE)
    ax.set_ylim(*Y_RANGE)
    ax.set_xticks([0.0, 1.0, 2.0])
    ax.set_yticks([-1.0, 0.0, 1.0])
    ax.axhline(0.0, color=LIGHT_GREY, linewidth=1.0, linestyle=zero_line_style, zorder=0)
    ax.text(0.0, 1.02, f"{letter})", transform=ax.transAxes, ha="left", va="bottom")
