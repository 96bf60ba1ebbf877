"""Handouts are PDF/UA-1: what a screen reader gets, enforced by Typst (issue 12, item 2).

One tiny MkDocs site, built once by the real build.py, carries every kind of
thing PDF/UA asks about: an image with alt text and a caption, one with a
caption only, an emoji as :shortcode: and one as a character, inline and
display formulas (one whose TeX holds ``"``, ``\\``, ``)`` and ``#``), a
heading written two levels down, a table with a header row and one without.
The evidence is the PDF itself, read with pypdf: its PDF/UA claim, tags,
language and title, and the ``/Alt`` of each figure and formula in the
structure tree. A page with an image lacking both alt text and caption is
refused at its line. Below the build, typst_math.lua is run by the real
Pandoc to show how TeX is read out.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pypdf
import pytest
import typst

from tests.support.course_factory import ARITHMATEX, EMOJI, make_course, mkdocs_yml, run_build
from tests.support.images import png
from tests.support.typst_text import handout_math, typst_alt

MKDOCS_YML = mkdocs_yml("tables", "attr_list", ARITHMATEX, EMOJI)
# The TeX of a formula holding what a Typst string must escape (", \) and
# what Typst code is made of (#, parentheses).
TRICKY_TEX = r'\text{"q"} + \# + f(x) \setminus \backslash'
PAGE = f"""\
# Saavutettava sivu

## Kuvat

![Oma kuvaus](kuva.png)

**Kuva 1:** Kuvateksti, jota ei lueta kuvan sijaan.

![](kuva.png)

**Kuva 2:** Vain kuvateksti.

Emoji :snake: tekstissä ja sellaisenaan 💪.

Koodissa `tila = ✅` ja lohkossa:

```python
print("⛔")
```

## Kaavat

Murtoluku $\\frac{{a+b}}{{2}}$ ja ${TRICKY_TEX}$ (sulut) [hakasulut] jatkuu.

$$\\sum_{{i=1}}^{{n}} x_i^2$$

#### Kirjoitettu tasolle neljä

| a | b |
|---|---|
| 1 | 2 |

<table><tr><td>ilman</td><td>otsikkoriviä</td></tr></table>
"""
BARE_IMAGE_LINE = 13  # the page below: the second image of kuva.png
BARE_PAGE = """\
# Sivu

## Osio

Teksti.

![Kuvaus](kuva.png)

**Kuva 1:** Kuvateksti.

Lisää tekstiä.

![](kuva.png)

