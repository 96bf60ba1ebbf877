"""A lesson's slides as a PDF: the finished deck printed in reveal.js's print view.

One page a slide at the deck's 16:9 size, every fragment shown, the slide
number on each page, text and math as text; with speaker notes on, each
page is taller and holds the slide's notes under it. The deck is printed in
a page the build's layout pass lays decks out in (coursebuild/deck/layout.py),
served to it from memory, every other request refused. Chromium stamps the PDF
with the time it was printed: ``fix_dates`` sets the lesson's time instead,
so two builds give the same bytes.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

from coursebuild.browser.chromium import SLIDE_HEIGHT, SLIDE_WIDTH, chromium_signature
from coursebuild.core.errors import BuildError
from coursebuild.core.state import digest, file_digest
from coursebuild.core.words import WORDS
from coursebuild.deck.served_page import DECK_SITE, ServedPage

# The deck's address while it is printed: never fetched, the page's route serves it.
PRINT_URL = f"{DECK_SITE}/deck.html"
# Around each slide, as reveal.js keeps it on screen (its own 0.04 would make
# the page 1331×748, not quite 16:9; this makes it 1344×756).
PRINT_MARGIN = 0.05
NOTES_FONT_PX = (20, 11)  # the notes' font size, and the least it is fitted down to

# Print view, every fragment on the slide's one page (reveal.js reads its
# options from the query string too).
PRINT_OPTIONS = {
    "print-pdf": None,
    "margin": PRINT_MARGIN,
    "pdfSeparateFragments": "false",
    "pdfMaxPagesPerSlide": 1,
}

# With notes: a page twice the slide's height, the notes in the lower half.
NOTES_CSS = """
@page { size: %(width)dpx %(height)dpx; margin: 0; }
html.reveal-print body { height: %(height)dpx !important; }
html.reveal-print .reveal .slides .pdf-page { height: %(page)dpx !important; }
html.reveal-print .reveal .speaker-notes-pdf {
  position: absolute;
  top: %(top)dpx !important;
  bottom: auto !important;
  left: %(left)dpx !important;
  width: %(inner_width)dpx !important;
  height: %(inner_height)dpx !important;
  box-sizing: border-box;
  overflow: hidden;
  padding: 18px 0 0;
  border: 0;
  border-top: 2px solid #c6cdcf;
  background: transparent;
  color: #424b4f;
  font-family: inherit;
  font-size: %(font)dpx;
  line-height: 1.4;
}
html.reveal-print .reveal .speaker-notes-pdf p { margin: 0 0 0.6em; }
"""

# Each page's number as the deck shows it ("6 / 21"), and the notes set
# smaller until they fit their half of the page. Returns the slides (1-based)
# whose notes do not fit even so.
FINISH_PAGES = """
([smallest]) => {
  const pages = [...document.querySelectorAll(".reveal .slides .pdf-page")];
  pages.forEach((page, index) => {
    const number = page.querySelector(".slide-number-pdf");
    if (number) number.textContent = `${index + 1} / ${pages.length}`;
  });
  const unfit = [];
  pages.forEach((page, index) => {
    const notes = page.querySelector(".speaker-notes-pdf");
    if (!notes) return;
    let size = parseFloat(getComputedStyle(notes).fontSize);
    while (notes.scrollHeight > notes.clientHeight + 1 && size > smallest) {
      size -= 1;
      notes.style.setProperty("font-size", `${size}px`, "important");
    }
    if (notes.scrollHeight > notes.clientHeight + 1) unfit.push(index + 1);
  });
  return unfit;
}
"""

# Ready when reveal.js has laid out its pages (it adds them all at once).
PAGES_READY = "() => document.querySelectorAll('.reveal .slides .pdf-page').length > 0"


def slides_inputs(deck_digest: str, epoch: int, notes: bool) -> str:
    """Digest of what a slide PDF is made from: its deck, its date, the notes option,
    this module and the Chromium that prints it."""

    return digest(
        "slides",
        deck_digest,
        str(epoch),
        "notes" if notes else "",
        file_digest(Path(__file__)),
        chromium_signature(),
    )


def print_query(notes: bool) -> str:
    """The query string that opens the deck in reveal.js's print view."""
    options = dict(PRINT_OPTIONS)
    if notes:
        options["showNotes"] = "true"
    return "?" + "&".join(
        name if value is None else f"{name}={value}" for name, value in options.items()
    )


