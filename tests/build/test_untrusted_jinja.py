"""What a lesson's Jinja can reach and spend: plain data, and bounded CPU, memory and time.

Issue 19: the context once held the Course object, whose Paths' public
methods read, wrote and deleted files (a page appended code to the build's
own module, which then ran); and loops that made no text ran past 60 s.
"""

from __future__ import annotations

import time
from pathlib import Path
from types import MappingProxyType

import jinja2
import pytest
from markupsafe import Markup

from coursebuild.core import limits
from coursebuild.core.errors import BuildError
from coursebuild.core.templates import plain_data
from coursebuild.reading.course import open_course
from coursebuild.reading.jinja_fill import render_lesson
from coursebuild.reading.template_data import lesson_context
from tests.support.corpus_check import CORPUS, SITES
from tests.support.course_factory import (
    PROJECT_ROOT,
    before_summary,
    built_once,
    make_course,
    page_outputs,
    run_build,
    without_course_files,
)

PAGE = Path("/kurssi/slides/01_oppitunti.md")
PAGE_TEXT = "# Oppitunti\n\n## Osa\n\n### Dia\n\n- kohta\n"  # what is added starts on line 9
FIRST_LINE = 5
PLAIN = (str, Markup, int, float, bool, type(None))


def non_plain_values(value, where: str = "context") -> list[str]:
    """Where in ``value`` something other than plain, read-only data is reachable."""
    if type(value) in PLAIN:
        return []
    if type(value) is tuple:
        return [
            found
            for index, item in enumerate(value)
            for found in non_plain_values(item, f"{where}[{index}]")
        ]
    if type(value) is MappingProxyType:
        problems = [f"{where} key {key!r}" for key in value if type(key) is not str]
        for key, item in value.items():
            problems += non_plain_values(item, f"{where}.{key}")
        return problems
    return [f"{where}: {type(value).__name__}"]


def test_the_walk_finds_what_is_not_plain_data():
    # The check itself: each of these would pass a check that looked only at the top level.
    assert non_plain_values(MappingProxyType({"a": (1, "x", None)})) == []
    assert non_plain_values(MappingProxyType({"a": (Path("/"),)})) == ["context.a[0]: PosixPath"]
    assert non_plain_values(MappingProxyType({"a": {"b": 1}})) == ["context.a: dict"]
    assert non_plain_values(MappingProxyType({"a": [1]})) == ["context.a: list"]


@pytest.mark.parametrize("folder", [PROJECT_ROOT, CORPUS / SITES[0]])
def test_the_lesson_context_is_plain_read_only_data(folder):
    context = lesson_context(open_course(folder))
    assert non_plain_values(context) == []
    assert set(context["course"]) == {"title", "author", "licence", "language", "own_drawing"}


def test_every_template_of_a_build_gets_plain_data_only(tmp_path, monkeypatch):
    """Every context Jinja is given while a course builds, walked value by value."""
    seen: list = []
    original = jinja2.Template.new_context

    def recording(self, vars=None, shared=False, locals=None):
        seen.append((self.name, vars))
        return original(self, vars, shared, locals)

    monkeypatch.setattr(jinja2.Template, "new_context", recording)
    from coursebuild.cli import parse_arguments
    from coursebuild.core.report import Reporter
    from coursebuild.pipeline import build, choose_course

    page = "# Oppitunti\n\nJohdanto.\n\n## Osa\n\n### Dia\n\n- {{ net.n_hidden }} piiloyksikköä\n"
    make_course(tmp_path, {"slides/01_oppitunti.md": page})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    arguments = parse_arguments(["--course", str(tmp_path), "-q", "-j", "1", "--no-slide-pdfs"])
    build(choose_course(arguments, tmp_path), arguments, Reporter(quiet=True))
    names = {name for name, _ in seen}
    assert {"deck.html.j2", "handout.typ.j2", "index.html.j2"} <= names
    for name, context in seen:
        assert non_plain_values(MappingProxyType(dict(context or {}))) == [], name


@pytest.mark.parametrize(
    "value",
    [Path("/etc"), open_course, lambda: 1, object(), {1: "a"}, {"a": {Path("/")}}],
)
def test_plain_data_refuses_anything_but_plain_values(value):
    with pytest.raises(TypeError):
        plain_data({"x": value})


def test_plain_data_freezes_lists_and_mappings():
    data = plain_data({"a": [1, {"b": "c"}]})
    assert data == {"a": (1, {"b": "c"})} and type(data["a"][1]) is MappingProxyType
    with pytest.raises(TypeError):
        data["a"][1]["b"] = "d"


def render(body: str, context=None) -> str:
    return render_lesson(body, FIRST_LINE, PAGE, context or {"luku": 3})


def error_of(body: str, context=None) -> BuildError:
    with pytest.raises(BuildError) as caught:
        render(body, context)
    assert caught.value.path == PAGE
    return caught.value


