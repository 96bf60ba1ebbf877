"""The slide-splitting rules, restated from the lesson text alone, to predict a deck's slides.

An independent count: it reads headings, figures and display math from the
Markdown, not from the build's filters, so a filter bug shows up as a mismatch.
"""

from __future__ import annotations

import re

HEADING = re.compile(r"^(#{1,3}) (.+)$")
FIGURE = re.compile(r"^!\[[^\]]*\]\(([^)\s]+)", re.MULTILINE)
# A paragraph starting so is shown on a slide (a figure, math, table, list,
# box, code, tabs); other paragraphs are prose, for the speaker notes.
SHOWN_START = re.compile(r"^(!\[|\$\$|\||[*+-] |\d+\. |!!!|\?\?\?|```|===)")
HIGHLIGHT = re.compile(r"==[^=\s](?:[^=]*[^=\s])?==")
FOOTNOTE = re.compile(r"^\[\^[^\]]+\]:", re.MULTILINE)
SOURCES = "Lähteet"


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


def heavy_items(body: str, variants: dict[str, int] | None = None) -> int:
    """Figures, one a slide; a figure with a slide layout counts its steps.

    How much else fits on a slide is measured by the build's layout pass; its
    "(jatkuu)" slides come on top of this count.
    """
    variants = variants or {}
    return sum(variants.get(src.rsplit("/", 1)[-1], 1) for src in FIGURE.findall(body))


def shows_something(body: str) -> bool:
    """Whether text before the first section has a slide: a block shown, or a highlight."""
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", body) if p.strip()]
    return any(SHOWN_START.match(p) or HIGHLIGHT.search(p) for p in paragraphs)


def expected_slides(markdown: str, variants: dict[str, int] | None = None) -> int:
    """Title slide + one per ## and ### (TODO-only sections dropped) + continuations + sources.

    What comes between the "# Title" and the first section is a slide of its
    own only when it shows something; its prose alone goes to the title
    slide's notes. ``variants``: an image file's name -> the number of slides
    its slide layout shows it on.
    """
    count = 1
    for level, _title, body in sections(markdown):
        if body.strip() == "TODO":
            continue
        if level == 1:
            # The title slide is the template's; its own content is not.
            if shows_something(body):
                count += max(1, heavy_items(body, variants))
            continue
        count += 1 + max(0, heavy_items(body, variants) - 1)
    # Footnotes are listed on a "Lähteet" slide, added when the page has none.
    has_sources = any(level == 2 and title == SOURCES for level, title, _ in sections(markdown))
    if FOOTNOTE.search(markdown) and not has_sources:
        count += 1
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


def prose_only_sections(markdown: str) -> list[str]:
    """Titles of ## and ### sections with prose and nothing else of their own.

    Their slides show lead sentences, not a bare heading. A "##" followed
    directly by "###" has nothing of its own: it stays a section divider.
    """
    titles = []
    for level, title, body in sections(markdown):
        paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", body) if p.strip()]
        if level == 1 or body.strip() == "TODO" or not paragraphs:
            continue
        shown = [p for p in paragraphs if SHOWN_START.match(p) or p.startswith("    ")]
        highlighted = any(HIGHLIGHT.search(p) for p in paragraphs)
        prose = [p for p in paragraphs if not p.startswith("[^")]  # footnotes go to "Lähteet"
        if prose and not shown and not highlighted:
            titles.append(title)
    return titles
