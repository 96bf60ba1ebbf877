"""Material's blocks as the site shows them: hidden stays hidden, card grids, titles, frames."""

from __future__ import annotations

import re

import pytest

from tests.support.corpus.markers import pdf_text
from tests.support.course_factory import make_site, run_build
from tests.support.deck_slides import CONTINUED, slide_titled, slides

SITE = """\
site_name: Lohkot
site_url: https://kurssi.example/lohkot/
theme:
  name: material
  language: fi
markdown_extensions:
  - admonition
  - pymdownx.details
  - attr_list
  - md_in_html
  - pymdownx.superfences
  - pymdownx.highlight
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
"""
PAGE = """\
# Lohkot

## Piilossa

Näkyvä kappale.

<div style="display: none">
<p>Raakaa piilotekstiä.</p>
</div>

<div style="color: red; display:none" markdown>
Markdownin **piiloteksti**.
</div>

<p hidden>Attribuutilla piilotettu.</p>

Näkyvä loppu.

## Otsikoitu koodi

``` title="asetukset.toml"
avain = 1
```

## Kortit

<div class="grid cards" markdown>

-   :material-clock-fast:{ .lg .middle } __Ensimmäinen kortti__

    ---

    Ensimmäisen kortin teksti.

-   :material-scale-balance:{ .lg .middle } __Toinen kortti__

    ---

    Toisen kortin teksti.

-   :material-format-font:{ .lg .middle } __Kolmas kortti__

    ---

    Kolmannen kortin teksti.

-   :material-account:{ .lg .middle } __Neljäs kortti__

    ---

    Neljännen kortin teksti.

</div>

## Avattava

Apufunktio on piilossa:

??? tip "Apufunktio `piirra()`"

    ```python
{helper}
    ```

???+ note "Auki"

    Näkyvä huomautus.

## Kehys

<iframe src="../kaaviot/kaavio.html" title="Vuorovaikutteinen kaavio" width="600"></iframe>
""".replace("{helper}", "\n".join(f"    rivi_{n} = {n}  # apufunktion rivi" for n in range(1, 41)))


@pytest.fixture(scope="module")
def blocks(tmp_path_factory):
    root = tmp_path_factory.mktemp("lohkot")
    course = make_site(
        root / "kurssi",
        {
            "mkdocs.yml": SITE,
            "docs/luku/lohkot.md": PAGE,
            "docs/kaaviot/kaavio.html": "<p>kaavio</p>\n",
        },
    )
    out = root / "out"
    result = run_build(course, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return course, out, result


def test_what_the_site_hides_is_on_no_slide_nor_in_the_notes_nor_the_handout(blocks):
    _, out, _ = blocks
    slide = slide_titled(out / "lohkot.html", "Piilossa")
    shown = slide.text + " " + slide.notes_text
    assert "Näkyvä kappale." in shown and "Näkyvä loppu." in shown
    handout = " ".join(pdf_text(out / "lohkot.pdf").split())
    assert "Näkyvä kappale." in handout and "Näkyvä loppu." in handout
    for hidden in ("Raakaa", "piiloteksti", "Attribuutilla"):
        assert hidden not in shown and hidden not in handout


def test_a_code_blocks_title_without_a_language_is_shown_above_it(blocks):
    _, out, _ = blocks
    shown = slide_titled(out / "lohkot.html", "Otsikoitu koodi").shown
    assert re.search(
        r'<div class="sourceCode" title="asetukset.toml"><pre[^>]*><code>'
        r'<span class="line">avain = 1</span>',
        shown,
    ), shown
    handout = pdf_text(out / "lohkot.pdf")
    assert handout.index("asetukset.toml") < handout.index("avain = 1")


def test_a_card_grid_is_one_slide_of_cards_with_icon_sized_icons(blocks):
    _, out, _ = blocks
    deck = slides(out / "lohkot.html")
    titles = [slide.title for slide in deck]
    assert "Kortit" in titles and "Kortit" + CONTINUED not in titles
    [cards] = [slide for slide in deck if slide.title == "Kortit"]
    for number in ("Ensimmäinen", "Toinen", "Kolmas", "Neljäs"):
        assert f"{number} kortti" in cards.text
    assert '<div class="grid cards">' in cards.shown
    icons = re.findall(r"<img\b[^>]*>", cards.shown)
    assert len(icons) == 4 and all('class="twemoji icon' in icon for icon in icons)
    assert "<figure" not in cards.shown and "Kuva" not in cards.text


def test_a_frame_of_the_sites_own_page_is_a_card_linking_to_it_on_the_site(blocks):
    course, out, result = blocks
    address = "https://kurssi.example/lohkot/luku/kaaviot/kaavio.html"  # as the browser resolves it
    shown = slide_titled(out / "lohkot.html", "Kehys").shown
    assert re.search(rf'<a href="{re.escape(address)}">Vuorovaikutteinen\s+kaavio</a>', shown)
    page = course / "docs" / "luku" / "lohkot.md"
    line = PAGE.splitlines().index(next(x for x in PAGE.splitlines() if "<iframe" in x)) + 1
    assert f"warning: {page}:{line}: <iframe> of the site's own '../kaaviot/kaavio.html'" in (
        result.stderr
    )
    assert f"Linkki: {address}" in pdf_text(out / "lohkot.pdf")


def test_a_box_the_site_shows_collapsed_is_closed_on_the_slide_and_open_in_the_handout(blocks):
    _, out, _ = blocks
    deck = slides(out / "lohkot.html")
    # 40 lines of code would take three slides open; closed, the box takes a line.
    assert [slide.title for slide in deck].count("Avattava") == 1
    assert "Avattava" + CONTINUED not in [slide.title for slide in deck]
    shown = slide_titled(out / "lohkot.html", "Avattava").shown
    closed = re.search(r'<details class="admonition tip collapsible">(.*?)</details>', shown, re.S)
    assert closed, shown
    assert re.match(
        r'\s*<summary class="admonition-title">Apufunktio <code>piirra\(\)</code></summary>',
        closed[1],
    )
    assert "rivi_1 = 1" in closed[1] and "rivi_40 = 40" in closed[1]
    # ???+ is open on the site: an open box on the slide.
    assert re.search(
        r'<div class="admonition note collapsible">\s*<div class="admonition-title">', shown
    )
    assert "<details" not in shown.replace(closed[0], "")
    handout = pdf_text(out / "lohkot.pdf")
    assert "rivi_1 = 1" in handout and "rivi_40 = 40" in handout
