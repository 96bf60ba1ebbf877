"""Figure 100_ShallowNet: the shallow network x → h_1…h_D → y, with and without biases."""

from __future__ import annotations

from typing import NamedTuple

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from figures.diagram import (
    Point,
    all_points,
    draw_arrow,
    draw_node,
    draw_relu_glyph,
    fit_to_content,
    label_arrow,
    layer_positions,
    node_extent,
    panel_label,
    setup_axes,
)
from figures.network import BOOK_NET, ShallowNet
from figures.style import DARK_GREY, LIGHT_TEAL, ORANGE, course_style
from figures.text import words

LABELS = {
    "fi": {"panel_a": "a)", "panel_b": "b)"},
    "en": {"panel_a": "a)", "panel_b": "b)"},
}

LAYER_GAP = 2.0  # horizontal distance between layers, data units
UNIT_GAP = 1.0  # vertical distance between hidden units
RADIUS = 0.28
MARGIN = 0.08  # beyond the outermost circles


class Placement(NamedTuple):
    """Where a kind of arrow label sits: fraction along the arrow, offset to its left."""

    fraction: float
    offset: float


# One rule per kind of arrow, chosen by checking the rendered label clearances:
# θ_k0 above the orange arrows near the units, θ_k1 below the black ones midway,
# φ above their arrows.
BIAS_LABEL = Placement(0.7, 0.24)
INPUT_LABEL = Placement(0.45, -0.24)
OUTPUT_LABEL = Placement(0.5, 0.2)
OUTPUT_BIAS_LABEL = Placement(0.55, 0.2)


class Layout:
    """Node centres of one panel, all derived from the number of hidden units."""

    def __init__(self, n_hidden: int) -> None:
        self.x: Point = (0.0, 0.0)
        self.hidden = layer_positions(n_hidden, LAYER_GAP, UNIT_GAP)
        self.y: Point = (2 * LAYER_GAP, 0.0)
        top = self.hidden[0][1]
        # Hidden bias just above x, output bias above the gap between the last two layers:
        # with these, the arrow crossings stay clear of the arrow labels.
        self.hidden_bias: Point = (0.0, 0.9 * UNIT_GAP)
        self.output_bias: Point = (1.5 * LAYER_GAP, top + 0.6 * UNIT_GAP)

    def points(self, with_bias: bool) -> list[Point]:
        bias = [self.hidden_bias, self.output_bias] if with_bias else []
        return all_points([self.x, self.y], self.hidden, bias)


def label(ax: Axes, start: Point, end: Point, text: str, at: Placement, colour: str) -> None:
    label_arrow(ax, start, end, text, fraction=at.fraction, offset=at.offset, colour=colour)


def draw_core(ax: Axes, layout: Layout, *, relu_glyphs: bool) -> None:
    """Input, hidden units and output, with the unlabelled weight arrows."""
    draw_node(ax, layout.x, "$x$", radius=RADIUS)
    draw_node(ax, layout.y, "$y$", radius=RADIUS)
    for k, centre in enumerate(layout.hidden, start=1):
        draw_node(ax, centre, f"$h_{k}$", radius=RADIUS)
        if relu_glyphs:
            draw_relu_glyph(ax, centre, RADIUS, colour=LIGHT_TEAL)
        draw_arrow(ax, layout.x, centre, node_radius=RADIUS)
        draw_arrow(ax, centre, layout.y, node_radius=RADIUS)


def label_weights(ax: Axes, layout: Layout) -> None:
    """θ_k1 on the input arrows and φ_k on the output arrows, named from the unit index."""
    for k, centre in enumerate(layout.hidden, start=1):
        label(ax, layout.x, centre, rf"$\theta_{{{k}1}}$", INPUT_LABEL, DARK_GREY)
        label(ax, centre, layout.y, rf"$\phi_{{{k}}}$", OUTPUT_LABEL, DARK_GREY)


def draw_biases(ax: Axes, layout: Layout) -> None:
    """The two constant-1 nodes and their orange arrows θ_k0 and φ_0."""
    draw_node(ax, layout.hidden_bias, "$1$", colour=ORANGE, radius=RADIUS)
    draw_node(ax, layout.output_bias, "$1$", colour=ORANGE, radius=RADIUS)
    for k, centre in enumerate(layout.hidden, start=1):
        draw_arrow(ax, layout.hidden_bias, centre, colour=ORANGE, node_radius=RADIUS)
        label(ax, layout.hidden_bias, centre, rf"$\theta_{{{k}0}}$", BIAS_LABEL, ORANGE)
    draw_arrow(ax, layout.output_bias, layout.y, colour=ORANGE, node_radius=RADIUS)
    label(ax, layout.output_bias, layout.y, r"$\phi_0$", OUTPUT_BIAS_LABEL, ORANGE)


def draw_panel(ax: Axes, net: ShallowNet, letter: str, *, detailed: bool) -> None:
    """Panel a) in full; panel b) the usual shorthand without biases, ReLUs or names."""
    layout = Layout(net.n_hidden)
    setup_axes(ax, node_extent(layout.points(with_bias=detailed), RADIUS), MARGIN)
    draw_core(ax, layout, relu_glyphs=detailed)
    if detailed:
        draw_biases(ax, layout)
        label_weights(ax, layout)
    panel_label(ax, letter)


def make_figure(lang: str = "fi") -> Figure:
    text = words(LABELS, lang)
    with course_style():
        fig = Figure(figsize=(10, 3.6), layout=None)
        left = fig.add_axes((0.0, 0.0, 0.5, 1.0))
        right = fig.add_axes((0.5, 0.0, 0.5, 1.0))
        draw_panel(left, BOOK_NET, text["panel_a"], detailed=True)
        draw_panel(right, BOOK_NET, text["panel_b"], detailed=False)
        fit_to_content(left)
        # Same limits on the right, so both networks share one scale and line up.
        right.set_xlim(left.get_xlim())
        right.set_ylim(left.get_ylim())
    return fig
