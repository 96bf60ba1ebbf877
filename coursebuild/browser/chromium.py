"""Open built decks in headless Chromium (Playwright) the way a student's browser does.

Used by `build.py --check` / `--screenshots` and by the browser tests. Every
network request is blocked: a deck must work from file:// with no network.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from coursebuild.core.errors import BuildError
from coursebuild.core.paths import cache_root

SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720
# Debian's headless shell (package chromium-headless-shell): the full browser's
# Blink and Skia, the same layout and the same PDFs, without its desktop parts:
# at a 30-lesson build's peak its processes took 257 MB against 403 MB. Where
# only the full Chromium is installed, it is used; CHROMIUM overrides both.
DEFAULT_CHROMIUMS = ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
DISABLED_FEATURES = (
    "BackForwardCache",  # a page left is not kept for going back
    "WebUIOmniboxPopup",
    "WebUIOmniboxAimPopup",
    "SpareRendererForSitePerProcess",
)
LAUNCH_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # Fewer processes, less memory (issue 23): the compositor and the network
    # service in the browser's own process (~40 MB less); no omnibox popup
    # (the full Chromium's new headless mode preloads its WebUI page in a
    # renderer of its own: ~50 MB, ~0.7 s of CPU a start; the shell has none,
    # the full one is the fallback), no spare renderer kept warm.
    "--in-process-gpu",
    "--enable-features=NetworkServiceInProcess2",
    "--disable-features=" + ",".join(DISABLED_FEATURES),
    # A page that loads deck after deck keeps each one's DOM until V8 collects:
    # with the default heap sizing that is never (the renderer grows ~25 MB a
    # deck); sized for memory, it stays at ~140 MB.
    "--js-flags=--optimize-for-size",
    # Every page in one renderer process: a build lays out (and prints) a deck a
    # worker at once, and a process a page cost ~100 MB at a 100-lesson build's
    # peak. It costs no time: the pages' work was already paced by one browser.
    "--renderer-process-limit=1",
]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
# A Chromium already running (its DevTools address, http://127.0.0.1:PORT) that a build
# uses instead of starting its own: the test suite's, which ~300 builds share. A build
# started with it leaves the browser running; it opens and closes only its own pages.
BROWSER_ENDPOINT = "COURSEBUILD_BROWSER_ENDPOINT"
MIN_AUTOFIT = 0.995  # a block shrunk less than this is shown as it is

# Measures the current slide (see the script for what counts).
MEASURE_SLIDE = (Path(__file__).parent / "measure_slide.js").read_text(encoding="utf-8")
# A figure never takes less than this share of the room under the title (the
# layout pass sizes figures by it, the check measures them against it).
MIN_FIGURE_SHARE = 0.4
# A raster image is not blown up beyond twice its size: it would blur. Drawn
# that large, it is as large as it can be, whatever its share of the room.
RASTER_UPSCALE = 2.0
# Between a slide's content and the footnotes at its foot, in px: where the
# layout pass ends the slide's room, and where the check measures it to.
FOOT_GAP = 10
MIN_FIGURE_TEXT_PX = 18  # a course figure's text as drawn on the slide


# A run of continuation slides longer than this is no longer one slide's
# thought; a continuation that shows fewer words than this is a scrap.
MAX_CONTINUATION_RUN = 2
MIN_CONTINUED_WORDS = 5


@dataclass(frozen=True)
class SlideInfo:
    number: int  # 1-based, in reading order
    title: str
    heading_only: bool
    last_heading: str | None  # a subheading that ends the slide, apart from its content
    overflow_x: float
    overflow_y: float
    autofit: float | None
    images: int
    broken_images: int
    small_figures: list[dict]
    figure_text: list[dict]  # {label, px}: a course figure's smallest text
    maths: int
    empty_maths: int
    notes: int  # characters of speaker notes
    raw_tex: int  # TeX commands shown as text
    # The blocks a report names (kind and first words): first too tall, too wide, shrunk.
    tall_block: str | None = None
    wide_block: str | None = None
    shrunk_block: str | None = None
    # Blocks wider than their box, scrolled or cut sideways: {block, px}.
    clipped: list[dict] = field(default_factory=list)
    continued: bool = False  # its title carries the continuation mark
    words: int = 0  # the words it shows under its title, code included
    run: int = 0  # its place in a run of continuation slides (0: none)

    @property
    def overflows(self) -> bool:
        shrunk = self.autofit is not None and self.autofit < MIN_AUTOFIT
        return shrunk or self.overflow_x > 1 or self.overflow_y > 1

    def overflow_message(self) -> str:
        return f"slide {self.number} '{self.title}': content {', '.join(self.overflow_reasons())}"

    def overflow_reasons(self) -> list[str]:
        parts = []
        if self.overflow_y > 1:
            parts.append(f"{self.overflow_y:.0f} px too tall" + block_named(self.tall_block))
        if self.overflow_x > 1:
            parts.append(f"{self.overflow_x:.0f} px too wide" + block_named(self.wide_block))
        # Shrunk by less than half a percent (a sub-pixel zoom) it shows as it is.
        if self.autofit is not None and self.autofit < MIN_AUTOFIT:
            shrunk = block_named(self.shrunk_block)
            parts.append(f"fits only shrunk to {self.autofit:.0%}" + shrunk)
        return parts

    def problems(self, math: bool = True) -> list[str]:
        """Every reason this slide is not fit to show, one phrase each.

        ``math``: the site reads math (arithmatex); without it a backslash
        word in prose (``C:\\Users``) is no formula left as text.
        """
        found = [f"content {reason}" for reason in self.overflow_reasons()]
        found += [
            f"{c['block']} {c['px']:.0f} px wider than its box: scrolled or cut off"
            for c in self.clipped
        ]
        if self.heading_only:
            found.append("a heading and nothing else")
        if self.last_heading:
            found.append(f"ends with the heading '{self.last_heading}', apart from what follows it")
        found += [
            f"{f['label']} drawn {f['height']:.0f} px high, under the minimum {f['minimum']:.0f} px"
            for f in self.small_figures
        ]
        # A diagram drawn as large as the slide allows and still under its goal
        # is the drawing's own size: the build named it in a warning.
        found += [
            f"{f['label']}: smallest text {f['px']:.1f} px, under {text_goal(f)} px"
            for f in self.figure_text
            if f["px"] < text_goal(f) and not (f.get("goal") and f.get("largest"))
        ]
        if self.broken_images:
            found.append(f"{self.broken_images} image(s) did not load or are drawn at 0 px")
        if self.empty_maths:
            found.append(f"{self.empty_maths} equation(s) drawn at 0 px")
        if self.raw_tex and math:
            found.append(f"{self.raw_tex} TeX command(s) shown as text")
        if self.run > MAX_CONTINUATION_RUN:
            found.append(f"continuation slide {self.run} in a row (at most {MAX_CONTINUATION_RUN})")
        if self.continued and self.words < MIN_CONTINUED_WORDS and not (self.images or self.maths):
            found.append(f"continues with only {self.words} word(s): a scrap of a split")
        return found


def text_goal(figure: dict) -> float:
    """The px a figure's smallest text must reach: a diagram's own goal, else the course's."""
    return figure.get("goal") or MIN_FIGURE_TEXT_PX


