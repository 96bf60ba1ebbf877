"""The layout pass: decks are laid out in the real browser at build time.

Slides that are too tall continue on "(jatkuu)" slides, figures are sized to
their slide, dividers are marked (coursebuild/layout_pass.js). One browser
serves a whole build: it starts on a thread of its own as soon as the build
knows a deck is to be made, while Pandoc and Typst run, and lays out each
deck as it comes. A build that makes no deck starts no browser.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from coursebuild.browser import (
    MIN_FIGURE_SHARE,
    MIN_FIGURE_TEXT_PX,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    open_browser,
)
from coursebuild.errors import BuildError

LAYOUT_SCRIPT = Path(__file__).with_name("layout_pass.js")
CONTINUED = " (jatkuu)"
# A raster image is not blown up beyond twice its size: it would blur.
RASTER_UPSCALE = 2.0
LAYOUT_TIMEOUT_MS = 60_000


@dataclass(frozen=True)
class LaidOut:
    slides: str  # the slides after the title slide, as HTML
    title_size: int | None  # the title's font size in px when the default does not fit
    warnings: list[str] = field(default_factory=list)


def layout_page(browser):
    """The one page a build lays its decks out in, at the deck's size."""
    context = browser.new_context(viewport={"width": SLIDE_WIDTH, "height": SLIDE_HEIGHT})
    # The page is the build's own HTML; it has no reason to fetch anything.
    context.route("**/*", lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(LAYOUT_TIMEOUT_MS)
    return page


def lay_out(page, layout_html: str, source: Path | None = None) -> LaidOut:
    """Run the layout pass on a deck rendered with ``layout_pass`` on."""
    from playwright.sync_api import Error as BrowserError

    try:
        page.set_content(layout_html, wait_until="load")
        result = page.evaluate(
            LAYOUT_SCRIPT.read_text(encoding="utf-8"),
            {
                "continued": CONTINUED,
                "minFigureShare": MIN_FIGURE_SHARE,
                "minTextPx": MIN_FIGURE_TEXT_PX,
                "rasterUpscale": RASTER_UPSCALE,
            },
        )
    except BrowserError as error:
        message = str(error).strip().split("\n")[0]
        raise BuildError(f"the deck's layout pass failed: {message}", source) from None
    return LaidOut(result["slides"], result["titleSize"], list(result["warnings"]))


class LayoutService:
    """A browser page on a thread of its own; ``submit`` runs a job with it there.

    Playwright's sync API belongs to the thread that started it, so every
    job runs on that thread, one after another, in the same page (a page of
    its own would cost each deck ~0.2 s). The browser starts when the
    service does.
    """

    def __init__(self) -> None:
        self.broken: BaseException | None = None
        self.jobs: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self.serve, name="layout-browser", daemon=True)
        self.thread.start()

    def serve(self) -> None:
        try:
            with open_browser() as browser:
                page = layout_page(browser)
                while (item := self.jobs.get()) is not None:
                    job, future = item
                    if future.set_running_or_notify_cancel():
                        try:
                            future.set_result(job(page))
                        except BaseException as error:  # handed to the waiting thread
                            future.set_exception(error)
        except BaseException as error:
            # The browser did not start (or died): every job waiting gets the error.
            self.fail_waiting(error)

    def fail_waiting(self, error: BaseException) -> None:
        if not isinstance(error, BuildError):
            error = BuildError(f"the browser for the layout pass failed: {error}")
        self.broken = error  # first: a job submitted from now on is failed by submit
        while True:
            try:
                item = self.jobs.get_nowait()
            except queue.Empty:
                break
            if item is not None and not item[1].done():
                item[1].set_exception(error)

    def submit(self, job: Callable) -> Future:
        future: Future = Future()
        self.jobs.put((job, future))
        if self.broken is not None:
            self.fail_waiting(self.broken)
        return future

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join()

    def __enter__(self) -> LayoutService:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
