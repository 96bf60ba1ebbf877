"""Sections 8–9: a real MkDocs site of the corpus: clean builds against the bare tools,
the mermaid diagrams alone, a no-op build, and a text edit of one page."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from bench.alone import bare_browser_command, time_mermaid
from bench.builds import build_command, cache_times, changed, imported, snapshot
from bench.context import Bench
from bench.courses import TextEdit, writable_copy
from bench.floor import ToolInputs, floor_commands, page_floor, page_inputs
from bench.measure import Run, cpu, run, seconds_only
from bench.settings import PYTHON, SITES
from bench.stages import built_figures
from bench.table import section


@dataclass
class SitePage:
    """One page of a site: its inputs to the tools (the lesson, read), and the tool calls."""

    inputs: ToolInputs
    floor: dict[str, dict]

    @property
    def lesson(self):
        return self.inputs.page.lesson

    @property
    def diagrams(self) -> int:
        """How many mermaid diagrams the page shows."""
        return len(self.inputs.diagrams)


@dataclass
class Site:
    """A corpus site, copied into the temporary folder, and what its rows need."""

    name: str
    copy: Path  # the site, copied: the corpus is read-only
    out: Path  # the output folder of its last clean build
    edit_page: Path  # the page the text edit changes (one with diagrams), in the copy
    course: object = None  # coursebuild.reading.course.Course, once the site is loaded
    pages: list[SitePage] = field(default_factory=list)  # every page's, or the edited one's
    page_count: int = 0
    diagrams: list[str] = field(default_factory=list)  # every page's, in page order
    figures: int = 0  # the course figures the site shows, which its build draws

    @property
    def edited(self) -> SitePage:
        wanted = self.edit_page.resolve()
        return next(page for page in self.pages if page.lesson.source.resolve() == wanted)


def site_lessons(copy: Path) -> tuple[object, list]:
    """The site's course and its lessons, loaded as the build loads them (pipeline.py)."""
    from coursebuild.options import BuildOptions
    from coursebuild.pipeline import lesson_paths, load_lessons
    from coursebuild.reading.course import open_course
    from coursebuild.reading.page_names import lesson_pages

    course = open_course(copy)
    pages = lesson_pages(course, lesson_paths(course, BuildOptions()))
    lessons, _ = load_lessons(pages)
    return course, lessons


def site_inputs(site: Site, every_page: bool) -> None:
    """Each page as the build reads it (after a build: figures drawn, diagrams cached):
    every page for the site's floor, else only the edited one (~3 s less a site)."""
    site.course, lessons = site_lessons(site.copy)
    site.page_count = len(lessons)
    figures = built_figures(site.out)
    site.figures = len(figures.names)
    wanted = site.edit_page.resolve()
    for number, lesson in enumerate(lessons):
        if not every_page and lesson.source.resolve() != wanted:
            continue
        folder = site.copy.parent / f"page-{number}"
        inputs = page_inputs(lesson, site.course, figures, folder)
        site.pages.append(SitePage(inputs, floor_commands(inputs)))
        site.diagrams += inputs.diagrams


def site_floor(site: Site) -> Run:
    """The bare tools for every page of the site, summed (no mermaid: the tools draw none)."""
    return seconds_only(sum(page_floor(page.inputs, page.floor) for page in site.pages))


def site_clean_rounds(bench: Bench, site: Site) -> None:
    """Clean builds at -j 2, each in a fresh --out (so an empty mermaid cache), interleaved
    with the whole site's floor and the mermaid reference when asked for; the last
    output stays. (One and two workers are compared on the big course: here it would
    cost two minutes a site.)"""
    series, name = bench.series, site.name
    for attempt in range(bench.large):
        shutil.rmtree(site.out, ignore_errors=True)
        series.run(f"{name} j2", build_command(site.copy, site.out, "-j", "2"))
        print(f"  -j 2: {series[f'{name} j2'].runs[-1].seconds:.1f} s", flush=True)
        if attempt == 0:
            site_inputs(site, bench.site_floors)
        if bench.site_floors:
            series.add(f"{name} floor", site_floor(site))
            series.add(f"{name} mermaid", time_mermaid(site.diagrams, site.copy.parent))


def site_edit_rounds(bench: Bench, site: Site) -> tuple[bool, bool]:
    """No-op builds and text edits of one page, interleaved with that page's floor;
    whether every no-op wrote nothing and every edit rewrote only that page's outputs,
    drawing no diagram again."""
    series, name, page = bench.series, site.name, site.edited
    edit = TextEdit(site.edit_page)
    expected = {f"{page.lesson.slug}.html", f"{page.lesson.slug}.pdf"}
    expected.add(f"{page.lesson.slug}-slides.pdf")
    written, rebuilt, redrawn = set(), set(), False
    # The edited page's deck as built: what the bare browser work loads and prints.
    deck = site.copy.parent / "bare-deck.html"
    deck.write_bytes((site.out / f"{page.lesson.slug}.html").read_bytes())
    bare = bare_browser_command(deck, site.copy.parent / "bare-deck.pdf")
    for _ in range(bench.runs):
        before = snapshot(site.out)
        series.run(f"{name} noop", build_command(site.copy, site.out))
        written |= changed(before, snapshot(site.out))
        series.add(f"{name} page floor", seconds_only(page_floor(page.inputs, page.floor)))
        series.run(f"{name} bare browser", bare)
        edit()
        before, drawn = snapshot(site.out), cache_times(site.out)
        series.run(f"{name} edit", build_command(site.copy, site.out))
        rebuilt |= changed(before, snapshot(site.out))
        redrawn |= cache_times(site.out) != drawn
    print(f"  no-op wrote: {', '.join(sorted(written)) or 'nothing'}")
    print(f"  edit rewrote: {', '.join(sorted(rebuilt))}; diagrams drawn again: {redrawn}")
    return not written, rebuilt - {"index.html"} == expected and not redrawn


