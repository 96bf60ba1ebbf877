"""Drawing helpers for network diagrams: nodes, arrows between them, labels on arrows.

Everything is in data units on an equal-aspect axes, so a circle stays round and
an arrow that stops ``node_radius`` short of a centre ends exactly on the border.
Pure drawing: nothing here saves, shows or changes rcParams.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Circle, FancyArrowPatch
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from numpy.typing import NDArray

Point = tuple[float, float]
FloatArray = NDArray[np.float64]

NODE_RADIUS = 0.3
NODE_FONT_SIZE = 16
ARROW_LABEL_SIZE = 13
LINE_WIDTH = 1.5

# Stacking order: arrows under nodes, glyphs inside a node under its label.
Z_ARROW = 2
Z_NODE = 3
Z_GLYPH = 4
Z_LABEL = 5


def layer_positions(n: int, x: float, spacing: float = 1.0) -> list[Point]:
    """Centres of ``n`` nodes in a column at ``x``, top to bottom, centred on y = 0."""
    top = (n - 1) * spacing / 2
    return [(x, top - i * spacing) for i in range(n)]


def setup_axes(ax: Axes, points: Iterable[Point], margin: float) -> None:
    """Equal-aspect data units, axis off, limits hugging ``points`` plus ``margin``.

    The limits grow evenly in the one direction needed to match the axes box, so the
    drawing fills its box and stays centred instead of the box shrinking.
    """
    xs, ys = np.array(list(points), dtype=float).T
    _set_limits(ax, (xs.min() - margin, xs.max() + margin), (ys.min() - margin, ys.max() + margin))
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()


def fit_to_content(ax: Axes, pad: float = 10.0, rounds: int = 3) -> None:
    """Shrink or grow the limits so every text and patch fits, with ``pad`` points to spare.

    Text has a fixed size in points, so its size in data units changes with the
    limits; a few rounds settle it. Artists placed in axes coordinates are left out.
    """
    pad_pixels = pad * ax.get_figure(root=True).dpi / 72
    for _ in range(rounds):
        artists = [a for a in (*ax.texts, *ax.patches) if a.get_transform() != ax.transAxes]
        box = Bbox.union([a.get_window_extent() for a in artists]).padded(pad_pixels)
        (x0, y0), (x1, y1) = ax.transData.inverted().transform(box.get_points())
        _set_limits(ax, (x0, x1), (y0, y1))


def _set_limits(ax: Axes, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
    """Set limits grown to the axes box's shape, so an equal aspect needs no adjusting."""
    fig_width, fig_height = ax.get_figure(root=True).get_size_inches()
    box = ax.get_position()
    box_ratio = (box.height * fig_height) / (box.width * fig_width)
    width, height = xlim[1] - xlim[0], ylim[1] - ylim[0]
    if height / width < box_ratio:
        grow = (width * box_ratio - height) / 2
        ylim = (ylim[0] - grow, ylim[1] + grow)
    else:
        grow = (height / box_ratio - width) / 2
        xlim = (xlim[0] - grow, xlim[1] + grow)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)


def draw_node(
    ax: Axes,
    centre: Point,
    label: str,
    *,
    colour: str = "black",
    label_colour: str | None = None,
    radius: float = NODE_RADIUS,
    fontsize: float = NODE_FONT_SIZE,
) -> Circle:
    """A white circle with ``label`` in its middle; the label takes ``colour`` unless given."""
    circle = Circle(
        centre, radius, facecolor="white", edgecolor=colour, linewidth=LINE_WIDTH, zorder=Z_NODE
    )
    ax.add_patch(circle)
    ax.text(
        *centre,
        label,
        color=label_colour or colour,
        fontsize=fontsize,
        ha="center",
        va="center",
        zorder=Z_LABEL,
    )
    return circle


def border_point(centre: Point, towards: Point, radius: float) -> Point:
    """Where the line from ``centre`` to ``towards`` leaves a circle of ``radius``."""
    c = np.asarray(centre, dtype=float)
    direction = np.asarray(towards, dtype=float) - c
    point = c + radius * direction / np.hypot(*direction)
    return float(point[0]), float(point[1])


def draw_arrow(
    ax: Axes,
    start: Point,
    end: Point,
    *,
    colour: str = "black",
    node_radius: float | tuple[float, float] = NODE_RADIUS,
    linewidth: float = LINE_WIDTH,
    head_size: float = 14,
) -> FancyArrowPatch:
    """An arrow between two node centres, from one circle border to the other."""
    start_radius, end_radius = (
        node_radius if isinstance(node_radius, tuple) else (node_radius, node_radius)
    )
    tail = border_point(start, end, start_radius)
    tip = border_point(end, start, end_radius)
    arrow = FancyArrowPatch(
        tail,
        tip,
        arrowstyle="-|>",
        mutation_scale=head_size,
        color=colour,
        linewidth=linewidth,
        shrinkA=0,
        shrinkB=0,
        # The style's round caps would poke the shaft past the arrowhead's tip.
        capstyle="butt",
        joinstyle="miter",
        zorder=Z_ARROW,
    )
    ax.add_patch(arrow)
    return arrow


