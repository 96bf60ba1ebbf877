#!/usr/bin/env python3
"""Build the course: figures, a reveal.js deck and a PDF handout per lesson, an index.

    python build.py                    # the whole course (course.toml, slides/*.md)
    python build.py --course SITE      # every page of an MkDocs site (SITE/mkdocs.yml)
    python build.py figures            # only the figures
    python build.py PATH.md [PATH.md]  # these lesson pages, from anywhere (a page
                                       # inside an MkDocs site builds as part of it)
    python build.py preview [PATH.md]  # serve the outputs, build again on every change

Stages, in order: load → figures → render (Jinja) → convert (Pandoc, Typst) → write.
Everything is gathered before anything is written, so a failed build leaves the
outputs of the last good build as they were.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

from coursebuild.config import Course, check_output_dir, open_course
from coursebuild.errors import BuildError
from coursebuild.lessons import RESERVED_SLUGS, Lesson, default_slug, find_lessons, load_lesson
from coursebuild.lifetime import INTERRUPTS, stop_workers
from coursebuild.report import Reporter, tolerant_streams
from coursebuild.state import BuildState, digest
from coursebuild.timestamps import source_date_epoch

COURSE_ROOT = Path(__file__).resolve().parent
# The project's own sources, which no output folder may overwrite.
PROJECT_SOURCES = tuple(COURSE_ROOT / name for name in ("coursebuild", "figures", "templates"))
# The folders of the output folder the build writes files into.
BUILD_FOLDERS = (".", "images", ".cache/mermaid")


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build the course's figures, slide decks, handouts and index.",
    )
    parser.add_argument(
        "targets",
        nargs="*",
        metavar="TARGET",
        help="'figures' for the figures only, or lesson pages (.md); default: the whole course",
    )
    parser.add_argument(
        "--lang", choices=("fi", "en"), help="language of the figures (default: course.toml)"
    )
    parser.add_argument("--out", type=Path, help="output folder (default: course.toml, build/)")
    parser.add_argument(
        "--course",
        type=Path,
        help="course folder: an MkDocs site (mkdocs.yml) or one holding course.toml "
        "(default: the site around the pages given, else this project)",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="lessons built in parallel (default: the number of CPUs)",
    )
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument(
        "--check",
        action="store_true",
        help="open every deck in headless Chromium at 1280×720; fail on a slide that overflows",
    )
    parser.add_argument(
        "--screenshots",
        action="store_true",
        help="save a PNG of every slide to OUT/check/<lesson>/ (implies --check)",
    )
    parser.add_argument(
        "--slide-notes",
        action="store_true",
        help="put each slide's speaker notes under it in the slide PDFs (<lesson>-slides.pdf)",
    )
    parser.add_argument(
        "--no-slide-pdfs",
        dest="slide_pdfs",
        action="store_false",
        help="leave the slide PDFs as they are; the next build prints them (preview does this)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but problems")
    parser.add_argument(
        "--port", type=int, help="preview: the port (default: the first free from 8000)"
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="preview: the address served (default: 127.0.0.1)"
    )
    return parser.parse_args(argv)


# -- load ---------------------------------------------------------------------


def load_lessons(pages: list[tuple[Path, str, str | None]]) -> list[Lesson]:
    """Load every page; report every problem at once, then stop."""
    lessons, problems = [], []
    for path, slug, chapter in pages:
        try:
            lessons.append(load_lesson(path, slug, chapter))
        except BuildError as error:
            problems.append(error)
        except OSError as error:
            problems.append(BuildError(f"cannot read: {error.strerror}", path))
    if problems:
        raise BuildErrors(problems)
    return lessons


class BuildErrors(BuildError):
    """Several problems found while loading, reported together."""

    def __init__(self, problems: list[BuildError]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems

    def __str__(self) -> str:
        return self.message


# Files of the output folder that are the course's, not a lesson's.
COURSE_OUTPUTS = {"index.html": "the course index"}


def check_output_names(lessons: list[Lesson]) -> None:
    """Refuse a lesson whose output would be another's file (a.md and a-slides.md: a-slides.pdf)."""
    owners: dict[str, str] = dict(COURSE_OUTPUTS)
    for lesson in lessons:
        for part in OUTPUT_NAMES:
            name = output_name(part, lesson.slug)
            other = owners.setdefault(name, str(lesson.source))
            if other != str(lesson.source):
                message = f"its output {name} would overwrite that of {other}; rename one of them"
                raise BuildError(message, lesson.source)


