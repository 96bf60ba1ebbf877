"""axe-core (npm, pinned in package-lock.json) run on a built deck in Chromium.

Every slide is checked in one run: the deck opens in reveal.js's print view
(``?print-pdf``), which lays every slide out on a page of its own, fragments
shown, with ``showNotes`` so that each slide's speaker notes are on its page
too. reveal.js still marks every slide but the current one ``hidden`` and
``aria-hidden``, which axe skips; a screen reader hears each slide when it is
the current one, so the marks are removed before axe runs.

axe is injected with ``page.evaluate``: DevTools evaluation is not subject to
the deck's Content-Security-Policy (scripts allowed only by hash), which stays
in force as a student's browser enforces it. A ``<script>`` tag would be
blocked, and ``bypass_csp`` would switch the policy under test off.

The normal view (``print_view=False``) checks what reveal.js adds around the
current slide, shown at the last slide: controls, progress bar, slide number,
the deck's footer.

axe does not look at MathML nor at an inline SVG without a role; two checks
of the deck's own (rules ``deck-math-alt`` and ``deck-svg-name``) give every
formula and drawing a text, as axe's ``image-alt`` does every image.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from coursebuild.browser.chromium import REVEAL_READY, DeckViewer, open_deck
from coursebuild.browser.chromium import DeckReport as RequestLog

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")  # a deck with one of these fails
IMPACTS = ("critical", "serious", "moderate", "minor")
PRINT_VIEW = "?print-pdf&showNotes=true"  # reveal.js reads its options from the query

PRINT_VIEW_READY = """() => window.Reveal && Reveal.isReady()
    && document.querySelector('.pdf-page') !== null
    && document.querySelector('.loading-scroll-mode') === null"""

UNHIDE_SLIDES = """() => {
    for (const slide of document.querySelectorAll('.reveal .slides section')) {
        slide.removeAttribute('hidden');
        slide.removeAttribute('aria-hidden');
    }
}"""

# The normal view at the last slide: the title slide hides the slide number and footer.
LAST_SLIDE = """() => {
    const slides = Reveal.getSlides();
    Reveal.slide(...Object.values(Reveal.getIndices(slides[slides.length - 1])).slice(0, 2));
}"""

# Each node named by the slide (print-view page) it is on, 0 outside any.
RUN_AXE = """async () => {
    const pages = [...document.querySelectorAll('.pdf-page')];
    const slideOf = (selector) => {
        const node = typeof selector === 'string' ? document.querySelector(selector) : null;
        const page = node && node.closest('.pdf-page');
        return page ? pages.indexOf(page) + 1 : 0;
    };
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.map((rule) => ({
        rule: rule.id,
        impact: rule.impact || 'minor',
        help: rule.help,
        nodes: rule.nodes.map((node) => ({
            slide: slideOf(node.target[0]),
            target: node.target.join(' '),
            html: node.html.slice(0, 160),
            summary: (node.failureSummary || '').split('\\n').slice(1).join(' ').trim(),
        })),
    }));
}"""


# What axe does not check: a formula needs a text (MathML's alttext, and an
# aria-label, the name Chromium gives it); an inline SVG a screen reader does
# not skip needs role="img" and a name. Impact "serious": a reader gets nothing.
NAMES = """() => {
    const pages = [...document.querySelectorAll('.pdf-page')];
    const slideOf = (node) => {
        const page = node.closest('.pdf-page');
        return page ? pages.indexOf(page) + 1 : 0;
    };
    const shown = (node) => !node.closest('[aria-hidden="true"]');
    const finding = (rule, help, node, summary) => ({
        rule, impact: 'serious', help, slide: slideOf(node), target: node.tagName.toLowerCase(),
        html: node.outerHTML.slice(0, 160), summary,
    });
    const found = [];
    for (const math of document.querySelectorAll('.reveal math')) {
        const missing = ['alttext', 'aria-label']
            .filter((name) => !(math.getAttribute(name) || '').trim());
        if (shown(math) && missing.length) {
            found.push(finding('deck-math-alt', 'Formulas must have a text alternative',
                math, `no ${missing.join(' nor ')}`));
        }
    }
    for (const svg of document.querySelectorAll('.reveal svg')) {
        const named = svg.getAttribute('role') === 'img'
            && (svg.getAttribute('aria-label') || svg.getAttribute('aria-labelledby') || '').trim();
        if (shown(svg) && !svg.parentElement.closest('svg') && !named) {
            found.push(finding('deck-svg-name', 'Drawings must have a name',
                svg, 'an SVG neither aria-hidden nor role="img" with a name'));
        }
    }
    return found;
}"""


@dataclass(frozen=True)
class Finding:
    """One element that breaks one axe rule."""

    rule: str
    impact: str
    help: str
    slide: int  # 1-based; 0 when not on a slide (reveal.js's controls, the footer)
    target: str
    html: str
    summary: str

    def __str__(self) -> str:
        where = f"slide {self.slide}" if self.slide else "outside the slides"
        return f"{where}: {self.impact} {self.rule} ({self.help}): {self.html} — {self.summary}"


@functools.cache
def axe_source() -> str:
    if not AXE_JS.is_file():
        raise FileNotFoundError(f"axe-core is missing ({AXE_JS}); run `make` to install it")
    return AXE_JS.read_text(encoding="utf-8")


def axe_deck(
    browser, path: Path, *, print_view: bool = True, viewer: DeckViewer | None = None
) -> list[Finding]:
    """Every axe violation of the deck at ``path``, one Finding per element and rule.

    In ``viewer`` (deck_viewer) when given, else in a page of its own.
    """
    query, ready = (PRINT_VIEW, PRINT_VIEW_READY) if print_view else ("", REVEAL_READY)
    with open_deck(browser, path, RequestLog(path), viewer, query, ready) as page:
        page.evaluate(UNHIDE_SLIDES if print_view else LAST_SLIDE)
        page.evaluate(axe_source())
        rules = page.evaluate(RUN_AXE)
        names = page.evaluate(NAMES)
    found = [
        Finding(rule["rule"], rule["impact"], rule["help"], **node)
        for rule in rules
        for node in rule["nodes"]
    ]
    return found + [Finding(**finding) for finding in names]


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The serious and critical findings: a deck must have none."""
    return [finding for finding in findings if finding.impact in BLOCKING]


def tally(findings: Iterable[Finding]) -> Counter[tuple[str, str]]:
    """How many elements break each rule, by (impact, rule)."""
    return Counter((finding.impact, finding.rule) for finding in findings)
