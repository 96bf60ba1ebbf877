"""Every error a user can cause: one line naming the file (and line), exit 1, old outputs kept."""

from __future__ import annotations

import shutil

import pytest

from tests.support.course_factory import (
    FAILED_SUMMARY,
    SMALL_LESSON,
    before_summary,
    make_course,
    outputs,
    page_outputs,
    run_build,
    without_course_files,
)
from tests.support.deck_slides import slide_titled
from tests.support.image_server import PNG

LESSON = "slides/pieni.md"


@pytest.fixture(scope="module")
def good_course(tmp_path_factory):
    """A tiny course after one good build."""
    root = tmp_path_factory.mktemp("good")
    make_course(root, {LESSON: SMALL_LESSON})
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def course(good_course, tmp_path):
    """A private copy of the good course, outputs included, to break."""
    copy = tmp_path / "course"
    shutil.copytree(good_course, copy)
    return copy


def break_and_build(course, text: str | bytes, env=None):
    before = outputs(course / "build")
    page = course / LESSON
    if isinstance(text, bytes):
        page.write_bytes(text)
    else:
        page.write_text(text, encoding="utf-8")
    result = run_build(course, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    if FAILED_SUMMARY.match(result.stderr.splitlines()[-1]):
        # The page failed: its outputs are kept (the index marks it unavailable).
        errors = before_summary(result.stderr).splitlines()
        kept = page_outputs(course / "build") == without_course_files(before)
    else:
        # A tool is missing, no page's fault: the build stops, every output kept.
        errors = result.stderr.splitlines()
        kept = outputs(course / "build") == before
    assert len(errors) == 1 and errors[0].startswith("error: "), result.stderr
    assert kept, "a failed build changed earlier outputs"
    return errors[0]


def with_line(line_number: int, new_text: str) -> str:
    """SMALL_LESSON with line ``line_number`` (1-based) replaced."""
    lines = SMALL_LESSON.splitlines()
    lines[line_number - 1] = new_text
    return "\n".join(lines) + "\n"


def test_front_matter_that_is_not_yaml(course):
    message = break_and_build(course, with_line(2, "priority: [1"))
    assert f"{LESSON}:" in message and "front matter is not valid YAML" in message


def test_undefined_jinja_name(course):
    message = break_and_build(course, with_line(11, "Arvo: {{ net.ei_ole }}."))
    assert f"{LESSON}:11:" in message and "ei_ole" in message


def test_unclosed_jinja_block(course):
    message = break_and_build(course, with_line(11, "{% for model in models %}"))
    assert f"{LESSON}:" in message and "Jinja syntax error" in message
    assert "endfor" in message


def test_a_missing_image_is_a_warning_and_a_card_until_the_file_is_there(course):
    """As MkDocs warns of it; --strict fails the page, and adding the file rebuilds it."""
    (course / LESSON).write_text(with_line(13, "![Puuttuu](kuvat/puuttuu.png)"), "utf-8")
    result = run_build(course)
    assert result.returncode == 0, result.stderr
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warning.startswith(f"warning: {course / LESSON}:13: image kuvat/puuttuu.png: not found")
    deck = (course / "build" / "pieni.html").read_text(encoding="utf-8")
    assert (
        "data:image/svg+xml;base64," in slide_titled(course / "build" / "pieni.html", "Dia").shown
    )
    strict = run_build(course, "--strict", "--out", str(course / "tiukka"))
    assert strict.returncode == 1 and "1 warning(s) and --strict is on" in strict.stderr
    (course / "slides" / "kuvat").mkdir()
    (course / "slides" / "kuvat" / "puuttuu.png").write_bytes(PNG)
    fixed = run_build(course)
    assert fixed.returncode == 0 and "warning:" not in fixed.stderr, fixed.stderr
    assert (course / "build" / "pieni.html").read_text(encoding="utf-8") != deck


def test_image_path_that_leaves_the_course_folder(course):
    (course.parent / "salainen.svg").write_text("<svg/>", encoding="utf-8")
    message = break_and_build(course, with_line(13, "![](../../salainen.svg)"))
    assert f"{LESSON}:13:" in message and "leaves the course folder" in message


def test_file_that_is_not_utf8(course):
    message = break_and_build(course, with_line(11, "Tämä on Latin-1.").encode("latin-1"))
    assert f"{LESSON}:11:" in message and "not UTF-8" in message


def test_math_that_pandoc_rejects_is_its_tex_and_a_warning_and_strict_fails_it(course):
    (course / LESSON).write_text(with_line(11, r"Kaava $\frac{1}{$ tässä."), encoding="utf-8")
    result = run_build(course)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        f"warning: {course / LESSON}:11: Pandoc cannot read this math, shown as its TeX: "
        + "\\frac{1}{"
    ]
    deck = (course / "build" / "pieni.html").read_text(encoding="utf-8")
    assert 'Kaava <code class="math-source">\\frac{1}{</code> tässä.' in deck
    kept = page_outputs(course / "build")
    (course / LESSON).write_text(with_line(11, r"Kaava $\frac{1}{$ siinä."), encoding="utf-8")
    strict = run_build(course, "--strict", "--out", str(course / "tiukka"))
    assert strict.returncode == 1
    assert f"error: {course / LESSON}: 1 warning(s) and --strict is on" in strict.stderr
    assert page_outputs(course / "build") == kept
    # The page was made (the warning is Pandoc's) and is not written: what it
    # made is not left behind either, not even as a temporary file.
    assert not (course / "tiukka" / "pieni.html").exists()
    assert [path.name for path in (course / "tiukka").iterdir() if path.suffix == ".tmp"] == []


def test_pandoc_missing(course):
    message = break_and_build(
        course, SMALL_LESSON + "\nUusi kappale.\n", env={"PANDOC": "/puuttuu/pandoc"}
    )
    assert "Pandoc not found" in message and LESSON in message


def test_reveal_js_missing(course):
    message = break_and_build(
        course, SMALL_LESSON + "\nUusi kappale.\n", env={"REVEAL_DIR": "/puuttuu/reveal.js"}
    )
    assert "reveal.js is missing" in message and "make" in message


def test_every_load_problem_is_reported_at_once(course):
    (course / LESSON).write_text(with_line(2, "priority: [1"), encoding="utf-8")
    (course / "slides" / "kolmas.md").write_bytes(b"# \xe4\n")
    result = run_build(course)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2, result.stderr
    assert any("kolmas.md:1:" in e for e in errors)
    assert any("pieni.md:" in e and "YAML" in e for e in errors)


def test_warnings_print_but_pass_unless_strict(course):
    # Alt text but no caption: a warning (with neither, the handout refuses it).
    page = SMALL_LESSON + "\n![Verkko](../images/100_ShallowNet.svg)\n\n## Historia\n\nTODO\n"
    (course / LESSON).write_text(page, encoding="utf-8")
    relaxed = run_build(course)
    assert relaxed.returncode == 0, relaxed.stderr
    assert "section 'Historia' is only TODO; left out" in relaxed.stderr
    assert "has no '**Kuva N:**' caption" in relaxed.stderr
    (course / LESSON).write_text(page + "\nMuutos.\n", encoding="utf-8")
    before = page_outputs(course / "build")
    strict = run_build(course, "--strict", "--out", str(course / "tiukka"))
    assert strict.returncode == 1
    assert "--strict" in before_summary(strict.stderr)
    assert page_outputs(course / "build") == before
