"""One lesson page to a reveal.js deck and a Typst PDF handout."""

from __future__ import annotations

import datetime
import functools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from coursebuild import dialect
from coursebuild.config import Course
from coursebuild.context import MODELS_FILE, lesson_context
from coursebuild.convert import (
    DECK_ARGUMENTS,
    HANDOUT_ARGUMENTS,
    finish_typst,
    run_pandoc,
    start_typst,
)
from coursebuild.deck import render_deck, reveal_dir
from coursebuild.images import figures_used, resolve_image
from coursebuild.lessons import Lesson
from coursebuild.render import TEMPLATES_DIR, render_lesson, render_template
from coursebuild.state import digest, file_digest, files_digest

PACKAGE_DIR = Path(__file__).resolve().parent
FIGURES_DIR = PACKAGE_DIR.parent / "figures"


@dataclass(frozen=True)
class LessonOutputs:
    slug: str
    deck: bytes
    handout: bytes
    warnings: list[str]


def lesson_timestamp(lesson: Lesson) -> int:
    """SOURCE_DATE_EPOCH when set, else the lesson file's time; never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return int(epoch)
    return int(lesson.source.stat().st_mtime)


def resolve_images(
    lesson: Lesson, course: Course, figure_dir: Path, figure_names: set[str]
) -> dict[str, Path]:
    return {
        reference.target: resolve_image(
            reference, lesson.source, course.root, figure_dir, figure_names
        )
        for reference in lesson.images
    }


def lesson_inputs(
    lesson: Lesson, course: Course, images: dict[str, Path], figure_names: set[str]
) -> str:
    """Digest of everything the lesson's outputs depend on."""
    return digest(
        lesson.raw,
        str(lesson.source),
        str(lesson_timestamp(lesson)),
        shared_inputs(course.config_path, course.lessons_dir, reveal_dir()),
        *(f"{target}={file_digest(path)}" for target, path in sorted(images.items())),
        ",".join(figures_used(lesson.images, figure_names)),
    )


@functools.cache
def shared_inputs(config_path: Path, lessons_dir: Path, reveal: Path) -> str:
    """Digest of what every lesson depends on alike, read once a build, not once a lesson.

    The build's code, filters and templates, the sources of the Jinja context,
    and the reveal.js version: in a 100-lesson course, reading them for every
    lesson cost an edit 25 ms.
    """
    code = [*PACKAGE_DIR.glob("*.py"), *PACKAGE_DIR.glob("filters/*.lua")]
    templates = list(TEMPLATES_DIR.glob("*"))
    context_sources = [FIGURES_DIR / "examples.py", config_path]
    models = lessons_dir / MODELS_FILE
    if models.exists():
        context_sources.append(models)
    reveal_version = reveal / "package.json"
    return digest(
        files_digest(code + templates + context_sources),
        reveal_version.read_bytes() if reveal_version.exists() else b"",
    )


def template_context(course: Course, lesson: Lesson) -> dict:
    moment = datetime.datetime.fromtimestamp(lesson_timestamp(lesson), datetime.UTC)
    return {
        "course": course,
        "lesson": {"title": lesson.title, "slug": lesson.slug},
        "date": {"year": moment.year, "month": moment.month, "day": moment.day},
        "date_iso": moment.date().isoformat(),
    }


def lesson_markdown(lesson: Lesson, course: Course, images: dict[str, Path]) -> str:
    """The page as Pandoc Markdown: Jinja filled, TODO sections out, images resolved."""
    body = render_lesson(lesson.body, lesson.body_first_line, lesson.source, lesson_context(course))
    body = dialect.drop_placeholder_sections(body)
    body = dialect.rewrite_image_targets(body, {t: str(p) for t, p in images.items()})
    return dialect.to_pandoc_markdown(body)


def build_lesson(
    lesson: Lesson, course: Course, images: dict[str, Path], *, overlap: bool = False
) -> LessonOutputs:
    """The lesson's deck and handout; with ``overlap``, side by side on a spare core.

    The build overlaps when a single lesson is to be made and it may use more
    than one process: the edit an instructor repeats is then ready in the time
    of its handout alone. Either way, the deck's errors are raised first.
    """
    # With a core to spare, Typst starts now, while this process fills the page.
    typst_child = start_typst(lesson_timestamp(lesson), warm=True) if overlap else None
    try:
        markdown = lesson_markdown(lesson, course, images)
        source = lesson.raw.decode("utf-8")
        context = template_context(course, lesson)

        def make_deck() -> tuple[str, list[str]]:
            slides, warnings = run_pandoc(markdown, DECK_ARGUMENTS, lesson.source, source)
            embedded = {str(path): path for path in images.values()}
            return render_deck(context, slides, embedded), warnings

        def make_handout() -> tuple[bytes, list[str]]:
            typst_body, warnings = run_pandoc(markdown, HANDOUT_ARGUMENTS, lesson.source, source)
            handout_source = render_template(
                "handout.typ.j2", {**context, "body": typst_body}, autoescape=False
            )
            child = typst_child or start_typst(lesson_timestamp(lesson))
            return finish_typst(child, handout_source, lesson.source), warnings

        if overlap:
            with ThreadPoolExecutor(max_workers=1) as beside:
                deck_job = beside.submit(make_deck)
                try:
                    handout, handout_warnings = make_handout()
                except BaseException:
                    deck_job.result()  # a failed deck is reported first, as without overlap
                    raise
                deck, deck_warnings = deck_job.result()
        else:
            deck, deck_warnings = make_deck()
            handout, handout_warnings = make_handout()
    finally:
        if typst_child is not None and typst_child.returncode is None:
            typst_child.kill()  # not given its source: the build failed before
            typst_child.communicate()
    warnings = [f"{lesson.source}: {w}" for w in dict.fromkeys(deck_warnings + handout_warnings)]
    return LessonOutputs(lesson.slug, deck.encode("utf-8"), handout, warnings)
