"""Rebuild only what changed, by content hash; a no-op build never imports matplotlib."""

from __future__ import annotations

import os

import pytest

from tests.support.course_factory import SMALL_LESSON, copy_project, make_course, run_build

OTHER_LESSON = SMALL_LESSON.replace("Pieni oppitunti", "Toinen oppitunti").replace(
    "100_ShallowReLU", "100_ShallowNet"
)


def steps(result) -> list[tuple[str, str]]:
    """(action, file name) for each line the build printed."""
    return [
        (line.split()[0], os.path.basename(line.split()[1]))
        for line in result.stdout.splitlines()
        if len(line.split()) >= 2
    ]


@pytest.fixture
def two_lessons(tmp_path):
    course = make_course(tmp_path, {"slides/a.md": SMALL_LESSON, "slides/b.md": OTHER_LESSON})
    first = run_build(course)
    assert first.returncode == 0, first.stderr
    return course


def test_nothing_changed_rebuilds_nothing_and_skips_matplotlib(two_lessons):
    before = {p: p.stat().st_mtime_ns for p in (two_lessons / "build").rglob("*")}
    result = run_build(two_lessons, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0, result.stderr
    actions = {action for action, _ in steps(result)}
    assert actions == {"skip", "done"}, result.stdout
    assert "matplotlib" not in result.stderr
    assert "numpy" not in result.stderr
    after = {p: p.stat().st_mtime_ns for p in (two_lessons / "build").rglob("*")}
    changed = [p.name for p in before if before[p] != after[p]]
    assert changed in ([], [".build-state.json"])


def test_changing_one_lesson_rebuilds_only_that_lesson(two_lessons):
    (two_lessons / "slides" / "a.md").write_text(SMALL_LESSON + "\nLisäys.\n", encoding="utf-8")
    result = run_build(two_lessons)
    assert result.returncode == 0, result.stderr
    done = steps(result)
    assert ("lesson", "a.md") in done
    assert ("skip", "b.md") in done
    assert not any(action == "figure" for action, _ in done)


def test_changing_a_figure_module_rebuilds_it_and_the_lessons_using_it(tmp_path):
    project = copy_project(tmp_path / "project")
    course = make_course(
        tmp_path / "course", {"slides/a.md": SMALL_LESSON, "slides/b.md": OTHER_LESSON}
    )

    def build():
        result = run_build(course, build_script=project / "build.py")
        assert result.returncode == 0, result.stderr
        return steps(result)

    build()
    module = project / "figures" / "shallow_relu.py"
    source = module.read_text(encoding="utf-8")
    module.write_text(source.replace("color=ORANGE", 'color="#629e9c"'), encoding="utf-8")
    done = build()
    figures_built = [name for action, name in done if action == "figure"]
    assert figures_built == ["100_ShallowReLU.svg"]
    assert ("lesson", "a.md") in done  # shows the ReLU figure
    assert ("skip", "b.md") in done  # shows only the network diagram