def site_import_checks(site: Site) -> tuple[list[str], bool]:
    """What a no-op build imports of matplotlib and Playwright, and whether an edit
    build (of the page with diagrams) imports Playwright: untimed, with -X importtime."""
    command = [PYTHON, "-X", "importtime", *build_command(site.copy, site.out)[1:]]
    noop = run(command)
    found = [module for module in ("matplotlib", "playwright") if imported(noop.stderr, module)]
    TextEdit(site.edit_page)()
    edit = run(command)
    return found, imported(edit.stderr, "playwright")


def report_site_builds(bench: Bench, site: Site) -> None:
    """The rows of a site's floor, mermaid reference and clean builds."""
    table, series, name = bench.table, bench.series, site.name
    clean = series[f"{name} j2"]
    if not bench.site_floors:
        table.add(
            f"clean build, site {name}, `-j 2` (fresh --out: empty mermaid cache)",
            clean.text(),
            f"{site.page_count} pages; against the bare tools with --site-floors",
        )
        print(f"  CPU: -j 2 {cpu(clean)}")
        return
    floor, mermaid = series[f"{name} floor"], series[f"{name} mermaid"]
    count, drawn = len(site.pages), len(dict.fromkeys(site.diagrams))
    with_diagrams = sum(1 for page in site.pages if page.diagrams)
    table.add(
        f"site {name} ({count} pages): floor, the 3 tool calls of every page, summed",
        floor.text(),
        "pandoc → slides, pandoc → Typst, Typst → PDF a page; no mermaid diagram"
        + (f", nor the {site.figures} course figures the build draws" if site.figures else ""),
    )
    table.add(
        f"(reference) site {name}: mermaid alone, its {drawn} diagrams in one browser session",
        mermaid.text(),
        f"in a fresh interpreter: Playwright import, Chromium, render, SVG; "
        f"{with_diagrams} pages have diagrams",
    )
    reference = floor.median + mermaid.median
    table.add(
        f"clean build, site {name}, `-j 2` (fresh --out: empty mermaid cache)",
        clean.text(),
        f"{clean.median / floor.median:.2f} × floor; "
        f"{clean.median / reference:.2f} × (floor + mermaid = {reference:.3f} s)",
    )
    print(f"  CPU: -j 2 {cpu(clean)}")


def report_site_edits(
    bench: Bench, site: Site, checks: tuple[bool, bool], imports: tuple[list[str], bool]
) -> None:
    """The rows of a site's no-op build, its imports, and the text edit of one page."""
    table, series, name = bench.table, bench.series, site.name
    (noop_untouched, edit_rebuilt), (noop_imports, edit_playwright) = checks, imports
    noop = series[f"{name} noop"]
    table.add(
        f"no-op build, site {name}",
        noop.text(),
        f"{noop.median / series['python'].median:.1f} × `python -c pass`",
        "writes nothing",
        noop_untouched,
    )
    table.add(
        f"no-op build, site {name}, imports matplotlib or playwright",
        ", ".join(noop_imports) or "neither",
        target="neither (no browser starts)",
        passed=not noop_imports,
    )
    edit, floor = series[f"{name} edit"], series[f"{name} page floor"]
    page = site.edit_page.relative_to(site.copy)
    diagrams = site.edited.diagrams
    # The edit lays that page's deck out and prints it in one browser (no
    # diagram is drawn: their cache files keep their times): against the bare
    # browser work for that deck; the old floor (a browser start) for reference.
    reference = floor.median + series[f"{name} bare browser"].median
    old = edit.median / (floor.median + series["browser"].median)
    ratio = edit.median / reference
    table.add(
        f"text edit of {page} ({diagrams} diagrams), site {name}, in a copy",
        edit.text(),
        f"{ratio:.2f} × (that page's floor + bare browser work = {reference:.3f} s); "
        f"{old:.2f} × (floor + browser start); "
        f"playwright imported: {'yes' if edit_playwright else 'no'}",
        "≤ 1.2 ×, rebuilds only that page, no diagram drawn again (cache mtimes)",
        ratio <= 1.2 and edit_rebuilt,
    )


def bench_site(bench: Bench, name: str, corpus: Path, number: int) -> None:
    """Sections 8–9: one site: clean builds (floor, mermaid), no-op, text edit."""
    extra = "floor, mermaid, " if bench.site_floors else ""
    section(f"{number}. site {name}: clean builds, {extra}no-op, text edit")
    folder = bench.work / f"site-{name}"
    copy = writable_copy(corpus / name, folder / name)
    site = Site(name, copy, folder / "out", copy / SITES[name])
    site_clean_rounds(bench, site)
    checks = site_edit_rounds(bench, site)
    imports = site_import_checks(site)
    report_site_builds(bench, site)
    report_site_edits(bench, site, checks, imports)
