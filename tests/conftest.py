"""Shared test set-up: markers by folder, the project root, pytester for tests that run pytest."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from coursebuild.browser.chromium import BROWSER_ENDPOINT
from coursebuild.figure_cache import CACHE_ENV

pytest_plugins = ["pytester"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
# A test's folder is its marker (pyproject.toml describes them): `make test-fast`
# runs unit and filters, which need no Chromium and no whole-site build.
FOLDER_MARKERS = ("unit", "filters", "build", "browser", "corpus")


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        folder = Path(item.fspath).resolve().relative_to(TESTS).parts[0]
        if folder in FOLDER_MARKERS:
            item.add_marker(folder)
    # The corpus check is the longest module by far: first, so that with
    # pytest-xdist (make test) one worker runs it while the other runs the rest.
    items.sort(key=lambda item: item.get_closest_marker("corpus") is None)


@pytest.fixture(scope="session", autouse=True)
def figure_cache(tmp_path_factory) -> Path:
    """One figure cache for the session's builds (coursebuild/figure_cache.py), empty at first.

    Never the user's own; shared by the xdist workers. Tests that need a figure
    drawn (determinism, a worker to kill) turn it off with NO_FIGURE_CACHE.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the session's folder, above each worker's
    folder = root / "figure-cache"
    os.environ[CACHE_ENV] = str(folder)
    return folder / "figures"


@pytest.fixture(scope="session", autouse=True)
def one_browser_for_the_builds(request) -> Iterator[str | None]:
    """A Chromium shared by the worker's builds (tests/support/shared_browser.py).

    Not for the fast tests (unit, filters), which start no browser.
    """
    folders = {
        Path(item.fspath).resolve().relative_to(TESTS).parts[0] for item in request.session.items
    }
    if not folders & {"build", "browser", "corpus"}:
        yield None
        return
    from tests.support.shared_browser import shared_browser

    with shared_browser() as endpoint:
        os.environ[BROWSER_ENDPOINT] = endpoint
        try:
            yield endpoint
        finally:
            os.environ.pop(BROWSER_ENDPOINT, None)


@pytest.fixture
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory) -> Path:
    """The project's own course built once a session, for tests that only read its outputs."""
    from tests.support.course_factory import run_build

    out = tmp_path_factory.mktemp("seed")
    result = run_build(PROJECT_ROOT, "--out", str(out), slide_pdfs=True)
    assert result.returncode == 0, result.stderr
    return out


def pytest_terminal_summary(terminalreporter) -> None:
    """The corpus check's per-page table, when this session ran it (also in build/)."""
    corpus_check = sys.modules.get("tests.support.corpus.report")
    if corpus_check is None or not corpus_check.CHECKED:
        return
    terminalreporter.write_sep("=", "corpus: every page of the instructor's sites")
    terminalreporter.write_line(corpus_check.write_report(corpus_check.CHECKED))