def block_named(block: str | None) -> str:
    return f" ({block})" if block else ""


@dataclass
class DeckReport:
    path: Path
    total_slides: int = 0
    slides: list[SlideInfo] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)


def chosen_chromium() -> str:
    """CHROMIUM when set, else the first of DEFAULT_CHROMIUMS installed (else the first)."""
    chosen = os.environ.get("CHROMIUM")
    if chosen:
        return chosen
    return next((path for path in DEFAULT_CHROMIUMS if Path(path).exists()), DEFAULT_CHROMIUMS[0])


def chromium_path() -> str:
    path = chosen_chromium()
    if not Path(path).exists():
        looked = path if os.environ.get("CHROMIUM") else " or ".join(DEFAULT_CHROMIUMS)
        raise BuildError(f"Chromium not found at {looked}; run `make` to install it")
    return path


def chromium_signature() -> str:
    """The Chromium that lays the slides out, by its launcher's size and time.

    Another Chromium (an upgrade) may break lines and slides elsewhere: the
    decks are then made again. A stat, not `chromium --version`, so that a
    no-op build stays fast and starts nothing.
    """
    try:
        info = Path(chosen_chromium()).resolve().stat()
    except OSError:
        return "missing"
    return f"{info.st_size}:{info.st_mtime_ns}"


def browser_endpoint() -> str | None:
    return os.environ.get(BROWSER_ENDPOINT) or None


def cache_driver_code() -> None:
    """Let Node keep Playwright's driver compiled between builds (NODE_COMPILE_CACHE).

    Used where Playwright still drives Chromium (--check, Mermaid diagrams;
    a build's layout pass and slide PDFs do without it: cdp.py). Starting the
    driver costs ~0.6 s of CPU; with its code cached, ~0.1 s less. Set before
    the driver starts: it inherits it.
    """
    root = cache_root()
    if root is not None:
        os.environ.setdefault("NODE_COMPILE_CACHE", str(root / "node"))


@contextmanager
def open_browser() -> Iterator[object]:
    """Debian's headless Chromium, driven by Playwright (its own browser download is not used)."""
    try:
        # Imported here: Playwright takes ~0.1 s to import; a no-op build skips it.
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BuildError("Playwright is not installed; run `make` to set it up") from None
    cache_driver_code()
    with sync_playwright() as playwright:
        endpoint = browser_endpoint()
        if endpoint:
            browser = playwright.chromium.connect_over_cdp(endpoint)
        else:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), headless=True, args=LAUNCH_ARGUMENTS
            )
        try:
            yield browser
        finally:
            browser.close()


def block_network(target, on_blocked: Callable[[str], None]) -> None:
    """Refuse every request of ``target`` (a page or a context) but a local one; tell it."""

    def route(route):
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            on_blocked(url)
            route.abort()

    target.route("**/*", route)


