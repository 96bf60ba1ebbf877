"""The build's layout pass: slides too tall continue on "(jatkuu)" slides, figures fill their room.

Decks are built by the real build.py (Pandoc, the layout pass in Chromium)
and then shown by reveal.js in Chromium, as a student sees them; what was
split must be all there, once, in order, and nothing may overflow or shrink.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from coursebuild.browser.chromium import (
    MIN_FIGURE_SHARE,
    chromium_path,
    inspect_deck,
    open_browser,
    open_deck,
)
from tests.support.course_factory import make_course, make_site, outputs, run_build
from tests.support.deck_slides import slides, text_of
from tests.support.images import png

CONTINUED = " (jatkuu)"
ITEMS = [f"Kohta numero {n} listassa" for n in range(1, 41)]
ROWS = [(f"malli-{n}", f"{n * 11}M", f"rivi {n}") for n in range(1, 46)]
CODE = [f"arvo_{n} = laske({n}, kerroin={n * 3})  # rivi {n}" for n in range(1, 71)]
PARAGRAPHS = [
    f"Kappale {n}: tehtävän ohje, jossa on niin paljon sanoja, että se vie "
    "diasta kokonaisen rivin tai kaksi, kun se näytetään."
    for n in range(1, 19)
]
SUBHEADINGS = [f"Alaotsikko {n}" for n in range(1, 9)]
# Each subheading introduces a list of three items.
SUBHEADED = "\n".join(
    f"#### {h}\n\n" + "".join(f"- {item}\n" for item in ITEMS[3 * n : 3 * n + 3])
    for n, h in enumerate(SUBHEADINGS)
)
TALL_MATRIX = "\\\\\n".join(f"a_{{{n}1}} & a_{{{n}2}}" for n in range(1, 31))
# Blocks that need more than one slide but not more than two continue; longer
# ones are cut to a slide's worth (an excerpt).
TWO_SLIDE_ITEMS = ITEMS[:14]
TWO_SLIDE_ROWS = ROWS[:17]
TWO_SLIDE_CODE = CODE[:30]
TWO_SLIDE_PARAGRAPHS = PARAGRAPHS[:6]
EXERCISES = [f"Harjoitus {n}" for n in range(1, 7)]
NOTE_A = "Kirjoittaja, A. Kirja, jossa väite esitetään. 2024."
# A list that fills its slide with its items set closer, but for a footnote's line.
FULL_ITEMS = 12
NOTE_B = "Toinen, B. Artikkeli listan lopusta. 2025."
# A table a little too tall for its slide: it fits with its rows set closer.
DENSE_ROWS = ROWS[:11]
ASIDE_PARAGRAPHS = [
    f"Vinkin kappale {n}: lisätietoa, jonka lukija voi ohittaa ja lukea monisteesta."
    for n in range(1, 4)
]
# Five code blocks, each about a slide: more than a run of three slides holds.
SNIPPETS = [[f"osa_{k}_rivi_{n} = {k * n}" for n in range(1, 15)] for k in range(1, 6)]
RUN_CODE = "\n\n".join("```python\n" + "\n".join(lines) + "\n```" for lines in SNIPPETS)


def box(title: str, paragraphs: list[str], kind: str = "question") -> str:
    return f'!!! {kind} "{title}"\n\n' + "".join(f"    {p}\n\n" for p in paragraphs)


LESSON = f"""\
---
priority: 1
---

# Asettelu

## Osio

### Pitkä lista

{chr(10).join(f"- {item}" for item in ITEMS)}

### Lista kahdelle dialle

{chr(10).join(f"- {item}" for item in TWO_SLIDE_ITEMS)}

### Numeroitu lista

{chr(10).join(f"1. {item}" for item in TWO_SLIDE_ITEMS)}

### Taulukko

| Malli | Koko | Huomio |
| ----- | ---- | ------ |
{chr(10).join(f"| {a} | {b} | {c} |" for a, b, c in ROWS)}

### Taulukko kahdelle dialle

| Malli | Koko | Huomio |
| ----- | ---- | ------ |
{chr(10).join(f"| {a} | {b} | {c} |" for a, b, c in TWO_SLIDE_ROWS)}

### Koodi

```python
{chr(10).join(CODE)}
```

### Koodi kahdelle dialle

```python
{chr(10).join(TWO_SLIDE_CODE)}
```

### Tehtävä

{box("Tehtävä: pitkä", PARAGRAPHS)}

### Tehtävä kahdelle dialle

{box("Tehtävä: kahden dian", TWO_SLIDE_PARAGRAPHS)}

### Huomio kahdelle dialle

