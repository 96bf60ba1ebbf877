"""A build with workers waits for its browser instead of piling lessons up for it.

Each lesson made is held in the build's process (its page, deck and handout)
until its deck is laid out. The workers make lessons faster than one browser
lays them out; held without bound, they were ~50 MB of a 100-lesson build's
peak (issue 23). Here the browser is a stand-in that lays nothing out for a
while, then fails every deck as the page's error, so no deck is printed: the
real workers, Pandoc and Typst make the lessons.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future

from coursebuild.core.errors import BuildError
from coursebuild.core.report import Reporter
from coursebuild.core.state import BuildState
from coursebuild.lesson import batch
from coursebuild.lesson.freshness import LessonPlan
from coursebuild.lesson.outputs import PARTS
from coursebuild.reading.images import FigureSet
from tests.support.course_factory import site_with_pages

LESSONS = 8
JOBS = 2
# The stand-in browser lays nothing out for this long (workers make every
# lesson in it), then a deck every LAYOUT_SECONDS.
HOLD_SECONDS = 3.0
LAYOUT_SECONDS = 0.05


class SlowLayout:
    """Lays out one deck at a time, after a while; counts the decks given to it and not done."""

    waiting = 0
    most_waiting = 0
    lock = threading.Lock()

    def __init__(self, pages: int = 1) -> None:
        self.ready_at = time.monotonic() + HOLD_SECONDS

    def submit(self, layout_html: str, source, language) -> Future:
        future: Future = Future()
        with SlowLayout.lock:
            SlowLayout.waiting += 1
            SlowLayout.most_waiting = max(SlowLayout.most_waiting, SlowLayout.waiting)
        threading.Thread(target=self.lay_out, args=(future, source)).start()
        return future

    def lay_out(self, future: Future, source) -> None:
        time.sleep(max(0.0, self.ready_at - time.monotonic()))
        with SlowLayout.lock:  # one at a time, as one browser does
            time.sleep(LAYOUT_SECONDS)
            SlowLayout.waiting -= 1
        future.set_exception(BuildError("the deck does not fit", source))

    def close(self) -> None:
        pass


def test_the_build_holds_no_more_lessons_than_workers_for_a_slow_browser(tmp_path, monkeypatch):
    lessons, course = site_with_pages(tmp_path / "sivusto", LESSONS)
    plan = LessonPlan(lessons, {lesson.slug: PARTS for lesson in lessons})
    out = tmp_path / "out"
    out.mkdir()
    figures = FigureSet(out / "images", frozenset(), tmp_path / "m", tmp_path / "c")
    monkeypatch.setattr(batch, "LayoutService", SlowLayout)
    monkeypatch.setattr(SlowLayout, "waiting", 0)
    monkeypatch.setattr(SlowLayout, "most_waiting", 0)

    results, failures = batch.make_lessons(
        plan,
        course,
        figures,
        BuildState(out / ".build-state.json"),
        Reporter(quiet=True),
        JOBS,
    )

    assert results == []
    assert [failure.lesson for failure in failures] == lessons  # every deck was laid out
    # A deck a worker waiting, and the one the build has just been given.
    assert SlowLayout.most_waiting <= JOBS + 1
