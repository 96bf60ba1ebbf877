"""The card in place of an image not there: its address fits the card, the file's name kept."""

from __future__ import annotations

import re

from coursebuild.reading.placeholder_card import placeholder_svg

LONG = "https://glassus.github.io/terminale_nsi/T2_Programmation/2.2_Recursivite/data/pile_exec.gif"
# DejaVu Sans Mono: every glyph 0.602 em; the card is 640 px wide, its frame 636.
GLYPH_EM = 0.602


def address_line(svg: str) -> tuple[str, float]:
    """The card's address as written, and its font size in px."""
    [(size, text)] = re.findall(r'monospace" font-size="(\d+)"[^>]*>([^<]*)</text>', svg)
    return text, float(size)


def test_a_long_address_fits_the_card_and_keeps_its_host_and_file_name():
    text, size = address_line(placeholder_svg(LONG, "Kuvaa ei voitu hakea"))
    assert len(text) * GLYPH_EM * size <= 636 - 2 * 8  # a margin each side
    assert text.startswith("glassus.github.io/…")
    assert text.endswith("/2.2_Recursivite/data/pile_exec.gif")


def test_a_short_address_is_shown_whole_without_its_scheme():
    text, _ = address_line(placeholder_svg("http://10.0.0.1/kaavio.png", "Kuvaa ei voitu hakea"))
    assert text == "10.0.0.1/kaavio.png"
