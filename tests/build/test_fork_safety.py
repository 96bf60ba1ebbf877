"""No thread of a build imports a module while the build may still fork a page's child.

A page is read in a forked child (coursebuild/core/limits.py). A child
forked while another thread imports a module inherits that module's import
lock, held by a thread it does not have: if the child imports the module too
(an image address's lookup imports the idna codec, and the codec
unicodedata), it waits until the page's time limit kills it, and the page
fails. A CI run lost a page so: the build's browser thread was connecting
(and importing) while the page was read. So every import on another thread
must come after the build's last fork.
"""

from __future__ import annotations

import pytest

from coursebuild.browser.chromium import chromium_path
from tests.support.course_factory import PROJECT_ROOT, run_build

# build.py, with every fork and every import of the build's own process
# written down in the order they happen (Python's audit events).
WATCHED_BUILD = """\
import os, runpy, sys, threading

log = open(os.environ["FORK_LOG"], "a", buffering=1, encoding="utf-8")
build = os.getpid()


def watch(event, arguments):
    if os.getpid() != build:  # a child's own events: not the build's
        return
    thread = threading.current_thread().name
    if event == "os.fork":
        log.write(f"fork {{thread}}\\n")
    elif event == "import":
        log.write(f"import {{thread}} {{arguments[0]}}\\n")


sys.addaudithook(watch)
sys.path.insert(0, {root!r})
sys.argv = [{build!r}, *sys.argv[1:]]
runpy.run_path({build!r}, run_name="__main__")
"""

PAGE = """\
# Sivu {number}

## Kuva

![Kaavio](http://127.0.0.1:1/kaavio.png)

Tekstiä.
"""


def watched_build(tmp_path, pages: int, jobs: int, own_browser: bool) -> list[list[str]]:
    """The fork and import events of a build of ``pages`` pages, each event's words."""
    site = tmp_path / "sivusto"
    (site / "docs").mkdir(parents=True)
    (site / "mkdocs.yml").write_text("site_name: S\n", encoding="utf-8")
    for number in range(pages):
        text = PAGE.format(number=number)
        (site / "docs" / f"sivu{number}.md").write_text(text, encoding="utf-8")
    script = tmp_path / "watched_build.py"
    build = str(PROJECT_ROOT / "build.py")
    script.write_text(WATCHED_BUILD.format(root=str(PROJECT_ROOT), build=build), "utf-8")
    log = tmp_path / "events.log"
    env = {"FORK_LOG": str(log), "PYTHONUTF8": "1"}
    if own_browser:
        env["CHROMIUM"] = chromium_path()  # no shared browser: the build starts its own
    result = run_build(
        site, "--out", str(tmp_path / "out"), "-j", str(jobs), env=env, build_script=script
    )
    assert result.returncode == 0, result.stderr
    # Each page's child looked its image's address up.
    assert result.stderr.count("kaavio.png: 127.0.0.1 is 127.0.0.1, not a public") == pages
    return [line.split() for line in log.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(
    "pages, jobs, own_browser",
    [
        (3, 1, False),  # lessons one after another, beside the shared browser's connecting
        (3, 1, True),  # … beside a browser the build starts
        (1, 2, False),  # one lesson, its deck and handout made side by side
    ],
    ids=["three-lessons-in-turn", "own-browser", "one-lesson"],
)
def test_no_other_thread_imports_before_the_last_fork(tmp_path, pages, jobs, own_browser):
    events = watched_build(tmp_path, pages, jobs, own_browser)
    forks = [index for index, event in enumerate(events) if event[0] == "fork"]
    assert len(forks) >= pages  # a child for each page's reading, at least
    early = [
        " ".join(event[1:])
        for event in events[: forks[-1]]
        if event[0] == "import" and event[1] != "MainThread"
    ]
    assert early == []