def lesson_paths(course: Course, targets: list[str]) -> list[Path]:
    pages = [Path(target) for target in targets if target != "figures"]
    for page in pages:
        if page.suffix != ".md":
            raise BuildError("not a lesson page (.md) nor 'figures'", page)
    if pages:
        return pages
    if course.pages is not None:
        return [path for path, _ in course.pages]
    return find_lessons(course.lessons_dir)


def lesson_pages(course: Course, paths: list[Path]) -> list[tuple[Path, str, str | None]]:
    """Each page with its output name and chapter.

    The name is the file's (index.md: index-page, the course index being
    index.html); pages of the same name are told apart by their folder.
    check_output_names refuses what still collides.
    """
    names = [default_slug(path) for path in paths]
    pages = []
    for path, name in zip(paths, names, strict=True):
        if names.count(name) > 1 and path.resolve().is_relative_to(course.lessons_dir):
            # Two chapters with a page of the same name: the folder tells them apart.
            relative = path.resolve().relative_to(course.lessons_dir).with_suffix("")
            name = "-".join(relative.parts)
            name = RESERVED_SLUGS.get(name, name)  # docs/index.md stays index-page
        pages.append((path, name, course.chapter_of(path)))
    return pages


def choose_course(arguments: argparse.Namespace) -> Course:
    """--course, else the MkDocs site around the pages given, else this project."""
    if arguments.course is not None:
        return open_course(arguments.course)
    from coursebuild.site import find_site

    pages = [Path(t) for t in arguments.targets if t.endswith(".md")]
    sites = {find_site(page.resolve()) for page in pages}
    if len(sites) == 1 and None not in sites:
        return open_course(sites.pop())
    return open_course(COURSE_ROOT)


# -- figures ------------------------------------------------------------------


def build_figures(
    out_dir: Path, lang: str, state: BuildState, report: Reporter, names: set[str] | None
) -> set[str]:
    """Render the course figures ``names`` (all when None); return the names built."""
    from coursebuild.figure_stage import build_figures as run_figure_stage
    from figures.catalogue import FIGURES

    specs = tuple(spec for spec in FIGURES if names is None or spec.name in names)
    built = run_figure_stage(out_dir, lang, state, specs)
    for figure in built:
        action = "skip" if figure.skipped else "figure"
        report.step(action, str(figure.path), f"{figure.size / 1024:.0f} KiB")
    return {figure.spec.name for figure in built}


def figures_needed(lessons: list[Lesson]) -> set[str]:
    """The course figures the pages show (a site's build renders no others)."""
    from coursebuild.images import figures_shown
    from figures.catalogue import FIGURES

    names = {spec.name for spec in FIGURES}
    return {name for lesson in lessons for name in figures_shown(lesson.raw.decode(), names)}


# -- render and convert -------------------------------------------------------


