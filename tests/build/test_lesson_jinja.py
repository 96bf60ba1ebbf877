"""A lesson's Jinja runs in a sandbox: it fills in values, runs no code, and is bounded.

Lessons reach the course as pull requests; each payload here once ran on the
build machine or hung it. Each must now be one error naming the file and line.
And Jinja reads only the page's text: its code, and ``{#``, stay as written.
"""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from coursebuild.core.errors import BuildError
from coursebuild.core.limits import MAX_LESSON_CHARACTERS
from coursebuild.reading.course import open_course
from coursebuild.reading.jinja_fill import render_lesson
from coursebuild.reading.lesson_file import load_lesson
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
from tests.support.deck_slides import slide_titled

PAGE = Path("/kurssi/slides/01_oppitunti.md")
FIRST_LINE = 5  # the body starts on line 5 of the file, after the front matter


def error_of(body: str) -> BuildError:
    with pytest.raises(BuildError) as caught:
        render_lesson(body, FIRST_LINE, PAGE, {"luku": 3})
    return caught.value


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}", "may not do this"),
        ("{{ lipsum.__globals__['os'].popen('touch MARKER').read() }}", "may not do this"),
        ("{{ namespace.__init__.__globals__.os.popen('touch MARKER').read() }}", "may not do this"),
        ("{{ self.__init__.__globals__.__builtins__.open('MARKER', 'w') }}", "may not do"),
        ("{{ self._TemplateReference__context.cycler.__init__.__globals__.os }}", "may not do"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "may not do"),
        ("{% for i in range(10**8) %}x{% endfor %}", "Range too big"),
        ("{{ 1/0 }}", "ZeroDivisionError"),
        ("{% extends 'pohja.html' %}", "no loader"),
    ],
)
def test_a_payload_is_one_error_at_its_line(payload, reason, tmp_path):
    marker = tmp_path / "ssti-ran"
    error = error_of(f"Teksti.\n\n{payload.replace('MARKER', str(marker))}\n")
    assert error.path == PAGE and error.line == FIRST_LINE + 2
    assert reason in error.message
    assert not marker.exists()  # the evidence: the command did not run


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
    lesson, out, before = built_once(tmp_path, page)
    marker = tmp_path / "ssti-ran"
    payload = f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}"
    lesson.write_text(page + payload + "\n", encoding="utf-8")
    result = run_build(tmp_path, "--out", str(out))
    assert result.returncode == 1
    lines = before_summary(result.stderr).splitlines()
    # The page has seven lines; the payload is the eighth.
    assert len(lines) == 1 and "01_oppitunti.md:8: the page's Jinja may not do this" in lines[0]
    assert page_outputs(out) == without_course_files(before)
    assert not marker.exists()


# -- Jinja only where a page means it (coursebuild/jinja_regions.py) ------------------------


def handout_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def render(body: str) -> str:
    return render_lesson(body, FIRST_LINE, PAGE, {"luku": 3})


@pytest.mark.parametrize(
    "code",
    [
        "```bash\nn=${#arr[@]}  # {{ x }} {% raw %}\n```",
        "~~~~\n{% endraw %} {% if %} {#\n~~~~",
        '```python title="{{ x }}.py"\nprint("{{ x }}")\n```',
        "``` { .bash }\necho {{ ei }}\n```",
        "- kohta\n\n    ```\n    {% for %}\n    ```",
        "Kappale.\n\n    {{ sisennetty }} koodi",
        "Teksti `{{ x }}`, ``{% raw %} ` {% endraw %}`` ja `${#a}`.",
    ],
)
def test_code_is_left_as_written_and_the_text_around_it_filled(code):
    body = f"Luku {{{{ luku }}}}.\n\n{code}\n\nJa {{{{ luku * 2 }}}}.\n"
    assert render(body) == f"Luku 3.\n\n{code}\n\nJa 6.\n"


def test_attribute_lists_and_hash_braces_lose_nothing():
    # The page: a Jinja comment from {#ankkuri} to #} hid everything between.
    body = "## Osa {#ankkuri}\n\nLuku {{ luku }} pysyy.\n\n{#muu} ja #}\n\n## Loppu {: #id .a }\n"
    assert render(body) == body.replace("{{ luku }}", "3")