REVEAL_READY = "() => window.Reveal && Reveal.isReady()"


class DeckViewer:
    """One page at the slide's size that shows decks one after another.

    A page of its own a deck would cost ~0.3 s (its context and a renderer
    process to start); the decks of one check go through this one. What goes
    wrong while a deck is shown is recorded in that deck's report.
    """

    def __init__(self, browser) -> None:
        self.report = DeckReport(Path())
        self.context = browser.new_context(viewport={"width": SLIDE_WIDTH, "height": SLIDE_HEIGHT})
        block_network(self.context, lambda url: self.report.blocked_requests.append(url))
        self.page = self.context.new_page()
        self.page.on(
            "console", lambda m: m.type == "error" and self.report.console_errors.append(m.text)
        )
        self.page.on("pageerror", lambda error: self.report.console_errors.append(str(error)))
        self.page.on("requestfailed", lambda r: self.report.failed_requests.append(r.url))

    def show(self, path: Path, report: DeckReport, query: str = "", ready: str = REVEAL_READY):
        """The page, showing the deck at ``path`` (``query`` after its address) once ``ready``."""
        self.report = report
        self.page.goto(path.resolve().as_uri() + query)
        self.page.wait_for_function(ready, timeout=15_000)
        return self.page

    def leave(self) -> None:
        """Off the deck, its last events delivered to its report, not the next deck's."""
        self.page.goto("about:blank")
        self.report = DeckReport(Path())

    def close(self) -> None:
        self.context.close()


@contextmanager
def deck_viewer(browser) -> Iterator[DeckViewer]:
    viewer = DeckViewer(browser)
    try:
        yield viewer
    finally:
        viewer.close()


@contextmanager
def open_deck(
    browser,
    path: Path,
    report: DeckReport,
    viewer: DeckViewer | None = None,
    query: str = "",
    ready: str = REVEAL_READY,
) -> Iterator[object]:
    """A page showing the deck at 1280×720, reveal.js ready, problems recorded in ``report``.

    The page of ``viewer`` when given, else of a viewer of its own; ``query``
    and ``ready`` as DeckViewer.show takes them.
    """
    if viewer is not None:
        try:
            yield viewer.show(path, report, query, ready)
        finally:
            viewer.leave()
        return
    with deck_viewer(browser) as own:
        yield own.show(path, report, query, ready)


def slide_indices(page) -> list[dict]:
    return page.evaluate("Reveal.getSlides().map((s) => Reveal.getIndices(s))")


def show_slide(page, indices: dict) -> None:
    page.evaluate("([h, v]) => Reveal.slide(h, v)", [indices["h"], indices.get("v") or 0])
    # Two animation frames: the slide is painted before a screenshot is taken of it.
    page.evaluate(
        "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )


# Every slide shown and measured as MEASURE_SLIDE does, one after another, in one
# call: a round trip a slide would cost more than the slide. No animation frames
# between slides: Reveal.slide() updates the DOM at once (no transitions, the
# fitting is the build's), and reading a box lays the page out; waiting for two
# frames a slide only painted them: half the check's CPU on the corpus decks, and
# the same numbers on all of their 1172 slides.
MEASURE_EVERY_SLIDE = f"""async ([slides, options]) => {{
  const measure = {MEASURE_SLIDE.strip().rstrip(";")};
  const measured = [];
  for (const [h, v] of slides) {{
    Reveal.slide(h, v);
    measured.push(await measure(options));
  }}
  return measured;
}}"""


def inspect_deck(
    browser, path: Path, screenshots: Path | None = None, viewer: DeckViewer | None = None
) -> DeckReport:
    """Visit every slide of the deck at ``path``; measure it, and screenshot it if asked.

    In ``viewer`` (deck_viewer) when given, else in a page of its own.
    """
    report = DeckReport(path)
    options = {
        "minFigureShare": MIN_FIGURE_SHARE,
        "rasterUpscale": RASTER_UPSCALE,
        "footGap": FOOT_GAP,
    }
    with open_deck(browser, path, report, viewer) as page:
        report.total_slides = page.evaluate("Reveal.getTotalSlides()")
        indices = slide_indices(page)
        if screenshots is None:
            places = [[place["h"], place.get("v") or 0] for place in indices]
            measured = page.evaluate(MEASURE_EVERY_SLIDE, [places, options])
            report.slides = with_runs([SlideInfo(number=n, **m) for n, m in enumerate(measured, 1)])
            return report
        for number, place in enumerate(indices, 1):
            show_slide(page, place)
            measured = page.evaluate(MEASURE_SLIDE, options)
            report.slides.append(SlideInfo(number=number, **measured))
            screenshots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshots / f"slide-{number:02d}.png"))
    report.slides = with_runs(report.slides)
    return report


def with_runs(slides: list[SlideInfo]) -> list[SlideInfo]:
    """The slides, each with its place in its run of continuation slides."""
    placed, run = [], 0
    for slide in slides:
        run = run + 1 if slide.continued else 0
        placed.append(dataclasses.replace(slide, run=run))
    return placed
