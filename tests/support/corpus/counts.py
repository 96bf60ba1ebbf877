"""The eight counts, the same on both sides: the site's own HTML and the handout's AST."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, fields
from urllib.parse import urlsplit

from tests.support.corpus.html_tree import Node, text_of
from tests.support.corpus.pandoc_ast import (
    ast_lists,
    ast_walk,
    is_element,
    is_raw_typst,
    sources_lists,
)


@dataclass(frozen=True)
class Counts:
    code_blocks: int = 0
    admonitions: int = 0
    admonition_titles: int = 0  # admonitions that show a title
    math: int = 0
    images: int = 0
    tables: int = 0
    footnotes: int = 0
    list_items: int = 0

    def differences(self, other: Counts) -> list[str]:
        """'name: site N, handout M' for every count that differs."""
        return [
            f"{item.name.replace('_', ' ')}: site {getattr(self, item.name)}, "
            f"handout {getattr(other, item.name)}"
            for item in fields(self)
            if getattr(self, item.name) != getattr(other, item.name)
        ]


EMOJI_CLASSES = frozenset({"twemoji", "emojione", "gemoji"})


def is_code_block(node: Node) -> bool:
    """A <pre>, but not a line-number column nor a mermaid diagram (counted as an image)."""
    if node.tag != "pre" or "mermaid" in node.classes:
        return False
    return not node.inside(lambda up: up.has("td", "linenos"))


# What a custom element's src names when the site's script draws it as an image.
IMAGE_FILES = (".apng", ".avif", ".gif", ".jpeg", ".jpg", ".png", ".svg", ".webp")


def is_picture(node: Node) -> bool:
    if node.tag == "img":
        return not EMOJI_CLASSES & set(node.classes)
    if node.has("pre", "mermaid"):
        return True
    # A web component showing an image file (terminale-nsi's <gif-player src=…gif>).
    return "-" in node.tag and urlsplit(node.attrs.get("src", "")).path.lower().endswith(
        IMAGE_FILES
    )


def is_math(node: Node) -> bool:
    return node.tag in ("span", "div") and "arithmatex" in node.classes


def formulas(node: Node) -> int:
    """How many formulas a math node shows: a block of "$$a$$" and "$$b$$" lines is two
    (mdx_math reads each pair; its stand-in, arithmatex, takes the block whole)."""
    if not is_math(node):
        return 0
    return 1 + len(re.findall(r"(?<!\\)\$\$", text_of(node))) // 2


def is_footnotes(node: Node) -> bool:
    return node.has("div", "footnote")


def footnote_texts(root: Node) -> set[str]:
    """The distinct texts of the footnote definitions (back links left out)."""
    texts = set()
    for block in filter(is_footnotes, root.descendants()):
        for item in block.descendants():
            if item.tag == "li" and item.parent is not None and item.parent.parent is block:
                text = text_of(item, lambda node: node.has("a", "footnote-backref"))
                texts.add(" ".join(text.split()))
    return texts


def is_list_item(node: Node) -> bool:
    in_list = node.parent is not None and node.parent.tag in ("ul", "ol")
    return node.tag == "li" and in_list and not node.inside(is_footnotes)


def is_admonition(node: Node) -> bool:
    return node.has("div", "admonition") or node.tag == "details"


def has_title(node: Node) -> bool:
    """An admonition with a non-empty title (Python-Markdown's default "Note" included)."""
    titles = [child for child in node.children if isinstance(child, Node)]
    if node.tag == "details":
        titles = [child for child in titles if child.tag == "summary"]
    else:
        titles = [child for child in titles if child.has("p", "admonition-title")]
    return any(text_of(title).strip() for title in titles)


def is_table(node: Node) -> bool:
    return node.tag == "table" and "highlighttable" not in node.classes


def count_site(root: Node) -> Counts:
    """The eight counts of the site's own HTML (Python-Markdown's, not reshaped)."""
    nodes = list(root.descendants())
    return Counts(
        code_blocks=sum(map(is_code_block, nodes)),
        admonitions=sum(map(is_admonition, nodes)),
        admonition_titles=sum(has_title(n) for n in nodes if is_admonition(n)),
        math=sum(map(formulas, nodes)),
        images=sum(map(is_picture, nodes)),
        tables=sum(map(is_table, nodes)),
        footnotes=len(footnote_texts(root)),
        list_items=sum(map(is_list_item, nodes)),
    )


# Math and images written as raw Typst (typst_math.lua, handout.lua), with their alt text.
TYPST_MATH = re.compile(
    r"\A(?:\$.*\$|#math\.equation\(block: (?:true|false), alt: \".*)\Z", re.DOTALL
)
TYPST_PICTURE = re.compile(r"\A#(?:box\()?image\(")


def is_handout_math(node: dict) -> bool:
    if node["t"] == "Math":
        return True
    return (
        node["t"] == "RawInline"
        and node["c"][0] == "typst"
        and bool(TYPST_MATH.match(node["c"][1]))
    )


def is_handout_picture(node: dict) -> bool:
    if node["t"] == "RawInline" and node["c"][0] == "typst":
        return bool(TYPST_PICTURE.match(node["c"][1]))
    return node["t"] == "Image" and not EMOJI_CLASSES & set(node["c"][0][1])


def titled_admonitions(doc: dict) -> int:
    """handout.lua's ``#admonition(kind: …, title: `` followed by ``[`` (a title), not ``none``."""
    return sum(
        is_raw_typst(first, "#admonition(") and is_raw_typst(second, "[")
        for inlines in ast_lists(doc)
        for first, second in itertools.pairwise(inlines)
        if is_element(first) and is_element(second)
    )


def list_items(node: dict) -> int:
    if node["t"] == "BulletList":
        return len(node["c"])
    if node["t"] == "OrderedList":
        return len(node["c"][1])
    return 0


def is_math_source(node: dict) -> bool:
    """Math that Pandoc or Typst could not read, shown as its TeX in code (with a warning)."""
    return node["t"] in ("Code", "CodeBlock") and "math-source" in node["c"][0][1]


def count_handout_ast(doc: dict) -> Counts:
    """The eight counts of the handout's Pandoc AST, as the handout filters leave it."""
    generated = {id(node) for node in sources_lists(doc)}
    nodes = list(ast_walk(doc))
    page_lists = list(ast_walk(doc, lambda n: n["t"] == "Note" or id(n) in generated))
    return Counts(
        code_blocks=sum(n["t"] == "CodeBlock" and not is_math_source(n) for n in nodes),
        admonitions=sum(is_raw_typst(n, "#admonition(") for n in nodes),
        admonition_titles=titled_admonitions(doc),
        math=sum(is_handout_math(n) or is_math_source(n) for n in nodes),
        images=sum(map(is_handout_picture, nodes)),
        tables=sum(n["t"] == "Table" for n in nodes),
        footnotes=sum(n["t"] == "Note" for n in nodes),
        list_items=sum(list_items(n) for n in page_lists if id(n) not in generated),
    )
