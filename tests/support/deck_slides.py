"""A built deck's slides as a student sees them: what is on each slide, what is in its notes."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

# A slide is a <section> with no <section> inside it (reveal.js nests a
# chapter's slides in a vertical stack).
LEAF_SECTION = re.compile(r"<section\b[^>]*>((?:(?!<section\b).)*?)</section>", re.DOTALL)
NOTES = re.compile(r'<aside class="notes">(.*?)</aside>', re.DOTALL)
TAG = re.compile(r"<[^>]+>")
HEADING = re.compile(r"<h[1-3][^>]*>(.*?)</h[1-3]>", re.DOTALL)
ELEMENT_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)\b[^>]*?(/?)>")
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "meta", "source", "track", "wbr"}


def text_of(fragment: str) -> str:
    """Text with tags removed and whitespace folded."""
    return " ".join(html.unescape(TAG.sub(" ", fragment)).split())


@dataclass(frozen=True)
class Slide:
    title: str
    shown: str  # the slide's HTML without its speaker notes
    notes: str  # the speaker notes' HTML

    @property
    def text(self) -> str:
        return text_of(self.shown)

    @property
    def notes_text(self) -> str:
        return text_of(self.notes)

    @property
    def point_items(self) -> list[str]:
        """The HTML of each item of the lists shown directly on the slide (not in a box)."""
        return top_level_list_items(self.shown)

    @property
    def points(self) -> list[str]:
        """The text of each item of the lists shown directly on the slide (not in a box)."""
        return [text_of(item) for item in self.point_items]


def top_level_list_items(fragment: str) -> list[str]:
    """The inner HTML of each ``<li>`` of a ``<ul>``/``<ol>`` that is a child of the slide."""
    items, stack, start = [], [], 0
    for tag in ELEMENT_TAG.finditer(fragment):
        closing, name, self_closing = tag.group(1), tag.group(2).lower(), tag.group(3)
        if closing:
            while stack and stack.pop() != name:
                pass  # an unclosed element (Pandoc writes none) ends with its parent
            if name == "li" and stack in (["ul"], ["ol"]):
                items.append(fragment[start : tag.start()])
        elif name not in VOID and not self_closing:
            if name == "li" and stack in (["ul"], ["ol"]):
                start = tag.end()
            stack.append(name)
    return items


def slides(deck: Path) -> list[Slide]:
    """Every slide of the deck in order; the title slide comes from the template."""
    page = deck.read_text(encoding="utf-8")
    page = page[page.index('<div class="slides">') : page.index('<div class="deck-footer"')]
    found = []
    for match in LEAF_SECTION.finditer(page):
        body = match.group(1)
        notes = "".join(NOTES.findall(body))
        shown = NOTES.sub("", body)
        heading = HEADING.search(shown)
        found.append(Slide(text_of(heading.group(1)) if heading else "", shown, notes))
    return found


CONTINUED = " (jatkuu)"


def slide_titled(deck: Path, title: str) -> Slide:
    """The first slide titled ``title``, with the "(jatkuu)" slides that continue it.

    What did not fit on a slide continues on the next (the build's layout
    pass); a construct of the slide is found on one of them, in order.
    """
    found = slides(deck)
    starts = [number for number, slide in enumerate(found) if slide.title == title]
    assert starts, f"no slide titled {title!r} in {deck.name}"
    run = [found[starts[0]]]
    for slide in found[starts[0] + 1 :]:
        if slide.title != title + CONTINUED:
            break
        run.append(slide)
    return Slide(
        title, "".join(slide.shown for slide in run), "".join(slide.notes for slide in run)
    )
