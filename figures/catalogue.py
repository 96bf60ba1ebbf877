"""Which figures the course has: output name, module and title in each language.

Kept free of matplotlib so a build can list figures without importing it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FigureSpec:
    name: str  # file name without .svg, as the lesson pages reference it
    module: str  # module in figures/ with make_figure(lang) -> Figure
    titles: dict[str, str]
    # How many slide figures make_slide_figures(lang) draws: a figure too big to be
    # read on one slide is shown there in steps. 0: the slides show make_figure's.
    slide_steps: int = 0

    def title(self, lang: str) -> str:
        return self.titles[lang]


FIGURES = (
    FigureSpec(
        name="100_ShallowTerminology",
        module="figures.shallow_terminology",
        titles={
            "fi": "Matalan neuroverkon käsitteet: syöte-, piilo- ja tulostekerros",
            "en": "Shallow network terminology: input, hidden and output layers",
        },
    ),
    FigureSpec(
        name="100_ShallowNet",
        module="figures.shallow_net",
        titles={
            "fi": "Matala neuroverkko: syöte x, kolme piiloyksikköä ja tuloste y",
            "en": "A shallow network: input x, three hidden units and output y",
        },
    ),
    FigureSpec(
        name="100_ShallowReLU",
        module="figures.shallow_relu",
        titles={
            "fi": "ReLU-aktivointifunktio",
            "en": "The ReLU activation function",
        },
    ),
    FigureSpec(
        name="100_ShallowBuildUp",
        module="figures.shallow_buildup",
        titles={
            "fi": "Matalan neuroverkon laskennan vaiheet a–j",
            "en": "Building up a shallow network's output, steps a–j",
        },
        slide_steps=4,
    ),
    FigureSpec(
        name="100_ShallowApproximate",
        module="figures.shallow_approximate",
        titles={
            "fi": "Paloittain lineaarinen approksimaatio 5, 10 ja 20 alueella",
            "en": "Piecewise linear approximation with 5, 10 and 20 regions",
        },
    ),
)


def slide_figure_names(spec: FigureSpec) -> list[str]:
    """File names (without .svg) of the figure's slide figures, in slide order."""
    return [f"{spec.name}-slide-{k}" for k in range(1, spec.slide_steps + 1)]
