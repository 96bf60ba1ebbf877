"""Figure 100_ShallowBuildUp: how a shallow network's output is built, panels a–j.

Rows: pre-activations (a–c), activations (d–f), weighted activations (g–i);
panel j sums them. Everything is computed from the book's example network.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from figures.network import BOOK_NET, ForwardPass, LinearRegion, ShallowNet
from figures.panels import X_RANGE, setup_function_panel
from figures.style import (
    OUTPUT_COLOUR,
    SHADING,
    course_style,
    unit_colour,
    unit_text_colour,
)
from figures.text import words

LABELS: dict[str, dict[str, str]] = {"fi": {}, "en": {}}
# The region panel j shades: unit 2 clipped to zero while units 1 and 3 pass.
SHADED_PATTERN = (True, False, True)


def sample_points(net: ShallowNet) -> np.ndarray:
    """A grid over the x range that contains every joint, so corners stay sharp."""
    grid = np.linspace(*X_RANGE, 201)
    return np.union1d(grid, [j for j in net.joints() if X_RANGE[0] < j < X_RANGE[1]])


def pre_formula(k: int) -> str:
    return rf"$\theta_{{{k}0}}+\theta_{{{k}1}}x$"


def act_formula(k: int) -> str:
    return rf"$h_{k}=\mathrm{{a}}[\theta_{{{k}0}}+\theta_{{{k}1}}x]$"


def weighted_formula(k: int) -> str:
    return rf"$\phi_{k}h_{k}$"


def output_formula(n_hidden: int) -> str:
    terms = "".join(rf"+\phi_{k}h_{k}" for k in range(1, n_hidden + 1))
    return rf"$\phi_0{terms}$"


def draw_curve(ax: Axes, x: np.ndarray, y: np.ndarray, colour: str) -> None:
    ax.plot(x, y, color=colour)


def draw_formula(ax: Axes, formula: str, colour: str) -> None:
    ax.text(
        0.5,
        0.06,
        formula,
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        color=colour,
        fontsize=15,
    )


def shaded_region(regions: list[LinearRegion]) -> LinearRegion:
    """The linear region whose active units match SHADED_PATTERN."""
    matches = [r for r in regions if r.active == SHADED_PATTERN]
    if len(matches) != 1:
        raise ValueError(f"expected one region with activity {SHADED_PATTERN}, got {matches}")
    return matches[0]


def draw_unit_rows(axes: list[list[Axes]], forward: ForwardPass) -> None:
    """Rows a–c, d–f, g–i: one column per hidden unit."""
    rows = (
        (forward.pre, pre_formula),
        (forward.act, act_formula),
        (forward.weighted, weighted_formula),
    )
    letters = iter("abcdefghi")
    for row_axes, (values, formula) in zip(axes, rows, strict=True):
        for k, ax in enumerate(row_axes):
            setup_function_panel(ax, next(letters))
            draw_curve(ax, forward.x, values[k], unit_colour(k))
            draw_formula(ax, formula(k + 1), unit_text_colour(k))


def draw_output(ax: Axes, net: ShallowNet, forward: ForwardPass) -> None:
    """Panel j: the sum, with the region where only units 1 and 3 are active shaded."""
    setup_function_panel(ax, "j")
    region = shaded_region(net.linear_regions(*X_RANGE))
    ax.axvspan(region.start, region.end, color=SHADING, linewidth=0, zorder=0)
    draw_curve(ax, forward.x, forward.y, OUTPUT_COLOUR)
    draw_formula(ax, output_formula(net.n_hidden), OUTPUT_COLOUR)


def label_axes(fig: Figure, unit_axes: list[list[Axes]], output_ax: Axes, text: dict) -> None:
    """Axis labels on the outer panels only; inner panels share their scales."""
    for row in unit_axes:
        row[0].set_ylabel(text["output"])
        for ax in row[1:]:
            ax.tick_params(labelleft=False)
    for row in unit_axes[:-1]:
        for ax in row:
            ax.tick_params(labelbottom=False)
    for ax in unit_axes[-1]:
        ax.set_xlabel(text["input_x"])
    output_ax.set_xlabel(text["input_x"])
    output_ax.set_ylabel(text["output_y"])


def make_figure(lang: str = "fi", net: ShallowNet = BOOK_NET) -> Figure:
    text = words(LABELS, lang)
    forward = net(sample_points(net))
    with course_style():
        fig = Figure(figsize=(9.0, 10.4), layout="constrained")
        grid = fig.add_gridspec(4, 6)
        unit_axes = [
            [fig.add_subplot(grid[row, 2 * k : 2 * k + 2]) for k in range(net.n_hidden)]
            for row in range(3)
        ]
        output_ax = fig.add_subplot(grid[3, 2:4])
        draw_unit_rows(unit_axes, forward)
        draw_output(output_ax, net, forward)
        label_axes(fig, unit_axes, output_ax, text)
    return fig