{box("Huomio: kahden dian", TWO_SLIDE_PARAGRAPHS, "note")}

### Harjoitukset

{chr(10).join(box(title, PARAGRAPHS[:4]) for title in EXERCISES)}

### Monta koodia

{RUN_CODE}

### Ohje ja koodi

!!! example "Ohje"

    {PARAGRAPHS[0]} {PARAGRAPHS[1]}

    {PARAGRAPHS[2]} {PARAGRAPHS[3]}

    Aja tämä:

    ```python
{chr(10).join("    " + line for line in CODE[:12])}
    ```

### Kuva ja teksti

![](../images/100_ShallowNet.svg)

**Kuva 1:** Verkko.

!!! note "Huomio"

    {PARAGRAPHS[0]} {PARAGRAPHS[1]}

{chr(10).join(f"- {item}" for item in ITEMS[:12])}

### Väliotsikot

{SUBHEADED}

### Tiivis taulukko

| Malli | Koko | Huomio |
| ----- | ---- | ------ |
{chr(10).join(f"| {a} | {b} | {c} |" for a, b, c in DENSE_ROWS)}

### Lyhyt

{PARAGRAPHS[0]}

### Vinkki lopussa

{chr(10).join(f"- {item}" for item in ITEMS[:8])}

{box("Vinkki: suljettu", ASIDE_PARAGRAPHS, "tip")}

### Kaksi tehtävää

{box("Tehtävä A", PARAGRAPHS[:4])}
{box("Tehtävä B", PARAGRAPHS[4:8])}

### Alaviite

- {ITEMS[0]}.[^a]
{chr(10).join(f"- {item}" for item in ITEMS[1:10])}

### Ilman alaviitettä

- {ITEMS[0]}

Proosaa, joka menee puhujan muistiinpanoihin lähteineen.[^c]

### Lähde lopussa

{chr(10).join(f"- {item}" for item in TWO_SLIDE_ITEMS[:-1])}
- {TWO_SLIDE_ITEMS[-1]}.[^b]

### Täysi dia

- {ITEMS[0]}.[^d]
{chr(10).join(f"- {item}" for item in ITEMS[1:FULL_ITEMS])}

[^a]: {NOTE_A}
[^b]: {NOTE_B}
[^c]: Muistiinpanojen lähde.
[^d]: Täyden dian lähde.

### Kuva yksin

![](../images/100_ShallowReLU.svg)

**Kuva 2:** ReLU.
"""

TOO_TALL = """\
---
priority: 2
---

# Liian suuri

## Osio

### Matriisi

