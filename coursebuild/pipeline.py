"""One build, stage by stage: load → figures → lessons → index → write → check.

Everything is gathered before anything is written, so a failed build leaves the
outputs of the last good build as they were.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

from coursebuild.browser.chromium import deck_viewer, inspect_deck, open_browser
from coursebuild.core.atomic import lock_folder, remove_temporaries, write_atomic
from coursebuild.core.errors import BuildError
from coursebuild.core.lifetime import INTERRUPTS
from coursebuild.core.paths import FIGURES_DIR, PACKAGE_DIR
from coursebuild.core.report import Reporter
from coursebuild.core.state import BuildState
from coursebuild.core.timestamps import source_date_epoch
from coursebuild.core.words import missing_language_warning, words_language
from coursebuild.course_index import (
    FileCounts,
    import_pdf_reader_ahead,
    index_inputs,
    render_index,
)
from coursebuild.figure_files import render_figures
from coursebuild.lesson.freshness import plan_lessons
from coursebuild.lesson.outputs import check_output_names, remove_gone_lessons, write_lessons
from coursebuild.lesson.staged import discard_staged
from coursebuild.options import BuildOptions
from coursebuild.reading.course import Course, check_output_dir, open_course
from coursebuild.reading.images import FigureSet, figures_shown
from coursebuild.reading.lesson_file import (
    Lesson,
    find_lessons,
    load_lesson,
    title_from_file_name,
)
from coursebuild.reading.mkdocs_config import find_site
from coursebuild.reading.page_names import PlannedPage, lesson_pages
from figures.catalogue import FIGURES

# The build's own sources, which no output folder may overwrite.
PROJECT_SOURCES = (PACKAGE_DIR, FIGURES_DIR)
# The folders of the output folder the build writes files into.
BUILD_FOLDERS = (".", "images", ".cache/mermaid", ".cache/images")


@dataclass(frozen=True)
class PageFailure:
    """A page that could not be built: its errors, one line each. Its last good outputs stay."""

    source: Path
    slug: str
    title: str
    chapter: str | None
    errors: list[str]


@dataclass(frozen=True)
class BuildSummary:
    """What a build made of its pages: the build exits 1 when one failed."""

    built: int
    failed: list[PageFailure]
    warnings: int

    def line(self) -> str:
        return f"{self.built} built, {len(self.failed)} failed, {self.warnings} warnings"


def build(course: Course, options: BuildOptions, report: Reporter) -> BuildSummary:
    """Build every page that can be built; a page's errors fail that page alone.

    An error that is no page's (the site's configuration, a missing tool, a
    figure module, the output folder) stops the whole build, nothing written.
    """
    started = time.perf_counter()
    if options.lang:
        course = dataclasses.replace(course, language=options.lang)
    if options.image_hosts:
        course = dataclasses.replace(course, image_hosts=options.image_hosts)
    out_dir = output_dir(course, options)
    source_date_epoch()  # a bad one stops the build before anything is written
    lang = figure_language(course.language)
    take_output_dir(out_dir)
    state = BuildState.load(out_dir)
    if state.problem:
        report.warning(f"{state.path}: {state.problem}; everything is built again")
    warned = Warnings(report, options.strict)

    # load
    pages = [] if options.only_figures else lesson_pages(course, lesson_paths(course, options))
    lessons, failed = load_lessons(pages)
    check_output_names(lessons)
    warned.of_site([*extension_warnings(course), *language_warnings(course)])
    lessons, failed = warned.of_pages(
        lessons, failed, {page.slug: page.warnings for page in lessons}
    )
    try:
        # figures
        wanted = None if options.only_figures or course.pages is None else figures_needed(lessons)
        figures = make_course_figures(out_dir, lang, state, report, wanted, options.jobs)
        # lessons
        results, failures = make_lessons(lessons, course, figures, state, report, options)
        failed += [page_failure(f.lesson, [str(e) for e in f.errors]) for f in failures]
        _, failed = warned.of_pages(
            not_failed(lessons, failed), failed, {r.slug: r.warnings for r in results}
        )
        # write: Ctrl-C from here on waits the moment until every output is written whole.
        with INTERRUPTS.held():
            write_lessons(not_failed(results, failed), out_dir, state, report)
            if not options.only_figures and options.whole_course:
                listed = in_site_order(pages, [*not_failed(lessons, failed), *failed])
                failed_slugs = {page.slug for page in failed}
                write_index(course, listed, failed_slugs, out_dir, state, report)
                remove_gone_lessons([page.slug for page in listed], out_dir, state, report)
            state.save()
    except BaseException:
        # What was written is recorded; the error reported is the first one.
        with contextlib.suppress(BuildError):
            state.save()
        raise
    finally:
        discard_staged()  # what failed pages made, or a stopped build: never written
    built = not_failed(lessons, failed)
    summary = BuildSummary(len(built), in_site_order(pages, failed), warned.count)
    # check
    if options.check or options.screenshots:
        check_decks(built, out_dir, options.screenshots, report, reads_math(course))
    counts = f": {summary.line()}" if pages else ""  # a build of the figures alone has none
    report.done(f"{out_dir} in {time.perf_counter() - started:.1f} s{counts}")
    return summary


class Warnings:
    """The warnings a build prints and counts; with --strict, a page's fail that page."""

    def __init__(self, report: Reporter, strict: bool) -> None:
        self.report, self.strict, self.count = report, strict, 0

    def show(self, warnings) -> None:
        for warning in warnings:
            self.report.warning(str(warning))
        self.count += len(warnings)

    def of_site(self, warnings: list[str]) -> None:
        """The site's own warnings: with --strict, the build stops, nothing written."""
        self.show(warnings)
        if self.strict and warnings:
            raise BuildError(f"{len(warnings)} warning(s) and --strict is on; nothing written")

    def of_pages(self, lessons: list[Lesson], failed: list[PageFailure], warnings: dict):
        """Print each lesson's warnings; with --strict, a lesson with one fails."""
        kept = []
        for lesson in lessons:
            found = warnings.get(lesson.slug, [])
            self.show(found)
            if self.strict and found:
                message = f"{lesson.source}: {len(found)} warning(s) and --strict is on"
                failed = [*failed, page_failure(lesson, [message])]
            else:
                kept.append(lesson)
        return kept, failed