def build_lessons(
    lessons: list[Lesson],
    course: Course,
    figures,
    state: BuildState,
    report: Reporter,
    jobs: int,
    slide_notes: bool = False,
    slide_pdfs: bool = True,
):
    """Each stale lesson's outputs, only the parts whose inputs changed; nothing is written here.

    A list of (slug, {part: (inputs, data)}, dependencies, warnings). The
    slide PDF is printed from the finished deck: again when the deck's bytes
    change, and from the deck on disk when only the slide PDF is stale.
    """
    from coursebuild.lesson_build import PARTS, lesson_inputs

    stale, parts_by_slug, reprint = [], {}, []
    for lesson in lessons:
        parts = frozenset(
            part
            for part in PARTS
            if not state.is_fresh(
                part_key(part, lesson.slug),
                lesson_inputs(
                    lesson, course, part, state.dependencies(part_key(part, lesson.slug))
                ),
            )
        )
        # A deck not made again whose slide PDF is stale (deleted, or the notes
        # option changed) is printed as it is on disk.
        if (
            slide_pdfs
            and "deck" not in parts
            and not slides_fresh(lesson, recorded_deck(state, lesson.slug), state, slide_notes)
        ):
            reprint.append(lesson)
        if parts:
            stale.append(lesson)
            parts_by_slug[lesson.slug] = parts
        elif lesson not in reprint:
            report.step("skip", str(lesson.source))
    if not stale and not reprint:
        return []
    from coursebuild.layout import LayoutService

    decks = sum("deck" in parts for parts in parts_by_slug.values()) + len(reprint)
    services: list[LayoutService] = []

    def start_layout() -> None:
        # A page a worker: decks are laid out as fast as they come. A build
        # that makes no deck starts no browser.
        if decks:
            services.append(LayoutService(pages=min(jobs, decks)))

    printing: list = []  # (Future, slides' inputs) of each slide PDF being printed
    try:
        built = []
        # The browser starts as soon as the workers exist, beside Pandoc and
        # Typst, and lays out each deck as its lesson comes back.
        build_parts = BuildParts(parts_by_slug)
        lesson_builds = run_lesson_builds(build_parts, stale, course, figures, jobs, start_layout)
        for done, (lesson, outputs, seconds) in enumerate(lesson_builds, 1):
            laying_out = None
            if outputs.deck_page is not None:
                laying_out = services[0].submit(outputs.deck_page, lesson.source)
            built.append((lesson, outputs, laying_out))
            report.step("lesson", str(lesson.source), f"{seconds:.1f} s")
            report.progress(done, len(stale))
        made = []
        for lesson, outputs, laying_out in built:
            files, warnings = {}, []
            # Recorded with the files this build found the page to show.
            inputs = {
                part: lesson_inputs(lesson, course, part, outputs.dependencies)
                for part in parts_by_slug[lesson.slug]
            }
            if outputs.handout is not None:
                files["handout"] = (inputs["handout"], outputs.handout)
            job = None
            if laying_out is not None:
                deck, warnings = finished_deck(lesson, outputs, laying_out.result())
                files["deck"] = (inputs["deck"], deck)
                if slide_pdfs:
                    job = print_slides(services[0], lesson, deck, state, slide_notes)
            printing.append(job)
            made.append((lesson, files, outputs.dependencies, outputs.warnings + warnings))
        for lesson in reprint:
            deck = (state.path.parent / output_name("deck", lesson.slug)).read_bytes()
            printing.append(print_slides(services[0], lesson, deck, state, slide_notes))
            made.append((lesson, {}, [], []))
        results = []
        for (lesson, files, dependencies, warnings), job in zip(made, printing, strict=True):
            if job is not None:
                future, slides_inputs = job
                pdf, print_warnings = future.result()
                files["slides"] = (slides_inputs, pdf)
                warnings = warnings + [f"{lesson.source}: {w}" for w in print_warnings]
            results.append((lesson.slug, files, dependencies, warnings))
    except BaseException:
        for job in printing:
            if job is not None:
                job[0].cancel()  # not printed for a build that fails
        raise
    finally:
        for service in services:
            service.close()
    return results


def recorded_deck(state: BuildState, slug: str) -> str | None:
    """The digest of the deck as the last build wrote it (its deck is fresh)."""
    name = output_name("deck", slug)
    return state.entries.get(part_key("deck", slug), {}).get("outputs", {}).get(name)


def slides_fresh(lesson: Lesson, deck_digest: str | None, state: BuildState, notes: bool) -> bool:
    """Whether the lesson's slide PDF was printed from this deck, with these options."""
    from coursebuild.lesson_build import lesson_timestamp
    from coursebuild.slide_pdf import slides_inputs

    if deck_digest is None:
        return False
    inputs = slides_inputs(deck_digest, lesson_timestamp(lesson), notes)
    return state.is_fresh(part_key(SLIDES, lesson.slug), inputs)


