"""The lesson workers: stale lessons made in processes of their own when it pays."""

from __future__ import annotations

import collections
import os
import time
from concurrent.futures import ProcessPoolExecutor

from coursebuild.browser.mermaid import DiagramError, render_diagrams
from coursebuild.core.errors import BuildError
from coursebuild.core.lifetime import start_worker, stop_workers
from coursebuild.core.paths import PACKAGE_DIR
from coursebuild.lesson.make import FigureSet, make_lesson, page_diagrams
from coursebuild.lesson.outputs import PARTS
from coursebuild.reading.course import Course
from coursebuild.reading.lesson_file import Lesson
from coursebuild.reading.markdown_reader import diagram_fence_names

# Lessons submitted to each worker ahead of the one the build takes next: one
# being made, one queued, so a worker never waits for the build to hand it work.
AHEAD = 2


class StaleParts:
    """make_lesson making, for each lesson, only the parts that are stale.

    A picklable callable, so the lesson workers receive it with each task.
    """

    def __init__(self, parts_by_slug: dict[str, frozenset[str]]) -> None:
        self.parts_by_slug = parts_by_slug

    def __call__(
        self, lesson: Lesson, course: Course, figures, *, overlap: bool = False, deck_drafted=None
    ):
        parts = self.parts_by_slug[lesson.slug]
        # Side by side only pays when there are two parts to make.
        overlap = overlap and parts == PARTS
        return make_lesson(
            lesson, course, figures, parts, overlap=overlap, deck_drafted=deck_drafted
        )


def page_failure(error: BuildError) -> bool:
    """An error in a page or a file it uses (it names one), not in the build itself.

    A tool that is missing or broken (no Chromium, no Pandoc) names no file,
    and the build's own templates are no page's: every page would fail on
    them, so they stop the build instead.
    """
    return error.path is not None and not error.path.resolve().is_relative_to(PACKAGE_DIR)


def timed(make, lesson, course, figures, overlap=False, deck_drafted=None):
    """(the lesson's outputs, or the page's BuildError; the seconds it took)."""
    started = time.perf_counter()
    try:
        outputs = make(lesson, course, figures, overlap=overlap, deck_drafted=deck_drafted)
    except BuildError as error:
        if not page_failure(error):
            raise
        outputs = error
    return outputs, time.perf_counter() - started


def make_in_workers(
    make, stale, course: Course, figures: FigureSet, jobs: int, ready, deck_drafted=None
):
    """Yield (lesson, outputs or its page's BuildError, seconds) in order, in worker
    processes when it pays.

    ``ready`` is called once no more processes will be forked: it starts a
    thread, and a process forked beside a running thread may inherit a lock
    that thread holds (an import, say) and hang on it forever.
    ``deck_drafted``: for a lesson made in this process beside its handout,
    make_lesson's (its deck's draft as soon as it is made).
    """
    if jobs <= 1 or len(stale) <= 1:
        ready()
        if len(stale) > 1:
            draw_diagrams(map, stale, course, figures)
        # One lesson and spare cores: its deck and handout are made side by side.
        overlap = jobs > 1 and len(stale) == 1
        for lesson in stale:
            yield (lesson, *timed(make, lesson, course, figures, overlap, deck_drafted))
        return
    # The workers die with the build, and leave Ctrl-C to it (coursebuild/core/lifetime.py).
    workers = min(jobs, len(stale))
    with ProcessPoolExecutor(workers, initializer=start_worker, initargs=(os.getpid(),)) as pool:
        try:
            # Forked here, all of them at once (the fork start method starts every
            # worker at the first task).
            pool.submit(int).result()
            ready()
            draw_diagrams(pool.map, stale, course, figures)
            # Submitted a few at a time, not all at once: a lesson made is held
            # in this process until its deck is laid out and printed, and the
            # workers make lessons faster than one browser takes them (a
            # 100-lesson build held ~50 MB more at its peak).
            futures = collections.deque()
            for lesson in stale:
                futures.append((lesson, pool.submit(timed, make, lesson, course, figures)))
                if len(futures) >= AHEAD * workers:
                    done, future = futures.popleft()
                    yield (done, *future.result())
            while futures:
                done, future = futures.popleft()
                yield (done, *future.result())
        except KeyboardInterrupt:
            stop_workers()  # Ctrl-C: the lessons under way are not waited for
            raise
        except BaseException:
            # The build fails with this error: the lessons not started are not built.
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def draw_diagrams(map_pages, lessons: list[Lesson], course: Course, figures: FigureSet) -> None:
    """Every diagram the lessons show that is not cached yet, drawn in one browser.

    Each lesson's build would otherwise start a browser of its own (~3 s) for
    a page with a new diagram. ``map_pages`` reads the pages (in the workers,
    or in this process); each is read again by its build, which costs a few
    milliseconds.
    """
    # A page that never names a diagram fence has no diagram: not read twice.
    names = diagram_fence_names(course.markdown_extensions)
    lessons = [lesson for lesson in lessons if any(name.encode() in lesson.raw for name in names)]
    count = len(lessons)
    found = list(map_pages(quietly(page_diagrams), lessons, [course] * count, [figures] * count))
    sources = list(dict.fromkeys(source for diagrams in found for source in diagrams))
    while sources:
        try:
            render_diagrams(sources, figures.diagram_cache)
            return
        except DiagramError as error:
            # That page fails on it in its own build; the others' diagrams are drawn.
            sources = [source for source in sources if source != error.source]


class quietly:
    """``read`` returning no diagrams for a page it cannot read: its build says why.

    A picklable callable, as the workers receive it.
    """

    def __init__(self, read) -> None:
        self.read = read

    def __call__(self, lesson: Lesson, course: Course, figures: FigureSet) -> list[str]:
        try:
            return self.read(lesson, course, figures)
        except BuildError as error:
            if not page_failure(error):
                raise
            return []