def not_failed(items: list, failed: list[PageFailure]) -> list:
    """The ``items`` (lessons, results: anything with a slug) of pages that did not fail."""
    slugs = {page.slug for page in failed}
    return [item for item in items if item.slug not in slugs]


def page_failure(lesson: Lesson, errors: list[str]) -> PageFailure:
    return PageFailure(lesson.source, lesson.slug, lesson.title, lesson.chapter, errors)


def in_site_order(pages: list[PlannedPage], listed: list) -> list:
    """``listed`` (lessons, failures: anything with a slug) in the order of ``pages``."""
    order = {page.slug: number for number, page in enumerate(pages)}
    return sorted(listed, key=lambda page: order.get(page.slug, len(order)))


# -- load ---------------------------------------------------------------------


def choose_course(options: BuildOptions, home: Path) -> Course:
    """--course, else the MkDocs site around the pages given, else the course at ``home``."""
    if options.course is not None:
        return open_course(options.course)
    pages = [Path(t) for t in options.targets if t.endswith(".md")]
    sites = {find_site(page.resolve()) for page in pages}
    if len(sites) == 1 and None not in sites:
        return open_course(sites.pop())
    return open_course(home)


def output_dir(course: Course, options: BuildOptions) -> Path:
    """--out, else the course's; refused where it would overwrite a source."""
    out_dir = (options.out or course.output_dir).resolve()
    check_output_dir(course, out_dir, PROJECT_SOURCES)
    return out_dir


def lesson_paths(course: Course, options: BuildOptions) -> list[Path]:
    pages = [Path(target) for target in options.targets if target != "figures"]
    for page in pages:
        if page.suffix != ".md":
            raise BuildError("not a lesson page (.md) nor 'figures'", page)
    if pages:
        return pages
    if course.pages is not None:
        return [page.path for page in course.pages]
    return find_lessons(course.lessons_dir)


def load_lessons(pages: list[PlannedPage]) -> tuple[list[Lesson], list]:
    """Every page loaded, and the pages that could not be (PageFailure)."""
    lessons, failed = [], []
    for path, slug, chapter, nav_title in pages:
        try:
            lessons.append(load_lesson(path, slug, chapter, nav_title))
            continue
        except BuildError as error:
            problem = error
        except OSError as error:
            problem = BuildError(f"cannot read: {error.strerror}", path)
        failed.append(PageFailure(path, slug, title_from_file_name(path), chapter, [str(problem)]))
    return lessons, failed


def language_warnings(course: Course) -> list[str]:
    warning = missing_language_warning(course.language, str(course.config_path))
    return [warning] if warning else []


def figure_language(language: str) -> str:
    """The course figures are drawn in Finnish or in English."""
    return "fi" if words_language(language) == "fi" else "en"


def extension_warnings(course: Course) -> list[str]:
    return [
        f"{course.config_path}: markdown extension '{name}' is not one the build knows; "
        "pages are read without it"
        for name in course.unknown_extensions
    ]


