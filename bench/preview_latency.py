"""The live preview's latency: from an edited file written to the changed slide on screen.

``build.py preview`` runs in a subprocess; a real Chromium shows one deck from
it, on the slide the edit changes. Each edit writes the file, and the time is
taken when that slide, swapped in place (or reloaded on the same place), shows
the change, its figure decoded.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

READY = re.compile(r"preview: (http://\S+)")
# What a slide shows: its text without the speaker notes.
SHOWN = "const shown = (s) => [...s.children].filter((c) => !c.matches('aside.notes'))"
SHOWN += ".map((c) => c.textContent).join(' ');"
# Each is true once the slide on screen shows the edit: a reloaded deck shows
# its first slide until the preview puts it back where it was.
SHOWS_TEXT = f"""([text]) => {{ {SHOWN}
  return !!(window.Reveal && Reveal.isReady()) && shown(Reveal.getCurrentSlide()).includes(text);
}}"""
# The figure by its src attribute: currentSrc is set only once the new image is chosen.
FIGURE = f"""{SHOWN}
  const slide = window.Reveal && Reveal.isReady() && Reveal.getCurrentSlide();
  const img = slide && shown(slide).includes(needle) && slide.querySelector('figure img');
  const src = img ? img.getAttribute('src') : '';
  const signature = src ? src.length + ':' + src.slice(-96) : '';"""
FIGURE_SIGNATURE = f"([needle]) => {{ {FIGURE} return signature; }}"
SHOWS_NEW_FIGURE = (
    f"([needle, before]) => {{ {FIGURE} return !!signature && signature !== before; }}"
)
# Resolves once ``holds(argument)`` is true, looking only when the slides change:
# polling through the build would take CPU from it on a 2-core machine. A new
# figure counts once its image is decoded, ready to paint.
WHEN_SHOWN = """([argument, seconds]) => new Promise((resolve) => {
  const check = HOLDS;
  const done = () => {
    const image = window.Reveal && Reveal.getCurrentSlide().querySelector('figure img');
    observer.disconnect();
    (image ? image.decode().catch(() => {}) : Promise.resolve()).then(() => resolve(true));
  };
  const observer = new MutationObserver(() => { if (check(argument)) done(); });
  observer.observe(document.querySelector('.reveal .slides'),
    { childList: true, subtree: true, attributes: true, characterData: true });
  if (check(argument)) done();
  setTimeout(() => resolve(false), seconds * 1000);
})"""
SHOW_SLIDE_WITH = f"""(needle) => {{ {SHOWN}
  const leaf = [...document.querySelectorAll('.reveal .slides section')]
    .find((s) => !s.querySelector('section') && shown(s).includes(needle));
  const where = Reveal.getIndices(leaf);
  Reveal.slide(where.h, where.v);
  return where;
}}"""


def tree_cpu_ticks(root: int) -> int:
    """CPU time so far of process ``root`` and all its descendants, in clock ticks."""
    parents, ticks = {}, {}
    for folder in Path("/proc").iterdir():
        if folder.name.isdigit():
            try:
                fields = (folder / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            parents[int(folder.name)] = int(fields[1])
            ticks[int(folder.name)] = int(fields[11]) + int(fields[12])  # utime, stime
    tree, grew = {root}, True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= children
        grew = bool(children)
    return sum(ticks.get(pid, 0) for pid in tree)


@dataclass(frozen=True)
class RunningPreview:
    address: str
    pid: int

    def wait_until_quiet(self, timeout: float = 30.0) -> None:
        """Until the preview and its processes have used no CPU for 0.6 s: its next
        build's process has imported its libraries and waits."""
        deadline, last, still = time.monotonic() + timeout, -1, 0
        while still < 3 and time.monotonic() < deadline:
            ticks = tree_cpu_ticks(self.pid)
            still = still + 1 if ticks == last else 0
            last = ticks
            time.sleep(0.2)


@contextmanager
def running_preview(build_script: Path, course: Path, out: Path) -> Iterator[RunningPreview]:
    """``build.py preview`` on ``course``, once it serves."""
    command = [sys.executable, str(build_script), "preview", "--course", str(course)]
    command += ["--out", str(out), "-q"]
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=environment
    )
    try:
        address = None
        for line in process.stdout:
            match = READY.search(line)
            if match:
                address = match.group(1)
                break
        if address is None:
            raise RuntimeError(f"bench: the preview did not start: {' '.join(command)}")
        yield RunningPreview(address, process.pid)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_shown(page, predicate: str, argument: list, timeout: float = 60.0) -> None:
    """Until ``predicate(argument)`` holds in the page; across a reload, if the page reloads."""
    try:
        shown = page.evaluate(WHEN_SHOWN.replace("HOLDS", predicate), [argument, timeout])
    except Exception:  # the preview reloaded the page: its context is gone
        page.wait_for_load_state("load")
        wait_until(page, predicate, argument, timeout)
        return
    if not shown:
        raise RuntimeError("bench: the preview never showed the edit")


def wait_until(page, predicate: str, argument: list, timeout: float = 60.0) -> None:
    """Until ``predicate(argument)`` holds in the page, asked every 5 ms."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            if page.evaluate(predicate, argument):
                return
        except Exception:  # the page is reloading: its context is gone for a moment
            pass
        time.sleep(0.005)
    raise RuntimeError("bench: the preview never showed the edit")


def edit_latencies(
    address: str,
    deck: str,
    needle: str,
    edit: Callable[[int], None],
    figure: bool,
    times: int,
    after_each: Callable[[int], None] = lambda _count: None,
) -> list[float]:
    """Seconds from each ``edit(k)`` written to the slide holding ``needle`` showing it:
    its text with the edit's mark, or (``figure``) its figure drawn anew.
    ``after_each(k)`` runs once the edit is on screen, with the preview and the page open."""
    from coursebuild.browser.chromium import open_browser

    seconds = []
    with open_browser() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        page.goto(address + deck)
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        page.evaluate(SHOW_SLIDE_WITH, needle)
        time.sleep(0.5)  # the preview's event stream is open
        for count in range(1, times + 1):
            if figure:
                before = page.evaluate(FIGURE_SIGNATURE, [needle])
                predicate, argument = SHOWS_NEW_FIGURE, [needle, before]
            else:
                predicate, argument = SHOWS_TEXT, [f"{needle} M{count}"]
            edit(count)
            started = time.perf_counter()
            wait_shown(page, predicate, argument)
            seconds.append(time.perf_counter() - started)
            time.sleep(0.3)  # the build has ended: the next edit starts a new one
            after_each(count)
    return seconds


def text_edit(page_file: Path, needle: str) -> Callable[[int], None]:
    """Each call marks the list item ``needle`` with a new number."""
    original = page_file.read_text(encoding="utf-8")
    assert needle in original, f"bench: {needle!r} is not in {page_file}"

    def edit(count: int) -> None:
        page_file.write_text(original.replace(needle, f"{needle} M{count}", 1), encoding="utf-8")

    return edit
