"""The build's state file: any unreadable or wrong-shaped one means a full rebuild with one
warning; a build that changes nothing does not write it again."""

from __future__ import annotations

import json

import pytest

from coursebuild.core.state import FORMAT, STATE_FILE
from tests.support.course_factory import make_course, run_build

PAGE = "# Tila\n\n## Osio\n\n### Dia\n\n- kohta\n"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = make_course(tmp_path_factory.mktemp("state"), {"slides/01_tila.md": PAGE})
    assert run_build(root).returncode == 0
    return root


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[]", "it is not in the shape the build writes"),
        ('{"entries": [1]}', "it is not in the shape the build writes"),
        ('{"format": 2, "entries": {"deck:01_tila": [1]}}', "not in the shape"),
        ('{"format": 2, "entries": {"deck:01_tila": {"inputs": 5}}}', "not in the shape"),
        ("{", "it is not valid JSON"),
        (b"\xff\xfe", "cannot read it"),
    ],
)
def test_a_broken_state_file_means_one_warning_and_a_full_rebuild(course, content, reason):
    state = course / "build" / STATE_FILE
    if isinstance(content, bytes):
        state.write_bytes(content)
    else:
        state.write_text(content, encoding="utf-8")
    result = run_build(course)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if STATE_FILE in line]
    assert len(warnings) == 1 and reason in warnings[0], result.stderr
    assert "everything is built again" in warnings[0]
    assert "lesson " in result.stdout  # rebuilt
    assert json.loads(state.read_text(encoding="utf-8"))["format"] == FORMAT  # and mended
    again = run_build(course)
    assert STATE_FILE not in again.stderr and "lesson " not in again.stdout


def test_a_build_that_changes_nothing_does_not_write_its_state(course):
    state = course / "build" / STATE_FILE
    assert run_build(course).returncode == 0
    before = state.stat().st_mtime_ns, state.stat().st_ino, state.read_bytes()
    assert run_build(course).returncode == 0
    assert (state.stat().st_mtime_ns, state.stat().st_ino, state.read_bytes()) == before
