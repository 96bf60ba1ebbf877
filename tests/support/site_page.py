"""One page of a small MkDocs site read as the build reads it (read_page), without a build."""

from __future__ import annotations

from pathlib import Path

from coursebuild.reading.course import open_course
from coursebuild.reading.html_bridge import PageContext
from coursebuild.reading.images import FigureSet
from coursebuild.reading.lesson_file import Lesson, load_lesson
from coursebuild.reading.read_page import read_page


def write_site(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def read_site_page(root: Path, files: dict[str, str], page: str) -> tuple[str, PageContext, Lesson]:
    """``files`` written under ``root`` (mkdocs.yml among them), then ``page`` read: its HTML
    for Pandoc, what the reading found, and the lesson. Images are cached under ``root.parent``."""
    write_site(root, files)
    lesson = load_lesson(root / page)
    cache = root.parent / f"{root.name}-cache"
    figures = FigureSet(cache / "f", frozenset(), cache / "m", cache / "c")
    html, found = read_page(lesson, open_course(root), figures)
    return html, found, lesson
