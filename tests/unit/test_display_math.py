"""Display math MathJax shows and Pandoc would not read: line breaks, and mdx_math's ``$$``."""

from __future__ import annotations

import pytest

from coursebuild.reading.html_bridge import display_lines
from tests.support.site_page import read_site_page


@pytest.mark.parametrize(
    "tex, read",
    [
        (r"a = 1,\\ b = 2", r"\begin{gathered}a = 1,\\ b = 2\end{gathered}"),
        (r"a = 1 \\", "a = 1"),  # MathJax ignores a closing break
        (r"a \\ b \\", r"\begin{gathered}a \\ b\end{gathered}"),
        (r"\begin{aligned} a &= 1 \\ b &= 2 \end{aligned}", None),  # inside an environment
        (r"x_{a \\ b}", None),  # inside a group
        (r"\{a\} \\ c", r"\begin{gathered}\{a\} \\ c\end{gathered}"),  # \{ is no group
        (r"\frac{a}{b}", None),
    ],
)
def test_top_level_line_breaks_become_gathered_lines(tex, read):
    assert display_lines(tex) == (tex if read is None else read)


MDX_MATH = (
    "site_name: S\nmarkdown_extensions:\n  - mdx_math:\n      enable_dollar_delimiter: True\n"
)


def test_mdx_maths_dollars_in_an_indented_paragraph_are_display_math(tmp_path):
    page = "# Sivu\n\n  Yhtälö:\n\n   $$A(x) u = D(x),\\\\ B = 1 $$\n\n  ja $x$ sen jälkeen.\n"
    files = {"mkdocs.yml": MDX_MATH, "docs/sivu.md": page}
    html, _, _ = read_site_page(tmp_path / "sivusto", files, "docs/sivu.md")
    assert (
        '<span class="math display" data-tex="\\begin{gathered}A(x) u = D(x),\\\\ B = 1'
        '\\end{gathered}"></span>'
    ) in html
    assert '<span class="math inline" data-tex="x"></span>' in html
    assert "$$" not in html


def test_two_dollar_formulas_on_the_lines_of_one_paragraph_are_two_formulas(tmp_path):
    """mdx_math reads "$$a$$" and "$$b$$" on two lines as two formulas, not one of both."""
    page = "# Sivu\n\n$$ u'(0) = 0 $$\n$$ u'(1) = 0$$\n\nLoppu.\n"
    files = {"mkdocs.yml": MDX_MATH, "docs/sivu.md": page}
    html, _, _ = read_site_page(tmp_path / "sivusto", files, "docs/sivu.md")
    assert html.count('<span class="math display"') == 2
    assert '<p><span class="math display" data-tex="u\'(0) = 0"></span></p>' in html
    assert '<p><span class="math display" data-tex="u\'(1) = 0"></span></p>' in html
    assert "$$" not in html
