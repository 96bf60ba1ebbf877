"""Image comparisons: CI turns red when a figure changes by accident.

Baselines live in tests/baseline/. After changing a figure on purpose:

    .venv/bin/pytest tests/test_figures.py --mpl-generate-path=tests/baseline

then look at every changed PNG before committing it.
"""

from __future__ import annotations

import importlib

import pytest

from figures.catalogue import FIGURES
from figures.style import STYLE_FILE

# Compare under the course style, as the build saves them; pytest-mpl would
# otherwise save under matplotlib's 'classic' style.
compare_image = pytest.mark.mpl_image_compare(style=str(STYLE_FILE), tolerance=2)


FIGURE_CASES = [
    pytest.param(spec, lang, id=f"{spec.name}-{lang}") for spec in FIGURES for lang in ("fi", "en")
]


@pytest.mark.parametrize(("spec", "lang"), FIGURE_CASES)
@compare_image
def test_figure_matches_baseline(spec, lang):
    return importlib.import_module(spec.module).make_figure(lang)


@pytest.mark.parametrize("spec", FIGURES, ids=lambda spec: spec.name)
def test_unknown_language_is_refused(spec):
    module = importlib.import_module(spec.module)
    with pytest.raises(ValueError, match="unknown language 'sv'"):
        module.make_figure("sv")
