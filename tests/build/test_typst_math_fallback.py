"""A formula Typst refuses (Pandoc's Typst writer slipping) is its TeX in a code box, not a failure.

``\\mathcal{}`` (nothing in it) is read by MathJax and Pandoc; the writer makes it
``cal()``, which Typst refuses for its missing argument.
"""

from __future__ import annotations

import pytest

from tests.support.corpus.markers import pdf_text
from tests.support.course_factory import make_site, run_build

SITE = """\
site_name: Kaavat
theme:
  name: material
  language: fi
markdown_extensions:
  - pymdownx.arithmatex:
      generic: true
"""
PAGE = """\
# Kaavat

## Osa

Hyvä kaava $a + b$ jää kaavaksi.

Tyhjä kaava $\\mathcal{}$ näkyy TeXinä.

$$
x = \\mathcal{} + 1
$$
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("typst")
    course = make_site(root / "kurssi", {"mkdocs.yml": SITE, "docs/kaavat.md": PAGE})
    result = run_build(course, "--out", str(root / "out"))
    strict = run_build(course, "--out", str(root / "tiukka"), "--strict")
    return course, root / "out", result, strict


def test_the_page_builds_and_each_refused_formula_is_a_warning_at_its_line(built):
    course, _, result, strict = built
    assert result.returncode == 0, result.stderr
    page = course / "docs" / "kaavat.md"
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    shown = "Typst cannot typeset this math, shown as its TeX"
    assert sorted(warnings) == [
        f"warning: {page}:10: {shown}: x = \\mathcal{{}} + 1",
        f"warning: {page}:7: {shown}: \\mathcal{{}}",
    ]
    assert strict.returncode == 1 and "2 warning(s) and --strict is on" in strict.stderr


def test_the_refused_formulas_are_their_tex_and_the_others_stay_math(built):
    _, out, _, _ = built
    handout = " ".join(pdf_text(out / "kaavat.pdf").split())
    assert "Tyhjä kaava \\mathcal{} näkyy" in handout and "x = \\mathcal{} + 1" in handout
    assert "a + b" not in handout and "𝑎 + 𝑏" in handout  # set as math, not as its TeX
