"""Every input of the build, edited: exactly the outputs made from it are built again.

The build runs from a copy of the project, so the test can edit its templates,
filters and figure modules. Lesson a.md shows the ReLU figure, b.md the network
figure; both read models.toml through Jinja.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.course_factory import SMALL_LESSON, copy_project, make_course, run_build

OTHER_LESSON = SMALL_LESSON.replace("Pieni oppitunti", "Toinen oppitunti").replace(
    "100_ShallowReLU", "100_ShallowNet"
)
MODEL = """
[[model]]
name = "pieni-malli"
url = "https://example.org/pieni-malli"
parameters_millions = 1
tensor_type = "int8"
optimisation = "Kvantisoitu"
"""
MODELS = "[bytes_per_value]\nint8 = 1\n" + MODEL
USES_MODELS = "\nMalleja: {{ models | length }}.\n"

DECKS = {"a.html", "b.html"}
HANDOUTS = {"a.pdf", "b.pdf"}
BOTH = DECKS | HANDOUTS
# The slide PDFs are printed again when their decks' bytes change (a comment
# in a filter changes no deck).
SLIDE_PDFS = {"a-slides.pdf", "b-slides.pdf"}


def edit_file(path: Path, old: str | None, new: str) -> None:
    """Replace ``old`` by ``new`` in the file; with ``old`` None, append ``new``."""
    source = path.read_text(encoding="utf-8")
    if old is None:
        source += new
    else:
        assert old in source, f"{old!r} not in {path}"
        source = source.replace(old, new, 1)
    path.write_text(source, encoding="utf-8")


# Each edit: the file (in the project copy or the course), what is replaced
# (None: appended to), by what, and the outputs that must be built again.
EDITS = {
    "deck template": (
        "project",
        "coursebuild/templates/deck.html.j2",
        None,
        "<!-- x -->\n",
        DECKS | SLIDE_PDFS,
    ),
    "deck stylesheet": (
        "project",
        "coursebuild/templates/deck.css",
        None,
        "\n/* x */\n",
        DECKS | SLIDE_PDFS,
    ),
    "handout template": (
        "project",
        "coursebuild/templates/handout.typ.j2",
        None,
        "\n// x\n",
        HANDOUTS,
    ),
    "index template": (
        "project",
        "coursebuild/templates/index.html.j2",
        None,
        "<!-- x -->\n",
        {"index.html"},
    ),
    "slides filter": ("project", "coursebuild/pandoc/filters/slides.lua", None, "\n-- x\n", DECKS),
    "handout filter": (
        "project",
        "coursebuild/pandoc/filters/handout.lua",
        None,
        "\n-- x\n",
        HANDOUTS,
    ),
    "filter of both": ("project", "coursebuild/pandoc/filters/mkdocs.lua", None, "\n-- x\n", BOTH),
    "module of filters": (
        "project",
        "coursebuild/pandoc/filters/math_text.lua",
        None,
        "\n-- x\n",
        BOTH,
    ),
    "metadata reader": (
        "project",
        "coursebuild/pandoc/filters/metadata.lua",
        None,
        "\n-- x\n",
        BOTH,
    ),
    "course.toml": (
        "course",
        "course.toml",
        "Testi Opettaja",
        "Toinen Opettaja",
        BOTH | SLIDE_PDFS | {"index.html"},
    ),
    "models.toml": (
        "course",
        "slides/models.toml",
        None,
        MODEL.replace("pieni", "toinen"),
        BOTH | SLIDE_PDFS,
    ),
    "figure module": (
        "project",
        "figures/shallow_relu.py",
        "color=ORANGE",
        'color="#629e9c"',
        {"100_ShallowReLU.svg", "a.html", "a.pdf", "a-slides.pdf"},
    ),
}


@pytest.fixture(scope="module")
def built_copy(tmp_path_factory):
    """A copy of the project and a two-lesson course, built once."""
    root = tmp_path_factory.mktemp("rebuild")
    project = copy_project(root / "project")
    course = make_course(
        root / "course",
        {
            "slides/a.md": SMALL_LESSON + USES_MODELS,
            "slides/b.md": OTHER_LESSON + USES_MODELS,
            "slides/models.toml": MODELS,
        },
    )
    result = build(project, course)
    assert BOTH | SLIDE_PDFS | {"index.html"} <= written(result)
    return project, course


def build(project: Path, course: Path):
    result = run_build(course, build_script=project / "build.py", slide_pdfs=True)
    assert result.returncode == 0, result.stderr
    return result


def written(result) -> set[str]:
    """The files the build wrote or drew, by name."""
    return {
        os.path.basename(line.split()[1])
        for line in result.stdout.splitlines()
        if line.split()[:1] in (["write"], ["figure"])
    }


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {
        path.name: (path.stat().st_mtime_ns, path.read_bytes())
        for path in folder.rglob("*")
        if path.is_file() and path.name != ".build-state.json"
    }


@pytest.mark.parametrize("edit", EDITS)
def test_an_edited_input_rebuilds_exactly_its_outputs(built_copy, edit):
    project, course = built_copy
    folder, name, old, new, expected = EDITS[edit]
    before = snapshot(course / "build")
    edit_file({"project": project, "course": course}[folder] / name, old, new)
    result = build(project, course)
    after = snapshot(course / "build")
    # The index lists each deck's size: it follows a deck whose size it shows changed.
    index_changed = before["index.html"][1] != after["index.html"][1]
    expected = expected | ({"index.html"} if index_changed else set())
    assert written(result) == expected, result.stdout
    untouched = {name for name in before if before[name][0] == after[name][0]}
    assert untouched == set(before) - expected, result.stdout
    # And built again only once: the next build has nothing to do.
    assert written(build(project, course)) == set()
