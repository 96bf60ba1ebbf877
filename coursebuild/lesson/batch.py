"""A build's stale lessons: made in the workers, laid out and printed in one browser."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from coursebuild.core.animated_images import still_deck
from coursebuild.core.errors import BuildError
from coursebuild.core.report import Reporter
from coursebuild.core.state import BuildState, digest
from coursebuild.deck.draft import render_deck
from coursebuild.deck.layout import LayoutService
from coursebuild.deck.slide_pdf import slides_inputs
from coursebuild.lesson.freshness import LessonPlan, lesson_inputs, slides_fresh
from coursebuild.lesson.make import FigureSet, LessonOutputs
from coursebuild.lesson.outputs import SLIDES, output_name
from coursebuild.lesson.staged import StagedFile, stage
from coursebuild.lesson.workers import StaleParts, make_in_workers, page_failure
from coursebuild.reading.course import Course
from coursebuild.reading.lesson_file import Lesson, lesson_timestamp


@dataclass(frozen=True)
class LessonResult:
    """One lesson's new files, ready to write: ``{part: (inputs digest, StagedFile)}``."""

    slug: str
    files: dict[str, tuple[str, StagedFile]]
    # Files the page turned out to show, recorded with the deck and the handout.
    dependencies: list[str]
    warnings: list[str]


@dataclass(frozen=True)
class LessonFailure:
    """A lesson that could not be made: its page's errors. Its last good outputs stay."""

    lesson: Lesson
    errors: list[BuildError]