def page_size(slide_width: int, slide_height: int) -> tuple[int, int]:
    """A page's size in px: the slide and its margin, as reveal.js's print view makes it."""
    return int(slide_width * (1 + PRINT_MARGIN)), int(slide_height * (1 + PRINT_MARGIN))


def notes_css(slide_width: int, slide_height: int) -> str:
    """The print CSS that adds, under each slide, a room of the slide's height for its notes."""
    width, height = page_size(slide_width, slide_height)
    left = (width - slide_width) // 2
    return (
        NOTES_CSS
        % {
            "width": width,
            "height": 2 * height,
            "page": 2 * height - 1,  # as reveal.js's page: a pixel short, so none spills over
            "top": height,
            "left": left,
            "inner_width": slide_width,
            "inner_height": height - left,
            "font": NOTES_FONT_PX[0],
        }
        + notes_label_css()
    )


def notes_label_css() -> str:
    """The notes' label ("Puhujan muistiinpanot") in the deck's language, by its ``lang``."""
    rules = [
        f'html[lang|="{code}"].reveal-print .reveal .speaker-notes-pdf::before '
        f"{{ content: {json.dumps(words['speaker_notes'], ensure_ascii=False)}; }}"
        for code, words in WORDS.items()
    ]
    return "\n".join(rules) + "\n"


async def print_deck(
    served: ServedPage, deck: bytes, notes: bool, source: Path | None = None
) -> tuple[bytes, list[str]]:
    """The finished deck printed to PDF (dates as Chromium stamps them), and warnings.

    In a page the build lays its decks out in (``served``), at their site: a
    page of its own would cost a renderer process and ~100 MB more while it
    prints, and loading the deck there as much as here.
    """
    # Imported here: the browser's client loads asyncio; a no-op build reads this
    # module (slides_inputs) and starts no browser.
    from coursebuild.browser.headless import PageError

    page = served.page
    try:
        await served.show(PRINT_URL, deck, print_query(notes))
        await page.wait_for(PAGES_READY)
        if notes:
            await page.add_style(notes_css(SLIDE_WIDTH, SLIDE_HEIGHT))
        unfit = await page.evaluate(FINISH_PAGES, [NOTES_FONT_PX[1]])
        await page.evaluate("() => document.fonts.ready.then(() => true)")
        pdf = await page.pdf()
    except PageError as error:
        raise BuildError(f"cannot print the slide PDF: {error}", source) from None
    warnings = [f"slide {number}: the speaker notes do not fit its page; cut" for number in unfit]
    return pdf, warnings


# Chromium's dates: "(D:YYYYMMDDHHmmSS+00'00')", in the document information.
PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:[0-9]{14}\+00'00'\)")


def pdf_date(epoch: int) -> bytes:
    moment = datetime.datetime.fromtimestamp(epoch, datetime.UTC)
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'").encode("ascii")


def fix_dates(pdf: bytes, epoch: int, source: Path | None = None) -> bytes:
    """The PDF with its creation and modification dates set to ``epoch``.

    The new date has the old one's length, so the cross-reference table's
    byte offsets stay true. A PDF with no date as Chromium writes it is an
    error: a new Chromium that stamps something else must not go unnoticed.
    """
    date = pdf_date(epoch)
    fixed, count = PDF_DATE.subn(lambda match: b"/" + match.group(1) + b" (" + date + b")", pdf)
    if count != 2:
        raise BuildError(
            f"the printed slide PDF has {count} dates as Chromium writes them, not 2; "
            "it cannot be made reproducible",
            source,
        )
    return fixed
