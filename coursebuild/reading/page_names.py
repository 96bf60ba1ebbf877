"""Which page becomes which outputs: each page's output name (slug), chapter and nav title."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import NamedTuple

from coursebuild.reading.course import Course
from coursebuild.reading.lesson_file import RESERVED_SLUGS, default_slug, find_lessons


class PlannedPage(NamedTuple):
    path: Path
    slug: str  # output name: <slug>.html, <slug>.pdf
    chapter: str | None
    nav_title: str | None  # the nav's title for the page, if it gives one


def lesson_pages(course: Course, paths: list[Path]) -> list[PlannedPage]:
    """Each page with its output name, chapter and nav title."""
    return [
        PlannedPage(path, slug, course.chapter_of(path), course.nav_title_of(path))
        for path, slug in zip(paths, page_slugs(course, paths), strict=True)
    ]


def page_slugs(course: Course, paths: list[Path]) -> list[str]:
    """Each page's output name.

    The name is the file's (index.md: index-page, the course index being
    index.html); pages of the same name are told apart by their folder.
    check_output_names refuses what still collides.
    """
    names = [default_slug(path) for path in paths]
    counts = Counter(names)
    slugs = []
    for path, name in zip(paths, names, strict=True):
        if counts[name] > 1 and path.resolve().is_relative_to(course.lessons_dir):
            # Two chapters with a page of the same name: the folder tells them apart.
            relative = path.resolve().relative_to(course.lessons_dir).with_suffix("")
            name = "-".join(relative.parts)
            name = RESERVED_SLUGS.get(name, name)  # docs/index.md stays index-page
        slugs.append(name)
    return slugs


def site_slugs(course: Course) -> dict[Path, str]:
    """Every page of the course and the output name a whole-course build gives it.

    Links between pages point at these, whichever pages one build is given.
    """
    if course.pages is not None:
        paths = [page.path for page in course.pages]
    else:
        paths = find_lessons(course.lessons_dir)
    return {
        path.resolve(): slug for path, slug in zip(paths, page_slugs(course, paths), strict=True)
    }