def take_output_dir(out_dir: Path) -> None:
    """Create and lock the output folder, and remove what killed builds left in it."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BuildError(f"cannot create the output folder: {error.strerror}", out_dir) from None
    lock_folder(out_dir)  # held until this process ends
    for folder in BUILD_FOLDERS:
        remove_temporaries(out_dir / folder)


# -- figures ------------------------------------------------------------------


def figures_needed(lessons: list[Lesson]) -> set[str]:
    """The course figures the pages show (a site's build renders no others)."""
    names = {spec.name for spec in FIGURES}
    return {name for lesson in lessons for name in figures_shown(lesson.raw.decode(), names)}


def make_course_figures(
    out_dir: Path,
    lang: str,
    state: BuildState,
    report: Reporter,
    names: set[str] | None,
    jobs: int = 1,
) -> FigureSet:
    """Render the course figures ``names`` (all when None) that are stale, in up to
    ``jobs`` processes; a FigureSet of all."""
    specs = tuple(spec for spec in FIGURES if names is None or spec.name in names)
    built = render_figures(out_dir, lang, state, specs, jobs)
    for figure in built:
        action = "skip" if figure.skipped else "figure"
        report.step(action, str(figure.path), f"{figure.size / 1024:.0f} KiB")
    names = frozenset(figure.spec.name for figure in built)
    cache = out_dir / ".cache"
    return FigureSet(out_dir / "images", names, cache / "mermaid", cache / "images")


# -- lessons ------------------------------------------------------------------


def make_lessons(lessons, course: Course, figures, state: BuildState, report, options):
    """The stale lessons' new outputs and failures (lesson/batch.py); none when all are fresh."""
    plan = plan_lessons(lessons, course, state, report, options.slide_notes, options.slide_pdfs)
    if not plan:
        return [], []
    # The index counts the new PDFs' pages after them.
    index_follows = options.whole_course and not options.only_figures
    # Imported here: Markdown, Pandoc's runner and the browser's driver load only
    # when a lesson is to be made, not in a build that skips every one.
    from coursebuild.lesson.batch import make_lessons as make_stale_lessons

    return make_stale_lessons(
        plan,
        course,
        figures,
        state,
        report,
        options.jobs,
        options.slide_notes,
        options.slide_pdfs,
        import_pdf_reader_ahead if index_follows else None,
    )


# -- index --------------------------------------------------------------------


def write_index(
    course: Course, listed: list, failed: set[str], out_dir: Path, state: BuildState, report
) -> None:
    """The index of the ``listed`` pages; those ``failed`` are shown as unavailable."""
    inputs = index_inputs(course, listed, failed, out_dir)
    if state.is_fresh("index", inputs):
        report.step("skip", str(out_dir / "index.html"))
        return
    counts = FileCounts(state.entries.get("index", {}).get("counts"))
    page = render_index(course, listed, failed, out_dir, counts).encode("utf-8")
    path = out_dir / "index.html"
    # Its inputs are the lessons' files by key: one written again with the same
    # size and count leaves the page as it was, and the file is left alone.
    unchanged = path.is_file() and path.read_bytes() == page
    if not unchanged:
        write_atomic(path, page)
    state.record("index", inputs, {"index.html": page}, extra={"counts": counts.now})
    report.step("skip" if unchanged else "write", str(path))


# -- check --------------------------------------------------------------------


def reads_math(course: Course) -> bool:
    return any(name == "pymdownx.arithmatex" for name, _ in course.markdown_extensions)


def check_decks(
    lessons: list[Lesson], out_dir: Path, screenshots: bool, report: Reporter, math: bool = True
) -> None:
    """Show every slide in a real browser; every slide not fit to show is an error."""
    problems = []
    with open_browser() as browser, deck_viewer(browser) as viewer:
        for lesson in lessons:
            deck = out_dir / f"{lesson.slug}.html"
            shots = out_dir / "check" / lesson.slug if screenshots else None
            inspection = inspect_deck(browser, deck, shots, viewer)
            bad = [slide for slide in inspection.slides if slide.problems(math)]
            for slide in bad:
                where = f"{lesson.source}: slide {slide.number} '{slide.title}'"
                problems += [f"{where}: {problem}" for problem in slide.problems(math)]
            problems += [f"{deck}: browser error: {e}" for e in inspection.console_errors]
            problems += [f"{deck}: request failed: {url}" for url in inspection.failed_requests]
            problems += [f"{deck}: request blocked: {url}" for url in inspection.blocked_requests]
            detail = f"{inspection.total_slides} slides, {len(bad)} with problems"
            report.step("check", str(deck), detail + (f", screenshots in {shots}" if shots else ""))
            for slide in inspection.slides:
                for figure in slide.figure_text:
                    where = f"{deck.name} slide {slide.number} {figure['label']}"
                    report.step("text", where, f"smallest figure text {figure['px']:.1f} px")
    if problems:
        raise BuildError("\n".join(problems))
