"""Figure 100_ShallowApproximate: more hidden units, more linear regions, a closer fit.

Each panel fits a shallow network (figures.network.fit_shallow_net) to the
same smooth function; the dashed curve is that function.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from figures.network import ShallowNet, fit_shallow_net, smooth_target
from figures.panels import X_RANGE, setup_function_panel
from figures.style import ORANGE, SLATE_BLUE, TEAL, course_style
from figures.text import words

LABELS = {
    "fi": {"regions": "{n} lineaarista aluetta"},
    "en": {"regions": "{n} linear regions"},
}
# (hidden units, line colour, label colour): D units make D + 1 linear regions.
PANELS = ((4, SLATE_BLUE, SLATE_BLUE), (9, ORANGE, ORANGE), (19, TEAL, TEAL))


def draw_fit(ax: Axes, net: ShallowNet, colour: str) -> None:
    x = np.union1d(np.linspace(*X_RANGE, 401), net.joints())
    x = x[(x >= X_RANGE[0]) & (x <= X_RANGE[1])]
    ax.plot(x, net(x).y, color=colour, linewidth=4)


def draw_target(ax: Axes) -> None:
    x = np.linspace(*X_RANGE, 401)
    ax.plot(x, smooth_target(x), color="black", linewidth=1.6, linestyle=(0, (3, 2)))


def setup_panel(ax: Axes, letter: str, label: str, label_colour: str) -> None:
    setup_function_panel(ax, letter, zero_line_style=":")
    ax.text(0.03, 0.96, label, transform=ax.transAxes, ha="left", va="top", color=label_colour)


def make_figure(lang: str = "fi") -> Figure:
    text = words(LABELS, lang)
    with course_style():
        # 10.4 in wide, not 11: fitted into a slide's 1152 px wide image box, the
        # 13 pt tick labels then come out at 20 px rather than 18.9 px.
        fig = Figure(figsize=(10.4, 3.8), layout="constrained")
        axes = fig.subplots(1, len(PANELS), sharey=True)
        for ax, letter, (n_hidden, colour, label_colour) in zip(axes, "abc", PANELS, strict=True):
            net = fit_shallow_net(smooth_target, n_hidden, *X_RANGE)
            label = text["regions"].format(n=n_hidden + 1)
            setup_panel(ax, letter, label, label_colour)
            draw_fit(ax, net, colour)
            draw_target(ax)
            ax.set_xlabel(text["input_x"])
        axes[0].set_ylabel(text["output_y"])
    return fig