@pytest.mark.parametrize(
    "payload",
    [
        "{{ course.root }}",
        '{{ course.root.joinpath("/etc/passwd").read_text() }}',
        "{{ course.lessons_dir.joinpath('MARKER').write_text('x') }}",
        "{{ course.config_path.unlink() }}",
    ],
)
def test_the_course_has_no_folders_a_page_could_follow(payload, tmp_path):
    context = lesson_context(open_course(PROJECT_ROOT))
    error = error_of(f"Teksti.\n\n{payload.replace('MARKER', str(tmp_path / 'm'))}\n", context)
    assert "undefined name" in error.message and error.line == FIRST_LINE + 2
    assert not (tmp_path / "m").exists()


def test_a_page_reading_and_writing_files_builds_nothing_and_touches_nothing(tmp_path):
    lesson, out, before = built_once(tmp_path, PAGE_TEXT)
    marker = tmp_path / "written-by-the-page"
    payload = (
        '{{ course.root.joinpath("/etc/passwd").read_text() }}'
        f'{{{{ course.root.joinpath("{marker}").write_text("x") }}}}'
    )
    lesson.write_text(f"{PAGE_TEXT}\n{payload}\n", encoding="utf-8")
    result = run_build(tmp_path, "--out", str(out))
    assert result.returncode == 1
    lines = before_summary(result.stderr).splitlines()
    assert len(lines) == 1 and "01_oppitunti.md:9: undefined name" in lines[0], lines
    assert not marker.exists() and page_outputs(out) == without_course_files(before)


# -- bounded work: CPU, memory and time, in a child process ----------------------------------


@pytest.fixture
def one_second_of_cpu(monkeypatch):
    """The CPU limit at 1 s, so a test hits it fast (the child is forked: it sees this)."""
    monkeypatch.setattr(limits, "LESSON_CPU_SECONDS", 1)


@pytest.mark.parametrize(
    "payload",
    [
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "{% for i in range(100000) %}{% set x = range(100000) | sum %}{% endfor %}",
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
        "{% set x = f(40) %}",
    ],
)
def test_work_that_makes_no_text_is_stopped_at_the_cpu_limit_at_its_line(
    payload, one_second_of_cpu
):
    started = time.monotonic()
    error = error_of(f"Teksti.\n\n{payload}\n")
    assert time.monotonic() - started < 10
    assert error.message.startswith("the page's Jinja runs over 1 s of CPU time")
    assert error.line == FIRST_LINE + 2


def test_a_gigabyte_string_is_stopped_at_the_memory_limit_at_its_line():
    started = time.monotonic()
    error = error_of('Teksti.\n\n{{ ("x" * 10**9) | length }}\n')
    assert f"needs more than {limits.LESSON_MEMORY_MB} MB of memory" in error.message
    assert error.line == FIRST_LINE + 2 and time.monotonic() - started < 10


def test_text_made_slowly_is_stopped_at_the_time_limit(monkeypatch):
    monkeypatch.setattr(limits, "MAX_LESSON_SECONDS", 0.3)
    body = "a\n{% for i in range(99999) %}{{ range(3000) | sum }}\n{% endfor %}"
    error = error_of(body)
    assert "makes longer than 0.3 s" in error.message and error.line == FIRST_LINE + 1


def test_a_page_within_the_time_limit_is_not_stopped(monkeypatch):
    # The check turned around (`<` for `>`) would stop this page at once.
    monkeypatch.setattr(limits, "MAX_LESSON_SECONDS", 30.0)
    assert render("{% for i in range(3) %}{{ i }}{% endfor %}") == "012"


def test_a_child_that_never_answers_is_killed_at_the_wall_clock_limit():
    started = time.monotonic()
    with pytest.raises(limits.ChildLimitExceeded) as caught:
        limits.run_limited(
            lambda: time.sleep(30) or "", cpu_seconds=5, memory_mb=64, wall_seconds=0.5
        )
    assert caught.value.kind == "time" and time.monotonic() - started < 5


def compute_forever() -> str:
    while True:
        pass


def test_a_child_computing_past_the_wall_clock_limit_is_stopped_by_its_cpu_limit():
    # On a busy machine a page's Jinja may get a third of a core: still
    # computing at its wall-clock limit, it runs on until its CPU limit stops it
    # (and the error names the line), not cut off as if it idled.
    with pytest.raises(limits.ChildLimitExceeded) as caught:
        limits.run_limited(compute_forever, cpu_seconds=1, memory_mb=64, wall_seconds=0.9)
    assert caught.value.kind == "cpu"


def test_the_cpu_limit_stops_a_real_build_with_one_line_and_keeps_the_outputs(tmp_path):
    lesson, out, before = built_once(tmp_path, PAGE_TEXT)
    loops = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    lesson.write_text(f"{PAGE_TEXT}\n{loops}\n", encoding="utf-8")
    started = time.monotonic()
    result = run_build(tmp_path, "--out", str(out))
    assert time.monotonic() - started < 30
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = before_summary(result.stderr).splitlines()
    assert len(lines) == 1, lines
    assert "01_oppitunti.md:9: the page's Jinja runs over 5 s of CPU time" in lines[0]
    assert page_outputs(out) == without_course_files(before)
