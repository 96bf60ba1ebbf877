"""Walking Pandoc's JSON AST of the handout: its elements, its text, the lists handout.lua adds."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tests.support.corpus.html_tree import words

# Pandoc's JSON AST: {"t": type, "c": contents}.

AST_BLOCKS = words(
    "Para Plain Header BulletList OrderedList Div BlockQuote Table Figure LineBlock DefinitionList"
)


def ast_children(value) -> Iterator:
    """The AST elements directly inside ``value`` (a node, list or document)."""
    if isinstance(value, dict):
        if "t" in value:
            yield value
        else:
            for item in value.values():
                yield from ast_children(item)
    elif isinstance(value, list):
        for item in value:
            yield from ast_children(item)


def ast_walk(value, skip: Callable[[dict], bool] = lambda node: False) -> Iterator[dict]:
    """Every AST element under ``value``, depth first; a skipped element's inside is not."""
    for node in ast_children(value):
        yield node
        if not skip(node):
            yield from ast_walk(node.get("c"), skip)


def ast_text(value, skip: Callable[[dict], bool] = lambda node: False) -> str:
    """The text a reader sees: words, spaces and line breaks; skipped elements left out."""
    parts: list[str] = []
    for node in ast_children(value):
        kind = node["t"]
        if skip(node):
            continue
        if kind == "Str":
            parts.append(node["c"])
        elif kind in ("Space", "SoftBreak"):
            parts.append(" ")
        elif kind == "LineBreak":
            parts.append("\n")
        else:
            inner = ast_text(node.get("c"), skip)
            block = kind in AST_BLOCKS
            parts.append(f"\n{inner}\n" if block else inner)
    return "".join(parts)


def is_raw_typst(node: dict, prefix: str) -> bool:
    return node["t"] == "RawInline" and node["c"][0] == "typst" and node["c"][1].startswith(prefix)


def note_texts(doc: dict) -> set[str]:
    return {" ".join(ast_text(n["c"]).split()) for n in ast_walk(doc) if n["t"] == "Note"}


def sources_lists(doc: dict) -> list[dict]:
    """Lists handout.lua makes under "Lähteet": every item the text of a footnote."""
    notes = note_texts(doc)
    found = []
    for node in ast_walk(doc):
        if node["t"] == "OrderedList" and notes:
            items = [" ".join(ast_text(item).split()) for item in node["c"][1]]
            if items and all(item in notes for item in items):
                found.append(node)
    return found


def ast_lists(value) -> Iterator[list]:
    """Every list in the AST's JSON (block and inline sequences among them)."""
    if isinstance(value, list):
        yield value
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        yield from ast_lists(item)


def is_element(value) -> bool:
    return isinstance(value, dict) and "t" in value
