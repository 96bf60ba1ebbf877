"""Emoji typed as characters are the Twemoji images their shortcodes get, except in code."""

from __future__ import annotations

import re

from coursebuild.core.emoji import TWEMOJI_DIR
from coursebuild.reading.course import DEFAULT_EXTENSIONS
from coursebuild.reading.html_bridge import PageContext
from coursebuild.reading.markdown_reader import page_to_html


def read(text: str, tmp_path) -> tuple[str, PageContext]:
    context = PageContext(resolve_image=str, emoji_dir=TWEMOJI_DIR)
    return page_to_html(text, list(DEFAULT_EXTENSIONS), tmp_path, context), context


def test_prose_lists_and_headings_get_images_code_keeps_the_character(tmp_path):
    html, context = read(
        "## Tila ✅\n\nValmis ✅ ja kielletty ⛔️ tässä, `koodi ✅`.\n\n- ✅ kohta\n", tmp_path
    )
    images = re.findall(r'<img alt="(.)" class="twemoji" src="([^"]+)"', html)
    assert [alt for alt, _ in images] == ["✅", "✅", "⛔", "✅"]
    assert {src for _, src in images} == {
        str(TWEMOJI_DIR / "2705.svg"),
        str(TWEMOJI_DIR / "26d4.svg"),
    }
    assert "<code>koodi ✅</code>" in html
    assert "\ufe0f" not in html  # the variation selector goes with its emoji
    assert "Valmis " in html and " ja kielletty " in html and " tässä, " in html
    assert sorted(set(context.emoji)) == sorted({src for _, src in images})


def test_a_character_without_an_image_stays(tmp_path):
    html, _ = read("Merkki \U0001fadf ja ✅.\n", tmp_path)  # no Twemoji for U+1FADF
    assert "\U0001fadf" in html and html.count('class="twemoji"') == 1
