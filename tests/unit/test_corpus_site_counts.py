"""The corpus check's oracle counts what the site shows as an image, as the site shows it."""

from __future__ import annotations

from tests.support.corpus.counts import count_site
from tests.support.corpus.html_tree import parse_html


def images(markup: str) -> int:
    return count_site(parse_html(markup)).images


def test_an_image_counts_and_an_emoji_does_not():
    assert images('<p><img src="a.png" alt="a"><img class="twemoji" src="e.svg"></p>') == 1


def test_a_custom_element_counts_when_the_site_draws_an_image_file_with_it():
    # terminale-nsi's <gif-player>: the site's script shows the GIF.
    assert (
        images('<gif-player src="https://x.example/d/pino.gif" speed="1" play></gif-player>') == 1
    )
    assert images('<model-viewer src="auto.glb"></model-viewer>') == 0
    assert images("<oma-laatikko>Teksti</oma-laatikko>") == 0
    assert images('<audio controls><source src="luento.mp3"></audio>') == 0