$$
A = \\begin{bmatrix}
MATRIX
\\end{bmatrix}
$$
""".replace("MATRIX", TALL_MATRIX)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("layout")
    make_course(root, {"slides/01_asettelu.md": LESSON})
    result = run_build(root, "--out", str(root / "build"))
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def deck(course) -> Path:
    return course / "build" / "01_asettelu.html"


@pytest.fixture(scope="module")
def browser():
    with open_browser() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def inspection(browser, deck):
    return inspect_deck(browser, deck)


def run_of(deck: Path, title: str) -> list:
    """The slide titled ``title`` and its "(jatkuu)" slides, in order."""
    found = [s for s in slides(deck) if s.title in (title, title + CONTINUED)]
    assert found and found[0].title == title, f"no slide {title!r}"
    return found


def test_no_slide_overflows_or_is_shrunk(inspection):
    problems = [f"{s.number} {s.title}: {s.problems()}" for s in inspection.slides if s.problems()]
    assert problems == [], "\n".join(problems)
    assert inspection.console_errors == []


def test_a_list_that_needs_two_slides_is_split_evenly_every_item_once_in_order(deck):
    run = run_of(deck, "Lista kahdelle dialle")
    assert len(run) == 2
    assert [point for slide in run for point in slide.points] == TWO_SLIDE_ITEMS
    # Half each, not a full slide and a scrap.
    assert abs(len(run[0].points) - len(run[1].points)) <= 1


def test_a_list_too_long_for_two_slides_shows_its_start_and_how_many_items_are_left(deck):
    run = run_of(deck, "Pitkä lista")
    assert len(run) == 1
    *shown, pointer = run[0].points
    assert len(shown) >= 8 and shown == ITEMS[: len(shown)]
    assert pointer == f"⋯ {len(ITEMS) - len(shown)} kohtaa lisää – kaikki monisteessa"
    assert run[0].notes == ""


def test_a_numbered_list_keeps_counting_on_its_continuation(deck, browser):
    run = run_of(deck, "Numeroitu lista")
    assert len(run) == 2
    assert [p for s in run for p in s.points] == TWO_SLIDE_ITEMS
    with open_deck(browser, deck, _Report()) as page:
        numbers = page.evaluate(
            """() => [...document.querySelectorAll('section')]
                .filter((s) => /^Numeroitu lista/.test(s.querySelector('h3')?.textContent || ''))
                .map((s) => {
                  const list = s.querySelector(':scope > ol');
                  return [list.start, list.querySelectorAll(':scope > li').length];
                })"""
        )
    expected_start = 1
    for start, count in numbers:
        assert start == expected_start
        expected_start += count


class _Report:
    """What open_deck records; these tests look at the page itself."""

    def __init__(self) -> None:
        self.console_errors, self.failed_requests, self.blocked_requests = [], [], []


def table_rows(slide) -> list[tuple[str, ...]]:
    headers = re.findall(r"<th[^>]*>(.*?)</th>", slide.shown, re.DOTALL)
    assert [text_of(h) for h in headers] == ["Malli", "Koko", "Huomio"], slide.title
    body = slide.shown[slide.shown.index("<tbody") :]
    return [
        tuple(text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL))
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.DOTALL)
    ]


def test_a_table_that_needs_two_slides_is_split_evenly_with_its_header_repeated(deck):
    run = run_of(deck, "Taulukko kahdelle dialle")
    assert len(run) == 2
    halves = [table_rows(slide) for slide in run]
    assert halves[0] + halves[1] == TWO_SLIDE_ROWS
    assert abs(len(halves[0]) - len(halves[1])) <= 1


def test_a_table_too_long_for_two_slides_shows_its_first_rows_and_how_many_are_left(deck):
    run = run_of(deck, "Taulukko")
    assert len(run) == 1
    *rows, pointer = table_rows(run[0])
    assert len(rows) >= 6 and rows == ROWS[: len(rows)]
    assert pointer == (f"⋯ {len(ROWS) - len(rows)} riviä lisää – koko taulukko monisteessa",)


def code_lines(slide) -> list[str]:
    code = re.search(r"<code[^>]*>(.*)</code>", slide.shown, re.DOTALL).group(1)
    return text_of_code(code).split("\n")


def test_code_that_needs_two_slides_steps_down_and_is_split_evenly(deck):
    run = run_of(deck, "Koodi kahdelle dialle")
    assert len(run) == 2
    halves = [code_lines(slide) for slide in run]
    assert halves[0] + halves[1] == TWO_SLIDE_CODE
    assert abs(len(halves[0]) - len(halves[1])) <= 1
    assert 'class="continues' in run[0].shown and 'class="continued' in run[1].shown
    # At the floor size: 18 px code still reads from the back row.
    pres = [re.search(r"<pre[^>]*>", slide.shown).group(0) for slide in run]
    assert all("font-size: 18px" in pre for pre in pres), pres


def test_code_too_long_for_two_slides_shows_its_first_lines_and_how_many_are_left(deck):
    run = run_of(deck, "Koodi")
    assert len(run) == 1
    lines = code_lines(run[0])
    assert len(lines) >= 15 and lines == CODE[: len(lines)]
    pointer = re.search(r'<span class="excerpt-more">(.*?)</span>', run[0].shown).group(1)
    assert pointer == f"⋯ {len(CODE) - len(lines)} riviä lisää – koko koodi monisteessa"


def all_code_lines(fragment: str) -> list[str]:
    """The lines of every code block in ``fragment``."""
    codes = re.findall(r"<code[^>]*>(.*?)</code>", fragment, re.DOTALL)
    return [line for code in codes for line in text_of_code(code).split("\n")]


def text_of_code(fragment: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def box_paragraphs(run) -> list[str]:
    return [
        text_of(p)
        for slide in run
        for p in re.findall(r"<p>(.*?)</p>", slide.shown, re.DOTALL)
        if "Kappale" in p
    ]


def test_a_box_that_needs_two_slides_continues_under_its_title(deck):
    run = run_of(deck, "Huomio kahdelle dialle")
    assert len(run) == 2
    for number, slide in enumerate(run):
        title = re.search(r'class="admonition-title[^"]*">(.*?)</div>', slide.shown, re.DOTALL)
        assert text_of(title.group(1)) == "Huomio: kahden dian" + (CONTINUED if number else "")
    assert box_paragraphs(run) == TWO_SLIDE_PARAGRAPHS


def test_an_exercise_that_needs_two_slides_shows_one_and_says_the_rest_is_in_the_handout(deck):
    # The class reads an exercise in the handout; the slide introduces it.
    run = run_of(deck, "Tehtävä kahdelle dialle")
    assert len(run) == 1
    shown = box_paragraphs(run)
    assert 2 <= len(shown) < len(TWO_SLIDE_PARAGRAPHS)
    assert shown == TWO_SLIDE_PARAGRAPHS[: len(shown)]
    box = re.search(r'<div class="admonition question excerpt">(.*)</div>', run[0].shown, re.DOTALL)
    assert text_of(box.group(1)).endswith("⋯ loput monisteessa")


def test_a_box_too_long_for_two_slides_shows_its_start_and_says_the_rest_is_in_the_handout(deck):
    run = run_of(deck, "Tehtävä")
    assert len(run) == 1
    shown = box_paragraphs(run)
    assert len(shown) >= 2 and shown == PARAGRAPHS[: len(shown)]
    box = re.search(r'<div class="admonition question excerpt">(.*)</div>', run[0].shown, re.DOTALL)
    assert text_of(box.group(1)).endswith("⋯ loput monisteessa")


def test_a_section_too_long_for_three_slides_shows_its_tallest_boxes_closed(deck):
    run = run_of(deck, "Harjoitukset")
    assert len(run) <= 3
    closed = re.findall(
        r'<details class="admonition question closed-here">\s*<summary class="admonition-title">'
        r"(.*?)</summary>(.*?)</details>",
        "".join(slide.shown for slide in run),
        re.DOTALL,
    )
    assert 1 <= len(closed) < len(EXERCISES)
    # Closed, each keeps all its text for the instructor to open.
    for title, content in closed:
        assert text_of(title) in EXERCISES
        assert [text_of(p) for p in re.findall(r"<p>(.*?)</p>", content, re.DOTALL)] == (
            PARAGRAPHS[:4]
        )
    shown = [
        text_of(title)
        for slide in run
        for title in re.findall(r'admonition-title">(.*?)</', slide.shown, re.DOTALL)
    ]
    assert sorted(shown) == sorted(EXERCISES)


def figure_boxes(browser, deck: Path, heading: str = "h3") -> dict[str, dict]:
    """Each figure's drawn size and the room under its slide's title, in slide px."""
    with open_deck(browser, deck, _Report()) as page:
        return page.evaluate(
            """async (heading) => {
              const found = {};
              for (const slide of Reveal.getSlides()) {
                const img = slide.querySelector(':scope > figure > img');
                if (!img) continue;
                Reveal.slide(...Object.values(Reveal.getIndices(slide)));
                await img.decode().catch(() => {});
                const scale = Reveal.getScale();
                const title = slide.querySelector(heading);
                const box = img.getBoundingClientRect();
                const captioned = slide.querySelector('figcaption');
                const caption = captioned ? captioned.getBoundingClientRect() : box;
                const top = title.getBoundingClientRect().bottom;
                const bottom = slide.getBoundingClientRect().top + (720 - 52) * scale;
                found[title.textContent] = {
                  width: box.width / scale, height: box.height / scale,
                  room: (bottom - top) / scale,
                  captionGap: captioned ? (caption.top - box.bottom) / scale : 0,
                };
              }
              return found;
            }""",
            heading,
        )


def test_a_figure_alone_fills_its_slide_and_one_with_text_keeps_its_minimum(browser, deck):
    boxes = figure_boxes(browser, deck)
    alone = boxes["Kuva yksin"]
    # Alone under the title: the image takes the room but for its caption.
    assert alone["height"] >= 0.8 * alone["room"] or alone["width"] >= 1150
    with_text = boxes["Kuva ja teksti"]
    assert with_text["height"] >= MIN_FIGURE_SHARE * with_text["room"] - 1
    for box in boxes.values():
        assert 0 <= box["captionGap"] < 30  # the caption stays with its figure


def test_a_run_ends_on_its_third_slide_the_rest_in_its_notes_and_the_handout(deck):
    run = run_of(deck, "Monta koodia")
    assert len(run) == 3
    *_, last = run
    assert last.text.endswith("⋯ loput monisteessa")
    assert "loput monisteessa" not in run[0].text + run[1].text
    shown = [line for slide in run for line in all_code_lines(slide.shown)]
    in_notes = all_code_lines(last.notes)
    whole = [
        all(shown.count(line) + in_notes.count(line) == 1 for line in lines) for lines in SNIPPETS
    ]
    # Each block whole, once: on a slide or in the last slide's notes; but
    # the last slide's last block may show its start alone (an excerpt).
    assert whole.count(False) <= 1
    for lines in (lines for lines, ok in zip(SNIPPETS, whole, strict=True) if not ok):
        kept = [line for line in lines if line in shown]
        assert len(kept) >= 3 and kept == lines[: len(kept)], lines[0]
        assert set(kept) <= set(all_code_lines(last.shown)) and not set(lines) & set(in_notes)
    assert SNIPPETS[-1][0] in in_notes and SNIPPETS[0][0] in shown


def section_classes(deck: Path, title: str) -> list[set[str]]:
    """The classes of each slide whose title (h3) is ``title``."""
    found = re.finditer(
        r'<section[^>]*class="([^"]*)"[^>]*>\s*<h3[^>]*>(.*?)</h3>',
        deck.read_text(encoding="utf-8"),
        re.DOTALL,
    )
    return [set(m.group(1).split()) for m in found if text_of(m.group(2)) == title]


def test_a_slide_a_little_too_tall_sets_its_blocks_closer_rather_than_continue(deck):
    run = run_of(deck, "Tiivis taulukko")
    assert len(run) == 1
    assert table_rows(run[0]) == DENSE_ROWS
    assert "dense" in section_classes(deck, "Tiivis taulukko")[0]
    # A slide that fits keeps the theme's spacing.
    assert section_classes(deck, "Lyhyt") == [{"slide", "level3"}]


def test_an_aside_that_would_go_on_alone_is_shown_closed_where_it_stands(deck):
    run = run_of(deck, "Vinkki lopussa")
    assert len(run) == 1
    items = re.findall(r"<li>(.*?)</li>", run[0].shown, re.DOTALL)
    assert [text_of(item) for item in items] == ITEMS[:8]
    closed = re.search(
        r'<details class="([^"]*)"[^>]*>\s*<summary[^>]*>(.*?)</summary>(.*?)</details>',
        run[0].shown,
        re.DOTALL,
    )
    assert {"admonition", "tip", "closed-here"} <= set(closed.group(1).split())
    assert text_of(closed.group(2)) == "Vinkki: suljettu"
    assert [
        text_of(p) for p in re.findall(r"<p>(.*?)</p>", closed.group(3), re.DOTALL)
    ] == ASIDE_PARAGRAPHS
    assert run[0].shown.index(ITEMS[7]) < run[0].shown.index("<details")


def test_an_aside_opened_lies_over_its_slide_and_moves_nothing(browser, deck):
    with open_deck(browser, deck, _Report()) as page:
        found = page.evaluate(
            """async () => {
              const titled = (s) => s.querySelector('h3')?.textContent === 'Vinkki lopussa';
              const slide = Reveal.getSlides().find(titled);
              Reveal.slide(...Object.values(Reveal.getIndices(slide)));
              const scale = Reveal.getScale();
              const origin = slide.getBoundingClientRect();
              const box = (el) => {
                const r = el.getBoundingClientRect();
                const y = (v) => (v - origin.top) / scale;
                const x = (v) => (v - origin.left) / scale;
                return { top: y(r.top), bottom: y(r.bottom), left: x(r.left), right: x(r.right) };
              };
              const details = slide.querySelector('details');
              const text = slide.querySelector(':scope > ul > li:last-child');
              const before = box(text);
              details.open = true;
              const opened = box(details);
              return { before, after: box(text), opened, title: box(slide.querySelector('h3')),
                       inner: details.scrollHeight, shown: details.clientHeight };
            }"""
        )
    assert found["after"] == found["before"]
    opened = found["opened"]
    # Over the slide, clear of its footer (52 px) and sides, under the title.
    assert opened["bottom"] <= 720 - 52 + 0.5 and opened["top"] >= found["title"]["top"]
    assert opened["left"] >= 63.5 and opened["right"] <= 1280 - 63.5
    assert opened["bottom"] - opened["top"] > 150  # its paragraphs show, not only its title


def test_an_exercise_that_moves_to_the_next_slide_heads_it_unmarked(deck):
    run = [s for s in slides(deck) if s.title.startswith("Kaksi tehtävää")]
    assert [s.title for s in run] == ["Kaksi tehtävää", "Kaksi tehtävää"]
    assert "next-part" in section_classes(deck, "Kaksi tehtävää")[1]
    assert [box_paragraphs([slide]) for slide in run] == [PARAGRAPHS[:4], PARAGRAPHS[4:8]]


def foot_of(slide) -> list[str]:
    """The footnotes shown at a slide's foot, a line each."""
    found = re.search(r'<div class="slide-foot[^"]*">(.*?)</div>', slide.shown, re.DOTALL)
    return (
        [text_of(p) for p in re.findall(r"<p>(.*?)</p>", found.group(1), re.DOTALL)]
        if found
        else []
    )