def make_lessons(
    plan: LessonPlan,
    course: Course,
    figures: FigureSet,
    state: BuildState,
    report: Reporter,
    jobs: int,
    slide_notes: bool = False,
    slide_pdfs: bool = True,
    pages_read: Callable[[], None] | None = None,
) -> tuple[list[LessonResult], list[LessonFailure]]:
    """The outputs of the plan's stale lessons, only the parts whose inputs changed,
    and the lessons that failed on an error of their page's.

    Nothing is written here. The slide PDF is printed from the finished deck:
    again when the deck's bytes change, and from the deck on disk when only the
    slide PDF is stale. An error that names no page (a tool missing) stops the
    whole build instead. ``pages_read`` is called once this process reads no
    more pages (and again later: it must do its work once); a thread it starts
    then cannot hold an import lock that a page's child (limits.py) inherits.
    """
    stale, parts_by_slug, reprint = plan.stale, plan.parts_by_slug, plan.reprint
    pages_read = pages_read or (lambda: None)
    out_dir = state.path.parent
    decks = sum("deck" in parts for parts in parts_by_slug.values()) + len(reprint)
    services: list[LayoutService] = []

    def start_layout() -> None:
        # A page a worker: decks are laid out as fast as they come. A build
        # that makes no deck starts no browser.
        if decks:
            services.append(LayoutService(pages=min(jobs, decks)))

    printing: list = []  # (Future, slides' inputs) of each slide PDF being printed
    made: list = []  # (lesson, files, dependencies, warnings), in the order of ``printing``
    failures: dict[str, LessonFailure] = {}

    def finish(lesson: Lesson, outputs: LessonOutputs, laying_out) -> None:
        """The lesson's files once its deck is laid out; its slide PDF sent to print."""
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
            try:
                deck, warnings = finished_deck(lesson, outputs, laying_out.result())
            except BuildError as error:
                if not page_failure(error):
                    raise
                failures[lesson.slug] = LessonFailure(lesson, [error])
                return
            files["deck"] = (inputs["deck"], deck)
            if slide_pdfs:
                job = print_slides(services[0], lesson, deck, state, slide_notes)
        printing.append(job)
        kept = staged_files(files, lesson.slug, out_dir)
        made.append((lesson, kept, outputs.dependencies, outputs.warnings + warnings))

    early: dict[str, Future] = {}  # layouts submitted as their decks were drafted

    def lay_out_early(lesson: Lesson, deck_page: str) -> None:
        """On the thread that drafted it: lay the deck out while its handout is made."""
        pages_read()  # the one lesson's page
        early[lesson.slug] = services[0].submit(deck_page, lesson.source, course.language)

    results: list[LessonResult] = []
    collected = 0  # of ``made``, the lessons whose slide PDF is in ``results``

    def collect(wait: bool) -> None:
        """The lessons made, in order, with their slide PDFs once printed, into ``results``.

        ``wait``: for every print; else only up to the first not done. A slide
        PDF collected is staged at once (staged.py), not held to the end.
        """
        nonlocal collected
        while collected < len(made):
            job = printing[collected]
            if job is not None and not wait and not job[0].done():
                return
            lesson, files, dependencies, warnings = made[collected]
            printing[collected] = None  # its PDF's bytes are let go once staged
            collected += 1
            if job is not None:
                future, inputs = job
                try:
                    pdf, print_warnings = future.result()
                except BuildError as error:
                    if not page_failure(error):
                        raise
                    failures[lesson.slug] = LessonFailure(lesson, [error])
                    continue
                files.update(staged_files({SLIDES: (inputs, pdf)}, lesson.slug, out_dir))
                warnings = warnings + [f"{lesson.source}: {w}" for w in print_warnings]
            results.append(LessonResult(lesson.slug, files, dependencies, warnings))

    try:
        built = []  # (lesson, outputs, its layout's Future) not finished yet, in order
        # The browser starts as soon as the workers exist, beside Pandoc and
        # Typst, and lays out each deck as its lesson comes back.
        make = StaleParts(parts_by_slug)
        made_lessons = make_in_workers(
            make, stale, course, figures, jobs, start_layout, lay_out_early
        )
        for done, (lesson, outputs, seconds) in enumerate(made_lessons, 1):
            if done == len(stale):
                pages_read()
            if isinstance(outputs, BuildError):
                failures[lesson.slug] = LessonFailure(lesson, [outputs])
                report.progress(done, len(stale))
                continue
            laying_out = early.pop(lesson.slug, None)
            if outputs.deck_page is not None and laying_out is None:
                laying_out = services[0].submit(outputs.deck_page, lesson.source, course.language)
            built.append((lesson, outputs, laying_out))
            report.step("lesson", str(lesson.source), f"{seconds:.1f} s")
            report.progress(done, len(stale))
            # Decks laid out by now are printed while the workers make the next
            # lessons, not all after the last one.
            while built and (built[0][2] is None or built[0][2].done()):
                finish(*built.pop(0))
            # No further ahead of the browser than a deck a worker: the lessons
            # held here (their pages, decks, handouts) are let go as they finish.
            while len(built) > jobs:
                finish(*built.pop(0))
            collect(wait=False)
        for lesson, outputs, laying_out in built:
            finish(lesson, outputs, laying_out)
        for lesson in reprint:
            deck = (state.path.parent / output_name("deck", lesson.slug)).read_bytes()
            printing.append(print_slides(services[0], lesson, deck, state, slide_notes))
            made.append((lesson, {}, [], []))
        collect(wait=True)
        # In the order of the plan: the report lists them as the site does.
        ordered = [failures[lesson.slug] for lesson in stale if lesson.slug in failures]
    except BaseException:
        for job in printing:
            if job is not None:
                job[0].cancel()  # not printed for a build that fails
        raise
    finally:
        for service in services:
            service.close()
    return results, ordered


def staged_files(files: dict, slug: str, out_dir: Path) -> dict[str, tuple[str, StagedFile]]:
    """``{part: (inputs, bytes)}`` kept on disk until written: ``{part: (inputs, StagedFile)}``."""
    return {
        part: (inputs, stage(out_dir / output_name(part, slug), data))
        for part, (inputs, data) in sorted(files.items())
    }


def print_slides(service, lesson: Lesson, deck: bytes, state: BuildState, notes: bool):
    """(a Future of the slide PDF and its warnings, its inputs), or None when it is fresh."""
    if slides_fresh(lesson, digest(deck), state, notes):
        return None  # the deck came out as it was: its slide PDF is as well
    inputs = slides_inputs(digest(deck), lesson_timestamp(lesson), notes)
    # A print shows one frame: an animation that starts empty prints its fullest.
    printed = still_deck(deck)
    return service.submit_print(printed, notes, lesson_timestamp(lesson), lesson.source), inputs


def finished_deck(lesson: Lesson, outputs: LessonOutputs, laid) -> tuple[bytes, list[str]]:
    """The deck rendered with the slides the layout pass made, and its warnings."""
    deck = render_deck(
        outputs.deck_context, laid.slides, outputs.deck_images, title_size=laid.title_size
    )
    return deck.encode("utf-8"), [f"{lesson.source}: {warning}" for warning in laid.warnings]
