"""Figure 100_ShallowBuildUp: how a shallow network's output is built, panels a–j.

Rows: pre-activations (a–c), activations (d–f), weighted activations (g–i);
panel j sums them. Everything is computed from the book's example network.

Two layouts of one computation: make_figure draws all ten panels for the
handout; make_slide_figures draws the same panels as four figures (a–c, d–f,
g–i, j), since ten panels on one slide would leave the texts unreadable.
"""

from __future__ import annotations

from collections.abc import Callable
from string import ascii_lowercase

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

HANDOUT_SIZE = (9.0, 10.4)  # inches
# Slide figures: fitted into a slide's 1152 × 460 px image box (figures.text_size)
# these are scaled by 4/3, so 13 pt texts come out at 23 px; j is narrower than
# the rows so that its one panel does not stretch across the whole slide.
ROW_SLIDE_SIZE = (9.0, 3.6)
OUTPUT_SLIDE_SIZE = (6.5, 3.6)


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


def panel_letters(row: int, n_hidden: int) -> str:
    """Letters of a unit row's panels: row 0 is a, b, c … for three hidden units."""
    return ascii_lowercase[row * n_hidden : (row + 1) * n_hidden]


def output_letter(n_rows: int, n_hidden: int) -> str:
    """The output panel's letter, the one after every unit panel's (j for 3 × 3)."""
    return ascii_lowercase[n_rows * n_hidden]


def unit_rows(forward: ForwardPass) -> list[tuple[np.ndarray, Callable[[int], str]]]:
    """Per row: what each unit's panel plots, and its formula."""
    return [
        (forward.pre, pre_formula),
        (forward.act, act_formula),
        (forward.weighted, weighted_formula),
    ]


def draw_unit_row(
    row_axes: list[Axes],
    x: np.ndarray,
    values: np.ndarray,
    formula: Callable[[int], str],
    letters: str,
) -> None:
    """One panel per hidden unit: its curve, its formula and its letter."""
    for k, (ax, letter) in enumerate(zip(row_axes, letters, strict=True)):
        setup_function_panel(ax, letter)
        draw_curve(ax, x, values[k], unit_colour(k))
        draw_formula(ax, formula(k + 1), unit_text_colour(k))


def draw_unit_rows(axes: list[list[Axes]], forward: ForwardPass) -> None:
    """Rows a–c, d–f, g–i: one column per hidden unit."""
    rows = unit_rows(forward)
    for row, (row_axes, (values, formula)) in enumerate(zip(axes, rows, strict=True)):
        draw_unit_row(row_axes, forward.x, values, formula, panel_letters(row, len(row_axes)))


def draw_output(ax: Axes, net: ShallowNet, forward: ForwardPass) -> None:
    """Panel j: the sum, with the region where only units 1 and 3 are active shaded."""
    setup_function_panel(ax, output_letter(len(unit_rows(forward)), net.n_hidden))
    region = shaded_region(net.linear_regions(*X_RANGE))
    ax.axvspan(region.start, region.end, color=SHADING, linewidth=0, zorder=0)
    draw_curve(ax, forward.x, forward.y, OUTPUT_COLOUR)
    draw_formula(ax, output_formula(net.n_hidden), OUTPUT_COLOUR)


def label_row(row_axes: list[Axes], text: dict, *, x_labels: bool) -> None:
    """The y label on the row's first panel only: the panels of a row share their scales."""
    row_axes[0].set_ylabel(text["output"])
    for ax in row_axes[1:]:
        ax.tick_params(labelleft=False)
    for ax in row_axes:
        if x_labels:
            ax.set_xlabel(text["input_x"])
        else:
            ax.tick_params(labelbottom=False)


def label_output(ax: Axes, text: dict) -> None:
    ax.set_xlabel(text["input_x"])
    ax.set_ylabel(text["output_y"])


def label_axes(unit_axes: list[list[Axes]], output_ax: Axes, text: dict) -> None:
    """Axis labels on the outer panels only; inner panels share their scales."""
    for row_axes in unit_axes:
        label_row(row_axes, text, x_labels=row_axes is unit_axes[-1])
    label_output(output_ax, text)


def forward_pass(net: ShallowNet) -> ForwardPass:
    """The one computation every layout of the figure draws from."""
    return net(sample_points(net))


def make_figure(lang: str = "fi", net: ShallowNet = BOOK_NET) -> Figure:
    """The handout figure: all ten panels a–j on one page."""
    text = words(LABELS, lang)
    forward = forward_pass(net)
    with course_style():
        fig = Figure(figsize=HANDOUT_SIZE, layout="constrained")
        grid = fig.add_gridspec(4, 6)
        unit_axes = [
            [fig.add_subplot(grid[row, 2 * k : 2 * k + 2]) for k in range(net.n_hidden)]
            for row in range(3)
        ]
        output_ax = fig.add_subplot(grid[3, 2:4])
        draw_unit_rows(unit_axes, forward)
        draw_output(output_ax, net, forward)
        label_axes(unit_axes, output_ax, text)
    return fig


def unit_row_slide(forward: ForwardPass, row: int, text: dict) -> Figure:
    """One row of the handout figure (a–c, d–f or g–i) as a slide figure."""
    values, formula = unit_rows(forward)[row]
    n_hidden = values.shape[0]
    fig = Figure(figsize=ROW_SLIDE_SIZE, layout="constrained")
    row_axes = list(fig.subplots(1, n_hidden))
    draw_unit_row(row_axes, forward.x, values, formula, panel_letters(row, n_hidden))
    label_row(row_axes, text, x_labels=True)
    return fig


def output_slide(net: ShallowNet, forward: ForwardPass, text: dict) -> Figure:
    """Panel j as a slide figure: the sum and its shaded region, alone and large."""
    fig = Figure(figsize=OUTPUT_SLIDE_SIZE, layout="constrained")
    ax = fig.add_subplot()
    draw_output(ax, net, forward)
    label_output(ax, text)
    return fig


def make_slide_figures(lang: str = "fi", net: ShallowNet = BOOK_NET) -> list[Figure]:
    """The slides' layout: rows a–c, d–f, g–i, then j, each a figure of its own."""
    text = words(LABELS, lang)
    forward = forward_pass(net)
    with course_style():
        rows = [unit_row_slide(forward, row, text) for row in range(len(unit_rows(forward)))]
        return [*rows, output_slide(net, forward, text)]
