"""Text-level fixes that turn the MkDocs-Material dialect into Pandoc Markdown.

Only what Pandoc cannot read itself is touched here: admonitions become fenced
divs. Everything structural (captions, slides, notes) happens in the Lua
filters, on Pandoc's AST.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ADMONITION = re.compile(
    r"^(?P<indent>[ ]*)(?P<marker>!!!|\?\?\?\+?)[ ]+(?P<kind>[\w-]+)"
    r'(?:[ ]+"(?P<title>[^"]*)")?[ ]*$'
)
FENCE = re.compile(r"^[ ]*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})[ ]+(.*?)[ ]*#*[ ]*$")
IMAGE = re.compile(r"!\[[^\]]*\]\((?P<target>[^)\s]+)(?:[ ]+\"[^\"]*\")?\)")
CAPTION_START = re.compile(r"^\*\*Kuva[ ]+[^*]*:\*\*")


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


def admonition_to_div(kind: str, title: str | None, marker: str, body: list[str]) -> list[str]:
    classes = [".admonition", f".{kind}"]
    if marker.startswith("???"):
        classes.append(".collapsible")
    attributes = " ".join(classes)
    if title is not None:
        escaped = title.replace("\\", "\\\\").replace('"', '\\"')
        attributes += f' title="{escaped}"'
    # Longer fences than any nested div, so nested admonitions stay nested.
    return [f"::::::: {{{attributes}}}", *convert_admonitions_lines(body), ":::::::"]


def take_indented_body(lines: list[str], start: int, indent: int) -> tuple[list[str], int]:
    """The lines indented 4 more than ``indent`` from ``start``, dedented; and where they end."""
    body: list[str] = []
    prefix = " " * (indent + 4)
    index = start
    while index < len(lines):
        line = lines[index]
        if line.startswith(prefix):
            body.append(line[len(prefix) :])
        elif line.strip() == "":
            body.append("")
        else:
            break
        index += 1
    while body and body[-1] == "":
        body.pop()
        index -= 1
    return body, index


def convert_admonitions_lines(lines: list[str]) -> list[str]:
    code = fenced_code_lines(lines)
    result: list[str] = []
    index = 0
    while index < len(lines):
        match = None if index in code else ADMONITION.match(lines[index])
        if match is None:
            result.append(lines[index])
            index += 1
            continue
        indent = len(match.group("indent"))
        body, index = take_indented_body(lines, index + 1, indent)
        div = admonition_to_div(match.group("kind"), match.group("title"), match["marker"], body)
        result.extend(" " * indent + line if line else line for line in div)
    return result


def convert_admonitions(text: str) -> str:
    """``!!! kind "Title"`` and ``??? kind "Title"`` blocks become Pandoc fenced divs."""
    return "\n".join(convert_admonitions_lines(text.split("\n")))


def to_pandoc_markdown(text: str) -> str:
    return convert_admonitions(text)


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


def uncaptioned_images(text: str, first_line: int = 1) -> list[ImageReference]:
    """Image paragraphs not followed by a ``**Kuva N:**`` caption paragraph."""
    lines = text.split("\n")
    missing = []
    for reference in image_references(text, first_line):
        index = reference.line - first_line
        following = next((line for line in lines[index + 1 :] if line.strip()), "")
        if lines[index].strip().startswith("![") and not CAPTION_START.match(following.strip()):
            missing.append(reference)
    return missing


def rewrite_image_targets(text: str, targets: dict[str, str]) -> str:
    """Replace image targets by the resolved paths in ``targets``."""

    def replace(match: re.Match[str]) -> str:
        target = match.group("target")
        return match.group(0).replace(target, targets.get(target, target), 1)

    return IMAGE.sub(replace, text)