def test_a_footnote_is_shown_at_the_foot_of_the_slide_that_cites_it(deck):
    # A full slide: its list ends above the footnote (the deck has no overflow).
    [cited] = run_of(deck, "Alaviite")
    assert foot_of(cited) == [f"[1] {NOTE_A}"]
    assert [text_of(i) for i in re.findall(r"<li>(.*?)</li>", cited.shown, re.DOTALL)][-1] == ITEMS[
        9
    ]
    # Cited in the speaker notes only: nothing at the foot.
    [uncited] = run_of(deck, "Ilman alaviitettä")
    assert foot_of(uncited) == [] and "[2]" in uncited.notes_text
    # On the slide its citing item went on to, not where the list starts.
    first, second = run_of(deck, "Lähde lopussa")
    assert foot_of(first) == [] and foot_of(second) == [f"[3] {NOTE_B}"]
    [sources] = [slide for slide in slides(deck) if slide.title == "Lähteet"]
    assert NOTE_A in sources.text and NOTE_B in sources.text and foot_of(sources) == []


def test_a_slide_full_but_for_its_footnote_keeps_its_content_whole(deck):
    # Its citation points to the sources slide alone.
    [full] = run_of(deck, "Täysi dia")
    items = [text_of(i) for i in re.findall(r"<li>(.*?)</li>", full.shown, re.DOTALL)]
    assert len(items) == FULL_ITEMS and foot_of(full) == []
    assert re.search(r"<sup>\[\d\]</sup>", full.shown)