def point_along(start: Point, end: Point, fraction: float, offset: float = 0.0) -> Point:
    """``fraction`` of the way from start to end, moved ``offset`` to the left of travel."""
    s = np.asarray(start, dtype=float)
    direction = np.asarray(end, dtype=float) - s
    normal = np.array([-direction[1], direction[0]]) / np.hypot(*direction)
    point = s + fraction * direction + offset * normal
    return float(point[0]), float(point[1])


def label_arrow(
    ax: Axes,
    start: Point,
    end: Point,
    text: str,
    *,
    fraction: float = 0.5,
    offset: float = 0.2,
    colour: str = "black",
    fontsize: float = ARROW_LABEL_SIZE,
) -> Text:
    """``text`` beside the arrow start→end; positive ``offset`` is left of the direction."""
    x, y = point_along(start, end, fraction, offset)
    return ax.text(
        x, y, text, color=colour, fontsize=fontsize, ha="center", va="center", zorder=Z_LABEL
    )


def draw_relu_glyph(
    ax: Axes,
    centre: Point,
    radius: float = NODE_RADIUS,
    *,
    colour: str,
    linewidth: float = 2.0,
) -> None:
    """A small ReLU shape inside a node: flat to the centre, then rising to the upper right."""
    cx, cy = centre
    # Scaled to the node so the glyph stays inside the circle for any radius.
    xs = cx + radius * np.array([-0.7, 0.0, 0.55])
    ys = cy + radius * np.array([-0.05, -0.05, 0.6])
    ax.plot(xs, ys, color=colour, linewidth=linewidth, zorder=Z_GLYPH, solid_capstyle="butt")


def curved_note(
    ax: Axes,
    text: str,
    target: Point,
    at: Point,
    *,
    colour: str,
    bend: float,
    fontsize: float = ARROW_LABEL_SIZE,
    head_size: float = 14,
) -> None:
    """``text`` centred at ``at`` with a dotted arc-shaped arrow to ``target``."""
    line = {"color": colour, "linewidth": LINE_WIDTH, "shrinkB": 0}
    ax.annotate(
        text,
        xy=target,
        xytext=at,
        color=colour,
        fontsize=fontsize,
        ha="center",
        va="center",
        arrowprops={
            **line,
            "arrowstyle": "-",
            "connectionstyle": f"arc3,rad={bend}",
            "linestyle": (0, (1, 2)),
            "shrinkA": 6,  # points: the dots start clear of the text
        },
    )
    # A dotted style would break up the arrowhead as well, so the head is a separate solid
    # arrow along the arc's last direction (target minus the arc's control point).
    end = np.asarray(target, dtype=float)
    control = arc3_control(at, target, bend)
    tail = end - 1e-3 * (end - control) / np.hypot(*(end - control))
    ax.annotate(
        "",
        xy=target,
        xytext=(float(tail[0]), float(tail[1])),
        arrowprops={**line, "arrowstyle": "-|>", "mutation_scale": head_size, "shrinkA": 0},
    )


def arc3_control(start: Point, end: Point, bend: float) -> FloatArray:
    """Control point of matplotlib's ``arc3,rad=bend`` curve from start to end.

    It is found in display space, which an equal-aspect axes only scales and shifts.
    """
    (x1, y1), (x2, y2) = start, end
    return np.array([(x1 + x2) / 2 + bend * (y2 - y1), (y1 + y2) / 2 - bend * (x2 - x1)])


def panel_label(ax: Axes, text: str, *, fontsize: float = 16) -> Text:
    """A panel letter such as "a)" in the top-left corner of the axes."""
    return ax.text(
        0.004, 0.996, text, transform=ax.transAxes, fontsize=fontsize, ha="left", va="top"
    )


def all_points(*groups: Sequence[Point]) -> list[Point]:
    """Every point of several node groups, for setting the axes limits."""
    return [point for group in groups for point in group]


def node_extent(centres: Iterable[Point], radius: float = NODE_RADIUS) -> list[Point]:
    """Corners of the box around each circle, so limits can hug the circles themselves."""
    return [
        (x + dx, y + dy) for x, y in centres for dx in (-radius, radius) for dy in (-radius, radius)
    ]
