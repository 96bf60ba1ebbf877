"""Shallow neural networks in numpy, in the notation of Prince, *Understanding Deep Learning*.

Pure computation: nothing here draws. The figures and the lesson text read
their numbers from these objects, so the text and the pictures cannot disagree.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from figures.examples import BOOK_PHI, BOOK_THETA, NOTEBOOK_PHI, NOTEBOOK_THETA

FloatArray = NDArray[np.float64]


def relu(z: ArrayLike) -> FloatArray:
    """Rectified linear unit a[z] = max(0, z), elementwise."""
    return np.maximum(np.asarray(z, dtype=float), 0.0)


@dataclass(frozen=True)
class ForwardPass:
    """Every intermediate of one forward pass; hidden arrays have shape (D, N)."""

    x: FloatArray
    pre: FloatArray  # pre-activations θ_k0 + θ_k1·x
    act: FloatArray  # activations h_k = a[θ_k0 + θ_k1·x]
    weighted: FloatArray  # φ_k·h_k
    y: FloatArray  # φ_0 + Σ_k φ_k·h_k, shape (N,)


@dataclass(frozen=True)
class LinearRegion:
    """An interval of x on which the network is linear, and which units are active on it."""

    start: float
    end: float
    active: tuple[bool, ...]


class ShallowNet:
    """A shallow ReLU network with one input, D hidden units and one output.

    ``theta`` has shape (D, 2), rows (θ_k0, θ_k1); ``phi`` has shape (D+1,),
    (φ_0, φ_1 … φ_D).
    """

    def __init__(self, theta: ArrayLike, phi: ArrayLike) -> None:
        theta_array = np.array(theta, dtype=float)
        phi_array = np.array(phi, dtype=float)
        if theta_array.ndim != 2 or theta_array.shape[1] != 2:
            raise ValueError(f"theta must have shape (D, 2), got {theta_array.shape}")
        if phi_array.shape != (theta_array.shape[0] + 1,):
            raise ValueError(
                f"phi must have shape (D+1,) = ({theta_array.shape[0] + 1},), got {phi_array.shape}"
            )
        theta_array.flags.writeable = False
        phi_array.flags.writeable = False
        self.theta = theta_array
        self.phi = phi_array

    def __repr__(self) -> str:
        return f"ShallowNet(theta={self.theta.tolist()}, phi={self.phi.tolist()})"

    @property
    def n_hidden(self) -> int:
        return self.theta.shape[0]

    @property
    def n_params(self) -> int:
        """Number of parameters: 2 per hidden unit plus D+1 at the output."""
        return self.theta.size + self.phi.size

    @property
    def n_hidden_params(self) -> int:
        return self.theta.size

    def __call__(self, x: ArrayLike) -> ForwardPass:
        x_array = np.atleast_1d(np.asarray(x, dtype=float))
        pre = self.theta[:, :1] + self.theta[:, 1:] * x_array
        act = relu(pre)
        weighted = self.phi[1:, None] * act
        y = self.phi[0] + weighted.sum(axis=0)
        return ForwardPass(x=x_array, pre=pre, act=act, weighted=weighted, y=y)

    def joints(self) -> FloatArray:
        """Sorted x where some unit's pre-activation crosses zero (units with θ_k1 ≠ 0)."""
        slopes = self.theta[:, 1]
        turning = slopes != 0
        return np.sort(-self.theta[turning, 0] / slopes[turning])

    def linear_regions(self, x_min: float, x_max: float) -> list[LinearRegion]:
        """Split [x_min, x_max] at the joints; report the active units on each piece."""
        inner = [float(j) for j in self.joints() if x_min < j < x_max]
        edges = [x_min, *inner, x_max]
        regions = []
        for start, end in itertools.pairwise(edges):
            if end <= start:
                continue
            middle = self((start + end) / 2)
            active = tuple(bool(a) for a in middle.pre[:, 0] > 0)
            regions.append(LinearRegion(start=start, end=end, active=active))
        return regions


