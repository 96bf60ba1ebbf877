"""The decks shown in Chromium as build.py --check shows them, then axe-core on each."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from coursebuild.browser.chromium import deck_viewer, inspect_deck
from tests.support.corpus.building import Page, SiteBuild
from tests.support.deck_axe import axe_deck, blocking, tally
from tests.support.deck_slides import slides


def deck_problems(
    browser, path: Path, viewer=None, page: Page | None = None
) -> tuple[int, list[str]]:
    """Every slide shown as --check shows it: the deck's image count, and every problem.

    A slide's problems are those of ``build.py --check``: overflow, a shrunk
    block, a figure under its minimum, a course figure's text under 18 px, an
    image that did not load, TeX left as text, a heading with nothing else;
    then the deck's console errors and failed or blocked requests. In
    ``viewer`` (deck_viewer) when given.
    """
    report = inspect_deck(browser, path, viewer=viewer)
    if page is not None:
        page.continued = sum(slide.continued for slide in report.slides)
        page.longest_run = max((slide.run for slide in report.slides), default=0)
        texts = [text["px"] for slide in report.slides for text in slide.figure_text]
        page.smallest_text = min(texts, default=None)
        shown = [slide.shown for slide in slides(path)]
        page.closed = sum(len(re.findall(r"<details\b", html)) for html in shown)
        page.excerpts = sum(len(re.findall(r'class="excerpt-more"', html)) for html in shown)
    problems = [
        f"slide {slide.number} '{slide.title}': {problem}"
        for slide in report.slides
        for problem in slide.problems()
    ]
    problems += [f"console error: {message}" for message in report.console_errors]
    problems += [f"failed request: {url[:100]}" for url in report.failed_requests]
    problems += [f"blocked request: {url[:100]}" for url in report.blocked_requests]
    return sum(slide.images for slide in report.slides), problems


def check_decks(sites: Iterable[SiteBuild], browser) -> None:
    # A page for measuring every deck, another for axe: axe never runs in a deck measured.
    with deck_viewer(browser) as shown, deck_viewer(browser) as audited:
        for site in sites:
            for page in site.pages:
                if page.built:
                    path = site.out / f"{page.slug}.html"
                    _, problems = deck_problems(browser, path, shown, page)
                    for problem in problems:
                        page.fail("deck", problem)
                    check_accessibility(page, site, browser, audited)


def check_accessibility(page: Page, site: SiteBuild, browser, viewer=None) -> None:
    """axe-core on every slide and its notes: all it finds tallied, serious and critical fail."""
    findings = axe_deck(browser, site.out / f"{page.slug}.html", viewer=viewer)
    page.axe = tally(findings)
    for finding in blocking(findings):
        page.fail("accessibility", str(finding))