def test_a_label_goes_with_the_code_it_introduces(deck):
    run = run_of(deck, "Ohje ja koodi")
    assert len(run) == 2
    assert "Aja tämä:" not in run[0].text and run[0].text.endswith(PARAGRAPHS[3])
    assert re.search(r"<p>Aja tämä:</p>\s*<(pre|div class=\"sourceCode)", run[1].shown)


def test_what_follows_a_figure_continues_on_the_next_slide(deck):
    run = run_of(deck, "Kuva ja teksti")
    assert 2 <= len(run) <= 3
    assert "<figure" in run[0].shown
    assert all("<figure" not in slide.shown for slide in run[1:])
    assert [p for s in run for p in s.points] == ITEMS[:12]
    assert sum("Huomio" in s.text for s in run) == 1


def test_a_subheading_continues_with_what_it_introduces(deck):
    run = run_of(deck, "Väliotsikot")
    assert len(run) >= 2
    shown = [re.findall(r"<h4[^>]*>(.*?)</h4>|<li>(Kohta numero)", s.shown) for s in run]
    subheadings = [h for slide in shown for h, _ in slide if h]
    assert subheadings == SUBHEADINGS  # each once, in order
    # Each slide after the first starts a part of its own: not "(jatkuu)".
    assert all(slide.title == "Väliotsikot" for slide in run)
    assert all(re.match(r"\s*<h3>[^<]*</h3>\s*<h4", slide.shown) for slide in run[1:])
    for slide in shown:
        # On every slide, the last subheading has its list after it.
        assert slide[-1][1], f"a slide ends with {slide[-1][0]!r}"