Loppu.
"""


def make_site(root: Path, page: str) -> Path:
    make_course(
        root, {"mkdocs.yml": MKDOCS_YML, "docs/sivu.md": page, "docs/kuva.png": png(40, 20)}
    )
    (root / "course.toml").unlink()  # the site is the course
    return root


@pytest.fixture(scope="module")
def handout(tmp_path_factory) -> Path:
    root = make_site(tmp_path_factory.mktemp("ua"), PAGE)
    result = run_build(root, "--out", str(root / "out"))
    assert result.returncode == 0, result.stderr
    return root / "out" / "sivu.pdf"


@pytest.fixture(scope="module")
def reader(handout) -> pypdf.PdfReader:
    return pypdf.PdfReader(handout)


def structure(reader: pypdf.PdfReader) -> list[tuple[str, str | None]]:
    """Every structure element in reading order: its type and its /Alt."""
    found: list[tuple[str, str | None]] = []

    def walk(node) -> None:
        node = node.get_object()
        if not hasattr(node, "get") or "/S" not in node:
            return
        found.append((str(node["/S"]), node.get("/Alt")))
        kids = node.get("/K")
        kids = kids.get_object() if kids is not None else []
        for kid in kids if isinstance(kids, list) else [kids]:
            walk(kid)

    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    kids = root["/K"].get_object()
    for kid in kids if isinstance(kids, list) else [kids]:
        walk(kid)
    return found


def alts(reader: pypdf.PdfReader, kind: str) -> list[str | None]:
    return [alt for element, alt in structure(reader) if element == kind]


def test_handout_declares_pdf_ua_1_and_is_tagged(reader):
    catalog = reader.trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part(?:>|=\")1", xmp), xmp
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog


def test_handout_has_its_language_and_title(reader):
    assert reader.trailer["/Root"]["/Lang"] == "fi"
    assert reader.metadata.title == "Saavutettava sivu"


def test_figure_alt_is_its_alt_text_else_its_caption_and_an_emoji_its_character(reader):
    """An emoji written as a character, which no handout font has, is its Twemoji image,
    in code too."""
    assert alts(reader, "/Figure") == ["Oma kuvaus", "Vain kuvateksti.", "🐍", "💪", "✅", "⛔"]


def test_each_formula_reads_as_its_tex_made_readable(reader):
    assert alts(reader, "/Formula") == [
        "(a+b)/2",
        '"q" + # + f(x) ∖ \\',
        "∑_(i=1)^n x_i^2",
    ]


def test_text_after_a_formula_stays_text(handout):
    text = subprocess.run(["pdftotext", str(handout), "-"], capture_output=True, text=True)
    assert "(sulut) [hakasulut] jatkuu" in text.stdout


def test_headings_are_in_order_from_the_lesson_title(reader):
    headings = [element for element, _ in structure(reader) if re.fullmatch(r"/H\d", element)]
    # The page's "####" after "##" is tagged a level 3.
    assert headings == ["/H1", "/H2", "/H2", "/H3"]


def test_a_table_with_a_header_row_has_header_cells_and_one_without_builds(reader):
    elements = [element for element, _ in structure(reader)]
    assert elements.count("/Table") == 2
    assert elements.count("/TH") == 2  # a and b; the table without a header has none


def test_an_image_without_alt_text_or_caption_is_a_warning_at_its_line(tmp_path):
    """The site shows it: a warning, its file name in words as its alt; --strict fails it."""
    root = make_site(tmp_path, BARE_PAGE)
    result = run_build(root, "--out", str(root / "out"))
    assert result.returncode == 0, result.stderr
    page = root / "docs" / "sivu.md"
    warnings = [line for line in result.stderr.splitlines() if "kuva.png has no alt" in line]
    assert warnings == [
        f"warning: {page}:{BARE_IMAGE_LINE}: image kuva.png has no alt text and no caption,"
        ' which a screen reader needs; its file name stands in ("kuva"): write'
        " ![what it shows](kuva.png) or a caption after it"
    ]
    figures = alts(pypdf.PdfReader(root / "out" / "sivu.pdf"), "/Figure")
    assert "kuva" in figures
    strict = run_build(root, "--out", str(root / "strict"), "--strict")
    assert strict.returncode == 1
    assert not (root / "strict" / "sivu.pdf").exists()


# -- typst_math.lua, by the real Pandoc -------------------------------------------------


@pytest.mark.parametrize(
    ("tex", "readable"),
    [
        (r"\frac{\partial L}{\partial w_{ij}}", "(∂ L)/(∂ w_ij)"),
        (r"\sqrt{x^{2}+1} \leq \alpha \cdot \beta", "√(x^2+1) ≤ α · β"),
        (
            r"\hat{y} = \operatorname*{argmax}_k \left\| \mathbf{x} \right\|",
            "hat(y) = argmax_k ‖ x ‖",
        ),
        (r"\left. f \right|_{0} \quad \text{kun } x \to \infty", "f |_0 kun x → ∞"),
        (r"\begin{aligned} a &= b \\ c &= d \tag{3} \end{aligned}", "a = b; c = d (3)"),
        (r"\log x + \mathrm{softmax}(z)", "log x + softmax(z)"),
        (
            r"X = \begin{bmatrix} 1 & x_{11} \\ 1 & x_{21} \end{bmatrix} \dot{} w",
            "X = [ 1, x_11; 1, x_21 ] dot w",
        ),
        (TRICKY_TEX, '"q" + # + f(x) ∖ \\'),
    ],
)
def test_tex_is_read_out_linear(tex, readable):
    assert typst_alt(handout_math(f"${tex}$")) == readable


def test_alt_text_cannot_end_its_string(tmp_path):
    """A formula's TeX reaches Typst only inside string literals: ``#panic`` stays text."""
    tex = r'\text{") #panic("x")} + \#\backslash'
    code = handout_math(f"a ${tex}$ b (c)")
    source = f'#set document(title: "t")\n#set text(lang: "fi")\n= t\n{code}'
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(
        typst.compile(source.encode(), pdf_standards=["ua-1"], ignore_system_fonts=True)
    )
    assert alts(pypdf.PdfReader(pdf), "/Formula") == ['") #panic("x") + #\\']
