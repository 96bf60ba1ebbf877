"""What the site hides stays hidden: elements styled ``display: none`` or marked ``hidden``.

A page hides a block for a reason (an answer for later, a note to itself);
the browser never shows it, so neither does a slide or the handout. The
page's raw HTML is filtered as text, before the allow-list drops the styles
that say so; the Markdown tree (``md_in_html``, attr_list) as elements.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser

DISPLAY_NONE = re.compile(r"(?:^|;)\s*display\s*:\s*none\s*(?:!important\s*)?(?:;|$)", re.I)
# Elements without an end tag: they open no level to close.
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip


def is_hidden(attributes: dict[str, str | None]) -> bool:
    return "hidden" in attributes or bool(DISPLAY_NONE.search(attributes.get("style") or ""))


def drop_hidden_elements(root: etree.Element) -> None:
    """Remove every hidden element of the tree, its tail text kept in place."""
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and is_hidden(dict(child.attrib)):
                keep_tail(parent, child)
                parent.remove(child)


def keep_tail(parent: etree.Element, child: etree.Element) -> None:
    if not child.tail:
        return
    before = None
    for element in parent:
        if element is child:
            break
        before = element
    if before is None:
        parent.text = (parent.text or "") + child.tail
    else:
        before.tail = (before.tail or "") + child.tail


class _HiddenFilter(HTMLParser):
    """HTML text passed through as written, less the hidden elements and what they hold."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.kept: list[str] = []
        self.open: list[str] = []  # the tags open now, outermost first
        self.hidden_at: int | None = None  # depth of the hidden element being skipped

    def emit(self, text: str) -> None:
        if self.hidden_at is None:
            self.kept.append(text)

    def handle_starttag(self, tag, attrs):
        text = self.get_starttag_text() or ""
        if tag in VOID:
            if not (self.hidden_at is None and is_hidden(dict(attrs))):
                self.emit(text)
            return
        if self.hidden_at is None and is_hidden(dict(attrs)):
            self.hidden_at = len(self.open)
        self.emit(text)
        self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        if not (self.hidden_at is None and is_hidden(dict(attrs))):
            self.emit(self.get_starttag_text() or "")

    def handle_endtag(self, tag):
        if tag in self.open:
            # An end tag closes what is left open inside it, as a browser's parser does.
            while self.open:
                if self.open.pop() == tag:
                    break
            self.emit(f"</{tag}>")
            if self.hidden_at is not None and len(self.open) <= self.hidden_at:
                self.hidden_at = None
        else:
            self.emit(f"</{tag}>")

    def handle_data(self, data):
        self.emit(data)

    def handle_entityref(self, name):
        self.emit(f"&{name};")

    def handle_charref(self, name):
        self.emit(f"&#{name};")

    def handle_comment(self, data):
        self.emit(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.emit(f"<!{decl}>")

    def handle_pi(self, data):
        self.emit(f"<?{data}>")

    def unknown_decl(self, data):
        self.emit(f"<![{data}]>")


# A start tag that may hide its element: the page is parsed only when it has one.
HIDING = re.compile(
    r"""<[A-Za-z][^>]*?\s(?:hidden\b|style\s*=\s*["']?[^"'>]*display\s*:\s*none)""", re.I
)


def without_hidden(markup: str) -> str:
    """``markup`` less its hidden elements; the text itself when nothing could hide."""
    if not HIDING.search(markup):
        return markup  # the usual page: not parsed again
    parser = _HiddenFilter()
    parser.feed(markup)
    parser.close()
    return "".join(parser.kept) + parser.rawdata