def print_slides(service, lesson: Lesson, deck: bytes, state: BuildState, notes: bool):
    """(a Future of the slide PDF and its warnings, its inputs), or None when it is fresh."""
    from coursebuild.lesson_build import lesson_timestamp
    from coursebuild.slide_pdf import slides_inputs

    if slides_fresh(lesson, digest(deck), state, notes):
        return None  # the deck came out as it was: its slide PDF is as well
    inputs = slides_inputs(digest(deck), lesson_timestamp(lesson), notes)
    return service.submit_print(deck, notes, lesson_timestamp(lesson), lesson.source), inputs


def part_key(part: str, slug: str) -> str:
    """The state's key for one part (``deck``, ``handout``, ``slides``) of a lesson's outputs."""
    return f"{part}:{slug}"


# The slide PDF: a part of a lesson's outputs printed from its finished deck,
# not made by build_lesson.
SLIDES = "slides"
OUTPUT_NAMES = {"deck": "{}.html", "handout": "{}.pdf", SLIDES: "{}-slides.pdf"}


def output_name(part: str, slug: str) -> str:
    """The file one part of the lesson ``slug``'s outputs is written to."""
    return OUTPUT_NAMES[part].format(slug)


class BuildParts:
    """build_lesson making, for each lesson, only the parts that are stale.

    A picklable callable, so the lesson workers receive it with each task.
    """

    def __init__(self, parts_by_slug: dict[str, frozenset[str]]) -> None:
        self.parts_by_slug = parts_by_slug

    def __call__(self, lesson: Lesson, course: Course, figures, *, overlap: bool = False):
        from coursebuild.lesson_build import PARTS, build_lesson

        parts = self.parts_by_slug[lesson.slug]
        # Side by side only pays when there are two parts to make.
        return build_lesson(lesson, course, figures, parts, overlap=overlap and parts == PARTS)


def finished_deck(lesson: Lesson, outputs, laid) -> tuple[bytes, list[str]]:
    """The deck rendered with the slides the layout pass made, and its warnings."""
    from coursebuild.deck import render_deck

    deck = render_deck(
        outputs.deck_context, laid.slides, outputs.deck_images, title_size=laid.title_size
    )
    return deck.encode("utf-8"), [f"{lesson.source}: {warning}" for warning in laid.warnings]


def timed_build(build_lesson, lesson, course, figures, overlap=False):
    started = time.perf_counter()
    outputs = build_lesson(lesson, course, figures, overlap=overlap)
    return outputs, time.perf_counter() - started


