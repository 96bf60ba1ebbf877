"""One lesson page to a reveal.js deck and a Typst PDF handout."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

from coursebuild import dialect
from coursebuild.config import Course
from coursebuild.context import MODELS_FILE, lesson_context
from coursebuild.convert import DECK_ARGUMENTS, HANDOUT_ARGUMENTS, compile_typst, run_pandoc
from coursebuild.deck import render_deck, reveal_dir
from coursebuild.images import figures_used, resolve_image
from coursebuild.lessons import Lesson
from coursebuild.render import TEMPLATES_DIR, render_lesson, render_template
from coursebuild.state import digest, files_digest

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
    code = [*PACKAGE_DIR.glob("*.py"), *PACKAGE_DIR.glob("filters/*.lua")]
    templates = list(TEMPLATES_DIR.glob("*"))
    context_sources = [FIGURES_DIR / "network.py", course.config_path]
    models = course.lessons_dir / MODELS_FILE
    if models.exists():
        context_sources.append(models)
    reveal_version = reveal_dir() / "package.json"
    return digest(
        lesson.raw,
        str(lesson.source),
        str(lesson_timestamp(lesson)),
        files_digest(code + templates + context_sources),
        reveal_version.read_bytes() if reveal_version.exists() else b"",
        *(f"{target}={path.read_bytes().hex()}" for target, path in sorted(images.items())),
        ",".join(figures_used(lesson.images, figure_names)),
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


def build_lesson(lesson: Lesson, course: Course, images: dict[str, Path]) -> LessonOutputs:
    markdown = lesson_markdown(lesson, course, images)
    source = lesson.raw.decode("utf-8")
    slides, deck_warnings = run_pandoc(markdown, DECK_ARGUMENTS, lesson.source, source)
    typst_body, handout_warnings = run_pandoc(markdown, HANDOUT_ARGUMENTS, lesson.source, source)
    context = template_context(course, lesson)
    deck = render_deck(context, slides, {str(path): path for path in images.values()})
    handout_source = render_template(
        "handout.typ.j2", {**context, "body": typst_body}, autoescape=False
    )
    handout = compile_typst(handout_source, lesson.source, lesson_timestamp(lesson))
    warnings = [f"{lesson.source}: {w}" for w in dict.fromkeys(deck_warnings + handout_warnings)]
    return LessonOutputs(lesson.slug, deck.encode("utf-8"), handout, warnings)
