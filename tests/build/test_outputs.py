"""The outputs the build owns: it removes what it wrote for lessons that are gone, and
nothing else; it refuses an output folder where it could overwrite sources."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from coursebuild.core.state import STATE_FILE, digest
from tests.support.course_factory import PROJECT_ROOT, make_course, run_build

SITE = "site_name: Omat tulosteet\ntheme:\n  name: material\n  language: fi\n"


def page(title: str) -> str:
    return f"# {title}\n\n## Osio\n\n### Dia\n\n- kohta ==tärkeä== tässä\n\nProosaa.\n"


def site(root: Path, pages: dict[str, str]) -> Path:
    """An MkDocs site with ``pages`` (name -> title); no page shows a course figure."""
    files = {f"docs/{name}.md": page(title) for name, title in pages.items()}
    course = make_course(root, {"mkdocs.yml": SITE, **files})
    (course / "course.toml").unlink()
    return course


def state_keys(out: Path) -> set[str]:
    return set(json.loads((out / STATE_FILE).read_text(encoding="utf-8"))["entries"])


def lines(text: str, start: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(start)]


def test_a_renamed_lesson_leaves_only_its_new_outputs(tmp_path):
    course = site(tmp_path / "kurssi", {"01_a": "Ensimmäinen", "02_b": "Toinen"})
    out = course / "build"
    assert run_build(course, "-j", "2", slide_pdfs=True).returncode == 0
    assert {"deck:02_b", "handout:02_b", "slides:02_b"} <= state_keys(out)
    hand_written = {"99_vanha.html": "<p>käsin</p>", "muistiinpanot.txt": "omat"}
    for name, text in hand_written.items():
        (out / name).write_text(text, encoding="utf-8")
    edited_pdf = (out / "02_b.pdf").read_bytes() + b"\n% korjattu kasin\n"
    (out / "02_b.pdf").write_bytes(edited_pdf)
    (course / "docs" / "02_b.md").rename(course / "docs" / "03_c.md")

    # A build of some pages does not know the whole course.
    partial = run_build(course, str(course / "docs" / "01_a.md"), slide_pdfs=True)
    assert partial.returncode == 0, partial.stderr
    assert not lines(partial.stdout, "remove") and (out / "02_b.html").is_file()

    result = run_build(course, "-j", "2", slide_pdfs=True)
    assert result.returncode == 0, result.stderr
    assert lines(result.stdout, "remove") == [
        f"remove   {out / '02_b.html'}",
        f"remove   {out / '02_b-slides.pdf'}",
    ]
    assert not (out / "02_b.html").exists() and not (out / "02_b-slides.pdf").exists()
    # Changed by hand since the build wrote it: kept, with a warning.
    assert (out / "02_b.pdf").read_bytes() == edited_pdf
    (warning,) = result.stderr.splitlines()
    assert warning.startswith(f"warning: {out / '02_b.pdf'}: ") and "kept" in warning
    assert (out / "03_c.html").is_file() and (out / "03_c.pdf").is_file()
    assert "03_c.html" in (out / "index.html").read_text(encoding="utf-8")
    assert "02_b.html" not in (out / "index.html").read_text(encoding="utf-8")
    for name, text in hand_written.items():
        assert (out / name).read_text(encoding="utf-8") == text
    keys = state_keys(out)
    assert {"deck:03_c", "handout:03_c", "slides:03_c", "deck:01_a", "index"} <= keys
    assert not {key for key in keys if key.endswith(":02_b")}

    again = run_build(course, slide_pdfs=True)
    assert again.returncode == 0 and again.stderr == ""
    assert not lines(again.stdout, "remove") and not lines(again.stdout, "write")


def test_only_files_inside_the_output_folder_that_it_wrote_are_removed(tmp_path):
    course = site(tmp_path / "kurssi", {"01_a": "Ainoa"})
    out = course / "build"
    assert run_build(course, slide_pdfs=True).returncode == 0
    victim = tmp_path / "uhri.txt"
    victim.write_text("ei build-kansiossa", encoding="utf-8")
    (out / "linkki.html").symlink_to(victim)
    (out / "sama.html").write_text("ei tämän buildin", encoding="utf-8")
    state = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    # A gone lesson's entry, as a damaged or hostile state file might have it.
    state["entries"]["deck:poissa"] = {
        "inputs": "x",
        "outputs": {
            "../../uhri.txt": digest(victim.read_bytes()),
            "linkki.html": digest(victim.read_bytes()),
            "sama.html": digest(b"jotain muuta"),
            "01_a.html": digest((out / "01_a.html").read_bytes()),  # a current lesson's
        },
    }
    (out / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    result = run_build(course, slide_pdfs=True)
    assert result.returncode == 0, result.stderr
    assert not lines(result.stdout, "remove")
    assert victim.read_text(encoding="utf-8") == "ei build-kansiossa"
    assert (out / "linkki.html").is_symlink() and (out / "01_a.html").is_file()
    assert (out / "sama.html").read_text(encoding="utf-8") == "ei tämän buildin"
    assert lines(result.stderr, "warning") == [
        f"warning: {out / 'sama.html'}: its lesson is gone, but it was changed by hand; kept"
    ]
    assert "deck:poissa" not in state_keys(out)


# -- output folders the build refuses --------------------------------------------


@pytest.fixture
def course(tmp_path) -> Path:
    """A course.toml course with a hand-made image and a note among its lessons."""
    return make_course(
        tmp_path / "kurssi",
        {
            "slides/01_a.md": page("Ensimmäinen"),
            "slides/muistiinpanot.txt": "omat",
            "images/oma.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
        },
    )


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder`` with its bytes and times: anything written shows."""
    return {
        str(path): (path.is_file() and path.read_bytes(), path.lstat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
    }


REFUSED = {
    ".": (".", "the course folder"),
    "slides": ("slides", "the source folder {course}/slides"),
    "inside slides": ("slides/out", "inside the source folder {course}/slides"),
    "images": ("images", "the source folder {course}/images"),
    "..": ("..", "a parent of the course folder {course}"),
    "/": ("/", "a parent of the course folder {course}"),
    "a link to the course": ("../linkki", "the course folder"),
    "the project's templates": (
        str(PROJECT_ROOT / "coursebuild" / "templates"),
        f"inside the source folder {PROJECT_ROOT / 'coursebuild'}",
    ),
    "the project": (str(PROJECT_ROOT), f"a parent of the source folder {PROJECT_ROOT}/"),
}


@pytest.mark.parametrize("out, problem", REFUSED.values(), ids=REFUSED.keys())
def test_an_output_folder_over_sources_is_refused_before_anything_is_written(course, out, problem):
    (course.parent / "linkki").symlink_to(course)
    before = (
        snapshot(course.parent),
        sorted(os.listdir("/")),
        snapshot(PROJECT_ROOT / "coursebuild" / "templates"),
    )
    result = run_build(course, "--out", out, slide_pdfs=True)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    folder = (course / out).resolve()
    expected = f"error: {folder}: the output folder is {problem.format(course=course)}"
    assert line.startswith(expected), line
    assert line.endswith(f"; choose another, e.g. {course / 'build'}")
    after = (
        snapshot(course.parent),
        sorted(os.listdir("/")),
        snapshot(PROJECT_ROOT / "coursebuild" / "templates"),
    )
    assert after == before