def run_lesson_builds(build_lesson, stale, course: Course, figures, jobs: int, ready):
    """Yield (lesson, outputs, seconds) in order, in worker processes when it pays.

    ``ready`` is called once no more processes will be forked: it starts a
    thread, and a process forked beside a running thread may inherit a lock
    that thread holds (an import, say) and hang on it forever.
    """
    if jobs <= 1 or len(stale) <= 1:
        ready()
        if len(stale) > 1:
            draw_diagrams(map, stale, course, figures)
        # One lesson and spare cores: its deck and handout are made side by side.
        overlap = jobs > 1 and len(stale) == 1
        for lesson in stale:
            yield (lesson, *timed_build(build_lesson, lesson, course, figures, overlap))
        return
    from concurrent.futures import ProcessPoolExecutor

    from coursebuild.lifetime import start_worker, stop_workers

    # The workers die with the build, and leave Ctrl-C to it (coursebuild/lifetime.py).
    workers = min(jobs, len(stale))
    with ProcessPoolExecutor(workers, initializer=start_worker, initargs=(os.getpid(),)) as pool:
        try:
            # Forked here, all of them at once (the fork start method starts every
            # worker at the first task).
            pool.submit(int).result()
            ready()
            draw_diagrams(pool.map, stale, course, figures)
            futures = [
                pool.submit(timed_build, build_lesson, lesson, course, figures) for lesson in stale
            ]
            for lesson, future in zip(stale, futures, strict=True):
                yield (lesson, *future.result())
        except KeyboardInterrupt:
            stop_workers()  # Ctrl-C: the lessons under way are not waited for
            raise
        except BaseException:
            # The build fails with this error: the lessons not started are not built.
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def draw_diagrams(map_pages, lessons: list[Lesson], course: Course, figures) -> None:
    """Every diagram the lessons show that is not cached yet, drawn in one browser.

    Each lesson's build would otherwise start a browser of its own (~3 s) for
    a page with a new diagram. ``map_pages`` reads the pages (in the workers,
    or in this process); each is read again by its build, which costs a few
    milliseconds.
    """
    from coursebuild.lesson_build import diagram_error, page_diagrams
    from coursebuild.markdown_reader import diagram_fence_names
    from coursebuild.mermaid import DiagramError, render_diagrams

    # A page that never names a diagram fence has no diagram: not read twice.
    names = diagram_fence_names(course.markdown_extensions)
    lessons = [lesson for lesson in lessons if any(name.encode() in lesson.raw for name in names)]
    count = len(lessons)
    found = list(map_pages(page_diagrams, lessons, [course] * count, [figures] * count))
    sources = list(dict.fromkeys(source for diagrams in found for source in diagrams))
    try:
        render_diagrams(sources, figures.diagram_cache)
    except DiagramError as error:
        pages = zip(lessons, found, strict=True)
        lesson = next(page for page, diagrams in pages if error.source in diagrams)
        raise diagram_error(error, lesson) from None


# -- write --------------------------------------------------------------------


def write_lessons(results, out_dir: Path, state: BuildState, report: Reporter) -> None:
    from coursebuild.atomic import write_atomic

    for slug, files, dependencies, _warnings in results:
        for part, (part_inputs, data) in sorted(files.items()):
            name = output_name(part, slug)
            write_atomic(out_dir / name, data)
            report.step("write", str(out_dir / name), f"{len(data) / 1024:.0f} KiB")
            # The slide PDF depends on its deck alone, which its inputs hold.
            found = () if part == SLIDES else dependencies
            state.record(part_key(part, slug), part_inputs, {name: data}, found)


def lesson_keys(slug: str) -> tuple[str, ...]:
    """The state's keys of the lesson ``slug``'s outputs: the one place that knows them."""
    from coursebuild.lesson_build import PARTS

    return tuple(part_key(part, slug) for part in (*sorted(PARTS), SLIDES))


def is_lesson_key(key: str) -> bool:
    """Whether ``key`` is some lesson's (not a figure's, not the index's)."""
    return any(key.startswith(prefix) for prefix in lesson_keys(""))


def remove_gone_lessons(
    lessons: list[Lesson], out_dir: Path, state: BuildState, report: Reporter
) -> None:
    """Remove what the build wrote for lessons the course no longer has.

    Only files its state records, and only while they hold what it wrote: a
    file edited by hand since is kept, with a warning. Run by a whole-course
    build only (a build of some pages does not know the rest of the course).
    """
    current = {key for lesson in lessons for key in lesson_keys(lesson.slug)}
    gone = [key for key in state.entries if is_lesson_key(key) and key not in current]
    # Never a file an output still current claims (two keys cannot share one, but
    # the state file is only as sound as the disk it is on).
    claimed = {
        name
        for key, entry in state.entries.items()
        if key not in gone
        for name in entry.get("outputs", {})
    }
    for key in gone:
        for name, written in state.entries[key].get("outputs", {}).items():
            path = out_dir / name
            if name in claimed or not path.resolve().is_relative_to(out_dir):
                continue
            if path.is_symlink() or not path.is_file():
                continue  # gone already, or not the file the build wrote
            if digest(path.read_bytes()) != written:
                report.warning(f"{path}: its lesson is gone, but it was changed by hand; kept")
                continue
            try:
                path.unlink()
            except OSError as error:
                raise BuildError(f"cannot remove: {error.strerror}", path) from None
            report.step("remove", str(path))
        del state.entries[key]


