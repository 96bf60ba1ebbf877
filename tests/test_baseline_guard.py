"""The image baselines really guard the figures: a deliberate change makes pytest-mpl fail."""

from __future__ import annotations

from tests.conftest import PROJECT_ROOT

GUARD_TEST = """
import pytest
import figures.shallow_relu as relu_figure
from figures.style import STYLE_FILE

@pytest.mark.mpl_image_compare(
    baseline_dir={baseline!r}, filename="{filename}", style=str(STYLE_FILE), tolerance=2
)
def test_changed_colour(monkeypatch):
    monkeypatch.setattr(relu_figure, "ORANGE", {colour!r})
    return relu_figure.make_figure("fi")
"""


def run_guard(pytester, monkeypatch, colour: str):
    pytester.makepyfile(
        test_guard=GUARD_TEST.format(
            baseline=str(PROJECT_ROOT / "tests" / "baseline"),
            filename="test_figure_matches_baseline_100_ShallowReLU-fi.png",
            colour=colour,
        )
    )
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT))
    return pytester.runpytest_subprocess(
        "--mpl",
        "-p",
        "no:cacheprovider",
        "--mpl-generate-summary=html",
        f"--mpl-results-path={pytester.path / 'report'}",
    )


def test_unchanged_figure_passes(pytester, monkeypatch):
    from figures.style import ORANGE

    run_guard(pytester, monkeypatch, ORANGE).assert_outcomes(passed=1)


def test_changed_line_colour_fails_the_comparison(pytester, monkeypatch):
    result = run_guard(pytester, monkeypatch, "#2060c0")
    result.assert_outcomes(failed=1)
    # CI's log must say which figure failed and where the images to compare are.
    result.stdout.fnmatch_lines(
        [
            "*Error: Image files did not match*",
            "*/report/test_guard.test_changed_colour/baseline.png",
            "*/report/test_guard.test_changed_colour/result-failed-diff.png",
            "FAILED test_guard.py::test_changed_colour*",
        ]
    )
    report = pytester.path / "report"
    assert (report / "fig_comparison.html").is_file()
    assert list(report.rglob("result-failed-diff.png"))
