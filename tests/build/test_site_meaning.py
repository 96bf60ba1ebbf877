"""A site means what MkDocs makes of it: nav titles, pages outside the nav, links, docs_dir: ."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from tests.support.corpus.markers import pdf_text
from tests.support.course_factory import make_course, outputs, run_build
from tests.support.deck_slides import slide_titled, slides

NAV_SITE = """\
site_name: Linkkikurssi
site_url: https://kurssi.example/linkit/
theme:
  name: material
  language: fi
nav:
  - Aloitus: a.md
  - Luku:
    - Toinen sivu: luku/b.md
"""
PAGE_A = """\
Sivu ilman otsikkoa, [toiseen](luku/b.md#osa) ja
[poistettuun](poistettu.md) sivuun.

## Linkit

Katso [toisen sivun osa](luku/b.md#osa), [oma osio](#linkit) ja [tämän sivun osio](a.md#linkit).
"""
PAGE_B = "# Bee\n\n## Osa\n\nTakaisin [alkuun](../a.md).\n"
OUTSIDE = "# Navin ulkopuolella\n\nTämä sivu ei ole navissa.\n"


@pytest.fixture(scope="module")
def link_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("linkit")
    course = make_course(
        root / "kurssi",
        {
            "mkdocs.yml": NAV_SITE,
            "docs/a.md": PAGE_A,
            "docs/luku/b.md": PAGE_B,
            "docs/c.md": OUTSIDE,
        },
    )
    (course / "course.toml").unlink()
    out = root / "out"
    result = run_build(course, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return course, out, result


def link_targets(pdf: Path) -> list[str]:
    """Every link's address on the handout's pages; "#" for a link inside the handout."""
    found = []
    for page in pypdf.PdfReader(pdf).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            found.append(action["/URI"] if action and "/URI" in action else "#")
    return found


def test_the_nav_titles_a_page_without_a_title(link_site):
    _, out, _ = link_site
    assert slides(out / "a.html")[0].title == "Aloitus"
    assert slides(out / "b.html")[0].title == "Toinen sivu"  # the nav's title before its '#'


def test_a_page_outside_the_nav_is_built_and_listed_after_the_others(link_site):
    _, out, _ = link_site
    assert {"c.html", "c.pdf"} <= set(outputs(out))
    index = (out / "index.html").read_text(encoding="utf-8")
    titles = re.findall(r'<li class="lesson">.*?<h\d[^>]*>(.*?)</h', index, re.DOTALL)
    assert titles == ["Aloitus", "Toinen sivu", "Navin ulkopuolella"]


def test_a_deck_links_to_the_other_pages_deck_at_its_slide(link_site):
    _, out, _ = link_site
    shown = slide_titled(out / "a.html", "Linkit").shown
    assert re.findall(r'<a href="([^"]*)"', shown) == ["b.html#/osa", "#/linkit", "#/linkit"]
    assert 'id="osa"' in (out / "b.html").read_text(encoding="utf-8")  # the slide it goes to
    assert re.findall(r'<a href="([^"]*)"', slides(out / "b.html")[-1].shown) == ["a.html"]


def test_a_handout_links_to_the_other_pages_web_page_or_inside_itself(link_site):
    _, out, _ = link_site
    web = "https://kurssi.example/linkit/"
    assert link_targets(out / "a.pdf") == [f"{web}luku/b/#osa", f"{web}luku/b/#osa", "#", "#"]
    assert link_targets(out / "b.pdf") == [f"{web}a/"]


def test_a_link_to_no_page_is_its_text_and_a_warning_at_its_line(link_site):
    course, out, result = link_site
    warning = f"warning: {course / 'docs' / 'a.md'}:2: link to 'poistettu.md': "
    assert [line for line in result.stderr.splitlines() if "poistettu" in line] == [
        warning + "no page of the site is there; shown as text"
    ]
    # The paragraph before the first section is the title slide's notes.
    assert "ja poistettuun sivuun" in slides(out / "a.html")[0].notes_text
    assert "poistettu.md" not in (out / "a.html").read_text(encoding="utf-8")


def test_without_site_url_the_handout_links_to_the_other_handout(tmp_path):
    course = make_course(
        tmp_path / "kurssi",
        {
            "mkdocs.yml": NAV_SITE.replace("site_url: https://kurssi.example/linkit/\n", ""),
            "docs/a.md": PAGE_A.replace("[poistettuun](poistettu.md)", "poistettuun"),
            "docs/luku/b.md": PAGE_B,
        },
    )
    (course / "course.toml").unlink()
    out = tmp_path / "out"
    result = run_build(course, "--out", str(out), "docs/luku/b.md")  # one page: same names
    assert result.returncode == 0, result.stderr
    assert link_targets(out / "b.pdf") == ["a.pdf"]
    assert re.findall(r'<a href="([^"]*)"', slides(out / "b.html")[-1].shown) == ["a.html"]


def test_a_site_whose_docs_dir_is_its_own_folder_builds_and_builds_again(tmp_path):
    course = make_course(
        tmp_path / "kurssi",
        {
            "mkdocs.yml": "site_name: Sama kansio\ndocs_dir: .\n",
            "README.md": "# Kurssi\n\nEtusivu.\n",
            "luento.md": "# Luento\n\nAsiaa.\n",
        },
    )
    (course / "course.toml").unlink()
    first = run_build(course)  # into the site's build/, inside its docs_dir
    assert first.returncode == 0, first.stderr
    built = outputs(course / "build")
    assert {"README.html", "luento.html", "index.html"} <= set(built)
    second = run_build(course)
    assert second.returncode == 0, second.stderr
    assert "build/" not in second.stdout.replace(str(course / "build"), "")  # no page from it
    assert outputs(course / "build") == built


def test_a_same_folder_site_refuses_an_output_folder_holding_other_files(tmp_path):
    course = make_course(
        tmp_path / "kurssi",
        {"mkdocs.yml": "site_name: S\ndocs_dir: .\n", "a.md": "# A\n", "assets/kuva.txt": "x"},
    )
    (course / "course.toml").unlink()
    result = run_build(course, "--out", str(course / "assets"))
    assert result.returncode == 1
    assert "inside the source folder" in result.stderr
    assert (course / "assets" / "kuva.txt").read_text() == "x"


MACROS_SITE = """\
site_name: Makrot
theme:
  name: material
  language: fr
plugins:
  - search
  - macros
extra:
  lycee: Mauriac
markdown_extensions:
  - pymdownx.arithmatex:
      generic: true
"""
MACROS_PAGE = """\
# Cours

## Exercice

Lycée {{ lycee }}, {{ exercice() }}.

$$
x_{d} = {x_1 - x_0,
$$

Et $a^2$ reste une formule.
"""


def test_a_macros_site_fills_its_values_and_shows_its_macros_and_unread_math_as_written(tmp_path):
    course = make_course(
        tmp_path / "kurssi", {"mkdocs.yml": MACROS_SITE, "docs/cours.md": MACROS_PAGE}
    )
    (course / "course.toml").unlink()
    out = tmp_path / "out"
    result = run_build(course, "--out", str(out))
    assert result.returncode == 0, result.stderr
    page = course / "docs" / "cours.md"
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        f"warning: {page}:5: 'exercice' is a macro of the site's own; shown as written",
        f"warning: {page}:8: Pandoc cannot read this math, shown as its TeX: "
        + "x_{d} = {x_1 - x_0,",
    ]
    slide = slide_titled(out / "cours.html", "Exercice")
    shown = slide.shown
    assert "Lycée Mauriac, {{ exercice() }}." in slide.notes_text  # prose beside code: notes
    assert (
        '<pre class="math-source"><code><span class="line">x_{d} = {x_1 - x_0,</span></code></pre>'
        in shown
    )
    assert "<math" in slide.notes  # the formula Pandoc reads stays math (in the prose: notes)
    handout = " ".join(pdf_text(out / "cours.pdf").split())
    assert "x_{d} = {x_1 - x_0," in handout and "{{ exercice() }}" in handout
    strict = run_build(course, "--out", str(tmp_path / "tiukka"), "--strict")
    assert strict.returncode == 1


def test_a_site_without_macros_has_no_jinja(tmp_path):
    site = MACROS_SITE.replace("  - macros\n", "")
    course = make_course(
        tmp_path / "kurssi",
        {"mkdocs.yml": site, "docs/cours.md": "# C\n\n## A\n\n{{ lycee }} {% if %}\n"},
    )
    (course / "course.toml").unlink()
    out = tmp_path / "out"
    result = run_build(course, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    assert "{{ lycee }} {% if %}" in slide_titled(out / "cours.html", "A").text


def test_a_page_without_a_heading_opens_under_its_nav_title(tmp_path):
    """Its boxes come before any heading: their slide is titled as the page is, not blank."""
    config = "site_name: S\ntheme:\n  name: material\n  language: fi\n"
    config += "nav:\n  - Harjoitukset: h.md\nmarkdown_extensions:\n  - admonition\n"
    page = "".join(f'!!! example "Tehtävä {n}"\n\n    Laske {n}.\n\n' for n in (1, 2))
    course = make_course(tmp_path / "kurssi", {"mkdocs.yml": config, "docs/h.md": page})
    (course / "course.toml").unlink()
    result = run_build(course, "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    deck = slides(tmp_path / "out" / "h.html")
    assert [slide.title for slide in deck] == ["Harjoitukset", "Harjoitukset"]
    assert "Tehtävä 1" in deck[1].shown and "Tehtävä 2" in deck[1].shown
