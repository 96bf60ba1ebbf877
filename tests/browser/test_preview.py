"""`build.py preview` in a real process, watched by real Chromium: reload, overlay, stop."""

from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

from coursebuild.browser.chromium import open_browser
from tests.support.course_factory import (
    PROJECT_ROOT,
    SMALL_LESSON,
    copy_project,
    make_course,
    outputs,
    run_build,
)
from tests.support.processes import EPOCH, MARK, marked

LESSON = """\
---
priority: 1
---

# Esikatselu

## Osio

### Ensimmäinen

Yksi.

### Toinen

Kaksi.

### Kolmas

Kolmannen dian TEKSTI.

### Neljäs

Neljä.
"""
WAIT_MS = 30_000


@pytest.fixture(scope="module")
def browser():
    with open_browser() as chromium:
        yield chromium


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Preview:
    """build.py preview in a session of its own, its output read by threads."""

    def __init__(self, course: Path, out: Path, script: Path = PROJECT_ROOT / "build.py") -> None:
        self.mark = uuid.uuid4().hex
        self.port = free_port()
        environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, MARK: self.mark}
        command = [sys.executable, str(script), "preview", "--course", str(course)]
        self.process = subprocess.Popen(
            [*command, "--out", str(out), "--port", str(self.port)],
            cwd=course,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            encoding="utf-8",
            start_new_session=True,
        )
        self.lines: queue.Queue = queue.Queue()
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.readers = [
            threading.Thread(target=self.read, args=(stream, lines), daemon=True)
            for stream, lines in (
                (self.process.stdout, self.stdout),
                (self.process.stderr, self.stderr),
            )
        ]
        for reader in self.readers:
            reader.start()
        self.url = f"http://127.0.0.1:{self.port}/"

    def read(self, stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line)
            if lines is self.stdout:
                self.lines.put(line)

    def ready_line(self) -> str:
        return self.lines.get(timeout=120)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            for reader in self.readers:
                reader.join(timeout=10)
            self.process.stdout.close()
            self.process.stderr.close()


@pytest.fixture
def start_preview():
    started: list[Preview] = []

    def start(course: Path, out: Path, **kwargs) -> Preview:
        preview = Preview(course, out, **kwargs)
        started.append(preview)
        assert preview.ready_line() == f"preview: {preview.url} (Ctrl-C stops)\n"
        return preview

    yield start
    for preview in started:
        preview.stop()


def status_of(port: int, path: str) -> int:
    """The status of GET ``path`` sent as it is (no client normalises it)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def open_on_third_slide(browser, url: str):
    """A tab on the slide "Kolmas", the page's third content slide."""
    page = browser.new_page()
    page.goto(url)
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=WAIT_MS)
    # No slide in the URL's hash: the slide comes back by the reload script alone.
    page.evaluate(
        "() => { Reveal.configure({ hash: false });"
        " history.replaceState(null, '', location.pathname);"
        " const slide = Reveal.getSlides().find(s => s.textContent.includes('Kolmannen'));"
        " const at = Reveal.getIndices(slide); Reveal.slide(at.h, at.v); }"
    )
    # Marked: a reload makes a new window, without the mark.
    page.evaluate("() => { window.previewMark = 1; }")
    return page


CURRENT_TEXT = "() => Reveal.getCurrentSlide().textContent"


