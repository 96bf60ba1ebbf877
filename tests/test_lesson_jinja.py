"""A lesson's Jinja runs in a sandbox: it fills in values, runs no code, and is bounded.

Lessons reach the course as pull requests; each payload here once ran on the
build machine or hung it. Each must now be one error naming the file and line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coursebuild.errors import BuildError
from coursebuild.render import MAX_LESSON_CHARACTERS, render_lesson
from tests.course_factory import make_course, outputs, run_build

PAGE = Path("/kurssi/slides/01_oppitunti.md")
FIRST_LINE = 5  # the body starts on line 5 of the file, after the front matter


def error_of(body: str) -> BuildError:
    with pytest.raises(BuildError) as caught:
        render_lesson(body, FIRST_LINE, PAGE, {"luku": 3})
    return caught.value


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "may not do this"),
        ("{{ lipsum.__globals__['os'].popen('id').read() }}", "may not do this"),
        ("{{ namespace.__init__.__globals__.os.popen('id').read() }}", "may not do this"),
        ("{{ self.__init__.__globals__.__builtins__.open('/etc/passwd').read() }}", "may not do"),
        ("{% for i in range(10**8) %}x{% endfor %}", "Range too big"),
        ("{{ 1/0 }}", "ZeroDivisionError"),
        ("{% extends 'pohja.html' %}", "no loader"),
    ],
)
def test_a_payload_is_one_error_at_its_line(payload, reason):
    error = error_of(f"Teksti.\n\n{payload}\n")
    assert error.path == PAGE and error.line == FIRST_LINE + 2
    assert reason in error.message
    assert "uid=" not in str(error) and "root:" not in str(error)


def test_a_macro_calling_itself_is_an_error_not_a_crash():
    error = error_of("{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}\n")
    assert "RecursionError" in error.message and error.path == PAGE


def test_a_page_that_makes_too_much_text_is_stopped_at_its_line():
    loops = "{% for i in range(99999) %}{% for j in range(99999) %}"
    body = f"a\n{loops}kymmenen m{{% endfor %}}{{% endfor %}}"
    error = error_of(body)
    assert error.line == FIRST_LINE + 1
    assert f"more than {MAX_LESSON_CHARACTERS:,}".replace(",", " ") in error.message


def test_what_a_lesson_means_still_works():
    body = "{{ luku * 2 }} {% set xs = [1, 2, 3] %}{{ xs | length }} {{ 'ab' | upper }}"
    assert render_lesson(body, 1, PAGE, {"luku": 3}) == "6 3 AB"


def test_the_build_stops_at_a_payload_and_keeps_its_outputs(tmp_path):
    page = "# Oppitunti\n\n## Osio\n\n### Dia\n\n- kohta\n"
    make_course(tmp_path, {"slides/01_oppitunti.md": page})
    out = tmp_path / "build"
    assert run_build(tmp_path, "--out", str(out)).returncode == 0
    before = outputs(out)
    payload = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"
    (tmp_path / "slides" / "01_oppitunti.md").write_text(page + payload + "\n", encoding="utf-8")
    result = run_build(tmp_path, "--out", str(out))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    # The page has seven lines; the payload is the eighth.
    assert len(lines) == 1 and "01_oppitunti.md:8: the page's Jinja may not do this" in lines[0]
    assert outputs(out) == before