def test_the_layout_is_the_same_on_every_build(course, tmp_path):
    again = run_build(course, "--out", str(tmp_path / "again"))
    assert again.returncode == 0, again.stderr
    first = outputs(course / "build")
    second = outputs(tmp_path / "again")
    assert second["01_asettelu.html"] == first["01_asettelu.html"]


def test_a_block_too_big_even_alone_is_a_warning_and_check_fails(tmp_path):
    make_course(tmp_path, {"slides/02_suuri.md": TOO_TALL})
    result = run_build(tmp_path, "--out", str(tmp_path / "build"))
    assert result.returncode == 0, result.stderr
    assert re.search(r"02_suuri\.md: slide 'Matriisi': p .* too tall even alone", result.stderr)
    checked = run_build(tmp_path, "--out", str(tmp_path / "build"), "--check")
    assert checked.returncode == 1
    assert re.search(
        r"02_suuri\.md: slide \d+ 'Matriisi': content fits only shrunk to \d+%", checked.stderr
    ), checked.stderr


LONG_TITLE = (
    "Konvoluutioneuroverkkojen kuvantunnistussovellukset ja niiden "
    "tulkittavuusmenetelmät teollisuuden laadunvalvonnassa"
)


def test_a_long_title_wraps_clear_of_the_title_slide_drawing(browser, tmp_path):
    page = f"# {LONG_TITLE}\n\n## Osio\n\n### Dia\n\n- kohta\n"
    make_course(tmp_path, {"slides/03_pitka.md": page})
    result = run_build(tmp_path, "--out", str(tmp_path / "build"))
    assert result.returncode == 0, result.stderr
    with open_deck(browser, tmp_path / "build" / "03_pitka.html", _Report()) as page_view:
        boxes = page_view.evaluate(
            """() => {
              const box = (el) => { const r = el.getBoundingClientRect();
                return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
              const title = document.querySelector('#deck-title h1');
              return {title: box(title), art: box(document.querySelector('.deck-title-art')),
                      slide: box(document.querySelector('#deck-title')),
                      wide: title.scrollWidth - title.clientWidth,
                      // A word broken over two lines has two rectangles.
                      broken: (() => { const text = title.firstChild, words = [];
                        for (const m of text.data.matchAll(/\\S+/g)) {
                          const r = document.createRange();
                          r.setStart(text, m.index); r.setEnd(text, m.index + m[0].length);
                          if (r.getClientRects().length > 1) words.push(m[0]);
                        } return words; })(),
                      lines: Math.round(title.getBoundingClientRect().height
                        / parseFloat(getComputedStyle(title).lineHeight) / Reveal.getScale())};
            }"""
        )
    title, art, slide = boxes["title"], boxes["art"], boxes["slide"]
    apart = title["right"] <= art["left"] or title["bottom"] <= art["top"]
    assert apart, boxes
    assert (
        boxes["wide"] <= 1 and title["top"] >= slide["top"] and title["bottom"] <= slide["bottom"]
    )
    assert boxes["lines"] >= 2  # it wraps rather than running on
    assert boxes["broken"] == []


