"""The load stage for lesson pages: decode, split front matter, find title and images."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from coursebuild.core import limits
from coursebuild.core.bounded_yaml import YamlLimitError, check_bounds
from coursebuild.core.errors import BuildError
from coursebuild.core.timestamps import source_date_epoch
from coursebuild.reading import dialect

FRONT_MATTER = re.compile(r"\A---[ ]*\n(.*?\n)?---[ ]*\n", re.DOTALL)
# The course index is index.html: a page named index.md gets another name.
RESERVED_SLUGS = {"index": "index-page"}


@dataclass(frozen=True)
class BuildWarning:
    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Lesson:
    source: Path
    slug: str  # output name: <slug>.html, <slug>.pdf
    raw: bytes
    meta: dict
    body: str
    body_first_line: int  # line of the source where body starts
    title: str
    chapter: str | None = None  # the site's nav section, e.g. "1. Neuroverkot"
    warnings: list[BuildWarning] = field(default_factory=list)


def decode_utf8(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise BuildError(
            f"not UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8", path, line
        ) from None


def split_front_matter(text: str, path: Path) -> tuple[dict, str, int]:
    """The YAML front matter as a dict, the body, and the body's first line number."""
    match = FRONT_MATTER.match(text)
    if match is None:
        return {}, text, 1
    try:
        meta = load_yaml(match.group(1) or "") or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1  # +1 for '---', +1 one-based
        problem = getattr(error, "problem", None) or str(error)
        what = "refused" if isinstance(error, YamlLimitError) else "is not valid YAML"
        raise BuildError(f"front matter {what}: {problem}", path, line) from None
    if not isinstance(meta, dict):
        raise BuildError("front matter must be a YAML mapping (key: value)", path, 2)
    body_first_line = text[: match.end()].count("\n") + 1
    return meta, text[match.end() :], body_first_line


def load_yaml(text: str):
    """libyaml's safe loader when PyYAML has it (5× faster: 100 pages cost 2 ms, not 11).

    The text is checked for its size, depth and aliases first (bounded_yaml.py,
    YamlLimitError). On an error the Python loader reads the text again, for
    the message and line that PyYAML's own parser gives.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    check_bounds(text, fast or yaml.SafeLoader)
    if fast is not None:
        try:
            return yaml.load(text, Loader=fast)  # CSafeLoader: safe
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


HTML_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[^>]*>")


def lesson_title(meta: dict, body: str, path: Path, nav_title: str | None = None) -> str:
    """A page's title: front matter ``title``, else the nav's title for the page, else
    the first ``#`` heading or HTML ``<h1>``, else the file's name (title_from_file_name)."""
    if isinstance(meta.get("title"), str) and meta["title"].strip():
        return meta["title"].strip()
    if nav_title and nav_title.strip():
        return nav_title.strip()
    lines = body.split("\n")
    for _index, level, title, _end in dialect.find_sections(lines):
        if level == 1:
            return title
    heading = HTML_H1.search(body)
    if heading:
        text = " ".join(html.unescape(TAG.sub(" ", heading[1])).split())
        if text:
            return text
    return title_from_file_name(path)


def default_slug(path: Path) -> str:
    return RESERVED_SLUGS.get(path.stem, path.stem)


def dirname_to_title(name: str) -> str:
    """A name as MkDocs makes it a title: "getting-started" -> "Getting started"."""
    title = name.replace("-", " ").replace("_", " ")
    return title.capitalize() if title.lower() == title else title


def title_from_file_name(path: Path) -> str:
    """A page's title as MkDocs makes it from the file's name, when nothing else gives one.

    ``index.md`` takes its folder's name; dashes and underscores are spaces; a
    name all in lower case gets a capital first letter (mkdocs.structure.pages).
    """
    name = path.parent.name if path.stem.lower() in ("index", "readme") else path.stem
    return dirname_to_title(name)


def load_lesson(
    path: Path, slug: str | None = None, chapter: str | None = None, nav_title: str | None = None
) -> Lesson:
    raw = limits.read_limited(path, limits.MAX_PAGE_BYTES)
    text = decode_utf8(raw, path).replace("\r\n", "\n")
    meta, body, first_line = split_front_matter(text, path)
    warnings = [
        BuildWarning(path, section.line, f"section '{section.title}' is only TODO; left out")
        for section in dialect.placeholder_sections(body, first_line)
    ]
    label = dialect.caption_label(body)
    warnings += [
        BuildWarning(path, image.line, f"image {image.target} has no '**{label} N:**' caption")
        for image in dialect.uncaptioned_images(body, first_line)
    ]
    return Lesson(
        source=path,
        slug=slug or default_slug(path),
        raw=raw,
        meta=meta,
        body=body,
        body_first_line=first_line,
        title=lesson_title(meta, body, path, nav_title),
        chapter=chapter,
        warnings=warnings,
    )


def find_lessons(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.md"))


def lesson_timestamp(lesson: Lesson) -> int:
    """SOURCE_DATE_EPOCH when set, else the lesson file's time; never the clock."""
    epoch = source_date_epoch()
    if epoch is not None:
        return epoch
    return int(lesson.source.stat().st_mtime)
