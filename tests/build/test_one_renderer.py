"""A build's browser lays out and prints every deck in one renderer process.

Two workers lay out two decks at once, each in a page of its own; a renderer
process a page cost ~100 MB at a 100-lesson build's peak (issue 23).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from coursebuild.browser.chromium import BROWSER_ENDPOINT
from tests.support.course_factory import PROJECT_ROOT, SMALL_LESSON, make_course
from tests.support.processes import descendants

LESSONS = 4


def test_two_workers_lay_out_and_print_in_one_renderer(tmp_path):
    course = make_course(
        tmp_path / "kurssi",
        {f"slides/{number:02d}_oppitunti.md": SMALL_LESSON for number in range(LESSONS)},
    )
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    environment.pop(BROWSER_ENDPOINT, None)  # the build starts a Chromium of its own
    command = [sys.executable, str(PROJECT_ROOT / "build.py"), "--course", str(course), "-j", "2"]
    build = subprocess.Popen(
        [*command, "--out", str(tmp_path / "out")],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    most, deadline = 0, time.monotonic() + 600
    while build.poll() is None and time.monotonic() < deadline:
        renderers = [line for line in descendants(build.pid) if "--type=renderer" in line]
        most = max(most, len(renderers))
        time.sleep(0.02)
    if build.poll() is None:
        build.kill()
    assert build.wait() == 0, build.stderr.read()
    build.stderr.close()
    assert len(list((tmp_path / "out").glob("*-slides.pdf"))) == LESSONS
    assert most == 1
