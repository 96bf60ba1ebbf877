"""A small HTML tree on html.parser (html5lib and lxml are not installed), and its text."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


VOID_TAGS = words("area base br col embed hr img input link meta param source track wbr")
BLOCK_TAGS = words(
    "p div li ul ol pre table tr td th h1 h2 h3 h4 h5 h6 section aside details summary "
    "blockquote figure figcaption br hr dt dd"
)


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def has(self, tag: str, css_class: str | None = None) -> bool:
        return self.tag == tag and (css_class is None or css_class in self.classes)

    def descendants(self) -> Iterator[Node]:
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.descendants()

    def inside(self, test: Callable[[Node], bool]) -> bool:
        node = self.parent
        while node is not None:
            if test(node):
                return True
            node = node.parent
        return False


class TreeBuilder(HTMLParser):
    """html.parser events to a Node tree; a stray end tag is ignored, as browsers do."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {name: value or "" for name, value in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.stack.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Node:
    parser = TreeBuilder()
    parser.feed(text)
    parser.close()
    return parser.root


def text_of(node: Node, skip: Callable[[Node], bool] = lambda node: False) -> str:
    """The node's text, block elements on lines of their own, skipped subtrees left out."""
    parts: list[str] = []

    def walk(current: Node) -> None:
        for child in current.children:
            if isinstance(child, str):
                parts.append(child)
            elif not skip(child):
                block = child.tag in BLOCK_TAGS
                parts.append("\n" if block else "")
                walk(child)
                parts.append("\n" if block else "")

    walk(node)
    return "".join(parts)
