"""Resolve a lesson's image references to files, or say exactly what is wrong."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from coursebuild.dialect import ImageReference
from coursebuild.errors import BuildError

EXTERNAL = ("http://", "https://", "//", "data:")


def is_inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def resolve_image(
    reference: ImageReference,
    page: Path,
    course_root: Path,
    figure_dir: Path,
    figure_names: set[str],
) -> Path:
    """Course figures first (``../images/NAME``), then files inside the course folder."""
    target = PurePosixPath(reference.target)
    if reference.target.startswith(EXTERNAL):
        raise BuildError(
            f"image {reference.target} is not a local file; decks must work offline, "
            "so save it under images/",
            page,
            reference.line,
        )
    if target.parent.name == "images":
        if target.stem in figure_names:
            return figure_dir / target.name
        in_course_images = course_root / "images" / target.name
        if in_course_images.is_file():
            return in_course_images
    candidate = (page.parent / target).resolve()
    if not is_inside(candidate, course_root):
        raise BuildError(
            f"image {reference.target} leaves the course folder {course_root}",
            page,
            reference.line,
        )
    if candidate.is_file():
        return candidate
    raise BuildError(
        f"image {reference.target} not found: no course figure '{target.stem}' "
        f"and no file {candidate}",
        page,
        reference.line,
    )


def figures_used(references: list[ImageReference], figure_names: set[str]) -> list[str]:
    """Names of the course figures a lesson shows, in order of first use."""
    used: list[str] = []
    for reference in references:
        target = PurePosixPath(reference.target)
        is_figure = target.parent.name == "images" and target.stem in figure_names
        if is_figure and target.stem not in used:
            used.append(target.stem)
    return used
