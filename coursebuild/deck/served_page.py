"""A page of the build's browser, served its documents from memory."""

from __future__ import annotations

# The site the build's pages load their documents from: never fetched, a
# route serves them.
DECK_SITE = "https://deck.invalid"


class ServedPage:
    """A page of the build's browser and the one document it is served from memory.

    The layout pass and the print both load their document at an address of
    DECK_SITE, so one renderer process serves a page's decks one after another
    (a new site would start a new process); every other request is refused.
    """

    def __init__(self, page) -> None:
        self.page = page
        self.url, self.body = None, b""

    @classmethod
    async def open(cls, context, timeout_ms: int) -> ServedPage:
        served = cls(await context.new_page())
        served.page.set_default_timeout(timeout_ms)
        await served.page.route("**/*", served.serve)
        return served

    async def show(self, url: str, body: bytes, query: str = "") -> None:
        """Load ``body`` as the document at ``url`` (``query`` after it); wait for its load."""
        self.url, self.body = url, body
        await self.page.goto(url + query, wait_until="load")

    async def serve(self, route) -> None:
        if route.request.url.split("?", 1)[0] == self.url:
            await route.fulfill(body=self.body, content_type="text/html; charset=utf-8")
        else:
            await route.abort()