def write_index(
    course: Course, lessons: list[Lesson], out_dir: Path, state: BuildState, report: Reporter
) -> None:
    from coursebuild.atomic import write_atomic
    from coursebuild.index import index_inputs, render_index

    inputs = index_inputs(course, lessons, out_dir)
    if state.is_fresh("index", inputs):
        report.step("skip", str(out_dir / "index.html"))
        return
    page = render_index(course, lessons, out_dir).encode("utf-8")
    path = out_dir / "index.html"
    # Its inputs are the lessons' files by key: one written again with the same
    # size and count leaves the page as it was, and the file is left alone.
    unchanged = path.is_file() and path.read_bytes() == page
    if not unchanged:
        write_atomic(path, page)
    state.record("index", inputs, {"index.html": page})
    report.step("skip" if unchanged else "write", str(path))


# -- check ----------------------------------------------------------------------


def check_decks(lessons: list[Lesson], out_dir: Path, screenshots: bool, report: Reporter) -> None:
    """Show every slide in a real browser; every slide not fit to show is an error."""
    from coursebuild.browser import inspect_deck, open_browser

    problems = []
    with open_browser() as browser:
        for lesson in lessons:
            deck = out_dir / f"{lesson.slug}.html"
            shots = out_dir / "check" / lesson.slug if screenshots else None
            inspection = inspect_deck(browser, deck, shots)
            bad = [slide for slide in inspection.slides if slide.problems()]
            for slide in bad:
                where = f"{lesson.source}: slide {slide.number} '{slide.title}'"
                problems += [f"{where}: {problem}" for problem in slide.problems()]
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


def extension_warnings(course: Course) -> list[str]:
    return [
        f"{course.config_path}: markdown extension '{name}' is not one the build knows; "
        "pages are read without it"
        for name in course.unknown_extensions
    ]


def check_warnings(warnings: list[str], strict: bool, report: Reporter) -> None:
    for warning in warnings:
        report.warning(warning)
    if strict and warnings:
        raise BuildError(f"{len(warnings)} warning(s) and --strict is on; nothing written")


def build(arguments: argparse.Namespace, report: Reporter) -> None:
    started = time.perf_counter()
    course = choose_course(arguments)
    out_dir = (arguments.out or course.output_dir).resolve()
    check_output_dir(course, out_dir, PROJECT_SOURCES)
    source_date_epoch()  # a bad one stops the build before anything is written
    lang = arguments.lang or (course.language if course.language in ("fi", "en") else "en")
    take_output_dir(out_dir)
    state = BuildState.load(out_dir)
    if state.problem:
        report.warning(f"{state.path}: {state.problem}; everything is built again")
    only_figures = arguments.targets == ["figures"]

    pages = [] if only_figures else lesson_pages(course, lesson_paths(course, arguments.targets))
    lessons = load_lessons(pages)
    check_output_names(lessons)
    check_warnings(
        [*extension_warnings(course), *(str(w) for lesson in lessons for w in lesson.warnings)],
        arguments.strict,
        report,
    )
    try:
        wanted = None if only_figures or course.pages is None else figures_needed(lessons)
        figure_names = build_figures(out_dir, lang, state, report, wanted)
        from coursebuild.lesson_build import FigureSet

        figures = FigureSet(
            out_dir / "images", frozenset(figure_names), out_dir / ".cache" / "mermaid"
        )
        results = build_lessons(
            lessons,
            course,
            figures,
            state,
            report,
            arguments.jobs,
            arguments.slide_notes,
            arguments.slide_pdfs,
        )
        check_warnings([w for *_, warnings in results for w in warnings], arguments.strict, report)
        # Ctrl-C from here on waits the moment until every output is written whole.
        with INTERRUPTS.held():
            write_lessons(results, out_dir, state, report)
            if not only_figures and not arguments.targets:  # all the course's lessons
                write_index(course, lessons, out_dir, state, report)
                remove_gone_lessons(lessons, out_dir, state, report)
            state.save()
    except BaseException:
        # What was written is recorded; the error reported is the first one.
        with contextlib.suppress(BuildError):
            state.save()
        raise
    if arguments.check or arguments.screenshots:
        check_decks(lessons, out_dir, arguments.screenshots, report)
    report.done(f"{out_dir} in {time.perf_counter() - started:.1f} s")


