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


def slide_titled(deck: Path, title: str) -> Slide:
    matching = [slide for slide in slides(deck) if slide.title == title]
    assert matching, f"no slide titled {title!r} in {deck.name}"
    return matching[0]