def test_without_its_browser_the_build_fails_in_one_line_and_keeps_its_outputs(tmp_path):
    make_course(tmp_path, {"slides/04_kevyt.md": "# Kevyt\n\n## Osio\n\n### Dia\n\n- kohta\n"})
    out = tmp_path / "build"
    assert run_build(tmp_path, "--out", str(out)).returncode == 0
    before = outputs(out)
    page = tmp_path / "slides" / "04_kevyt.md"
    page.write_text(page.read_text(encoding="utf-8") + "- toinen\n", encoding="utf-8")
    result = run_build(tmp_path, "--out", str(out), env={"CHROMIUM": str(tmp_path / "ei")})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: Chromium not found at {tmp_path / 'ei'}; run `make` to install it"
    ]
    assert outputs(out) == before


def test_another_chromium_lays_the_decks_out_again(tmp_path):
    make_course(tmp_path, {"slides/05_selain.md": "# Selain\n\n## Osio\n\n### Dia\n\n- kohta\n"})
    out = tmp_path / "build"
    assert run_build(tmp_path, "--out", str(out)).returncode == 0
    # Debian's Chromium is started by a launcher script: a copy of it is a
    # working Chromium that the build cannot tell is the same one.
    other = tmp_path / "chromium"
    shutil.copy2(chromium_path(), other)
    os.utime(other, ns=(0, 0))
    again = run_build(tmp_path, "--out", str(out), env={"CHROMIUM": str(other)})
    assert again.returncode == 0, again.stderr
    assert re.search(r"^lesson\s+\S*05_selain\.md", again.stdout, re.MULTILINE)
    same = run_build(tmp_path, "--out", str(out), env={"CHROMIUM": str(other)})
    assert not re.search(r"^lesson ", same.stdout, re.MULTILINE)


SITE_CONFIG = """\
site_name: Asettelu
theme:
  name: material
  language: fi
markdown_extensions:
  - attr_list
  - md_in_html
  - pymdownx.superfences
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
"""


def built_site_page(root: Path, name: str, page: str, files: dict[str, bytes]) -> Path:
    """An MkDocs-Material site of the one page ``name``, built: its deck."""
    make_site(root, {"mkdocs.yml": SITE_CONFIG, f"docs/{name}.md": page, **files})
    result = run_build(root, "--course", str(root), "--out", str(root / "build"))
    assert result.returncode == 0, result.stderr
    return root / "build" / f"{name}.html"


GALLERY_SIZE = (400, 300)