def test_preview_reloads_on_the_slide_shows_errors_and_stops_clean(
    browser, start_preview, tmp_path
):
    course = make_course(tmp_path / "course", {"slides/01_esi.md": LESSON})
    lesson = course / "slides" / "01_esi.md"
    out = tmp_path / "out"
    preview = start_preview(course, out)

    tabs = [open_on_third_slide(browser, preview.url + "01_esi.html") for _ in range(2)]
    indices = tabs[0].evaluate("() => Reveal.getIndices()")
    assert "Kolmannen dian TEKSTI" in tabs[0].evaluate(CURRENT_TEXT)

    # An edit of the slide's text: both tabs swap their slides in place, on the same slide.
    lesson.write_text(LESSON.replace("TEKSTI", "TOINEN TEKSTI"), encoding="utf-8")
    for tab in tabs:
        tab.wait_for_function(
            "() => Reveal.getCurrentSlide().textContent.includes('TOINEN TEKSTI')",
            timeout=WAIT_MS,
        )
        assert tab.evaluate("() => window.previewMark") == 1  # not reloaded
        assert tab.evaluate("() => Reveal.getIndices()") == indices
        # reveal.js knows the new slides: the next one is the new "Neljäs", shown.
        tab.evaluate("() => Reveal.next()")
        assert "Neljä." in tab.evaluate(CURRENT_TEXT)
        assert tab.locator("section#neljäs.present").is_visible()
        tab.evaluate("() => Reveal.prev()")

    # A new title changes more than the slides (the page's <title>, its footer):
    # both tabs reload, and come back on the same slide.
    titled = LESSON.replace("TEKSTI", "UUSI TEKSTI").replace("# Esikatselu", "# Esikatselu 2")
    lesson.write_text(titled, encoding="utf-8")
    for tab in tabs:
        tab.wait_for_function(
            "() => !window.previewMark && window.Reveal && Reveal.isReady()"
            " && Reveal.getCurrentSlide().textContent.includes('UUSI TEKSTI')",
            timeout=WAIT_MS,
        )
        assert tab.evaluate("() => Reveal.getIndices()") == indices
        assert tab.title().startswith("Esikatselu 2")
        tab.evaluate("() => { window.previewMark = 1; }")
    edited = out.joinpath("01_esi.html").read_bytes()

    # A broken page: the overlay names the file and line, the slide stays.
    broken = titled.replace("TEKSTI.", "TEKSTI {{ nimi }}.")
    lesson.write_text(broken, encoding="utf-8")
    for tab in tabs:
        overlay = tab.locator("#preview-error")
        overlay.wait_for(state="visible", timeout=WAIT_MS)
        message = overlay.text_content()
        assert re.search(r"01_esi\.md:\d+:.*nimi", message), message
        assert not message.startswith("error:")
        assert tab.evaluate("() => window.previewMark") == 1  # not reloaded
        assert "UUSI TEKSTI" in tab.evaluate(CURRENT_TEXT)
        style = tab.evaluate(
            "() => { const s = getComputedStyle(document.getElementById('preview-error'));"
            " return [s.position, s.color, s.backgroundColor]; }"
        )
        assert style == ["fixed", "rgb(255, 255, 255)", "rgb(139, 0, 0)"]
    assert out.joinpath("01_esi.html").read_bytes() == edited

    # A page opened while the build is broken shows the error at once.
    late = browser.new_page()
    late.goto(preview.url + "01_esi.html")
    late.locator("#preview-error").wait_for(state="visible", timeout=WAIT_MS)

    # Fixed as it was: the deck is the same file, so no reload; the overlay goes.
    lesson.write_text(titled, encoding="utf-8")
    for tab in [*tabs, late]:
        tab.locator("#preview-error").wait_for(state="detached", timeout=WAIT_MS)
    for tab in tabs:
        assert tab.evaluate("() => window.previewMark") == 1

    # Broken again, then fixed with new text: the fixed slides swap in, and the
    # overlay goes with the error it showed.
    lesson.write_text(broken, encoding="utf-8")
    for tab in tabs:
        tab.locator("#preview-error").wait_for(state="visible", timeout=WAIT_MS)
    lesson.write_text(titled.replace("UUSI TEKSTI", "KORJATTU TEKSTI"), encoding="utf-8")
    for tab in tabs:
        tab.wait_for_function(
            "() => Reveal.getCurrentSlide().textContent.includes('KORJATTU TEKSTI')",
            timeout=WAIT_MS,
        )
        assert tab.locator("#preview-error").count() == 0
        assert tab.evaluate("() => window.previewMark") == 1  # swapped in, not reloaded

    # A new lesson appears in the index, a deleted one leaves it.
    index = browser.new_page()
    index.goto(preview.url)
    index.evaluate("() => { window.previewMark = 1; }")
    new_lesson = course / "slides" / "02_uusi.md"
    new_lesson.write_text(LESSON.replace("# Esikatselu", "# Uusi oppitunti"), encoding="utf-8")
    appeared = "() => !window.previewMark && document.body.textContent.includes('Uusi oppitunti')"
    index.wait_for_function(appeared, timeout=WAIT_MS)
    index.evaluate("() => { window.previewMark = 1; }")
    new_lesson.unlink()
    gone = "() => !window.previewMark && !document.body.textContent.includes('Uusi oppitunti')"
    index.wait_for_function(gone, timeout=WAIT_MS)
    for tab in tabs:
        assert tab.evaluate("() => window.previewMark") == 1  # their deck did not change

    # Outside the output folder: nothing.
    (out / "..").resolve().joinpath("secret.txt").write_text("x", encoding="utf-8")
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/.state.json"):
        assert status_of(preview.port, path) == 404, path
    (out / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert status_of(preview.port, "/link.txt") == 404
    (out / "link.txt").unlink()
    assert status_of(preview.port, "/") == 200
    assert status_of(preview.port, "/01_esi.html") == 200

    # On disk, the files are what a plain build writes: no reload script.
    plain = tmp_path / "plain"
    # The preview leaves the slide PDFs to the next plain build, and the index shows none.
    result = run_build(course, "--out", str(plain), "--no-slide-pdfs")
    assert result.returncode == 0, result.stderr
    on_disk = {n: d for n, d in outputs(out).items() if n.endswith((".html", ".pdf"))}
    built = {n: d for n, d in outputs(plain).items() if n.endswith((".html", ".pdf"))}
    assert on_disk == built
    assert "01_esi-slides.pdf" not in on_disk
    assert all(b"EventSource" not in data for data in on_disk.values())

    # Between builds the next build's process waits, started ahead (coursebuild/preview/standby.py).
    waiting = [p for p in marked(preview.mark) if p.parent == preview.process.pid]
    assert [p.command.split()[2].endswith("standby.py") for p in waiting] == [True]

    # Ctrl-C: one line, no traceback, no process left.
    assert preview.stop() == 130
    assert preview.stdout[-1] == "preview stopped\n"
    assert not any("Traceback" in line for line in preview.stderr), preview.stderr
    assert marked(preview.mark) == []

    # The next plain build prints the slide PDF from the deck as it is.
    result = run_build(course, "--out", str(out), slide_pdfs=True)
    assert result.returncode == 0, result.stderr
    after = outputs(out)
    assert after["01_esi-slides.pdf"].startswith(b"%PDF")
    for name in ("01_esi.html", "01_esi.pdf"):
        assert after[name] == on_disk[name], name
    assert b"01_esi-slides.pdf" in after["index.html"]


def test_the_speaker_view_follows_its_deck_through_a_reload(browser, start_preview, tmp_path):
    course = make_course(tmp_path / "course", {"slides/01_esi.md": LESSON})
    preview = start_preview(course, tmp_path / "out")
    page = open_on_third_slide(browser, preview.url + "01_esi.html")
    with page.expect_popup() as popup:
        page.keyboard.press("s")
    speaker = popup.value
    speaker.wait_for_function(
        "() => { const frames = [...document.querySelectorAll('iframe')];"
        " return frames.length == 2 && frames.every("
        "f => f.contentWindow.Reveal && f.contentWindow.Reveal.isReady()); }",
        timeout=WAIT_MS,
    )
    # The speaker view's frame of the current slide (the other shows the next one).
    current = next(frame for frame in speaker.frames if "postMessageEvents" in frame.url)
    # isReady first: while the frame reloads, Reveal is there before its methods are.
    shows = (
        "(text) => window.Reveal && Reveal.isReady()"
        " && Reveal.getCurrentSlide().textContent.includes(text)"
    )
    current.wait_for_function(shows, arg="Kolmannen dian TEKSTI", timeout=WAIT_MS)

    lesson = course / "slides" / "01_esi.md"
    lesson.write_text(LESSON.replace("TEKSTI", "UUSI TEKSTI"), encoding="utf-8")
    page.wait_for_function(f"() => ({CURRENT_TEXT})().includes('UUSI TEKSTI')", timeout=WAIT_MS)
    assert page.evaluate("() => window.previewMark") == 1  # swapped in place
    current.wait_for_function(shows, arg="UUSI TEKSTI", timeout=WAIT_MS)
    # Still connected: the next slide in the deck is the next in the speaker view.
    page.evaluate("() => Reveal.next()")
    current.wait_for_function(shows, arg="Neljä.", timeout=WAIT_MS)


def test_a_figure_module_edit_changes_the_figure_on_the_slide(browser, start_preview, tmp_path):
    project = copy_project(tmp_path / "project")
    course = make_course(tmp_path / "course", {"slides/a.md": SMALL_LESSON})
    out = tmp_path / "out"
    preview = start_preview(course, out, script=project / "build.py")
    page = browser.new_page()
    page.goto(preview.url + "a.html")
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=WAIT_MS)
    figure = "() => document.querySelector('img[src^=\"data:image/svg\"]').src"
    before = page.evaluate(figure)

    module = project / "figures" / "shallow_relu.py"
    source = module.read_text(encoding="utf-8")
    module.write_text(source.replace("color=ORANGE", 'color="#629e9c"'), encoding="utf-8")
    page.wait_for_function(
        f"(before) => window.Reveal && ({figure})() !== before", arg=before, timeout=WAIT_MS
    )
    assert "629e9c" in out.joinpath("images", "100_ShallowReLU.svg").read_text(encoding="utf-8")


def test_sigterm_during_a_build_stops_it_and_leaves_no_process(start_preview, tmp_path):
    course = make_course(tmp_path / "course", {"slides/01_esi.md": LESSON})
    out = course / "build"  # inside the watched course folder
    preview = start_preview(course, out)
    lesson = course / "slides" / "01_esi.md"
    # What the build writes, and temporary and swap files, start no build.
    (out / "extra.html").write_text("x", encoding="utf-8")
    (course / "slides" / ".01_esi.md.tmp").write_text("x", encoding="utf-8")
    (course / "slides" / ".01_esi.md.swp").write_text("x", encoding="utf-8")
    threading.Event().wait(1)
    assert preview.stderr == ["preview: built\n"]
    lesson.write_text(LESSON.replace("Yksi", "Yksi muutettu"), encoding="utf-8")
    # Stopped while the build it started is under way.
    for _ in range(200):
        if len(marked(preview.mark)) > 1:
            break
        threading.Event().wait(0.02)
    assert len(marked(preview.mark)) > 1
    preview.process.send_signal(signal.SIGTERM)
    assert preview.process.wait(timeout=30) == 130
    preview.stop()  # reads its output to the end
    assert preview.stdout[-1] == "preview stopped\n"
    assert marked(preview.mark) == []
