"""``[@key]`` citations of a site using mkdocs-bibtex: numbered notes from its .bib file."""

from __future__ import annotations

import re

from coursebuild.reading.read_page import page_warnings
from tests.support.site_page import read_site_page

SITE = """\
site_name: Lähteet
plugins:
  - search
  - bibtex:
      bib_file: "docs/lahteet.bib"
markdown_extensions:
  - footnotes
  - pymdownx.superfences
"""
BIB = """\
@book{knuth1984,
  author = {Donald E. Knuth},
  title = {The TeXbook},
  publisher = {Addison-Wesley},
  year = {1984}
}
@article{shannon1948,
  author = {Claude E. Shannon},
  title = {A Mathematical Theory of Communication},
  journal = {Bell System Technical Journal},
  volume = {27},
  pages = {379--423},
  year = {1948}
}
"""
PAGE = """\
# Sivu

Ladonta [@knuth1984] ja tieto [@shannon1948; @knuth1984].

Tuntematon [@ei_ole].

```text
[@knuth1984] koodissa
```
"""


def read(root, site: str = SITE):
    files = {"mkdocs.yml": site, "docs/lahteet.bib": BIB, "docs/sivu.md": PAGE}
    html, found, lesson = read_site_page(root, files, "docs/sivu.md")
    return html, page_warnings(lesson, found), lesson.source


def test_each_citation_is_a_numbered_note_with_its_formatted_reference(tmp_path):
    html, _, _ = read(tmp_path / "sivusto")
    # Knuth cited first: note 1, Shannon 2; the second Knuth citation is note 1 again.
    references = re.findall(r'href="#fn:cite-(\w+)" role="doc-noteref"><sup>(\d)</sup>', html)
    assert references == [("knuth1984", "1"), ("shannon1948", "2"), ("knuth1984", "1")]
    notes = re.findall(r'<li id="fn:cite-(\w+)">\s*<p>(.*?)</p>', html, re.DOTALL)
    assert [key for key, _ in notes] == ["knuth1984", "shannon1948"]
    assert notes[0][1].strip() == "Donald E. Knuth. The TeXbook. Addison-Wesley, 1984."
    assert notes[1][1].strip() == (
        "Claude E. Shannon. A mathematical theory of communication. "
        "Bell System Technical Journal, 27:379–423, 1948."
    )


def test_an_unknown_key_is_shown_as_written_with_a_warning_and_code_is_left_alone(tmp_path):
    html, warnings, page = read(tmp_path / "sivusto")
    assert "Tuntematon [@ei_ole]." in html
    assert warnings == [
        f"{page}:5: citation '@ei_ole' is in none of the site's .bib files; shown as written"
    ]
    assert "[@knuth1984] koodissa" in html


def test_without_the_plugin_a_citation_is_text(tmp_path):
    html, warnings, _ = read(tmp_path / "sivusto", SITE.replace("  - bibtex:\n", "  - other:\n"))
    assert "Ladonta [@knuth1984]" in html and warnings == []


def test_a_bib_file_outside_the_site_is_not_read(tmp_path):
    (tmp_path / "muualla.bib").write_text(BIB, encoding="utf-8")
    site = SITE.replace('"docs/lahteet.bib"', '"../muualla.bib"')
    html, _, _ = read(tmp_path / "sivusto", site)
    assert "Ladonta [@knuth1984]" in html and "Knuth" not in html
