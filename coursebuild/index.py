"""The course's index page: every lesson with links to its deck and handout."""

from __future__ import annotations

from pathlib import Path

from coursebuild.config import Course
from coursebuild.lessons import Lesson
from coursebuild.render import TEMPLATES_DIR, render_template
from coursebuild.state import digest


def human_size(path: Path) -> str:
    if not path.exists():
        return ""
    size = path.stat().st_size
    return f"{size / 1024:.0f} kt" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} Mt"


def index_entries(lessons: list[Lesson], out_dir: Path) -> list[dict]:
    return [
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "chapter": lesson.chapter,
            "deck_size": human_size(out_dir / f"{lesson.slug}.html"),
            "handout_size": human_size(out_dir / f"{lesson.slug}.pdf"),
        }
        for lesson in lessons
    ]


def chapters(entries: list[dict]) -> list[tuple[str | None, list[dict]]]:
    """Runs of entries under the same chapter, in the site's order."""
    groups: list[tuple[str | None, list[dict]]] = []
    for entry in entries:
        if not groups or groups[-1][0] != entry["chapter"]:
            groups.append((entry["chapter"], []))
        groups[-1][1].append(entry)
    return groups


def index_inputs(course: Course, lessons: list[Lesson], out_dir: Path) -> str:
    return digest(
        course.config_path.read_bytes(),
        repr((course.title, course.author, course.licence, course.language)),
        (TEMPLATES_DIR / "index.html.j2").read_bytes(),
        repr(index_entries(lessons, out_dir)),
    )


def render_index(course: Course, lessons: list[Lesson], out_dir: Path) -> str:
    context = {"course": course, "chapters": chapters(index_entries(lessons, out_dir))}
    return render_template("index.html.j2", context, autoescape=True)
