"""What the figures show is derived from the network, not typed: check it on the artists."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

from figures import shallow_approximate, shallow_buildup, shallow_net, shallow_terminology
from figures.network import ShallowNet


def arrows(ax) -> list[FancyArrowPatch]:
    return [patch for patch in ax.patches if isinstance(patch, FancyArrowPatch)]


def texts(ax) -> list[str]:
    return [text.get_text() for text in ax.texts]


def panel_letters(fig) -> list[str]:
    return [t for ax in fig.axes for t in texts(ax) if t.endswith(")")]


def curve(ax):
    """The panel's one plotted function (the zero line has only two points)."""
    (line,) = [line for line in ax.lines if len(line.get_xdata()) > 2]
    return line


def test_buildup_shades_where_only_units_one_and_three_are_active():
    # By hand: h1 turns on at 0.2/0.4 = 0.5, h2 at 0.9/0.9 = 1.0, h3 turns off at 1.1/0.7.
    output_ax = shallow_buildup.make_figure().axes[-1]
    shading = [patch for patch in output_ax.patches if isinstance(patch, Rectangle)]
    assert len(shading) == 1
    assert shading[0].get_x() == pytest.approx(0.5)
    assert shading[0].get_x() + shading[0].get_width() == pytest.approx(1.0)


def test_buildup_has_ten_lettered_panels():
    fig = shallow_buildup.make_figure()
    assert panel_letters(fig) == [f"{letter})" for letter in "abcdefghij"]


def test_buildup_slides_show_the_handout_panels_in_four_steps():
    slides = shallow_buildup.make_slide_figures("fi")
    assert [panel_letters(fig) for fig in slides] == [
        ["a)", "b)", "c)"],
        ["d)", "e)", "f)"],
        ["g)", "h)", "i)"],
        ["j)"],
    ]


def test_buildup_slides_draw_the_handout_curves_and_formulas():
    handout = shallow_buildup.make_figure("en").axes
    slides = [ax for fig in shallow_buildup.make_slide_figures("en") for ax in fig.axes]
    assert len(slides) == len(handout) == 10
    for slide_ax, handout_ax in zip(slides, handout, strict=True):
        assert texts(slide_ax) == texts(handout_ax)
        assert curve(slide_ax).get_color() == curve(handout_ax).get_color()
        assert (curve(slide_ax).get_xydata() == curve(handout_ax).get_xydata()).all()


def test_buildup_slide_j_shades_the_same_region():
    output_ax = shallow_buildup.make_slide_figures("fi")[-1].axes[0]
    shading = [patch for patch in output_ax.patches if isinstance(patch, Rectangle)]
    assert len(shading) == 1
    assert shading[0].get_x() == pytest.approx(0.5)
    assert shading[0].get_x() + shading[0].get_width() == pytest.approx(1.0)


def test_every_buildup_slide_panel_names_its_input_axis():
    for fig in shallow_buildup.make_slide_figures("fi"):
        assert [ax.get_xlabel() for ax in fig.axes] == ["Syöte, $x$"] * len(fig.axes)


def test_shallow_net_panel_a_has_every_parameter_as_an_arrow():
    fig = shallow_net.make_figure()
    detailed, plain = fig.axes
    # 3 x->h, 3 h->y, 3 bias->h, 1 bias->y; without biases only the 6 weights.
    assert len(arrows(detailed)) == 10
    assert len(arrows(plain)) == 6
    labels = set(texts(detailed))
    for k in (1, 2, 3):
        assert rf"$\theta_{{{k}0}}$" in labels
        assert rf"$\theta_{{{k}1}}$" in labels
    assert r"$\phi_0$" in labels


def test_shallow_net_diagram_follows_the_network_shape():
    four_units = ShallowNet(theta=[[0.0, 1.0]] * 4, phi=[0.0] * 5)
    fig = Figure()
    ax = fig.add_subplot()
    shallow_net.draw_panel(ax, four_units, "a", detailed=True)
    assert len(arrows(ax)) == 3 * 4 + 1
    assert r"$\theta_{40}$" in texts(ax)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fi", ["Syötekerros", "Piilokerros", "Tulostekerros", "Paino"]),
        ("en", ["Input layer", "Hidden layer", "Output layer", "Weight"]),
    ],
)
def test_terminology_draws_every_connection_and_names_the_parts(lang, words):
    ax = shallow_terminology.make_figure(lang).axes[0]
    assert len(arrows(ax)) == 20
    for word in words:
        assert word in texts(ax)


def test_approximation_panels_count_their_linear_regions():
    fig = shallow_approximate.make_figure("fi")
    labels = [t for ax in fig.axes for t in texts(ax) if "aluetta" in t]
    assert labels == ["5 lineaarista aluetta", "10 lineaarista aluetta", "20 lineaarista aluetta"]
