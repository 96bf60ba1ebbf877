"""The image baselines really guard the figures: a changed palette colour fails them.

Each case runs the project's own tests/unit/test_figures.py in a child pytest from
the project root, so pyproject.toml's addopts (--mpl among them), the real
baselines and the real tolerance apply; nothing here copies those settings.
The change is made by a small plugin that swaps two colours of figures.style
in every figure module before any figure is drawn, as editing style.py would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

SWAP_VARIABLE = "FIGURE_GUARD_SWAP"  # the plugin below reads it by this name
MUTATION_PLUGIN = '''
"""Swap two figures.style colours wherever a figure module holds them (test_baseline_guard)."""

import importlib
import os
import pkgutil


def swapped(value, swap):
    if isinstance(value, str):
        return swap.get(value, value)
    if type(value) is tuple:  # a palette tuple; NamedTuples hold no colours
        return tuple(swapped(item, swap) for item in value)
    return value


def pytest_configure(config):
    names = os.environ.get("FIGURE_GUARD_SWAP")
    if not names:
        return
    import figures
    import figures.style

    first, second = (getattr(figures.style, name) for name in names.split(","))
    swap = {first: second, second: first}
    # Modules copy the constants at import (from figures.style import SHADING),
    # and tuples such as UNIT_COLOURS hold them: swap them all.
    for info in pkgutil.iter_modules(figures.__path__):
        module = importlib.import_module(f"figures.{info.name}")
        for name, value in list(vars(module).items()):
            if name.isupper():
                setattr(module, name, swapped(value, swap))
'''

# A case of tests/unit/test_figures.py, and two palette colours whose swap it must notice.
# Both swaps pass a tolerance of 2 unnoticed (RMS 0.44, 0.90 and 0.74).
CASES = {
    "test_figure_matches_baseline[100_ShallowReLU-fi]": ("LIGHT_GREY", "SHADING"),
    "test_figure_matches_baseline[100_ShallowBuildUp-fi]": ("LIGHT_GREY", "SHADING"),
    "test_figure_matches_baseline[100_ShallowNet-fi]": ("DARK_GREY", "SLATE_BLUE"),
}


@pytest.fixture(scope="module")
def plugin_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("guard_plugin")
    (folder / "guard_mutation.py").write_text(MUTATION_PLUGIN, encoding="utf-8")
    return folder


def run_figure_tests(
    cases: list[str], plugin_dir: Path, results: Path, swap: tuple[str, str] | None = None
) -> subprocess.CompletedProcess:
    """tests/unit/test_figures.py's ``cases`` as CI runs them, with the plugin loaded."""
    env = {**os.environ, "PYTHONPATH": str(plugin_dir)}
    env.pop(SWAP_VARIABLE, None)
    if swap:
        env[SWAP_VARIABLE] = ",".join(swap)
    command = [
        sys.executable,
        "-m",
        "pytest",
        *(f"tests/unit/test_figures.py::{case}" for case in cases),
        "-p",
        "guard_mutation",
        "-p",
        "no:cacheprovider",
        # Only the results folder moves (out of build/); --mpl comes from pyproject.toml.
        f"--mpl-results-path={results}",
    ]
    return subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def test_unchanged_figures_pass_with_the_projects_settings(plugin_dir, tmp_path):
    result = run_figure_tests(list(CASES), plugin_dir, tmp_path / "report")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(CASES)} passed" in result.stdout
    assert f"rootdir: {PROJECT_ROOT}" in result.stdout
    assert "configfile: pyproject.toml" in result.stdout


@pytest.mark.parametrize("case", CASES)
def test_swapped_palette_colours_fail_the_real_comparison(case, plugin_dir, tmp_path):
    report = tmp_path / "report"
    result = run_figure_tests([case], plugin_dir, report, swap=CASES[case])
    assert result.returncode == 1, result.stdout + result.stderr
    # CI's log must say which figure failed and where the images to compare are.
    assert "Error: Image files did not match" in result.stdout
    assert f"FAILED tests/unit/test_figures.py::{case}" in result.stdout
    assert str(report) in result.stdout
    assert (report / "fig_comparison.html").is_file()  # the summary pyproject.toml asks for
    assert list(report.rglob("result-failed-diff.png"))
