"""The layout pass: decks are laid out in the real browser at build time.

Slides that are too tall continue on "(jatkuu)" slides, figures are sized to
their slide, dividers are marked (coursebuild/layout_pass.js). One browser
serves a whole build: it starts on a thread of its own as soon as the build
knows a deck is to be made, while Pandoc and Typst run, and lays out each
deck as it comes, then prints each finished deck to its slide PDF
(coursebuild/deck/slide_pdf.py) in the same pages, while the workers make
the next lessons. A build that makes no deck and prints none starts no
browser.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from coursebuild.browser.cdp import ConnectedChromium
from coursebuild.browser.chromium import (
    FOOT_GAP,
    LAUNCH_ARGUMENTS,
    MIN_FIGURE_SHARE,
    MIN_FIGURE_TEXT_PX,
    RASTER_UPSCALE,
    browser_endpoint,
    chromium_path,
)
from coursebuild.browser.headless import Browser, PageError
from coursebuild.core import limits
from coursebuild.core.errors import BuildError
from coursebuild.core.words import EXERCISE_WORDS, continued_mark, excerpt_words, words_for
from coursebuild.deck.served_page import DECK_SITE, ServedPage
from coursebuild.deck.slide_pdf import fix_dates, print_deck

LAYOUT_SCRIPT = Path(__file__).with_name("layout_pass.js")
LAYOUT_TIMEOUT_SECONDS = 60.0
# The layout pass's page, at the site the deck is printed from (slide_pdf.py).
LAYOUT_URL = f"{DECK_SITE}/layout.html"


@dataclass(frozen=True)
class LaidOut:
    slides: str  # the slides after the title slide, as HTML
    title_size: int | None  # the title's font size in px when the default does not fit
    warnings: list[str] = field(default_factory=list)


async def layout_pages(browser: Browser, count: int) -> list[ServedPage]:
    """Pages a build lays its decks out and prints them in, at the deck's size."""
    context = await browser.new_context()
    return [await ServedPage.open(browser, context, LAYOUT_TIMEOUT_SECONDS) for _ in range(count)]


async def lay_out(
    served: ServedPage, layout_html: str, source: Path | None, language: str | None
) -> LaidOut:
    """Run the layout pass on a deck rendered with ``layout_pass`` on.

    ``language``: the deck's, for the words the pass adds: " (jatkuu)" to a
    continuation slide's title, "⋯ 12 riviä lisää – …" under an excerpt.
    """
    try:
        await served.show(LAYOUT_URL, layout_html.encode("utf-8"))
        result = await served.page.evaluate(
            LAYOUT_SCRIPT.read_text(encoding="utf-8"),
            {
                "continued": continued_mark(language),
                "excerptWords": excerpt_words(language),
                "exerciseWords": list(EXERCISE_WORDS),
                "sourcesTitle": words_for(language)["sources"],
                "minFigureShare": MIN_FIGURE_SHARE,
                "minTextPx": MIN_FIGURE_TEXT_PX,
                "rasterUpscale": RASTER_UPSCALE,
                "footGap": FOOT_GAP,
                "maxSeconds": limits.LAYOUT_SECONDS,
                "maxSlides": limits.MAX_SLIDES_PER_DECK,
            },
        )
    except PageError as error:
        raise BuildError(f"the deck's layout pass failed: {error}", source) from None
    return LaidOut(result["slides"], result["titleSize"], list(result["warnings"]))


class LayoutService:
    """One browser on a thread of its own, laying out up to ``pages`` decks at once.

    The browser is driven on that thread, on an event loop of its own; ``submit``
    may be called from any thread and gives a Future of the deck's LaidOut.
    The browser starts when the service does. Each page lays out and prints
    one deck after another (a page a deck would cost each ~0.2 s and a
    renderer process); several pages let a build with several workers lay
    out as many decks side by side.
    """

    def __init__(self, pages: int = 1) -> None:
        self.pages = max(1, pages)
        self.broken: BaseException | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.jobs: asyncio.Queue | None = None
        self.started = threading.Event()
        self.endpoint = browser_endpoint()
        if self.endpoint:
            ConnectedChromium.import_modules()  # here: the thread must import nothing
        self.thread = threading.Thread(target=self.serve, name="layout-browser", daemon=True)
        self.thread.start()

    def serve(self) -> None:
        asyncio.run(self.main())

    async def main(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.jobs = asyncio.Queue()
        self.started.set()
        try:
            if self.endpoint:
                browser = await Browser.connect(self.endpoint)
            else:
                browser = await Browser.launch(chromium_path(), LAUNCH_ARGUMENTS)
            try:
                pages = await layout_pages(browser, self.pages)
                await asyncio.gather(*(self.work(page) for page in pages))
            finally:
                await browser.close()
        except BaseException as error:
            # The browser did not start (or died): every job waiting gets the error.
            self.fail_waiting(error)

    async def work(self, page) -> None:
        while (item := await self.jobs.get()) is not None:
            job, source, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(await job(page, source))
            except BaseException as error:  # handed to the waiting thread
                future.set_exception(error)

    def fail_waiting(self, error: BaseException) -> None:
        if not isinstance(error, BuildError):
            error = BuildError(f"the browser for the layout pass failed: {error}")
        self.broken = error  # first: a job submitted from now on is failed by submit
        while not self.jobs.empty():
            item = self.jobs.get_nowait()
            if item is not None and not item[2].done():
                item[2].set_exception(error)

    def submit(self, layout_html: str, source: Path | None, language: str | None) -> Future:
        """Lay out a deck rendered with ``layout_pass`` on; a Future of its LaidOut.

        ``language``: the deck's, for the words its continuation slides add.
        """

        async def job(page, source: Path | None) -> LaidOut:
            return await lay_out(page, layout_html, source, language)

        return self.submit_job(job, source)

    def submit_print(
        self, deck: bytes, notes: bool, epoch: int, source: Path | None = None
    ) -> Future:
        """Print a finished deck to its slide PDF dated ``epoch``; a Future of (PDF, warnings).

        In a free page of the layout pass's: printing there costs no page of its own.
        """

        async def job(page, source: Path | None) -> tuple[bytes, list[str]]:
            pdf, warnings = await print_deck(page, deck, notes, source)
            return fix_dates(pdf, epoch, source), warnings

        return self.submit_job(job, source)

    def submit_job(self, job, source: Path | None) -> Future:
        """Run ``await job(page, source)`` on a free page of the browser; a Future of its result."""
        future: Future = Future()
        self.started.wait()
        if self.broken is not None:
            future.set_exception(self.broken)
            return future
        try:
            self.loop.call_soon_threadsafe(self.enqueue, (job, source, future))
        except RuntimeError:  # the loop has ended: the browser failed
            future.set_exception(self.broken or BuildError("the layout pass's browser stopped"))
        return future

    def enqueue(self, item: tuple) -> None:
        """On the service's loop: queue the job, or fail it if the browser has."""
        if self.broken is not None:
            item[2].set_exception(self.broken)
        else:
            self.jobs.put_nowait(item)

    def close(self) -> None:
        self.started.wait()
        for _ in range(self.pages):
            try:
                self.loop.call_soon_threadsafe(self.jobs.put_nowait, None)
            except RuntimeError:
                break  # the loop has ended already
        self.thread.join()
