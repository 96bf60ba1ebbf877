"""Figure 100_ShallowTerminology: input, hidden and output layers, a weight and a neuron."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from figures.diagram import (
    Point,
    all_points,
    border_point,
    curved_note,
    draw_arrow,
    draw_node,
    fit_to_content,
    layer_positions,
    node_extent,
    point_along,
    setup_axes,
)
from figures.network import TERMINOLOGY_SHAPE, FullyConnectedShape
from figures.style import BROWN, SLATE_BLUE, course_style
from figures.text import words

LABELS = {
    "fi": {
        "input_layer": "Syötekerros",
        "hidden_layer": "Piilokerros",
        "output_layer": "Tulostekerros",
        "weight": "Paino",
        "neuron": "Neuroni eli\npiiloyksikkö",
    },
    "en": {
        "input_layer": "Input layer",
        "hidden_layer": "Hidden layer",
        "output_layer": "Output layer",
        "weight": "Weight",
        "neuron": "Neuron or\nhidden unit",
    },
}

LAYER_GAP = 3.0  # horizontal distance between layers, data units
UNIT_GAP = 0.75  # vertical distance between nodes of a layer
RADIUS = 0.26
MARGIN = 0.12  # first guess; fit_to_content then hugs the texts too
TITLE_SIZE = 14
NOTE_SIZE = 13

# Per layer: node letter and colour; the hidden layer is the figure's subject.
LAYER_STYLES = (("x", "black"), ("h", BROWN), ("y", "black"))


def layer_centres(shape: FullyConnectedShape) -> list[list[Point]]:
    sizes = (shape.n_inputs, shape.n_hidden, shape.n_outputs)
    return [layer_positions(n, i * LAYER_GAP, UNIT_GAP) for i, n in enumerate(sizes)]


def draw_network(ax: Axes, shape: FullyConnectedShape, layers: list[list[Point]]) -> None:
    """One node per unit and one arrow per connection the shape lists."""
    for centres, (letter, colour) in zip(layers, LAYER_STYLES, strict=True):
        for i, centre in enumerate(centres, start=1):
            draw_node(ax, centre, f"${letter}_{i}$", colour=colour, radius=RADIUS)
    for layer, source, target in shape.connections():
        draw_arrow(ax, layers[layer][source], layers[layer + 1][target], node_radius=RADIUS)


def draw_titles(ax: Axes, layers: list[list[Point]], text: dict[str, str]) -> None:
    """Each layer's name, all on one line just above the tallest layer."""
    keys = ("input_layer", "hidden_layer", "output_layer")
    baseline = max(centres[0][1] for centres in layers) + RADIUS + 0.12
    for centres, key, (_, colour) in zip(layers, keys, LAYER_STYLES, strict=True):
        x = centres[0][0]
        ax.text(x, baseline, text[key], color=colour, fontsize=TITLE_SIZE, ha="center", va="bottom")


def draw_notes(ax: Axes, layers: list[list[Point]], text: dict[str, str]) -> None:
    """Name one weight (the last input's edge to the last hidden unit) and that hidden unit."""
    last_input, last_hidden = layers[0][-1], layers[1][-1]
    edge_middle = point_along(last_input, last_hidden, 0.5)
    # Below the edge, where no other arrow runs.
    weight_at = (edge_middle[0] - 0.45, last_hidden[1] - 0.55)
    curved_note(
        ax,
        text["weight"],
        edge_middle,
        weight_at,
        colour=SLATE_BLUE,
        bend=-0.35,
        fontsize=NOTE_SIZE,
    )
    neuron_at = (last_hidden[0] + 1.15, last_hidden[1] - 0.45)
    unit_border = border_point(last_hidden, neuron_at, RADIUS + 0.04)
    curved_note(
        ax, text["neuron"], unit_border, neuron_at, colour=BROWN, bend=-0.3, fontsize=NOTE_SIZE
    )


def make_figure(lang: str = "fi") -> Figure:
    text = words(LABELS, lang)
    with course_style():
        fig = Figure(figsize=(8, 4.2), layout=None)
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        layers = layer_centres(TERMINOLOGY_SHAPE)
        setup_axes(ax, node_extent(all_points(*layers), RADIUS), MARGIN)
        draw_network(ax, TERMINOLOGY_SHAPE, layers)
        draw_titles(ax, layers, text)
        draw_notes(ax, layers, text)
        fit_to_content(ax)
    return fig
