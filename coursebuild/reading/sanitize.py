"""The allow-list a page's HTML passes before Pandoc reads it: no lesson-supplied script.

A lesson comes in as a pull request, so its page is untrusted: its raw HTML
and the attributes attr_list lets it write reach the HTML Python-Markdown
makes, and from there the deck students open. nh3 (the Ammonia sanitizer)
parses that HTML as a browser would and keeps only the elements and
attributes listed here: what Python-Markdown, pymdown-extensions and
html_bridge.py write, and the plain formatting an author writes by hand
(``<kbd>``, ``<br>``, ``<sup>``, ``<details>``, ``<img width>``, …). No
``<script>``, ``<style>``, ``<iframe>`` (html_bridge made the videos link
cards before this), ``<object>``, ``<form>``, ``<meta>`` or ``<base>``; no
``on*`` attribute; a link or image only to http(s), mailto or a relative
address, never ``javascript:``, ``data:`` or ``vbscript:``. reveal.js's own
``data-*`` attributes (``data-background-iframe``, …) are not allowed: only
the bridge's.

The build's own HTML is added after this (MathML and highlighted code by
Pandoc, images as data: URIs, the deck template), and the deck's
Content-Security-Policy (deck.py) is the second wall should anything pass.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable

import nh3

from coursebuild.core.url_policy import URL_SCHEMES, is_allowed_url

TAGS = frozenset(
    {
        # blocks
        "blockquote", "dd", "details", "div", "dl", "dt", "figcaption", "figure",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "section",
        "summary", "ul",
        # tables
        "caption", "col", "colgroup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
        # text
        "a", "abbr", "b", "br", "cite", "code", "del", "dfn", "em", "i", "img", "ins",
        "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time",
        "u", "var", "wbr",
        # task lists: a disabled check box in a label
        "input", "label",
    }
)  # fmt: skip
# Dropped with everything inside: their content is code or a fallback, not text.
CLEAN_CONTENT_TAGS = frozenset(
    {
        "embed", "iframe", "noembed", "noframes", "noscript", "object", "script",
        "select", "style", "template", "textarea", "title", "xmp",
    }
)  # fmt: skip
ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "role"},
    "a": {"href", "data-handout-href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
    "time": {"datetime"},
    "input": {"checked", "disabled"},
    # html_bridge.py's own: math, code blocks, link cards (and links to pages, above).
    "span": {"data-tex"},
    "pre": {"data-title", "data-linenums", "data-hl-lines"},
    "div": {"data-href"},
}
# Python-Markdown aligns table columns with these styles (or align=); a page
# gets no other style attribute: CSS cannot run script, but it can fetch.
ALIGNMENTS = {"left", "center", "right"}
ALIGN_STYLES = {f"text-align: {side};" for side in ALIGNMENTS}
ATTRIBUTE_VALUES = {
    "input": {"type": {"checkbox"}},
    "th": {"align": ALIGNMENTS, "style": ALIGN_STYLES},
    "td": {"align": ALIGNMENTS, "style": ALIGN_STYLES},
}
# Attributes that hold an address nh3 does not know to check: a link card's target,
# and the handout's target of a link to another page.
URL_ATTRIBUTES = {("div", "data-href"), ("a", "data-handout-href")}


def sanitize_html(html: str, image_source: Callable[[str], str | None] = lambda src: src) -> str:
    """``html`` with only the allowed elements, attributes and addresses left.

    ``image_source`` maps each remaining image's src to the one to keep, or
    None to drop it; it sees only addresses the allow-list let through.
    """

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            return image_source(value)
        if (tag, attribute) in URL_ATTRIBUTES and not is_allowed_url(value):
            return None
        return value

    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        tag_attribute_values={
            tag: {name: set(values) for name, values in allowed.items()}
            for tag, allowed in ATTRIBUTE_VALUES.items()
        },
        attribute_filter=attribute_filter,
        url_schemes=set(URL_SCHEMES),
        strip_comments=True,
        # Links keep what the page wrote: rel= only matters for a target= window.
        link_rel=None,
    )


# -- nothing dropped silently -------------------------------------------------------------

# A start or end tag, its quoted attribute values skipped whole ("a > b" inside one).
TAG = re.compile(r"""</?[A-Za-z][^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
CLOSED_CONTENT = re.compile(
    r"<(?P<tag>" + "|".join(sorted(CLEAN_CONTENT_TAGS)) + r")\b[^>]*>.*?</(?P=tag)\s*>",
    re.DOTALL | re.IGNORECASE,
)
OPENING = re.compile(r"<(?:(?P<tag>" + "|".join(sorted(CLEAN_CONTENT_TAGS)) + r")\b|!--)", re.I)
WORD = re.compile(r"\w+")


def visible_words(markup: str) -> list[str]:
    """The words of ``markup``'s text, tags and comments left out."""
    return WORD.findall(html.unescape(TAG.sub(" ", COMMENT.sub(" ", markup))))


def dropped_text(before: str, after: str) -> list[str]:
    """Words of ``before``'s text that the allow-list lost in ``after``, in order; [] if none.

    What an element whose content is dropped by design holds (a closed
    ``<textarea>…</textarea>``, a comment) is not counted. One left open
    (``<textarea>`` without its end, an unclosed ``<!--``) takes the rest of
    the page with it in a browser's parser: that is what this finds.
    """
    expected = visible_words(CLOSED_CONTENT.sub(" ", COMMENT.sub(" ", before)))
    lost = Counter(expected) - Counter(visible_words(after))
    return [word for word in expected if lost[word] > 0]


def unclosed_opening(markup: str) -> tuple[str, int] | None:
    """The first element of dropped content (or comment) never closed: its opening, and
    which occurrence of that opening in ``markup`` it is (0 for the first)."""
    for match in OPENING.finditer(markup):
        tag = match.group("tag")
        end = re.compile(rf"</{tag}\s*>", re.I) if tag else re.compile("-->")
        if end.search(markup, match.end()) is None:
            opening = match.group(0)
            return opening, markup[: match.start()].count(opening)
    return None
