"""Formulas Pandoc cannot read are shown as their TeX, as code; the others stay math."""

from __future__ import annotations

from coursebuild.reading.html_bridge import math_as_code, math_span_html

GOOD = math_span_html("a < b", display=False)
BAD_INLINE = math_span_html("x \\\\", display=False)
BAD_DISPLAY = math_span_html("y = {1, \\\\\n z", display=True)  # a group never closed


def test_only_the_formulas_named_become_code():
    page = "<p>A " + GOOD + " and " + BAD_INLINE + ".</p>" + BAD_DISPLAY
    shown = math_as_code(page, ["x \\\\", "y = {1, \\\\ z"])  # as Pandoc quotes them
    assert shown == (
        "<p>A " + GOOD + ' and <code class="math-source">x \\\\</code>.</p>'
        '<pre class="math-source"><code>y = {1, \\\\\n z</code></pre>'
    )


def test_the_tex_is_escaped_as_text():
    shown = math_as_code(math_span_html("<script>&", display=False), ["<script>&"])
    assert shown == '<code class="math-source">&lt;script&gt;&amp;</code>'