def main(argv: list[str] | None = None) -> int:
    tolerant_streams()
    arguments = parse_arguments(argv)
    report = Reporter(quiet=arguments.quiet)
    if arguments.targets[:1] == ["preview"]:
        return run_preview(arguments)
    INTERRUPTS.install()
    try:
        build(arguments, report)
    except BaseException as error:
        report.clear_bar()
        if INTERRUPTS.received:
            # Whatever the interrupt broke on its way out, it is the one thing to say.
            stop_workers()
            print(INTERRUPTED, file=sys.stderr)
            return 130
        if isinstance(error, OSError):
            error = BuildError(error.strerror or str(error), error.filename)
        if not isinstance(error, BuildError):
            raise
        print(f"error: {error}".replace("\n", "\nerror: "), file=sys.stderr)
        return 1
    return 0


INTERRUPTED = "interrupted; the outputs of the last good build are kept"


def run_preview(arguments: argparse.Namespace) -> int:
    """`build.py preview`: each build is this script in a process of its own (preview.py)."""
    from coursebuild.preview import preview

    arguments.targets = arguments.targets[1:]
    try:
        if "preview" in arguments.targets or "figures" in arguments.targets:
            raise BuildError("preview takes lesson pages (.md) only")
        course = choose_course(arguments)
        out_dir = (arguments.out or course.output_dir).resolve()
        check_output_dir(course, out_dir, PROJECT_SOURCES)
        pages = lesson_paths(course, arguments.targets) if arguments.targets else []
        return preview(
            preview_command(arguments, out_dir),
            course,
            out_dir,
            COURSE_ROOT,
            pages,
            arguments.host,
            arguments.port,
        )
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def preview_command(arguments: argparse.Namespace, out_dir: Path) -> list[str]:
    """The build the preview runs: this one's arguments, quiet, and no slide PDFs.

    It runs through coursebuild/standby.py, which starts it ahead of the edit.
    """
    standby = COURSE_ROOT / "coursebuild" / "standby.py"
    command = [sys.executable, "-P", str(standby), str(Path(__file__).resolve())]
    command += [*arguments.targets, "-q"]
    command += ["--out", str(out_dir), "--jobs", str(arguments.jobs)]
    # A save shows sooner without printing the slide PDFs (about 1 s a deck);
    # the next plain build prints them from the decks on disk.
    command.append("--no-slide-pdfs")
    if arguments.course is not None:
        command += ["--course", str(arguments.course)]
    if arguments.lang:
        command += ["--lang", arguments.lang]
    if arguments.strict:
        command.append("--strict")
    if arguments.slide_notes:
        command.append("--slide-notes")
    return command


def take_output_dir(out_dir: Path) -> None:
    """Create and lock the output folder, and remove what killed builds left in it."""
    from coursebuild.atomic import lock_folder, remove_temporaries

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BuildError(f"cannot create the output folder: {error.strerror}", out_dir) from None
    lock_folder(out_dir)  # held until this process ends
    for folder in BUILD_FOLDERS:
        remove_temporaries(out_dir / folder)


def run_in_utf8_mode() -> None:
    """Start again in Python's UTF-8 mode when the locale is not UTF-8 (``LC_ALL=C``).

    In an ASCII locale Python reads "ä" in a file name as two undecodable
    bytes, which no deck, handout or state file can hold; pages are UTF-8 already.
    """
    if sys.getfilesystemencoding().lower().replace("-", "") != "utf8":
        os.execv(sys.executable, [sys.executable, "-X", "utf8", *sys.orig_argv[1:]])


if __name__ == "__main__":
    run_in_utf8_mode()
    sys.exit(main())
