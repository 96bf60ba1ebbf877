"""What a slide shows: lead sentences, highlights in their sentence, the lesson's opening, figures.

Small courses built by the real build (tests/course_factory.py), read slide by
slide with the speaker notes apart (tests/deck_slides.py); the slide layout of
a figure through Pandoc with the real filters (coursebuild.convert.run_pandoc).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from coursebuild.pandoc.run import DECK_ARGUMENTS, language_arguments, run_pandoc
from coursebuild.reading.course import DEFAULT_EXTENSIONS
from coursebuild.reading.html_bridge import PageContext
from coursebuild.reading.markdown_reader import page_to_html
from tests.support.course_factory import PROJECT_ROOT, make_course, run_build
from tests.support.deck_slides import LEAF_SECTION, NOTES, Slide, slide_titled, slides, text_of
from tests.support.slide_rules import expected_slides, prose_only_sections

PROSE = """\
---
priority: 1
---

# Muodot

Johdanto ennen ensimmäistä osiota. Merkki a < b säilyy.

Toinen johdannon kappale.

## Osio

Osion oma kappale. Sen toinen lause.

### Pelkkää proosaa

Ensimmäinen kappale mainitsee esim. Pythonin tässä. Sen toinen lause jää muistiinpanoihin.

Toinen kappale on [lyhyt](https://example.org/lyhyt) ja $x^2$ säilyy.[^lahde] Ja jatkuu.

Kolmas kappale mm. *Keras* korostaa asiaa. k-NN jatkaa.

Neljäs kappale n. 10 sanaa ja 2. kerros. Jatkoa.

Viides kappale ei mahdu diaan. Jatkoa.

### Korostus voittaa

Ensimmäinen lause ei näy. Tämä on ==korostettu lause, joka näkyy diassa== tässä. Kolmas lause.

Toinen kappale ei näy diassa.

[^lahde]: Lähde.

### Lyhyet korostukset

Tässä lauseessa on ==lyhyt== korostus. Tämä ei näy. Malli on ==vain näiden pisteiden== varassa, \
esim. Suomessa. Lauseessa on ==kaksi== eri ==korostusta== yhdessä.

### Pitkä korostus

Alku ei näy. Tässä on ==neljän sanan pitkä korostus== ja loput lauseesta.

## Väliotsikko

### Alaosio

- Lista, ei proosaa
"""

OPENING = """\
---
priority: 2
---

# Avauksen oppitunti

Avauksen proosa menee otsikkodian muistiinpanoihin.

- Näkyvä kohta

## Osio

- Kohta
"""

ONLY_PROSE = """\
---
priority: 3
---

# Vain otsikko

Koko sivu on proosaa. Diaa ei tarvita.
"""

FIGURES = """\
---
priority: 4
---

# Kuvat

## Osio

### Kaksi kuvaa

![](../images/kuva.png)

**Kuva 7:** Ensimmäinen kuva. Toinen lause ei näy diassa.

![](../images/kuva.png)

**Kuvio 3.** Toinen kuva.

### Laatikossa

!!! note "Huomio"

    ![](../images/kuva.png)

    **Kuva 1:** Kolmas kuva laatikossa.

### Neljäs

![](../images/kuva.png)

**Kuva 2**: *Neljäs kuva.*
"""

SUBHEADINGS = """\
---
priority: 5
---

# Alaotsikot

## Osio

### Alaotsikoilla

#### Ensimmäinen alaotsikko

Ensimmäisen kappaleen lause. Toinen lause jää muistiinpanoihin.

#### Toinen alaotsikko

- Lista näkyy

#### Kolmas alaotsikko

Kolmas kappale. Jatkoa.

### Kuva ja alaotsikko

![](../images/kuva.png)

**Kuva 1:** Ensimmäinen kuva.

#### Seuraava kuva

![](../images/kuva.png)

**Kuva 2:** Toinen kuva.
"""

# A section with subheadings and no slide heading: Pandoc leaves everything
# after its first subheading outside every slide.
SECTION_SUBHEADINGS = """\
---
priority: 6
---

# Suoraan

## Osio ilman dioja

Osion johdanto. Toinen lause.

#### Alaotsikko osiossa

- Kohta osiossa

Kappale alaotsikon alla. Jatkoa.

## Seuraava osio

### Dia

- Kohta
"""

PAGES = {
    "muodot": PROSE,
    "avaus": OPENING,
    "proosa": ONLY_PROSE,
    "kuvat": FIGURES,
    "alaotsikot": SUBHEADINGS,
    "suoraan": SECTION_SUBHEADINGS,
}


def png_bytes() -> bytes:
    return next((PROJECT_ROOT / "tests" / "unit" / "baseline").glob("*ReLU-fi.png")).read_bytes()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("shape")
    files: dict[str, str | bytes] = {f"slides/{name}.md": text for name, text in PAGES.items()}
    make_course(root, {**files, "images/kuva.png": png_bytes()})
    result = run_build(root, "--out", str(root / "out"))
    assert result.returncode == 0, result.stderr
    return root / "out"


def deck_slides(built: Path, name: str) -> list[Slide]:
    return slides(built / f"{name}.html")


# -- no slide is a bare heading -------------------------------------------------


def test_a_prose_only_slide_shows_the_first_sentence_of_each_paragraph(built):
    slide = slide_titled(built / "muodot.html", "Pelkkää proosaa")
    # At most four, whole: "esim.", "mm.", "n." and "2." do not end a sentence,
    # a source mark stays with its sentence, "k-NN" starts one.
    assert slide.points == [
        "Ensimmäinen kappale mainitsee esim. Pythonin tässä.",
        "Toinen kappale on lyhyt ja x 2 x^2 säilyy. [1]",
        "Kolmas kappale mm. Keras korostaa asiaa.",
        "Neljäs kappale n. 10 sanaa ja 2. kerros.",
    ]
    # The link, the formula and the emphasis stay what they were.
    items = slide.point_items
    assert '<a href="https://example.org/lyhyt">lyhyt</a>' in items[1] and "<math" in items[1]
    assert "<em>Keras</em>" in items[2]
    assert "Viides" not in slide.text and "Jatkoa" not in slide.text
    # The notes keep the whole prose.
    for sentence in (
        "Ensimmäinen kappale mainitsee esim. Pythonin tässä. Sen toinen lause jää "
        "muistiinpanoihin.",
        "Viides kappale ei mahdu diaan. Jatkoa.",
    ):
        assert sentence in slide.notes_text


def test_a_sections_own_prose_is_its_lead_and_a_bare_section_stays_a_divider(built):
    deck = built / "muodot.html"
    section = slide_titled(deck, "Osio")
    assert section.points == ["Osion oma kappale."]
    assert "Sen toinen lause." in section.notes_text
    divider = slide_titled(deck, "Väliotsikko")
    assert divider.text == "Väliotsikko" and divider.points == [] and divider.notes == ""
    # A slide with something to show gets no lead.
    assert slide_titled(deck, "Alaosio").points == ["Lista, ei proosaa"]


def test_every_prose_only_section_the_page_has_shows_points(built):
    for title in prose_only_sections(PROSE):
        assert slide_titled(built / "muodot.html", title).points, title
    assert "Pelkkää proosaa" in prose_only_sections(PROSE)


def shown_blocks(slide: Slide) -> list[str]:
    """Each subheading as "#### text" and each list item as "- text", in order."""
    found = re.findall(r"<h4[^>]*>(.*?)</h4>|<li>(.*?)</li>", slide.shown, re.DOTALL)
    return [f"#### {text_of(h)}" if h else f"- {text_of(item)}" for h, item in found]


def test_a_subheading_with_only_prose_under_it_shows_its_lead(built):
    slide = slide_titled(built / "alaotsikot.html", "Alaotsikoilla")
    assert shown_blocks(slide) == [
        "#### Ensimmäinen alaotsikko",
        "- Ensimmäisen kappaleen lause.",
        "#### Toinen alaotsikko",
        "- Lista näkyy",
        "#### Kolmas alaotsikko",
        "- Kolmas kappale.",
    ]
    assert "Toinen lause jää muistiinpanoihin." in slide.notes_text


def test_a_sections_subheadings_go_on_a_slide_under_its_title(built):
    found = deck_slides(built, "suoraan")
    assert [slide.title for slide in found] == [
        "Suoraan",  # the title slide
        "Osio ilman dioja",
        "Osio ilman dioja",
        "Seuraava osio",
        "Dia",
    ]
    assert shown_blocks(found[2]) == ["#### Alaotsikko osiossa", "- Kohta osiossa"]
    assert "Kappale alaotsikon alla." in found[2].notes_text


@pytest.mark.parametrize("name", sorted(PAGES))
def test_nothing_is_outside_a_slide(built, name):
    page = (built / f"{name}.html").read_text(encoding="utf-8")
    page = page[page.index('<div class="slides">') : page.index('<div class="deck-footer"')]
    assert text_of(LEAF_SECTION.sub("", page)) == ""


def test_a_subheading_goes_with_the_figure_it_introduces(built):
    found = deck_slides(built, "alaotsikot")
    titles = [slide.title for slide in found]
    first = titles.index("Kuva ja alaotsikko")
    # A slide that starts with a subheading starts a part of its own: no "(jatkuu)".
    assert titles[first + 1] == "Kuva ja alaotsikko"
    assert "<h4" not in found[first].shown and "Kuva 1:" in found[first].text
    assert re.search(r"<h4[^>]*>Seuraava kuva</h4>\s*<figure", found[first + 1].shown)


def test_a_highlight_wins_over_first_sentences(built):
    slide = slide_titled(built / "muodot.html", "Korostus voittaa")
    assert slide.points == ["korostettu lause, joka näkyy diassa"]
    assert "Ensimmäinen lause ei näy" not in slide.text
    assert "Toinen kappale ei näy diassa." in slide.notes_text


# -- highlights ------------------------------------------------------------------


def test_a_short_highlight_is_shown_in_its_whole_sentence_still_marked(built):
    slide = slide_titled(built / "muodot.html", "Lyhyet korostukset")
    assert slide.points == [
        "Tässä lauseessa on lyhyt korostus.",
        "Malli on vain näiden pisteiden varassa, esim. Suomessa.",
        "Lauseessa on kaksi eri korostusta yhdessä.",  # two highlights, one point
    ]
    marks = [re.findall(r"<mark>(.*?)</mark>", item) for item in slide.point_items]
    assert marks == [["lyhyt"], ["vain näiden pisteiden"], ["kaksi", "korostusta"]]
    assert "Tämä ei näy." not in slide.text and "Tämä ei näy." in slide.notes_text


def test_a_highlight_of_four_words_is_a_point_of_its_own(built):
    slide = slide_titled(built / "muodot.html", "Pitkä korostus")
    assert slide.points == ["neljän sanan pitkä korostus"]
    assert "loput lauseesta" not in slide.text and "Alku ei näy" not in slide.text


# -- before the first section ---------------------------------------------------


def test_prose_before_the_first_section_is_in_the_title_slides_notes(built):
    found = deck_slides(built, "muodot")
    title_slide = found[0]
    assert "Johdanto ennen ensimmäistä osiota. Merkki a < b säilyy." in title_slide.notes_text
    assert "Toinen johdannon kappale." in title_slide.notes_text
    assert "Puhujan muistiinpanot: paina S." in title_slide.notes_text
    # Pandoc's HTML, escaped once: markup stays markup, text stays text.
    assert "<p>Johdanto ennen" in title_slide.notes and "a &lt; b" in title_slide.notes
    assert "&lt;p&gt;" not in title_slide.notes and "&amp;lt;" not in title_slide.notes
    assert 'class="title-notes"' not in (built / "muodot.html").read_text(encoding="utf-8")
    # No untitled slide, and the opening prose is on no slide.
    assert [slide.title for slide in found if not slide.title] == []
    assert not any("Johdanto" in slide.text or "Johdanto" in slide.notes for slide in found[1:])
    assert found[1].title == "Osio"
    assert len(found) == expected_slides(PROSE)


def test_what_the_opening_shows_is_a_slide_titled_with_the_lesson(built):
    found = deck_slides(built, "avaus")
    assert [slide.title for slide in found] == ["Avauksen oppitunti", "Avauksen oppitunti", "Osio"]
    opening = found[1]
    assert opening.points == ["Näkyvä kohta"]
    assert "Avauksen proosa" not in opening.text + opening.notes
    assert "Avauksen proosa menee otsikkodian muistiinpanoihin." in found[0].notes_text
    assert len(found) == expected_slides(OPENING)


def test_a_page_of_prose_alone_is_its_title_slide_with_notes(built):
    found = deck_slides(built, "proosa")
    assert len(found) == 1 == expected_slides(ONLY_PROSE)
    assert "Koko sivu on proosaa. Diaa ei tarvita." in found[0].notes_text


# -- figure numbers ----------------------------------------------------------------


def captions(found: list[Slide]) -> list[str]:
    return [
        text_of(caption)
        for slide in found
        for caption in re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", slide.shown, re.DOTALL)
    ]


def test_the_deck_numbers_figures_in_order_whatever_the_page_typed(built):
    found = deck_slides(built, "kuvat")
    assert captions(found) == [
        "Kuva 1: Ensimmäinen kuva.",
        "Kuva 2: Toinen kuva.",
        "Kuva 3: Kolmas kuva laatikossa.",  # inside a box too
        "Kuva 4: Neljäs kuva.",
    ]
    assert [slide.title for slide in found[2:4]] == ["Kaksi kuvaa", "Kaksi kuvaa"]
    assert len(found) == expected_slides(FIGURES)


# -- a figure's slide layout ------------------------------------------------------

STEPS = """\
# Vaiheet

## Osio

### Rakentuu

Ensin proosaa.

![](kuvat/rakenne.svg){ width="300" }

**Kuva 5:** Rakenne vaihe vaiheelta. Toinen lause jää pois.

- Kohta kuvan jälkeen

Proosaa kuvan jälkeen.

![](kuvat/toinen.svg)

**Kuva 1:** Toinen kuva.

### Ensin muu kuva

![](kuvat/toinen.svg)

**Kuva 9:** Muu kuva.

![](kuvat/rakenne.svg)

**Kuva 9:** Rakenne uudestaan.
"""


def step_slides(tmp_path: Path, variants: dict[str, list[str]] | None) -> list[Slide]:
    """The page through the build's reader and Pandoc with the deck's filters."""
    context = PageContext(resolve_image=lambda src: str(tmp_path / src), emoji_dir=None)
    html = page_to_html(STEPS, list(DEFAULT_EXTENSIONS), tmp_path, context)
    metadata = (f"--metadata=slide-variants={json.dumps(variants)}",) if variants else ()
    arguments = DECK_ARGUMENTS + language_arguments("fi") + metadata
    fragment, _ = run_pandoc(html, arguments, tmp_path / "sivu.md", STEPS)
    found = []
    for match in LEAF_SECTION.finditer(fragment):
        shown = NOTES.sub("", match.group(1))
        heading = re.search(r"<h[23][^>]*>(.*?)</h[23]>", shown, re.DOTALL)
        notes = "".join(NOTES.findall(match.group(1)))
        found.append(Slide(text_of(heading.group(1)) if heading else "", shown, notes))
    return found


def images(slide: Slide) -> list[str]:
    return re.findall(r'<img[^>]*data-src="([^"]+)"', slide.shown)


def widths(found: list[Slide]) -> list[str]:
    return [w for slide in found for w in re.findall(r'<img[^>]*width="(\d+)"', slide.shown)]


def test_a_figure_with_a_slide_layout_is_shown_one_step_a_slide(tmp_path):
    figure = str(tmp_path / "kuvat" / "rakenne.svg")
    steps = [str(tmp_path / "kuvat" / f"rakenne-slide-{n}.svg") for n in (1, 2, 3)]
    other = str(tmp_path / "kuvat" / "toinen.svg")
    found = step_slides(tmp_path, {figure: steps})
    titles = [slide.title for slide in found]
    assert titles == [
        "Osio",
        "Rakentuu",
        # Each step of a figure is a slide of its own under the same title.
        *["Rakentuu"] * 3,
        "Ensin muu kuva",
        *["Ensin muu kuva"] * 3,
    ]
    assert len(found) + 1 == expected_slides(STEPS, {"rakenne.svg": 3})  # + the title slide
    assert [images(slide) for slide in found[1:]] == [
        [steps[0]],
        [steps[1]],
        [steps[2]],
        [other],
        [other],
        [steps[0]],
        [steps[1]],
        [steps[2]],
    ]
    # One figure, one number, on each of its slides.
    assert captions(found) == [
        *["Kuva 1: Rakenne vaihe vaiheelta."] * 3,
        "Kuva 2: Toinen kuva.",
        "Kuva 3: Muu kuva.",
        *["Kuva 4: Rakenne uudestaan."] * 3,
    ]
    assert sum(slide.shown.count('id="kuva-1"') for slide in found) == 1
    # What followed the figure follows its last step; the notes stay in order.
    assert [slide.points for slide in found[1:4]] == [[], [], ["Kohta kuvan jälkeen"]]
    assert "Ensin proosaa." in found[1].notes_text
    assert "Proosaa kuvan jälkeen." in found[3].notes_text
    assert figure not in "".join(slide.shown for slide in found)
    # The page's size for its figure is not the slide layout's.
    assert widths(found) == []


def test_without_slide_layouts_a_figure_is_one_slide(tmp_path):
    found = step_slides(tmp_path, None)
    figure = str(tmp_path / "kuvat" / "rakenne.svg")
    assert [images(slide) for slide in found if slide.title.startswith("Rakentuu")] == [
        [figure],
        [str(tmp_path / "kuvat" / "toinen.svg")],
    ]
    assert len(found) + 1 == expected_slides(STEPS)
    assert widths(found) == ["300"]
