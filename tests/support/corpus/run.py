"""The sites built and checked, the report written: what make corpus runs."""

from __future__ import annotations

import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from coursebuild.browser.chromium import open_browser
from tests.support.corpus.building import SiteBuild, build_site
from tests.support.corpus.deck_checks import check_decks
from tests.support.corpus.layout import OTHER_SITES, SITES, corpus_problem, site_root
from tests.support.corpus.page_checks import check_pages
from tests.support.corpus.report import CHECKED, REPORT_FILE, write_report


def check_corpus(out_root: Path, browser, names: tuple[str, ...] = SITES) -> list[SiteBuild]:
    """The sites ``names`` built into ``out_root`` and checked, the decks in ``browser``.

    The builds run one after the other in a thread; a site's pages are checked
    while the next site builds. The larger site builds first.
    """
    order = sorted(names, key=lambda name: -len(list(site_root(name).rglob("*.md"))))
    sites = {}
    with ThreadPoolExecutor(max_workers=1) as builder:
        builds = {
            name: builder.submit(build_site, name, site_root(name), out_root / name)
            for name in order
        }
        for name in order:
            sites[name] = check_pages(builds[name].result())
            check_decks([sites[name]], browser)
    CHECKED.extend(sites[name] for name in names)
    return [sites[name] for name in names]


def main() -> int:
    problem = corpus_problem()
    if problem:
        print(f"corpus check: {problem}", file=sys.stderr)
        return 1

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="corpus-") as out, open_browser() as browser:
        sites = check_corpus(Path(out), browser, SITES + OTHER_SITES)
    print(write_report(sites))
    print(f"\ncorpus check: {time.perf_counter() - started:.0f} s; report in {REPORT_FILE}")
    return 1 if any(page.problems for site in sites for page in site.pages) else 0