@dataclass(frozen=True)
class FullyConnectedShape:
    """Layer sizes of a fully connected shallow network: D_i inputs, D hidden, D_o outputs."""

    n_inputs: int
    n_hidden: int
    n_outputs: int

    def __post_init__(self) -> None:
        for name in ("n_inputs", "n_hidden", "n_outputs"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")

    @property
    def n_weights(self) -> int:
        """One weight per connection (arrow) between consecutive layers."""
        return self.n_inputs * self.n_hidden + self.n_hidden * self.n_outputs

    @property
    def n_biases(self) -> int:
        return self.n_hidden + self.n_outputs

    @property
    def n_params(self) -> int:
        return self.n_weights + self.n_biases

    def connections(self) -> list[tuple[int, int, int]]:
        """Every connection as (layer it leaves, index there, index in the next layer)."""
        first = [(0, i, k) for i in range(self.n_inputs) for k in range(self.n_hidden)]
        second = [(1, k, j) for k in range(self.n_hidden) for j in range(self.n_outputs)]
        return first + second


def evenly_spaced_knots(n_hidden: int, x_min: float, x_max: float) -> FloatArray:
    """Interior knots that cut [x_min, x_max] into n_hidden + 1 equal pieces."""
    return np.linspace(x_min, x_max, n_hidden + 2)[1:-1]


def fit_shallow_net(
    target: Callable[[FloatArray], FloatArray],
    n_hidden: int,
    x_min: float = 0.0,
    x_max: float = 2.0,
    n_samples: int = 1001,
) -> ShallowNet:
    """Fit a ShallowNet with n_hidden units to ``target`` on [x_min, x_max].

    Each unit's joint sits at an evenly spaced knot, so the output has
    n_hidden + 1 linear regions. Units left of a pivot knot point left
    (active below their joint), the others point right; for every pivot the
    output weights φ come from linear least squares, and the pivot with the
    smallest squared error wins.
    """
    if n_hidden < 1:
        raise ValueError("n_hidden must be at least 1")
    knots = evenly_spaced_knots(n_hidden, x_min, x_max)
    x = np.linspace(x_min, x_max, n_samples)
    y_target = np.asarray(target(x), dtype=float)

    best: tuple[float, ShallowNet] | None = None
    for n_left in range(n_hidden + 1):
        direction = np.where(np.arange(n_hidden) < n_left, -1.0, 1.0)
        theta = np.column_stack([-direction * knots, direction])
        hidden = ShallowNet(theta, np.zeros(n_hidden + 1))(x).act
        design = np.column_stack([np.ones_like(x), hidden.T])
        phi, *_ = np.linalg.lstsq(design, y_target, rcond=None)
        error = float(np.sum((design @ phi - y_target) ** 2))
        if best is None or error < best[0]:
            best = (error, ShallowNet(theta, phi))
    assert best is not None
    return best[1]


def rms_error(
    net: ShallowNet,
    target: Callable[[FloatArray], FloatArray],
    x_min: float = 0.0,
    x_max: float = 2.0,
    n_samples: int = 1001,
) -> float:
    """Root-mean-square distance between the network and ``target`` on a grid."""
    x = np.linspace(x_min, x_max, n_samples)
    return float(np.sqrt(np.mean((net(x).y - target(x)) ** 2)))


# The worked examples of the course: the book's Figure 3.3 network, and the
# network of the book's notebook 3.1 (Shallow Networks I).
BOOK_NET = ShallowNet(theta=BOOK_THETA, phi=BOOK_PHI)
NOTEBOOK_NET = ShallowNet(theta=NOTEBOOK_THETA, phi=NOTEBOOK_PHI)
TERMINOLOGY_SHAPE = FullyConnectedShape(n_inputs=3, n_hidden=4, n_outputs=2)


def smooth_target(x: ArrayLike) -> FloatArray:
    """The smooth 'true function' the approximation figure fits."""
    x_array = np.asarray(x, dtype=float)
    return -0.66 * np.sin(3.2 * x_array) + 0.16 * np.sin(7.3 * x_array + 1.0)
