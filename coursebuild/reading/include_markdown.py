"""The include-markdown plugin's ``{% include-markdown "file" %}``, as the plugin includes it.

mkdocs-include-markdown-plugin puts another file's text where the tag is,
before the page is read as Markdown. Its files are the site's, so the same
bounds as snippets hold: inside the site's folder (the one with mkdocs.yml),
each file within the page's size limit, includes nested a few deep, a few dozen
a page. Relative links and images of an included file are rewritten to stay
right from the including page (the plugin's ``rewrite-relative-urls``, on by
default). Supported arguments: ``start``, ``end``, ``heading-offset``,
``rewrite-relative-urls``; the others are read and ignored.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from coursebuild.core import limits
from coursebuild.core.errors import BuildError
from coursebuild.reading.lesson_file import decode_utf8

TAG = re.compile(
    r"\{%-?\s*include(?P<markdown>-markdown)?\s+(?P<quote>['\"])(?P<path>.*?)(?P=quote)"
    r"(?P<arguments>.*?)-?%\}",
    re.DOTALL,
)
ARGUMENT = re.compile(r"([a-z-]+)\s*=\s*(?:(['\"])(.*?)\2|(\S+))", re.DOTALL)
# Markdown links and images, and HTML src/href: the address to rewrite is group "url".
RELATIVE_URL = re.compile(r"(?P<before>\]\(\s*<?|\b(?:src|href)=[\"'])(?P<url>[^)\s\"'>]+)")
HEADING = re.compile(r"^(#{1,6})(?=\s)", re.MULTILINE)
MAX_DEPTH = 5
MAX_INCLUDES = 50


def include_files(body: str, page: Path, site_root: Path, found: list[str]) -> str:
    """``body`` with each include-markdown tag replaced by what it includes; the files
    included are added to ``found`` (the page's outputs depend on them)."""
    counter = [0]
    return _expand(body, page, page, site_root.resolve(), 0, counter, found)


def _expand(
    text: str, including: Path, page: Path, root: Path, depth: int, counter, included_files
) -> str:
    def replace(match: re.Match[str]) -> str:
        line = text[: match.start()].count("\n") + 1 if including == page else None
        counter[0] += 1
        if counter[0] > MAX_INCLUDES:
            message = f"more than {MAX_INCLUDES} include-markdown includes in one page"
            raise BuildError(message, page, line)
        if depth >= MAX_DEPTH:
            raise BuildError(f"include-markdown nested more than {MAX_DEPTH} deep", page, line)
        target = included_path(match["path"], including, root, page, line)
        arguments = {
            key: value if quote else bare
            for key, quote, value, bare in ARGUMENT.findall(match["arguments"])
        }
        included = decode_utf8(limits.read_limited(target, limits.MAX_PAGE_BYTES), target)
        included_files.append(str(target))
        included = between(included, arguments.get("start"), arguments.get("end"))
        if not match["markdown"]:  # the plugin's plain "include": the text as it is
            return _expand(included, target, page, root, depth + 1, counter, included_files)
        if arguments.get("rewrite-relative-urls", "true").lower() != "false":
            included = rebase_urls(included, target.parent, page.parent)
        offset = arguments.get("heading-offset", "0")
        if offset.lstrip("-").isdigit() and int(offset):
            included = shift_headings(included, int(offset))
        return _expand(included, target, page, root, depth + 1, counter, included_files)

    return TAG.sub(replace, text)


def included_path(name: str, including: Path, root: Path, page: Path, line) -> Path:
    base = root if name.startswith("/") else including.parent
    target = (base / name.lstrip("/")).resolve()
    if not target.is_relative_to(root):
        raise BuildError(f"include-markdown '{name}' is outside the site's folder", page, line)
    if not target.is_file():
        raise BuildError(f"include-markdown '{name}': no file {target}", page, line)
    return target


def between(text: str, start: str | None, end: str | None) -> str:
    """The part of ``text`` after ``start`` and before the next ``end``, as the plugin cuts."""
    if start:
        position = text.find(start)
        text = text[position + len(start) :] if position != -1 else text
    if end:
        position = text.find(end)
        text = text[:position] if position != -1 else text
    return text


def rebase_urls(text: str, source_dir: Path, page_dir: Path) -> str:
    """Relative addresses of a file in ``source_dir`` as seen from a page in ``page_dir``."""

    def rebase(match: re.Match[str]) -> str:
        url = match["url"]
        if re.match(r"[a-z][a-z0-9+.-]*:|/|#", url, re.IGNORECASE):
            return match.group()
        rebased = posixpath.relpath((source_dir / url).as_posix(), page_dir.as_posix())
        return match["before"] + rebased

    return RELATIVE_URL.sub(rebase, text)


def shift_headings(text: str, offset: int) -> str:
    return HEADING.sub(lambda m: "#" * max(1, min(6, len(m[1]) + offset)), text)