def test_a_figure_of_several_images_is_a_grid_that_fits_its_slide(browser, tmp_path):
    """Eight 400×300 photos under one caption: 4 columns × 2 rows draw them largest.

    The figure is about 1150 px wide: a fourth of it less the 8 px gaps is
    281 px, so 211 px high (two rows of that fit under the title); 3 columns
    would need 3 rows, each under 190 px high, and 8 columns 105 px.
    """
    imgs = "\n".join(f'  ![Kuva {n}](kuvat/galleria_{n}.png){{ width="400" }}' for n in range(1, 9))
    page = f"# Galleria\n\n## Kuvagalleria\n\n<figure markdown>\n{imgs}\n"
    page += "  <figcaption>Kahdeksan valokuvaa.</figcaption>\n</figure>\n"
    images = {f"docs/kuvat/galleria_{n}.png": png(*GALLERY_SIZE) for n in range(1, 9)}
    deck = built_site_page(tmp_path, "galleria", page, images)
    report = inspect_deck(browser, deck)
    assert [s.problems() for s in report.slides if s.problems()] == []
    [gallery] = [slide for slide in slides(deck) if slide.title == "Kuvagalleria"]
    assert gallery.shown.count("<img") == 8
    with open_deck(browser, deck, _Report()) as view:
        boxes = view.evaluate(
            """async () => {
              const slide = document.querySelector('figure.gallery').closest('section');
              Reveal.slide(...Object.values(Reveal.getIndices(slide)));
              const scale = Reveal.getScale();
              return [...slide.querySelectorAll('figure img')].map((img) => {
                const box = img.getBoundingClientRect();
                return [Math.round(box.left / scale), Math.round(box.top / scale),
                        box.width / scale, box.height / scale];
              });
            }"""
        )
    assert len({left for left, _, _, _ in boxes}) == 4
    assert len({top for _, top, _, _ in boxes}) == 2
    for _, _, width, height in boxes:
        assert 200 <= height <= 215 and abs(width / height - 4 / 3) < 0.02


ICON_PAGE = """\
# Kuvakkeet

## Kuva otsikon alla :material-alert-decagram:{ .mdx-pulse title="Tärkeä!" }

![Käyrä, joka nousee](kuvat/kayra.png)

## Yksi kohta

- **Huomio:** PARAGRAPH

    ```python
CODE
    ```
"""


def test_an_icon_in_a_title_takes_its_own_size_while_the_slide_is_laid_out(browser, tmp_path):
    """Unloaded, an icon had its alt text (":material-alert-decagram:") for a width and
    its aspect for a height: a 245 px title, and a figure sized for the room it left."""
    page = ICON_PAGE.replace("PARAGRAPH", PARAGRAPHS[0]).replace(
        "CODE", "\n".join("    " + line for line in CODE[:24])
    )
    deck = built_site_page(tmp_path, "kuvakkeet", page, {"docs/kuvat/kayra.png": png(900, 600)})
    boxes = figure_boxes(browser, deck, "h2")
    [alone] = boxes.values()
    assert alone["height"] >= 0.8 * alone["room"], alone


def test_a_list_of_one_item_continues_inside_its_item(browser, tmp_path):
    page = ICON_PAGE.replace("PARAGRAPH", PARAGRAPHS[0]).replace(
        "CODE", "\n".join("    " + line for line in CODE[:24])
    )
    deck = built_site_page(tmp_path, "kohta", page, {"docs/kuvat/kayra.png": png(900, 600)})
    report = inspect_deck(browser, deck)
    assert [s.problems() for s in report.slides if s.problems()] == []
    run = [slide for slide in slides(deck) if slide.title.startswith("Yksi kohta")]
    assert [slide.title for slide in run] == ["Yksi kohta", "Yksi kohta" + CONTINUED]
    # Every line of the code once, in order, over the two slides; no list left empty.
    assert all_code_lines("".join(slide.shown for slide in run)) == CODE[:24]
    assert not re.search(r"<ul[^>]*>\s*</ul>", deck.read_text(encoding="utf-8"))


WIDTHED_PAGE = """\
# Kuva leveydellä

## Kuva ja lista

- ![Pieni kuva](kuvat/pieni.png){ width=45% } Kuva listassa.
ITEMS
"""


def test_an_image_keeps_the_width_its_page_gives_it_while_laid_out(browser, tmp_path):
    # A 200 px image the page draws at 45 % (520 px tall): laid out at its
    # natural 200 px, the list under it would be judged to fit and overflow.
    page = WIDTHED_PAGE.replace("ITEMS", "\n".join(f"- {item}" for item in ITEMS[:6]))
    deck = built_site_page(tmp_path, "leveys", page, {"docs/kuvat/pieni.png": png(200, 200)})
    report = inspect_deck(browser, deck)
    assert [s.problems() for s in report.slides if s.problems()] == []
    run = [slide for slide in slides(deck) if slide.title.startswith("Kuva ja lista")]
    assert len(run) == 2
    shown = "".join(slide.shown for slide in run)
    items = [text_of(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", shown, re.DOTALL)]
    assert items == ["Kuva listassa.", *ITEMS[:6]]
