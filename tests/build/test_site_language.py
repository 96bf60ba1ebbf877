"""The words the build adds are the site's language's: in the deck, its notes, the handout,
the slide PDF and the index; none of another language's."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from coursebuild.core.words import WORDS, missing_language_warning
from tests.support.corpus.markers import pdf_text
from tests.support.course_factory import before_summary, make_course, mkdocs_yml, run_build
from tests.support.deck_slides import slides, text_of
from tests.support.images import png

# A list that needs two slides continues; longer blocks are cut to a slide's worth.
LONG_LIST = "".join(f"- item number {n} of a list too long to show at once\n" for n in range(16))
LONGER_LIST = "".join(f"- point {n}\n" for n in range(40))
LONG_CODE = "\n".join(f"value_{n} = compute({n})" for n in range(80))
LONG_TABLE = "| Model | Size |\n| --- | --- |\n" + "".join(f"| m{n} | {n} |\n" for n in range(45))
LONG_BOX = "".join(f"    Paragraph {n} of a box that goes on and on.\n\n" for n in range(24))
PAGE = f"""# Optics

Prose before the first section.

## Light

### A figure

![A plot of the light](plot.png)

**Figure 1:** The light as it falls.

### A long list

{LONG_LIST}
### A longer list

{LONGER_LIST}
### Long code

```python
{LONG_CODE}
```

### A long table

{LONG_TABLE}
### A long box

!!! note "Reading"

{LONG_BOX}
### A box

!!! tip

    Look at the light.

Prose with a source.[^1]

[^1]: Hecht, Optics.
"""
# A damaged image (no image header) fails its page.
BROKEN = "# Broken\n\n## Part\n\n![Gone](gone.png)\n\n**Figure 1:** Gone.\n"
SITE = mkdocs_yml("admonition", "footnotes", "attr_list", "md_in_html")


def site_in(language: str, root: Path, licence: str = "CC BY 4.0") -> Path:
    site = SITE.replace("language: fi", f"language: {language}")
    site += "site_author: A. Teacher\n" + (f"copyright: {licence}\n" if licence else "")
    files = {
        "mkdocs.yml": site,
        "docs/optics.md": PAGE,
        "docs/zbroken.md": BROKEN,
        "docs/gone.png": "damaged",
    }
    course = make_course(root, {**files, "docs/plot.png": png(400, 300)})
    (course / "course.toml").unlink()
    return course


class Built:
    """One site built in ``language``: the text each output shows."""

    def __init__(self, language: str, root: Path) -> None:
        course = site_in(language, root)
        out = root / "out"
        self.result = run_build(course, "--out", str(out), "--slide-notes", slide_pdfs=True)
        self.deck_page = (out / "optics.html").read_text(encoding="utf-8")
        deck = slides(out / "optics.html")
        self.titles = [slide.title for slide in deck]
        self.shown_slides = [text_of(slide.shown) for slide in deck]
        self.shown = "\n".join(self.shown_slides)
        self.notes = "\n".join(text_of(slide.notes) for slide in deck)
        self.handout = " ".join(pdf_text(out / "optics.pdf").split())
        self.slide_pdf = " ".join(pdf_text(out / "optics-slides.pdf").split())
        index = (out / "index.html").read_text(encoding="utf-8")
        self.index = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", index)).split())

    def everything(self) -> str:
        return "\n".join((self.shown, self.notes, self.handout, self.slide_pdf, self.index))


@pytest.fixture(scope="module", params=sorted(WORDS))
def built(request, tmp_path_factory) -> tuple[str, Built]:
    language = request.param
    return language, Built(language, tmp_path_factory.mktemp(f"site-{language}"))


def test_the_site_builds_the_good_page_and_fails_the_broken_one(built):
    _, site = built
    assert site.result.returncode == 1
    errors = before_summary(site.result.stderr).splitlines()
    assert len(errors) == 1 and "zbroken.md:5" in errors[0], errors


def test_the_deck_shows_the_languages_words(built):
    language, site = built
    words = WORDS[language]
    assert f"A long list ({words['continued']})" in site.titles
    assert site.titles[-1] == words["sources"]
    assert f"{words['figure']} 1:" in site.shown
    for label in ("author", "updated", "licence"):  # the title slide's
        assert words[label] in site.shown, label
    admonition = "Tip" if language == "en" else words["admonitions"]["tip"]
    assert admonition in site.shown
    assert words["notes_key"] in site.notes


def test_an_excerpt_says_in_the_languages_words_how_much_it_leaves_out(built):
    language, site = built
    words = WORDS[language]
    shown = {title: text for title, text in zip(site.titles, site.shown_slides, strict=True)}
    points = shown["A longer list"].count("point ")
    lines = shown["Long code"].count("value_")
    rows = len(re.findall(r"\bm\d+\b", shown["A long table"]))
    assert 0 < points < 40 and 0 < lines < 80 and 0 < rows < 45
    assert shown["A longer list"].endswith(words["excerpt_items"].format(n=40 - points))
    assert shown["Long code"].endswith(words["excerpt_lines"].format(n=80 - lines))
    assert shown["A long table"].endswith(words["excerpt_rows"].format(n=45 - rows))
    assert shown["A long box"].endswith(words["excerpt_rest"])


def test_the_handout_and_the_slide_pdf_show_the_languages_words(built):
    language, site = built
    words = WORDS[language]
    assert f"{words['figure']} 1:" in site.handout
    assert f"{words['licence']}: CC BY 4.0" in site.handout
    assert f"({words['continued']})" in site.slide_pdf
    assert words["sources"] in site.slide_pdf
    assert words["speaker_notes"] in site.slide_pdf  # the notes' label, with --slide-notes


def test_the_index_shows_the_languages_words(built):
    language, site = built
    words = WORDS[language]
    for key in ("lectures", "slides_html", "slides_pdf", "handout_pdf", "unavailable"):
        assert words[key] in site.index, key
    assert words["offline"] in site.index and words["notes_hint"] in site.index
    assert re.search(
        rf"\d+\s{re.escape(words['slide_many'])} · \d+\s{words['kilobytes']}", site.index
    )
    assert f"{words['licence']}: CC BY 4.0" in site.index


def test_no_word_of_another_language(built):
    """Each other table's words that this one does not share: none of them anywhere."""
    language, site = built
    shown = site.everything()
    ours = {value for value in flat(WORDS[language])}
    for other, table in WORDS.items():
        if other == language:
            continue
        foreign = {v for v in flat(table) if v not in ours and len(v) >= 4 and " " not in v}
        found = sorted(v for v in foreign if re.search(rf"(?<!\w){re.escape(v)}(?!\w)", shown))
        assert not found, f"{other} words in a {language} site: {found}"


