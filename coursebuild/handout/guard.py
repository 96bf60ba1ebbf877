"""What a lesson may put in front of Typst: no raw Typst, and only the files its handout shows.

Typst reads any file under its root (``read``, ``image``). A handout compiles
with a root of its own: a fresh private folder holding the files the handout
shows (images, course figures, diagrams, emoji; hard links, else copies),
taken after images.py has found them inside the course, under neutral names
(``img-1.svg``), and removed afterwards. filters/handout.lua names them so in
the Typst source; an image it does not know is refused.

Raw Typst written in a lesson is refused too. Python-Markdown drops the
``{=typst}`` of a fence or code span (the code would be shown as code), so the
page's text is where the author's intent is still visible, with its line.
Behind that, the first filter (mkdocs.lua) refuses any raw element of Pandoc's
HTML reader that is not HTML: the raw Typst in a handout is the filters' own.
A filter's refusal reaches the build as a Pandoc warning marked ``REFUSED``,
which ``raise_refusals`` makes an error naming the page's line.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from coursebuild.core.animated_images import PixelBudget, file_still
from coursebuild.core.emoji import literal_emoji
from coursebuild.core.errors import BuildError, line_of
from coursebuild.reading.dialect import image_references
from coursebuild.reading.jinja_regions import code_regions

RAW_TYPST = re.compile(r"\{\s*=\s*typst\s*\}", re.IGNORECASE)
# A fence: maybe in a quote or a list item, three or more ` or ~, the info string.
FENCE = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d+[.)])[ \t]+)*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
# The mark of a filter's refusal in its warning: REFUSED, tab, message, tab, quoted page text.
REFUSED = "coursebuild-refused"
# A filter's warning about the page's text or image, found at its line like a refusal.
WARNED = "coursebuild-warned"
SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")
# A handout's folder in the system's temporary folder: this prefix, the process id, random.
FOLDER_PREFIX = "coursebuild-handout-"


def refuse_raw_typst(text: str, path: Path) -> None:
    """A BuildError at the first raw Typst block or code span in the page's Markdown."""
    line = raw_typst_line(text)
    if line is not None:
        raise BuildError("raw Typst ({=typst}) is not allowed in a lesson", path, line)


def raw_typst_line(text: str) -> int | None:
    """The line of the first ```` ```{=typst} ```` fence or `` `code`{=typst} `` span, if any.

    The code is what the site's parser reads as code (jinja_regions): a fence's
    info string is on its first line; a span's attribute follows it.
    """
    for start, end in code_regions(text):
        newline = text.find("\n", start, end)
        fence = FENCE.match(text[start : newline if newline >= 0 else end])
        if (fence and RAW_TYPST.search(fence["info"])) or RAW_TYPST.match(text, end):
            return text.count("\n", 0, start if fence else end) + 1
    return None


def raise_refusals(warnings: list[str], path: Path, source: str) -> list[str]:
    """Pandoc's ``warnings`` less the filters' refusals, the first of which is raised;
    a filter's marked warning comes back as ``page:line: message``.

    A refusal quotes the page's text at fault, or an image's file name and
    which of the page's images of that name it is (``name<TAB>n``).
    """
    kept = []
    for warning in warnings:
        for mark in (REFUSED, WARNED):
            if mark + "\t" in warning:
                message, _, quoted = warning.split(mark + "\t", 1)[1].partition("\t")
                file, _, occurrence = quoted.partition("\t")
                line = image_line(file, int(occurrence), source) if occurrence.isdigit() else None
                found = BuildError(message, path, line or line_of(quoted, source, 1))
                if mark == REFUSED:
                    raise found
                kept.append(str(found))  # "page:line: message", whole
                break
        else:
            kept.append(warning)
    return kept


def image_line(file: str, occurrence: int, source: str) -> int | None:
    """The line of the page's ``occurrence``-th Markdown image of the file name ``file``."""
    lines = [
        reference.line
        for reference in image_references(source)
        if reference.target.replace("%20", " ").rsplit("/", 1)[-1] == file
    ]
    if 0 < occurrence <= len(lines):
        return lines[occurrence - 1]
    return line_of(file, source, 1)


EMOJI_KEY = "emoji:"


def neutral_names(files: Iterable[str]) -> dict[str, str]:
    """Each file's name in the handout's folder, in order of first use: ``img-1.svg``, …"""
    names: dict[str, str] = {}
    for file in files:
        if file not in names:
            suffix = Path(file).suffix.lower()
            names[file] = f"img-{len(names) + 1}{suffix if SUFFIX.fullmatch(suffix) else ''}"
    return names


@contextlib.contextmanager
def handout_folder(files: Iterable[str], path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """A fresh private folder holding copies of ``files``, and their names in it; removed after.

    ``files`` are the paths the build resolved and checked; ``path`` is the
    lesson, named if one cannot be copied.
    """
    remove_stale_folders()
    folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))
    try:
        names = handout_names(files, path)
        budget = PixelBudget()
        for file, name in names.items():
            if not file.startswith(EMOJI_KEY):
                place_still_or_file(Path(file), folder / name, path, budget)
        yield folder, names
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def handout_names(files: Iterable[str], path: Path) -> dict[str, str]:
    """The handout folder's name of each file, and of each emoji character the page types.

    filters/handout.lua finds a typed emoji's image as "emoji:✅".
    """
    emoji = literal_emoji(page_text(path))
    names = neutral_names([*files, *emoji.values()])
    return {**names, **{f"{EMOJI_KEY}{char}": names[file] for char, file in emoji.items()}}


def page_text(path: Path) -> str:
    """The lesson's text, to find its emoji characters; none if it cannot be read."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""  # the build read it a moment ago; then the handout shows no emoji


def remove_stale_folders() -> None:
    """Remove the handout folders of processes that are gone.

    A worker killed mid-handout (SIGKILL, or Ctrl-C, which kills the build's
    workers) leaves its folder behind; its name carries the worker's process id.
    """
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*-*"):
        pid = folder.name.removeprefix(FOLDER_PREFIX).split("-")[0]
        if pid.isdigit() and not process_exists(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's: it exists
    return True


def place_still_or_file(file: Path, target: Path, path: Path, budget: PixelBudget) -> None:
    """The frame a handout prints of an animation that starts empty, at ``target``
    (animated_images.py); else ``file`` itself."""
    try:
        still = file_still(file, budget)
    except OSError as error:
        raise BuildError(f"cannot read {file} for the handout: {error.strerror}", path) from None
    if still is None:
        place_file(file, target, path)
    else:
        target.write_bytes(still)


def place_file(file: Path, target: Path, path: Path) -> None:
    """``file`` at ``target``: hard-linked (5× faster than a copy), else copied."""
    try:
        os.link(file, target)
        return
    except OSError:
        pass  # another file system, or a file the user may not link to
    try:
        shutil.copyfile(file, target)
    except OSError as error:
        raise BuildError(f"cannot copy {file} for the handout: {error.strerror}", path) from None
