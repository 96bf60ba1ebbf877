"""The deck's slides and speaker notes, read from its reveal.js HTML."""

from __future__ import annotations

from dataclasses import dataclass

from tests.support.corpus.html_tree import Node, parse_html, text_of

# The deck: reveal.js sections from Pandoc and the deck template.

DECK_SKIP = ("pre", "code", "math", "svg", "script", "style")


def is_notes(node: Node) -> bool:
    return node.has("aside", "notes")


@dataclass(frozen=True)
class Slide:
    number: int
    title: str
    text: str  # the slide's text outside code and math, notes left out
    notes: str  # the speaker notes' text outside code and math


def repeated_titles(node: Node) -> bool:
    return node.tag in ("h1", "h2", "h3") or node.has("div", "admonition-title")


def deck_slides(html: str) -> list[Slide]:
    """Every slide (a <section> holding no other) of a deck, in order."""
    root = parse_html(html)
    sections = [node for node in root.descendants() if node.tag == "section"]
    leaves = [s for s in sections if not any(d.tag == "section" for d in s.descendants())]
    slides = []
    for number, section in enumerate(leaves, 1):
        heading = next((d for d in section.descendants() if d.tag in ("h1", "h2", "h3")), None)
        title = " ".join(text_of(heading).split()) if heading is not None else ""
        # A continuation slide repeats its slide's and its boxes' titles: shown once.
        continued = "continued" in section.classes
        text = text_of(
            section,
            lambda n, c=continued: n.tag in DECK_SKIP or is_notes(n) or (c and repeated_titles(n)),
        )
        notes = "\n".join(
            text_of(aside, lambda n: n.tag in DECK_SKIP)
            for aside in section.descendants()
            if is_notes(aside)
        )
        slides.append(Slide(number, title, text, notes))
    return slides


def is_leaf_section(node: Node) -> bool:
    return node.tag == "section" and not any(d.tag == "section" for d in node.descendants())


def text_outside_slides(html: str) -> str:
    """Text in the deck's slides area but in no slide: reveal.js shows it nowhere sensible."""
    root = parse_html(html)
    area = next(node for node in root.descendants() if node.has("div", "slides"))
    return " ".join(text_of(area, is_leaf_section).split())