def test_code_comes_back_where_a_loop_repeats_it_or_raw_shows_it():
    body = "{% for i in [1, 2] %}`{{ i }}` {{ i }} {% endfor %}"
    body += "{% raw %}`{{ a }}` {{ b }}{% endraw %}"
    assert render(body) == "`{{ i }}` 1 `{{ i }}` 2 `{{ a }}` {{ b }}"


def test_an_error_after_long_code_names_its_line():
    code = "".join(f"echo {{{{ rivi{number} }}}} ${{#a}}\n" for number in range(40))
    body = f"Teksti.\n\n```bash\n{code}```\n\nSpan `a\nb` {{{{ puuttuu }}}}\n\nLoppu.\n"
    line_of = {text: FIRST_LINE + number for number, text in enumerate(body.split("\n"))}
    error = error_of(body)
    assert "puuttuu" in error.message and error.line == line_of["b` {{ puuttuu }}"]
    error = error_of(body.replace("Loppu.", "{% for %}"))
    assert "Jinja syntax error" in error.message and error.line == line_of["Loppu."]


def test_code_inside_a_tag_is_an_error_at_its_line():
    error = error_of("Teksti.\n{{ luku `x` }}\n")
    assert error.line == FIRST_LINE + 1
    assert error.message == (
        "Jinja syntax error: code (`…`) or '{#' inside {{ … }} or {% … %}, "
        "where Jinja does not read it"
    )


def test_a_loop_repeating_a_code_block_is_measured_by_its_code():
    body = "{% for i in range(300) %}\n```\n" + "x" * 10_000 + "\n```\n{% endfor %}\n"
    error = error_of(body)
    assert "more than" in error.message and error.line == FIRST_LINE


def test_the_lesson_context_fills_the_text_not_the_code():
    course = open_course(PROJECT_ROOT)
    context = lesson_context(course)
    body = "{{ course.title }}: {{ net.n_hidden }} neuronia, `{{ net.n_hidden }}`.\n"
    expected = f"{course.title}: {context['net']['n_hidden']} neuronia, `{{{{ net.n_hidden }}}}`.\n"
    assert render_lesson(body, 1, PAGE, context) == expected


@pytest.mark.parametrize("site", SITES)
def test_every_corpus_page_keeps_every_character(site):
    course = open_course(CORPUS / site)
    context = lesson_context(course)
    pages = [load_lesson(page.path) for page in course.pages]
    assert len(pages) >= 17
    for lesson in pages:
        rendered = render_lesson(lesson.body, lesson.body_first_line, lesson.source, context)
        assert rendered == lesson.body, lesson.source


def test_code_with_jinja_text_is_verbatim_in_the_deck_and_the_handout(tmp_path):
    page = (
        "# Oppitunti\n\n## Osa {#ankkuri}\n\n### Bash\n\n"
        "Kurssi {{ course.title }}, komento `echo {{ x }}` ja ``a ` {% raw %}``.\n\n"
        "```bash\nn=${#arr[@]}  # {{ x }} {% raw %} {% endraw %}\n```\n\n"
        "{#muu} ja #} loppu.\n"
    )
    make_course(tmp_path, {"slides/01_oppitunti.md": page})
    out = tmp_path / "build"
    result = run_build(tmp_path, "--out", str(out))
    assert result.returncode == 0, result.stderr
    code = "n=${#arr[@]} # {{ x }} {% raw %} {% endraw %}"
    prose = "Kurssi Testikurssi, komento echo {{ x }} ja a ` {% raw %}"
    slide = slide_titled(out / "01_oppitunti.html", "Bash")
    assert code in slide.text
    assert prose in slide.notes_text and "{#muu} ja #} loppu." in slide.notes_text
    assert 'id="ankkuri"' in (out / "01_oppitunti.html").read_text(encoding="utf-8")
    handout = " ".join(handout_text(out / "01_oppitunti.pdf").split())
    for text in (code, prose, "Osa Bash", "{#muu} ja #} loppu."):
        assert text in handout
