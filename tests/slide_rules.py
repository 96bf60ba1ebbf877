"""The slide-splitting rules, restated from the lesson text alone, to predict a deck's slides.

An independent count: it reads headings, figures and display math from the
Markdown, not from the build's filters, so a filter bug shows up as a mismatch.
"""

from __future__ import annotations

import re

HEADING = re.compile(r"^(#{1,3}) (.+)$")
DISPLAY_MATH = re.compile(r"^\$\$\n(.*?)\n\$\$$", re.DOTALL | re.MULTILINE)
LONG_MATH_ROWS = 3


def sections(markdown: str) -> list[tuple[int, str, str]]:
    """(level, title, body) for every heading of level 1–3."""
    found, current = [], None
    for line in markdown.splitlines():
        match = HEADING.match(line)
        if match:
            current = [len(match.group(1)), match.group(2), []]
            found.append(current)
        elif current is not None:
            current[2].append(line)
    return [(level, title, "\n".join(body)) for level, title, body in found]


def heavy_items(body: str) -> int:
    figures = len(re.findall(r"^!\[", body, re.MULTILINE))
    long_math = sum(
        1 for m in DISPLAY_MATH.finditer(body) if m.group(1).count("\\\\") + 1 >= LONG_MATH_ROWS
    )
    return figures + long_math


def expected_slides(markdown: str) -> int:
    """Title slide + one per ## and ### (TODO-only sections dropped) + continuations."""
    count = 1
    for level, _title, body in sections(markdown):
        if level == 1 or body.strip() == "TODO":
            continue
        count += 1 + max(0, heavy_items(body) - 1)
    return count


def slides_with_prose(markdown: str) -> list[str]:
    """Titles of ## and ### sections that have at least one prose paragraph."""
    titles = []
    for level, title, body in sections(markdown):
        # Indented paragraphs belong to admonitions, which stay on the slide.
        paragraphs = [p.strip("\n") for p in body.split("\n\n") if p.strip()]
        prose = [
            p
            for p in paragraphs
            if not p.startswith(("!", "$$", "|", "*", "-", "[^", "**Kuva", "<", "```", "    "))
        ]
        if level > 1 and prose and body.strip() != "TODO":
            titles.append(title)
    return titles
