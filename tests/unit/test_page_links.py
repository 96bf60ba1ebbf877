"""Links between pages: to the deck from a deck, to the handout or web page from a handout."""

from __future__ import annotations

from pathlib import Path

import pytest

from coursebuild.reading.page_links import PageLink, SiteLinks

DOCS = Path("/kurssi/docs")
SLUGS = {
    DOCS / "index.md": "index-page",
    DOCS / "luku" / "osa.md": "osa",
    DOCS / "luku" / "index.md": "luku-index",
    DOCS / "toinen sivu.md": "toinen sivu",
}
PAGE = DOCS / "luku" / "osa.md"


@pytest.mark.parametrize(
    "href, deck, handout",
    [
        ("../index.md", "index-page.html", "index-page.pdf"),
        ("../index.md#aloitus", "index-page.html#/aloitus", "index-page.pdf"),
        ("index.md", "luku-index.html", "luku-index.pdf"),  # relative to the page's folder
        ("/index.md", "index-page.html", "index-page.pdf"),  # site-root: in docs_dir
        ("../toinen%20sivu.md", "toinen sivu.html", "toinen sivu.pdf"),
        ("osa.md#kohta", "#kohta", "#kohta"),  # the page itself: its own heading
        ("./osa.md", "osa.html", "osa.pdf"),
    ],
)
def test_a_link_to_a_page_points_at_what_was_built_from_it(href, deck, handout):
    assert SiteLinks(DOCS, SLUGS).resolve(href, PAGE) == PageLink(deck, handout)


@pytest.mark.parametrize(
    "directory_urls, href, handout",
    [
        (True, "../index.md", "https://x.fi/k/"),
        (True, "index.md#a", "https://x.fi/k/luku/#a"),
        (True, "../toinen%20sivu.md", "https://x.fi/k/toinen%20sivu/"),
        (False, "../index.md", "https://x.fi/k/index.html"),
        (False, "index.md", "https://x.fi/k/luku/index.html"),
        (False, "osa.md", "https://x.fi/k/luku/osa.html"),
    ],
)
def test_with_site_url_the_handout_links_to_the_page_on_the_web(directory_urls, href, handout):
    links = SiteLinks(DOCS, SLUGS, "https://x.fi/k", directory_urls)
    assert links.resolve(href, PAGE).handout == handout


@pytest.mark.parametrize(
    "href",
    ["https://x.fi/a.md", "mailto:a@b.fi", "#osa", "kuva.png", "data.csv", "", "//x.fi/a.md"],
)
def test_what_is_no_link_to_a_page_is_left_alone(href):
    assert SiteLinks(DOCS, SLUGS).resolve(href, PAGE) is None


@pytest.mark.parametrize("href", ["puuttuu.md", "../../ulkona.md", "../luku.md#x"])
def test_a_link_to_a_page_that_is_not_there_is_dead(href):
    assert isinstance(SiteLinks(DOCS, SLUGS).resolve(href, PAGE), str)
