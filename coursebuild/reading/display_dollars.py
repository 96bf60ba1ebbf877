"""``$$…$$`` inside a paragraph as display math, as python-markdown-math (mdx_math) reads it.

mdx_math takes ``$$…$$`` for display math wherever it stands, an indented
line in a list item included; arithmatex, its stand-in here, only at the
start of a block. This inline pattern, registered before arithmatex's own,
gives such a formula arithmatex's generic markup, ``\\[…\\]`` in a span, which
html_bridge reads as display math in the running text.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

DISPLAY_DOLLARS = r"(?<!\\)\$\$(?!\$)(.+?)(?<!\\)\$\$"


class DisplayDollars(InlineProcessor):
    def handleMatch(self, match, data):
        span = etree.Element("span", {"class": "arithmatex"})
        span.text = AtomicString(f"\\[{match.group(1).strip()}\\]")
        return span, match.start(0), match.end(0)


class DisplayDollarsExtension(Extension):
    def extendMarkdown(self, md):
        md.inlinePatterns.register(DisplayDollars(DISPLAY_DOLLARS, md), "display-dollars", 190)


def makeExtension(**kwargs):  # Python-Markdown finds the extension by this name
    return DisplayDollarsExtension(**kwargs)
