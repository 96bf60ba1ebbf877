"""Text alternatives for the deck's MathML: its TeX, and the text a screen reader says.

Pandoc's ``--mathml`` keeps the TeX in an ``<annotation>``; every ``<math>``
gets it as ``alttext`` (MathML's own attribute, which math-aware screen
readers know). The text to say comes from filters/spoken_math.lua, the same
as the handout's alt text (filters/math_text.lua), on a span around the
formula: it becomes the ``aria-label``, the accessible name Chromium gives the
formula (it ignores ``alttext``), and the span goes. The MathML stays below
the label for readers that walk it.
"""

from __future__ import annotations

import html
import re

# The span spoken_math.lua puts around each formula, with the formula inside.
SPOKEN_MATH = re.compile(
    r'<span\s+data-math-alt="(?P<spoken>[^"]*)">'
    r"<math\b(?P<attributes>[^>]*)>(?P<body>.*?)</math></span>",
    re.DOTALL,
)
MATH = re.compile(r"<math\b(?P<attributes>[^>]*)>(?P<body>.*?)</math>", re.DOTALL)
TEX_ANNOTATION = re.compile(
    r'<annotation encoding="application/x-tex">(?P<tex>.*?)</annotation>', re.DOTALL
)


def tex_of(body: str) -> str | None:
    annotation = TEX_ANNOTATION.search(body)
    return None if annotation is None else html.unescape(annotation["tex"]).strip()


def label_spoken(match: re.Match[str]) -> str:
    """A formula out of its span, with its TeX and the span's text as its labels."""
    attributes, body, spoken = match["attributes"], match["body"], match["spoken"]
    tex = tex_of(body)
    labels = "" if tex is None else f' alttext="{html.escape(tex)}"'
    # The span's attribute is escaped already, as an attribute value must be.
    return f'<math{attributes}{labels} aria-label="{spoken}">{body}</math>'


def label_unspoken(match: re.Match[str]) -> str:
    """A formula no filter gave a text: its TeX is the best there is."""
    attributes, body = match["attributes"], match["body"]
    tex = tex_of(body)
    if tex is None or " aria-label=" in attributes:
        return match[0]  # labelled already (a deck the layout pass gave back), or no TeX
    escaped = html.escape(tex)
    return f'<math{attributes} alttext="{escaped}" aria-label="{escaped}">{body}</math>'


def label_math(fragment: str) -> str:
    """Every ``<math>`` in the HTML ``fragment`` given its TeX and its spoken form."""
    return MATH.sub(label_unspoken, SPOKEN_MATH.sub(label_spoken, str(fragment)))
