"""Image comparisons: CI turns red when a figure changes by accident.

Baselines live in tests/unit/baseline/. After changing a figure on purpose:

    .venv/bin/pytest tests/unit/test_figures.py --mpl-generate-path=tests/unit/baseline

then look at every changed PNG before committing it.
"""

from __future__ import annotations

import importlib

import pytest

from figures.catalogue import FIGURES, slide_figure_names
from figures.style import STYLE_FILE

# RMS difference allowed, on pytest-mpl's 0–255 scale. The pinned setup
# (requirements.lock, DejaVu Sans shipped with matplotlib, Agg) redraws every
# baseline exactly, RMS 0.000. Swapping two palette greys (LIGHT_GREY, SHADING)
# gives RMS 0.20 to 0.90 on the handout figures, DARK_GREY and SLATE_BLUE 0.74
# on 100_ShallowNet: a tolerance of 2 let such changes through. Not 0, which
# matplotlib treats as "identical pixels only"; 0.01 is far below any change.
TOLERANCE = 0.01

# Compare under the course style, as the build saves them; pytest-mpl would
# otherwise save under matplotlib's 'classic' style.
compare_image = pytest.mark.mpl_image_compare(style=str(STYLE_FILE), tolerance=TOLERANCE)

LANGUAGES = ("fi", "en")
FIGURE_CASES = [
    pytest.param(spec, lang, id=f"{spec.name}-{lang}") for spec in FIGURES for lang in LANGUAGES
]
SLIDE_CASES = [
    pytest.param(spec, step, lang, id=f"{name}-{lang}")
    for spec in FIGURES
    for step, name in enumerate(slide_figure_names(spec))
    for lang in LANGUAGES
]


@pytest.mark.parametrize(("spec", "lang"), FIGURE_CASES)
@compare_image
def test_figure_matches_baseline(spec, lang):
    return importlib.import_module(spec.module).make_figure(lang)


@pytest.mark.parametrize(("spec", "step", "lang"), SLIDE_CASES)
@compare_image
def test_slide_figure_matches_baseline(spec, step, lang):
    return importlib.import_module(spec.module).make_slide_figures(lang)[step]


@pytest.mark.parametrize("spec", FIGURES, ids=lambda spec: spec.name)
def test_unknown_language_is_refused(spec):
    module = importlib.import_module(spec.module)
    with pytest.raises(ValueError, match="unknown language 'sv'"):
        module.make_figure("sv")
    if spec.slide_steps:
        with pytest.raises(ValueError, match="unknown language 'sv'"):
            module.make_slide_figures("sv")
