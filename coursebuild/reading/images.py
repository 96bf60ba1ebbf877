"""Resolve a lesson's image references to files, or say exactly what is wrong."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote

from coursebuild.core import limits
from coursebuild.core.errors import BuildError, line_of
from coursebuild.reading.placeholder_card import write_placeholder

# The fetching of remote images (http.client, ssl) and imagesize (~40 ms of
# imports with urllib.request) load when a page is read: a no-op reads none.
if TYPE_CHECKING:
    from coursebuild.reading.remote_images import RemoteImages

EXTERNAL = ("http://", "https://", "//", "data:")
REMOTE = ("http://", "https://", "//")


def is_inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def resolve_page_image(
    target: str,
    page: Path,
    source: str,
    docs_dir: Path,
    figure_dir: Path,
    figure_names: set[str],
    remote: RemoteImages | None = None,
    missing: MissingImages | None = None,
) -> Path:
    """The file an image of the page shows, found as the site finds it.

    Relative to the page, or to the docs folder for a site-root path
    (``/assets/x.png``, as the site served from its root shows it), and inside
    the site's docs folder (the course folder for this project's layout); a
    course figure (``…/images/100_ShallowNet.svg``) is the build's own drawing of it.
    A remote image is fetched into the output's cache (remote_images.py). A
    file that is not there is an error, or with ``missing`` a card in its place.
    """
    line = line_of(target, source, 1)
    if remote is not None and target.startswith(REMOTE):
        return remote.local_file("https:" + target if target.startswith("//") else target)
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
        base = docs_dir if path.is_absolute() else page.parent
        candidate = (base / path.relative_to(path.anchor)).resolve()
    except (OSError, RuntimeError) as error:  # a symlink loop (RuntimeError before 3.13)
        raise BuildError(f"image {target} cannot be followed: {error}", page, line) from None
    if not is_inside(candidate, docs_dir.resolve()):
        raise BuildError(f"image {target} leaves the course folder {docs_dir}", page, line)
    if candidate.is_file():
        check_image_size(candidate, target, page, line)
        return candidate
    why = f"no course figure '{path.stem}' and no file {candidate}"
    if missing is not None:
        return missing.card(target, candidate, why)
    raise BuildError(f"image {target} not found: {why}", page, line)


@dataclass
class MissingImages:
    """A page's images that are not there, each shown as a card saying so, and a warning.

    As the site shows them: MkDocs warns of a link to a missing file and the
    page shows a broken image; one missing picture does not cost the lecture.
    """

    cache: Path
    text: str = "Image not found"
    failures: list[str] = field(default_factory=list)  # "target: why", for the warnings
    files: list[str] = field(default_factory=list)  # where they were looked for

    def card(self, target: str, candidate: Path, why: str) -> Path:
        self.failures.append(f"{target}: not found: {why}")
        # The path looked at is a dependency: the page is built again once the file is there.
        self.files.append(str(candidate))
        from coursebuild.reading.remote_images import file_stem

        key = hashlib.sha256(str(candidate).encode("utf-8")).hexdigest()[:16]
        card = self.cache / f"{key}-missing" / (file_stem(target) + ".svg")
        return write_placeholder(card, target, self.text)


def check_image_size(path: Path, target: str, page: Path, line: int | None) -> None:
    """Refuse an image too big to embed or decode, from its size and header alone.

    Typst and Chromium decode a raster image whole: a 1.5 MB PNG of 40000²
    pixels took Typst to 1.6 GB. An SVG is drawn, not decoded to pixels.
    """
    size = path.stat().st_size
    if size > limits.MAX_IMAGE_BYTES:
        megabytes = limits.MAX_IMAGE_BYTES // limits.MEBIBYTE
        message = f"image {target} is {size / limits.MEBIBYTE:.0f} MB, more than {megabytes} MB"
        raise BuildError(message, page, line)
    if path.suffix.lower() == ".svg":
        return
    import imagesize

    with path.open("rb") as stream:  # a stream: imagesize never takes it for a URL
        width, height = imagesize.get(stream, exif_rotation=False)
    if width <= 0 or height <= 0:
        message = f"image {target}: no size in its header (not a PNG, JPEG, GIF or WebP image?)"
        raise BuildError(message, page, line)
    if width * height > limits.MAX_IMAGE_PIXELS:
        millions = limits.MAX_IMAGE_PIXELS // 1_000_000
        message = f"image {target} is {width}×{height} pixels, more than {millions} million"
        raise BuildError(message, page, line)


def figures_shown(source: str, figure_names: set[str]) -> list[str]:
    """The course figures a page may show: those whose file name it mentions."""
    return sorted(name for name in figure_names if f"{name}.svg" in source)


@dataclass(frozen=True)
class FigureSet:
    """Where the course figures are, which exist, and where diagrams are cached."""

    folder: Path
    names: frozenset[str]
    diagram_cache: Path
    image_cache: Path | None = None  # remote images, fetched; cards for missing ones
