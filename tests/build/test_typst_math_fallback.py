"""A formula Typst refuses (Pandoc's Typst writer slipping) is its TeX in a code box, not a failure.

No formula known today makes the writer slip past typst_math.lua's fixes, so the
fault is injected: a copy of the project whose filter breaks one formula's Typst.
"""

from __future__ import annotations

import pytest

from coursebuild.pandoc.run import FILTERS_DIR
from tests.support.corpus.markers import pdf_text
from tests.support.course_factory import copy_project, make_site, run_build

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

Rikottu kaava $\\omega + 1$ näkyy TeXinä.

$$
\\omega^2 = k
$$
"""
# The fault: the writer's Typst for ω left open, which Typst refuses.
FAULT = (
    "local function fix_typst(code, codes)\n",
    'local function fix_typst(code, codes)\n  code = code:gsub("omega", "omega(")\n',
)


@pytest.fixture(scope="module")
def faulty_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("typst")
    project = copy_project(root / "project")
    lua = project / "coursebuild" / "pandoc" / "filters" / "typst_math.lua"
    text = (FILTERS_DIR / "typst_math.lua").read_text(encoding="utf-8")
    assert FAULT[0] in text
    lua.write_text(text.replace(FAULT[0], FAULT[1], 1), encoding="utf-8")
    course = make_site(root / "kurssi", {"mkdocs.yml": SITE, "docs/kaavat.md": PAGE})
    build = project / "build.py"
    result = run_build(course, "--out", str(root / "out"), build_script=build)
    strict = run_build(course, "--out", str(root / "tiukka"), "--strict", build_script=build)
    return course, root / "out", result, strict


def test_the_page_builds_and_each_refused_formula_is_a_warning_at_its_line(faulty_build):
    course, _, result, strict = faulty_build
    assert result.returncode == 0, result.stderr
    page = course / "docs" / "kaavat.md"
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert sorted(warnings) == [
        f"warning: {page}:10: Typst cannot typeset this math, shown as its TeX: \\omega^2 = k",
        f"warning: {page}:7: Typst cannot typeset this math, shown as its TeX: \\omega + 1",
    ]
    assert strict.returncode == 1


def test_the_refused_formulas_are_their_tex_and_the_others_stay_math(faulty_build):
    _, out, _, _ = faulty_build
    handout = " ".join(pdf_text(out / "kaavat.pdf").split())
    assert "\\omega + 1" in handout and "\\omega^2 = k" in handout
    assert "\\omega" not in handout.replace("\\omega + 1", "").replace("\\omega^2 = k", "")
    assert "a + b" not in handout  # set as math (𝑎 + 𝑏), not as its TeX
    assert "𝑎 + 𝑏" in handout
