"""The language tables: the same words in each, chosen by the site's language, dates, sizes."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from coursebuild.core.errors import BuildError
from coursebuild.core.paths import PACKAGE_DIR
from coursebuild.core.words import (
    WORDS,
    continued_mark,
    format_date,
    missing_language_warning,
    words_for,
    words_language,
)
from coursebuild.course_index import human_size
from coursebuild.deck.slide_pdf import notes_label_css
from coursebuild.lesson.workers import page_failure


def test_every_table_has_every_word_and_none_is_empty():
    for language, words in WORDS.items():
        assert words.keys() == WORDS["fi"].keys(), language
        for key, value in words.items():
            if key != "admonitions":
                assert isinstance(value, str) and value.strip(), (language, key)


@pytest.mark.parametrize(
    "asked, chosen",
    [
        ("fi", "fi"),
        ("en-GB", "en"),
        ("fr_CA", "fr"),
        ("SV", "sv"),
        ("de", "de"),
        ("pt", "en"),
        ("pt_BR", "en"),
        (None, "en"),
        ("", "en"),
    ],
)
def test_the_language_chooses_its_table_else_english(asked, chosen):
    assert words_language(asked) == chosen
    assert words_for(asked)["language"] == chosen


def test_a_language_without_a_table_warns_once_and_english_does_not():
    assert "no words for language 'pt'" in missing_language_warning("pt", "mkdocs.yml")
    for language in ("en", "en-US", "fi", "de", None):
        assert missing_language_warning(language, "mkdocs.yml") is None


@pytest.mark.parametrize(
    "language, shown",
    [
        ("fi", "6.3.2026"),
        ("en", "2026-03-06"),
        ("fr", "06/03/2026"),
        ("sv", "2026-03-06"),
        ("de", "6.3.2026"),
        ("pt", "2026-03-06"),
    ],
)
def test_dates_as_each_language_writes_them(language, shown):
    assert format_date(datetime.date(2026, 3, 6), language) == shown


@pytest.mark.parametrize(
    "language, small, large",
    [
        ("fi", "12\xa0kt", "1,5\xa0Mt"),
        ("en", "12\xa0kB", "1.5\xa0MB"),
        ("fr", "12\xa0ko", "1,5\xa0Mo"),
        ("sv", "12\xa0kB", "1,5\xa0MB"),
        ("de", "12\xa0kB", "1,5\xa0MB"),
    ],
)
def test_sizes_with_the_languages_units_and_decimal_sign(language, small, large):
    words = words_for(language)
    assert human_size(12 * 1024, words) == small
    assert human_size(int(1.5 * 1024 * 1024), words) == large


def test_a_continuation_slides_mark():
    assert continued_mark("fi") == " (jatkuu)"
    assert continued_mark("en") == " (continued)"
    assert continued_mark("de") == " (Forts.)"


def test_the_slide_pdfs_notes_label_for_each_language():
    css = notes_label_css()
    for language, words in WORDS.items():
        rule = f'html[lang|="{language}"].reveal-print .reveal .speaker-notes-pdf::before'
        assert f'{rule} {{ content: "{words["speaker_notes"]}"; }}' in css


def test_the_diagram_word_names_a_diagram_in_each_language():
    # The alt text of an uncaptioned diagram (reading/read_page.py) and what
    # deck/draft.py recognises as that generic alt: one word a language.
    assert [WORDS[code]["diagram"] for code in ("fi", "en", "fr", "sv", "de")] == [
        "Kaavio",
        "Diagram",
        "Diagramme",
        "Diagram",
        "Diagramm",
    ]


def test_a_page_failure_is_an_error_naming_a_file_outside_the_build():
    assert page_failure(BuildError("bad", Path("/site/docs/page.md"), 3))
    assert not page_failure(BuildError("Chromium not found"))
    template = PACKAGE_DIR / "templates" / "deck.html.j2"
    assert not page_failure(BuildError("template error", template, 60))


def test_the_caption_labels_are_the_same_in_python_and_in_lua():
    """dialect.py (a caption's warning) and captions.lua (the caption) know the same labels."""
    from coursebuild.pandoc.run import FILTERS_DIR
    from coursebuild.reading.dialect import LABEL_WORDS

    lua = (FILTERS_DIR / "captions.lua").read_text(encoding="utf-8")
    table = re.search(r"local LABEL_WORDS = \{([^}]*)\}", lua)[1]
    assert sorted(re.findall(r"(\w+) = true", table)) == LABEL_WORDS
    assert {words["figure"] for words in WORDS.values()} <= set(LABEL_WORDS)
