"""Resolve a lesson's image references to files, or say exactly what is wrong."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from coursebuild.convert import line_of
from coursebuild.errors import BuildError

EXTERNAL = ("http://", "https://", "//", "data:")


def is_inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def resolve_page_image(
    target: str,
    page: Path,
    source: str,
    docs_dir: Path,
    figure_dir: Path,
    figure_names: set[str],
) -> Path:
    """The file an image of the page shows, found as the site finds it.

    Relative to the page and inside the site's docs folder (the course folder for
    this project's layout); a course figure (``…/images/100_ShallowNet.svg``)
    is the build's own drawing of it.
    """
    line = line_of(target, source, 1)
    if target.startswith(EXTERNAL) or ":" in target.split("/")[0]:
        raise BuildError(
            f"image {target} is not a local file; decks must work offline, "
            "so save it in the site's images folder",
            page,
            line,
        )
    path = PurePosixPath(unquote(target))
    if path.stem in figure_names and path.suffix == ".svg":
        return figure_dir / path.name
    # Symlinks resolved first: the file checked is the file Typst and the deck get.
    try:
        candidate = (page.parent / path).resolve()
    except (OSError, RuntimeError) as error:  # a symlink loop (RuntimeError before 3.13)
        raise BuildError(f"image {target} cannot be followed: {error}", page, line) from None
    if not is_inside(candidate, docs_dir.resolve()):
        raise BuildError(f"image {target} leaves the course folder {docs_dir}", page, line)
    if candidate.is_file():
        return candidate
    raise BuildError(
        f"image {target} not found: no course figure '{path.stem}' and no file {candidate}",
        page,
        line,
    )


def figures_shown(source: str, figure_names: set[str]) -> list[str]:
    """The course figures a page may show: those whose file name it mentions."""
    return sorted(name for name in figure_names if f"{name}.svg" in source)
