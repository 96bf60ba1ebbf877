"""Which parts of a lesson's outputs are stale: what each depends on, as a digest."""

from __future__ import annotations

import functools
import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path

from coursebuild.browser.chromium import chromium_signature
from coursebuild.core.paths import FIGURES_DIR, PACKAGE_DIR, node_modules, twemoji_dir
from coursebuild.core.report import Reporter
from coursebuild.core.state import BuildState, digest, file_digest, files_digest
from coursebuild.core.templates import TEMPLATES_DIR
from coursebuild.deck.draft import reveal_dir
from coursebuild.deck.slide_pdf import slides_inputs
from coursebuild.lesson.outputs import PARTS, SLIDES, part_key, recorded_deck
from coursebuild.pandoc.run import DECK_ARGUMENTS, FILTER_MODULES, HANDOUT_ARGUMENTS, bundled_pandoc
from coursebuild.reading.course import Course
from coursebuild.reading.lesson_file import Lesson, lesson_timestamp
from coursebuild.reading.template_data import MODELS_FILE


def lesson_inputs(lesson: Lesson, course: Course, part: str, dependencies: list[str]) -> str:
    """Digest of everything one part of the lesson's outputs (``deck``, ``handout``) depends on."""
    return digest(
        part,
        lesson.raw,
        str(lesson.source),
        lesson.slug,
        lesson.title,  # a nav file can give it
        lesson.chapter or "",
        str(lesson_timestamp(lesson)),
        part_inputs(part, course.settings_files, course.lessons_dir),
        *(f"{path}={dependency_digest(Path(path))}" for path in sorted(dependencies)),
    )


def dependency_digest(path: Path) -> str:
    try:
        return file_digest(path)
    except OSError:
        return "missing"


# What only one part is made with, beside the code and context both share:
# its Lua filters (as the part's Pandoc arguments name them) and its template.
PART_FILTERS = {"deck": DECK_ARGUMENTS, "handout": HANDOUT_ARGUMENTS}


PART_TEMPLATES = {
    "deck": ("deck.html.j2", "deck.css", "reveal_init.js"),
    "handout": ("handout.typ.j2",),
}


@functools.cache
def part_inputs(part: str, settings_files: tuple[Path, ...], lessons_dir: Path) -> str:
    """Digest of what every lesson's ``part`` depends on alike, read once a build.

    A deck also depends on the layout pass's script and the reveal.js version,
    a handout on the Typst compiler: an edit to the handout template rebuilds
    handouts and leaves every deck as it is.
    """
    filters = [
        Path(a.split("=", 1)[1]) for a in PART_FILTERS[part] if a.startswith("--lua-filter=")
    ] + list(FILTER_MODULES)
    templates = [TEMPLATES_DIR / name for name in PART_TEMPLATES[part]]
    if part == "deck":
        # The layout pass's script, not every script here: the preview's page
        # script and the check's are no part of a deck.
        own = [PACKAGE_DIR / "deck" / "layout_pass.js", reveal_dir() / "package.json"]
        tools = ""
    else:
        own, tools = [], typst_signature()
    return digest(
        part,
        shared_inputs(settings_files, lessons_dir),
        files_digest(filters + templates + [path for path in own if path.exists()]),
        tools,
    )


@functools.cache
def shared_inputs(settings_files: tuple[Path, ...], lessons_dir: Path) -> str:
    """Digest of what both parts of every lesson depend on.

    The build's code, the sources of the Jinja context, the versions of mermaid
    and the emoji images, the Pandoc binary, and the Chromium that lays decks
    out and draws diagrams: in a 100-lesson course, reading them for every
    lesson cost an edit 25 ms.
    """
    context_sources = [FIGURES_DIR / "examples.py", *settings_files]
    models = lessons_dir / MODELS_FILE
    if models.exists():
        context_sources.append(models)
    versions = [folder / "package.json" for folder in npm_assets()]
    return digest(
        files_digest([*PACKAGE_DIR.rglob("*.py"), *context_sources]),
        *(path.read_bytes() if path.exists() else b"" for path in versions),
        chromium_signature(),
        stat_signature(bundled_pandoc()),
    )


def stat_signature(path: str | None) -> str:
    """Size and time of a tool's binary: a new version is a new file (hashing it costs 0.1 s)."""
    try:
        stat = os.stat(path) if path else None
    except OSError:
        stat = None
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}" if stat else f"{path}:missing"


def typst_signature() -> str:
    """The typst package's compiled module, by its size and time."""
    spec = importlib.util.find_spec("typst")
    return stat_signature(spec.origin if spec else None)


def npm_assets() -> tuple[Path, ...]:
    return (node_modules() / "mermaid", twemoji_dir())


@dataclass
class LessonPlan:
    """What a build must make: the stale parts of each lesson, and slide PDFs to print again."""

    stale: list[Lesson] = field(default_factory=list)
    parts_by_slug: dict[str, frozenset[str]] = field(default_factory=dict)
    # Lessons whose deck is fresh but whose slide PDF is not (deleted, or the
    # notes option changed): printed from the deck on disk.
    reprint: list[Lesson] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.stale or self.reprint)


def plan_lessons(
    lessons: list[Lesson],
    course: Course,
    state: BuildState,
    report: Reporter,
    slide_notes: bool = False,
    slide_pdfs: bool = True,
) -> LessonPlan:
    """Which lessons have stale parts; each lesson with none is reported skipped."""
    plan = LessonPlan()
    for lesson in lessons:
        parts = stale_parts(lesson, course, state)
        if (
            slide_pdfs
            and "deck" not in parts
            and not slides_fresh(lesson, recorded_deck(state, lesson.slug), state, slide_notes)
        ):
            plan.reprint.append(lesson)
        if parts:
            plan.stale.append(lesson)
            plan.parts_by_slug[lesson.slug] = parts
        elif lesson not in plan.reprint:
            report.step("skip", str(lesson.source))
    return plan


def stale_parts(lesson: Lesson, course: Course, state: BuildState) -> frozenset[str]:
    """The parts of the lesson's outputs whose inputs changed since they were written."""
    return frozenset(
        part
        for part in PARTS
        if not state.is_fresh(
            part_key(part, lesson.slug),
            lesson_inputs(lesson, course, part, state.dependencies(part_key(part, lesson.slug))),
        )
    )


def slides_fresh(lesson: Lesson, deck_digest: str | None, state: BuildState, notes: bool) -> bool:
    """Whether the lesson's slide PDF was printed from this deck, with these options."""
    if deck_digest is None:
        return False
    inputs = slides_inputs(deck_digest, lesson_timestamp(lesson), notes)
    return state.is_fresh(part_key(SLIDES, lesson.slug), inputs)