def flat(table: dict) -> list[str]:
    """The table's words (not its date pattern or decimal sign)."""
    values = [v for k, v in table.items() if k not in ("date", "decimal", "admonitions")]
    return values + list(table["admonitions"].values())


def test_the_network_drawing_is_this_courses_own_not_a_sites(built, seed_build):
    _, site = built
    drawing = '<svg class="deck-title-art"'
    assert drawing not in site.deck_page
    assert drawing in (seed_build / "100_neuroverkot_101.html").read_text(encoding="utf-8")


def test_a_language_without_words_is_english_with_one_warning(tmp_path):
    course = site_in("pt", tmp_path / "pt", licence="")
    result = run_build(course, "--out", str(tmp_path / "out"), "docs/optics.md")
    assert result.returncode == 0, result.stderr
    warning = missing_language_warning("pt", str(course / "mkdocs.yml"))
    assert result.stderr.count("warning: ") == 1 and f"warning: {warning}" in result.stderr
    deck = slides(tmp_path / "out" / "optics.html")
    assert f"A long list ({WORDS['en']['continued']})" in [slide.title for slide in deck]
    # A site without a licence line: no empty "Licence" on the title slide or in the handout.
    assert WORDS["en"]["author"] in deck[0].shown and WORDS["en"]["licence"] not in deck[0].shown
    assert WORDS["en"]["licence"] not in pdf_text(tmp_path / "out" / "optics.pdf")


def test_no_finnish_word_even_in_the_decks_markup(built):
    """Not in an id of the address bar (a continuation slide's), nor a comment of the deck's CSS."""
    language, site = built
    if language == "fi":
        return
    others = {v for code, table in WORDS.items() if code != "fi" for v in flat(table)}
    finnish = {v for v in flat(WORDS["fi"]) if v not in others and len(v) >= 4 and " " not in v}
    found = sorted(v for v in finnish if re.search(rf"(?<!\w){re.escape(v)}(?!\w)", site.deck_page))
    assert not found, found
