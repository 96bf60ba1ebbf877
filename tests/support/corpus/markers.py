"""Raw markup left as text, scanned on the site, the slides and notes, the handout and its PDF."""

from __future__ import annotations

import functools
import re
import subprocess
from collections import Counter
from pathlib import Path

from pymdownx import emoji

from tests.support.corpus.counts import is_math, is_math_source
from tests.support.corpus.deck_html import deck_slides
from tests.support.corpus.html_tree import Node, text_of
from tests.support.corpus.pandoc_ast import ast_text, ast_walk, sources_lists

MARKERS = {
    "!!!": re.compile(r"!!!"),
    "???": re.compile(r"\?\?\?"),
    "===": re.compile(r"^[ \t]*===", re.MULTILINE),
    "==x==": re.compile(r"(?<!=)==[^=\s](?:[^=\n]*[^=\s])?==(?!=)"),
    "++key++": re.compile(r"\+\+[A-Za-z0-9][\w-]*(?:\+[\w-]+)*\+\+"),
    "$$": re.compile(r"\$\$"),
    "\\begin": re.compile(r"\\begin\b"),
    "[^": re.compile(r"\[\^"),
    "```": re.compile(r"```"),
    "(1)!": re.compile(r"\(\d+\)!"),
    "{ width": re.compile(r"\{\s*:?\s*width\b"),
}
SHORTCODE = re.compile(r"(?=(:[a-z0-9_+-]+:))")


@functools.cache
def emoji_shortcodes() -> frozenset[str]:
    """Every shortcode (``:smile:``) of the twemoji index the sites name in mkdocs.yml."""
    index = emoji.twemoji({}, None)
    return frozenset(index["emoji"]) | frozenset(index["aliases"])


def find_markers(text: str) -> Counter:
    """How often each kind of raw markup occurs in ``text``."""
    found = Counter({name: len(pattern.findall(text)) for name, pattern in MARKERS.items()})
    known = emoji_shortcodes()
    found[":emoji:"] = sum(code in known for code in SHORTCODE.findall(text))
    return +found


def excess_markers(found: Counter, allowed: Counter) -> Counter:
    """Markers beyond what the site itself shows as text."""
    return +Counter({name: count - allowed.get(name, 0) for name, count in found.items()})


def describe(markers: Counter, text: str) -> str:
    """Each marker with its count and the text around its first occurrence."""
    parts = []
    for name, count in sorted(markers.items()):
        pattern = SHORTCODE if name == ":emoji:" else MARKERS[name]
        match = next(
            (m for m in pattern.finditer(text) if name != ":emoji:" or m[1] in emoji_shortcodes()),
            None,
        )
        context = ""
        if match is not None:
            start = max(0, match.start() - 30)
            context = " (" + repr(" ".join(text[start : match.start() + 40].split())) + ")"
        parts.append(f'"{name}" ×{count}{context}')
    return ", ".join(parts)


def site_skip(node: Node) -> bool:
    return node.tag in ("pre", "code", "script", "style") or is_math(node)


def site_text(root: Node) -> str:
    """What the site shows as prose: no code, no math."""
    return text_of(root, site_skip)


def site_all_text(root: Node) -> str:
    """What the site shows as text, code included, math left out."""
    return text_of(root, lambda node: node.tag in ("script", "style") or is_math(node))


def deck_markup_problems(html: str, allowed: Counter) -> list[str]:
    """Raw markup on the slides or in the notes beyond the page's allowance, a message a slide.

    The slides together show each part of the page once (and the notes again), so
    the whole deck's slides, and its notes, are held to what the site shows.
    """
    slides = deck_slides(html)
    problems = []
    for place in ("slide", "notes"):
        found = [(slide, slide.text if place == "slide" else slide.notes) for slide in slides]
        markers = [find_markers(text) for _, text in found]
        extra = excess_markers(sum(markers, Counter()), allowed)
        for (slide, text), kinds in zip(found, markers, strict=True):
            shown = Counter({name: n for name, n in kinds.items() if name in extra})
            if shown:
                problems.append(f"{place} {slide.number} '{slide.title}': {describe(shown, text)}")
    return problems


def handout_skip(node: dict) -> bool:
    """Code, math, raw Typst and images' alt text: not prose the reader sees."""
    return node["t"] in ("Code", "CodeBlock", "Math", "RawInline", "RawBlock", "Image")


def handout_markup_problems(doc: dict, allowed: Counter) -> list[str]:
    generated = {id(node) for node in sources_lists(doc)}
    text = ast_text(doc["blocks"], lambda n: handout_skip(n) or id(n) in generated)
    extra = excess_markers(find_markers(text), allowed)
    return [f"handout text: {describe(extra, text)}"] if extra else []


def math_source_markers(doc: dict) -> Counter:
    """Markers in math shown as its TeX (the site draws it): the PDF's text has them."""
    sources = [node["c"][1] for node in ast_walk(doc) if is_math_source(node)]
    return sum(map(find_markers, sources), Counter())


def pdf_text(pdf: Path) -> str:
    stat = pdf.stat()
    return pdf_text_of(pdf, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def pdf_text_of(pdf: Path, mtime_ns: int, size: int) -> str:
    """pdftotext's text of one version of the PDF: two checks read each handout's."""
    result = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"pdftotext failed on {pdf}: {result.stderr.strip()}")
    return result.stdout


def pdf_markup_problems(pdf: Path, site_markers: Counter, title: str = "") -> list[str]:
    """Markers in the PDF's text, of the kinds the page never shows (not even in code).

    pdftotext cannot tell code from prose, so a kind found anywhere in the site's
    text (code included) is not looked for here; the AST check covers those. The
    lesson's ``title`` is on every page's running head: counted once.
    """
    text = pdf_text(pdf)
    if title:
        first = text.find(title) + len(title)
        text = text[:first] + text[first:].replace(title, " ")
    found = find_markers(text)
    extra = Counter({name: n for name, n in found.items() if name not in site_markers})
    return [f"PDF text: {describe(extra, text)}"] if extra else []
