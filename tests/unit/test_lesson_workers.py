"""The lesson workers are handed a few lessons at a time, not the whole course at once.

A lesson made waits in the build's process until the browser has laid its
deck out; workers given every lesson up front filled that process with made
lessons (issue 23: ~50 MB at a 100-lesson build's peak).
"""

from __future__ import annotations

import time
from pathlib import Path

from coursebuild.lesson.workers import make_in_workers
from coursebuild.reading.images import FigureSet
from tests.support.course_factory import site_with_pages

LESSONS = 12
JOBS = 2
# A lesson being made and one queued, a worker: what the build hands out ahead.
AHEAD_OF_THE_BUILD = 2 * JOBS


class MarkStarted:
    """A stand-in for make_lesson that leaves a file for each lesson it starts.

    Picklable (the workers receive it with each task).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(self, lesson, course, figures, *, overlap=False, deck_drafted=None):
        (self.folder / lesson.slug).touch()
        time.sleep(0.05)
        return lesson.slug


def test_the_workers_are_never_more_than_a_few_lessons_ahead(tmp_path):
    lessons, course = site_with_pages(tmp_path / "sivusto", LESSONS)
    started = tmp_path / "started"
    started.mkdir()
    figures = FigureSet(tmp_path / "out" / "images", frozenset(), tmp_path / "m", tmp_path / "c")
    made = make_in_workers(MarkStarted(started), lessons, course, figures, JOBS, lambda: None)

    first = next(made)
    # The build holds on to the first lesson (its deck is being laid out): the
    # workers finish what they were given and take nothing more.
    time.sleep(0.5)
    assert first[0] == lessons[0] and first[1] == lessons[0].slug
    assert 1 < len(list(started.iterdir())) <= AHEAD_OF_THE_BUILD
    rest = list(made)
    assert [outputs for _, outputs, _ in rest] == [lesson.slug for lesson in lessons[1:]]
    assert len(list(started.iterdir())) == LESSONS
