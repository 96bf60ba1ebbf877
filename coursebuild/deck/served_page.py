"""A page of the build's browser, served its documents from memory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coursebuild.browser.chromium import SLIDE_HEIGHT, SLIDE_WIDTH

if TYPE_CHECKING:  # asyncio and the rest load only when a page is opened: a no-op opens none
    from coursebuild.browser.headless import Browser, Page

# The site the build's pages load their documents from: never fetched, the
# page answers its requests itself.
DECK_SITE = "https://deck.invalid"


class ServedPage:
    """A page of the build's browser, at the slide's size, and the one document it is served.

    The layout pass and the print both load their document at an address of
    DECK_SITE, so one renderer process serves a page's decks one after another
    (a new site would start a new process); every other request is refused.
    """

    def __init__(self, page: Page) -> None:
        self.page = page
        self.url, self.body = None, b""

    @classmethod
    async def open(cls, browser: Browser, context: str, timeout: float) -> ServedPage:
        from coursebuild.browser.headless import Page

        served = cls(await Page.open(browser, context, SLIDE_WIDTH, SLIDE_HEIGHT, timeout))
        await served.page.intercept(served.serve)
        return served

    async def show(self, url: str, body: bytes, query: str = "") -> None:
        """Load ``body`` as the document at ``url`` (``query`` after it); wait for its load."""
        self.url, self.body = url, body
        await self.page.goto(url + query)

    async def serve(self, url: str) -> bytes | None:
        return self.body if url.split("?", 1)[0] == self.url else None
