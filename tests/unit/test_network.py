"""The network against values worked out by hand or printed in the textbook's notebook."""

from __future__ import annotations

import numpy as np
import pytest

from figures.network import (
    BOOK_NET,
    NOTEBOOK_NET,
    TERMINOLOGY_SHAPE,
    FullyConnectedShape,
    ShallowNet,
    evenly_spaced_knots,
    fit_shallow_net,
    relu,
    rms_error,
    smooth_target,
)


def test_relu_clips_negatives_and_passes_positives():
    assert relu([-2.0, -0.0, 0.0, 0.5, 3.0]).tolist() == [0.0, 0.0, 0.0, 0.5, 3.0]


@pytest.mark.parametrize(
    ("x", "expected_y"),
    [(0.0, 0.3), (0.3, -0.3), (0.4, -0.3), (0.5, -0.3), (0.769, -0.838)],
)
def test_notebook_network_matches_notebook_values(x, expected_y):
    # Notebook 3.1: y(0) = -0.3 + 2.0*0.3 = 0.3; on [0.3, 0.5] every unit is off so
    # y = phi_0 = -0.3; at 0.769 only h2 = -1 + 2*0.769 = 0.538 is on: -0.3 - 0.538.
    assert NOTEBOOK_NET(x).y[0] == pytest.approx(expected_y, abs=5e-4)


@pytest.mark.parametrize(
    ("x", "expected_y"),
    [(0.0, 0.496), (0.5, 0.265), (1.0, -0.226), (2.0, 0.16)],
)
def test_book_network_matches_hand_computed_values(x, expected_y):
    # e.g. y(0) = -0.23 + 0.66*1.1 = 0.496; y(2) = -0.23 - 1.3*0.6 + 1.3*0.9 = 0.16
    assert BOOK_NET(x).y[0] == pytest.approx(expected_y, abs=1e-9)


def test_forward_pass_returns_every_intermediate_with_book_shapes():
    x = np.linspace(0.0, 2.0, 7)
    forward = BOOK_NET(x)
    assert forward.pre.shape == forward.act.shape == forward.weighted.shape == (3, 7)
    assert forward.y.shape == (7,)
    # At x = 2 by hand: pre = (0.6, 0.9, -0.3), act = (0.6, 0.9, 0), weighted = (-0.78, 1.17, 0)
    assert forward.pre[:, -1] == pytest.approx([0.6, 0.9, -0.3])
    assert forward.act[:, -1] == pytest.approx([0.6, 0.9, 0.0])
    assert forward.weighted[:, -1] == pytest.approx([-0.78, 1.17, 0.0])


def test_parameter_counts_of_the_lesson_network():
    # The lesson: 1 input and 3 hidden units give 3 + 3 = 6 hidden-layer parameters,
    # and the output layer adds phi_0 .. phi_3.
    assert BOOK_NET.n_hidden == 3
    assert BOOK_NET.n_hidden_params == 6
    assert BOOK_NET.n_params == 10


def test_joints_are_where_each_unit_turns_on():
    # -theta_k0 / theta_k1: 0.2/0.4, 0.9/0.9, 1.1/0.7
    assert BOOK_NET.joints() == pytest.approx([0.5, 1.0, 11 / 7])


def test_linear_regions_report_which_units_are_active():
    regions = BOOK_NET.linear_regions(0.0, 2.0)
    edges = [edge for r in regions for edge in (r.start, r.end)]
    assert edges == pytest.approx([0.0, 0.5, 0.5, 1.0, 1.0, 11 / 7, 11 / 7, 2.0])
    assert [r.active for r in regions] == [
        (False, False, True),
        (True, False, True),
        (True, True, True),
        (True, True, False),
    ]


@pytest.mark.parametrize(
    ("theta", "phi"),
    [([0.1, 0.2], [0.0, 1.0]), ([[0.1, 0.2]], [0.0]), ([[0.1, 0.2, 0.3]], [0.0, 1.0])],
)
def test_bad_parameter_shapes_are_refused(theta, phi):
    with pytest.raises(ValueError, match="shape"):
        ShallowNet(theta, phi)


def test_terminology_network_counts():
    # 3 inputs, 4 hidden, 2 outputs: 3*4 + 4*2 = 20 weights, 4 + 2 = 6 biases.
    assert TERMINOLOGY_SHAPE.n_weights == 20
    assert TERMINOLOGY_SHAPE.n_biases == 6
    assert TERMINOLOGY_SHAPE.n_params == 26
    connections = TERMINOLOGY_SHAPE.connections()
    assert len(connections) == len(set(connections)) == 20


def test_fully_connected_shape_needs_a_unit_in_every_layer():
    with pytest.raises(ValueError, match="n_hidden"):
        FullyConnectedShape(n_inputs=1, n_hidden=0, n_outputs=1)


def test_knots_cut_the_range_into_equal_pieces():
    assert evenly_spaced_knots(4, 0.0, 2.0) == pytest.approx([0.4, 0.8, 1.2, 1.6])


def test_fit_recovers_a_function_the_network_can_represent_exactly():
    # A hand-made piecewise linear target with joints at the fit's knots 0.4 .. 1.6,
    # flat between 0.8 and 1.2: a 4-unit network can match it exactly.
    def target(x):
        return 0.5 - relu(0.8 - x) * 2.0 + relu(x - 1.2) * 1.5 - relu(x - 1.6) * 3.0

    net = fit_shallow_net(target, n_hidden=4)
    assert rms_error(net, target) < 1e-9
    assert net(1.0).y[0] == pytest.approx(0.5)


def test_fit_error_falls_as_hidden_units_grow():
    errors = [rms_error(fit_shallow_net(smooth_target, d), smooth_target) for d in (4, 9, 19)]
    assert errors[0] > errors[1] > errors[2]
    # Each doubling of the regions should cut the error by well over half for a smooth target.
    assert errors[1] < errors[0] / 2
    assert errors[2] < errors[1] / 2


def test_fit_gives_the_requested_number_of_linear_regions():
    for n_hidden in (4, 9, 19):
        net = fit_shallow_net(smooth_target, n_hidden)
        assert net.n_hidden == n_hidden
        assert len(net.linear_regions(0.0, 2.0)) == n_hidden + 1


def test_lesson_text_counts_agree_with_the_network():
    from coursebuild.reading.template_data import network_facts

    facts = network_facts()
    assert facts.n_hidden == BOOK_NET.n_hidden
    assert facts.n_hidden_params == BOOK_NET.n_hidden_params
    assert facts.n_params == BOOK_NET.n_params
    assert facts.hidden_weights + facts.hidden_biases == facts.n_hidden_params == 6
