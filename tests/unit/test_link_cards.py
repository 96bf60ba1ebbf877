"""An embedded frame's card: the whole address to follow, a short one to read."""

from __future__ import annotations

import html
import re

from coursebuild.reading.html_bridge import MAX_SHOWN_ADDRESS, card_linking_to, shown_address

TUTOR = (
    "https://pythontutor.com/iframe-embed.html#code=def%20fibo%28n%29%3A%0A%20%20"
    "return%20n&codeDivHeight=400&codeDivWidth=350&cumulative=false&py=3"
)


def test_a_short_address_is_shown_whole_without_its_scheme():
    assert shown_address("https://www.youtube.com/watch?v=abc") == "youtube.com/watch?v=abc"
    assert shown_address("http://example.org/a/b") == "example.org/a/b"


def test_a_long_address_loses_its_query_and_fragment_for_an_ellipsis():
    assert shown_address(TUTOR) == "pythontutor.com/iframe-embed.html…"
    query = "https://example.org/search?" + "q=" + "x" * 80
    assert shown_address(query) == "example.org/search…"


def test_a_long_path_is_cut_to_the_limit():
    address = "https://www.example.org/" + "/".join(f"osa{n}" for n in range(30))
    shown = shown_address(address)
    assert len(shown) == MAX_SHOWN_ADDRESS and shown.endswith("…")
    assert shown.startswith("example.org/osa0/osa1/")


def test_the_card_links_to_the_whole_address_and_shows_the_short_one():
    card = card_linking_to(TUTOR, "Fibonacci")
    assert f'data-href="{html.escape(TUTOR)}"' in card
    assert f'<a href="{html.escape(TUTOR)}">Fibonacci</a>' in card
    shown = re.search(r'<span class="link-address">(.*?)</span>', card).group(1)
    assert shown == "pythontutor.com/iframe-embed.html…"
    # Nothing of the embedded program is on the slide's face.
    assert "fibo" not in re.sub(r'"[^"]*"', "", card)


def test_a_card_titled_by_its_address_shows_it_once():
    card = card_linking_to(TUTOR, shown_address(TUTOR))
    assert re.sub(r"<[^>]+>", "", card) == "pythontutor.com/iframe-embed.html…"
