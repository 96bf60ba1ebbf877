"""Line-level facts about a page found before it is parsed: sections, TODOs, images.

The page itself is read by the site's own parser (markdown_reader.py); these
scans only find what the build reports with a line number before that: TODO
sections it leaves out, images without a caption, the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coursebuild.core.words import WORDS

FENCE = re.compile(r"^[ ]*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})[ ]+(.*?)[ ]*#*[ ]*$")
IMAGE = re.compile(r"!\[[^\]]*\]\((?P<target>[^)\s]+)(?:[ ]+\"[^\"]*\")?\)")
# The author's caption labels: **Kuva N:**, **Kuva N**:, **Kuvio N:**, **Kuvio N.**, and
# the figure word of every language the build has words for (**Figure 1:**), as captions.lua.
LABEL_WORDS = sorted({"Kuvio", *(words["figure"] for words in WORDS.values())})
CAPTION_START = re.compile(rf"^\*\*(?:{'|'.join(LABEL_WORDS)})[ ]+[^*\s]+(?::\*\*|\.\*\*|\*\*[:.])")


@dataclass(frozen=True)
class ImageReference:
    target: str
    line: int  # 1-based, in the lesson file


def fenced_code_lines(lines: list[str]) -> set[int]:
    """Indices of lines inside (or opening/closing) fenced code blocks."""
    inside: set[int] = set()
    fence: str | None = None
    for index, line in enumerate(lines):
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            inside.add(index)
        elif fence is not None:
            inside.add(index)
            if line.strip().startswith(fence):
                fence = None
    return inside


@dataclass(frozen=True)
class Section:
    level: int
    title: str
    line: int  # 1-based line of the heading
    body: str


def find_sections(lines: list[str]) -> list[tuple[int, int, str, int]]:
    """Headings outside code as (index, level, title, end index of the section)."""
    code = fenced_code_lines(lines)
    headings = []
    for index, line in enumerate(lines):
        match = None if index in code else HEADING.match(line)
        if match:
            headings.append((index, len(match.group(1)), match.group(2)))
    sections = []
    for position, (index, level, title) in enumerate(headings):
        end = len(lines)
        for later_index, later_level, _ in headings[position + 1 :]:
            if later_level <= level:
                end = later_index
                break
        sections.append((index, level, title, end))
    return sections


def placeholder_sections(text: str, first_line: int = 1) -> list[Section]:
    """Sections whose whole body is the word TODO."""
    lines = text.split("\n")
    found = []
    for index, level, title, end in find_sections(lines):
        body = "\n".join(lines[index + 1 : end]).strip()
        if body == "TODO":
            found.append(Section(level, title, index + first_line, body))
    return found


def drop_placeholder_sections(text: str) -> str:
    lines = text.split("\n")
    dropped: set[int] = set()
    for index, _level, _title, end in find_sections(lines):
        if "\n".join(lines[index + 1 : end]).strip() == "TODO":
            dropped.update(range(index, end))
    return "\n".join(line for index, line in enumerate(lines) if index not in dropped)


def image_references(text: str, first_line: int = 1) -> list[ImageReference]:
    lines = text.split("\n")
    code = fenced_code_lines(lines)
    references = []
    for index, line in enumerate(lines):
        if index in code:
            continue
        for match in IMAGE.finditer(line):
            references.append(ImageReference(match.group("target"), index + first_line))
    return references


def caption_label(text: str) -> str | None:
    """The label of the page's first ``**Kuva N:**`` caption ("Kuva", "Figure"), if it has one."""
    for line in text.split("\n"):
        if CAPTION_START.match(line.strip()):
            return line.strip()[2:].split()[0]
    return None


def uncaptioned_images(text: str, first_line: int = 1) -> list[ImageReference]:
    """Image paragraphs not followed by a ``**Kuva N:**`` caption paragraph, on a page that
    captions its images so; a page that never does (another author's) misses none."""
    if caption_label(text) is None:
        return []
    lines = text.split("\n")
    missing = []
    for reference in image_references(text, first_line):
        index = reference.line - first_line
        following = next((line for line in lines[index + 1 :] if line.strip()), "")
        if lines[index].strip().startswith("![") and not CAPTION_START.match(following.strip()):
            missing.append(reference)
    return missing
