"""Links between a site's pages, resolved as MkDocs resolves them, to what the build made.

A deck links to the other page's deck (``other.html#/osa``), a handout to the
other page's handout (``other.pdf``), or to its page on the web when the site
sets ``site_url``. A ``.md`` link that names no page of the site is dead: it is
shown as its text, with a warning.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote, unquote, urlsplit


class PageLink(NamedTuple):
    deck: str  # the href in the deck
    handout: str  # the href in the handout


@dataclass(frozen=True)
class SiteLinks:
    """Where each page of the site is built to, and where the site is on the web."""

    docs_dir: Path
    slugs: dict[Path, str]  # page (resolved) -> output name
    site_url: str | None = None  # "https://kurssi.example/" when the site sets one
    directory_urls: bool = True  # MkDocs' use_directory_urls

    def resolve(self, href: str, page: Path) -> PageLink | str | None:
        """What ``href`` on ``page`` points at: a PageLink to another page; the page's
        path (str) when it names a ``.md`` file that is no page of the site; None when
        it is no link to a page (an address, an anchor, an image, a file)."""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.lower().endswith(".md"):
            return None
        path = unquote(parts.path)
        base = self.docs_dir if path.startswith("/") else page.resolve().parent
        target = Path(posixpath.normpath((base / path.lstrip("/")).as_posix()))
        slug = self.slugs.get(target)
        if slug is None:
            return path
        anchor = parts.fragment
        same_page = target == page.resolve() and anchor
        # reveal.js goes to the slide whose id follows "#/": the heading's, as on the
        # site. Pandoc writes a deck's own "#osa" as "#/osa".
        if same_page:  # the heading in the deck itself, and in the handout itself
            return PageLink(f"#{anchor}", f"#{anchor}")
        deck = f"{slug}.html" + (f"#/{anchor}" if anchor else "")
        return PageLink(deck, self.handout_href(target, slug, anchor))

    def handout_href(self, target: Path, slug: str, anchor: str) -> str:
        if self.site_url is None:
            return f"{slug}.pdf"
        address = self.site_url.rstrip("/") + "/" + self.page_url(target)
        return address + (f"#{anchor}" if anchor else "")

    def web_address(self, page: Path) -> str | None:
        """The page's address on the web, when the site says where it is (site_url)."""
        if self.site_url is None:
            return None
        try:
            return self.site_url.rstrip("/") + "/" + self.page_url(page.resolve())
        except ValueError:  # a page outside docs_dir (a lesson given by path): no address
            return None

    def page_url(self, target: Path) -> str:
        """The page's address inside the site, as MkDocs writes it (mkdocs.structure.files)."""
        rel = target.relative_to(self.docs_dir).with_suffix("")
        parts = list(rel.parts)
        is_index = parts[-1].lower() in ("index", "readme")
        if is_index:
            parts = parts[:-1]
        if self.directory_urls or is_index:
            url = "/".join(parts) + "/" if parts else ""
            return quote(url) if self.directory_urls else quote(url + "index.html")
        return quote("/".join(parts) + ".html")
