"""Shared test set-up: the project root, and pytester for tests that run pytest itself."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory) -> Path:
    """The project's own course built once a session, for tests that only read its outputs."""
    from tests.course_factory import run_build

    out = tmp_path_factory.mktemp("seed")
    result = run_build(PROJECT_ROOT, "--out", str(out), slide_pdfs=True)
    assert result.returncode == 0, result.stderr
    return out


def pytest_terminal_summary(terminalreporter) -> None:
    """The corpus check's per-page table, when this session ran it (also in build/)."""
    corpus_check = sys.modules.get("tests.corpus_check")
    if corpus_check is None or not corpus_check.CHECKED:
        return
    terminalreporter.write_sep("=", "corpus: every page of the instructor's sites")
    terminalreporter.write_line(corpus_check.write_report(corpus_check.CHECKED))
