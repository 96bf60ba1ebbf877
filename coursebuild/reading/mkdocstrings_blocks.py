"""mkdocstrings' ``::: package.module`` blocks: API documentation made by importing the code.

The build never imports a site's code (a lesson site is untrusted), so each
block becomes a box titled with the object's name, where the site shows its
documentation, and a warning at its line. The block's indented options go with
it; the page keeps its line numbers.
"""

from __future__ import annotations

import re

from coursebuild.reading.dialect import fenced_code_lines

BLOCK = re.compile(r"^(?P<indent>[ \t]*):::[ \t]+(?P<name>[\w.:-]+)[ \t]*$")


def api_blocks_as_names(text: str, first_line: int) -> tuple[str, list[tuple[int, str]]]:
    """``text`` with each ``::: name`` block a titled box; the (file line, name) of each."""
    lines = text.split("\n")
    code = fenced_code_lines(lines)
    found = []
    index = 0
    while index < len(lines):
        match = BLOCK.match(lines[index]) if index not in code else None
        if match is None:
            index += 1
            continue
        indent, name = match["indent"], match["name"]
        lines[index] = f'{indent}!!! note "`{name}`"'
        found.append((index + first_line, name))
        index += 1
        # Its options: the lines indented deeper than the block, up to a blank line.
        while index < len(lines) and lines[index].strip() and _indent(lines[index]) > len(indent):
            lines[index] = ""
            index += 1
    return "\n".join(lines), found


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))
