"""Faults: a killed or interrupted build, and the machine failing under one.

Every build here is the real build.py in a session of its own, its environment
marked with a value of its own: every process it starts (lesson workers, the
figure worker, Pandoc, Typst, Playwright's driver, Chromium, which Playwright
starts in a process group of its own) is then found by that mark in
/proc/*/environ, whoever its parent is by then.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from coursebuild.browser.chromium import BROWSER_ENDPOINT
from coursebuild.core.errors import BuildError
from coursebuild.core.timestamps import source_date_epoch
from tests.support.course_factory import (
    NO_FIGURE_CACHE,
    PROJECT_ROOT,
    SMALL_LESSON,
    make_course,
    outputs,
    run_build,
)
from tests.support.processes import EPOCH, MARK, Marked, marked

INTERRUPTED = "interrupted; the outputs of the last good build are kept"
STATE = ".build-state.json"
SITE = "site_name: Vikakurssi\ntheme:\n  name: material\n  language: fi\n"
FINNISH = "# Äänet ja öljy\n\n## Osio\n\n### Dia\n\n- kohta ==tärkeä== tässä\n\nProosaa.\n"
FIGURE_PAGE = "docs/01_kuva.md"
FINNISH_PAGE = "docs/02_äänet.md"
EDITED = FINNISH.replace("Proosaa.", "Proosaa, muokattu.")


# -- the course, and clean reference builds of it ------------------------------


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A two-page site in a folder with a Finnish name: one page shows a course figure."""
    root = make_course(
        tmp_path_factory.mktemp("kurssi_äö"),
        {"mkdocs.yml": SITE, FIGURE_PAGE: SMALL_LESSON, FINNISH_PAGE: FINNISH},
    )
    (root / "course.toml").unlink()  # the site is the course
    return root


@contextlib.contextmanager
def edited(course: Path, every_page: bool = False):
    """The Finnish page (or every page) edited for as long as the block runs."""
    edits = {FINNISH_PAGE: (FINNISH, EDITED)}
    if every_page:
        edits[FIGURE_PAGE] = (SMALL_LESSON, SMALL_LESSON.replace("Tärkeä", "Tärkein"))
    for name, (_, text) in edits.items():
        (course / name).write_text(text, encoding="utf-8")
    try:
        yield
    finally:
        for name, (text, _) in edits.items():
            (course / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def reference(course) -> Path:
    """A clean build of the course."""
    return clean_build(course, course.parent / "reference")


@pytest.fixture(scope="module")
def edited_reference(course) -> Path:
    """A clean build of the course with its Finnish page edited."""
    with edited(course):
        return clean_build(course, course.parent / "reference-edited")


def clean_build(course: Path, out: Path) -> Path:
    result = run_build(course, "--out", str(out), "-j", "2")
    assert result.returncode == 0, result.stderr
    return out


def copy_of(built: Path, out: Path) -> Path:
    """A build's outputs copied, so that the next build there starts from them."""
    shutil.copytree(built, out)
    return out


def assert_same_outputs(out: Path, reference: Path) -> None:
    """Byte for byte, but for the state file, which records inodes and times."""
    built, expected = outputs(out), outputs(reference)
    assert sorted(built) == sorted(expected)
    for name in expected:
        if name != STATE:
            assert built[name] == expected[name], f"{name} differs from a clean build's"


def temporaries(out: Path) -> list[Path]:
    return [path for path in out.rglob("*") if path.name.endswith(".tmp")]


# -- builds in sessions of their own, and the processes they leave ---------------


@dataclass
class Build:
    """build.py running in the background, its output read as it comes."""

    process: subprocess.Popen
    mark: str
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    kill_at_line: str | None = None
    readers: list[threading.Thread] = field(default_factory=list)

    def read(self, stream, lines: list[str], watch: bool) -> None:
        for line in stream:
            lines.append(line)
            if watch and self.kill_at_line and line.startswith(self.kill_at_line):
                # Killed from the thread that reads the line, the moment it comes.
                self.process.kill()

    def close(self) -> None:
        """Read its output to the end: once no process of the build holds its pipes."""
        for reader in self.readers:
            reader.join(timeout=10)
            assert not reader.is_alive(), "a process of the build still holds its output"
        self.process.stdout.close()
        self.process.stderr.close()


def start_build(
    course: Path, out: Path, *arguments: str, env: dict | None = None, kill_at_line=None
) -> Build:
    """build.py started without slide PDFs, as the reference builds it is compared with.

    With them, a build killed as it writes could leave slide PDFs that the next
    build (without them) keeps: the outputs would differ by when the kill came.
    """
    mark = uuid.uuid4().hex
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, MARK: mark, **(env or {})}
    # Its own Chromium, as a build starts it: the browser is one of the processes killed.
    environment.pop(BROWSER_ENDPOINT, None)
    command = [sys.executable, str(PROJECT_ROOT / "build.py"), "--course", str(course)]
    process = subprocess.Popen(
        [*command, "--out", str(out), *arguments, "--no-slide-pdfs"],
        cwd=course,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        encoding="utf-8",
        start_new_session=True,  # a process group of its own, as a terminal gives a command
    )
    build = Build(process, mark, kill_at_line=kill_at_line)
    for stream, lines, watch in (
        (process.stdout, build.stdout, True),
        (process.stderr, build.stderr, False),
    ):
        reader = threading.Thread(target=build.read, args=(stream, lines, watch), daemon=True)
        reader.start()
        build.readers.append(reader)
    return build


def wait_until(build: Build, condition, timeout: float = 90) -> None:
    """Poll until ``condition(build, its processes)`` holds while the build still runs.

    The build's process group holds still (SIGSTOP) while its processes are
    listed, and is left stopped when the condition holds, so that what it is
    doing does not end while it is looked at. The caller signals the build,
    then lets it go on with ``resume``.
    """
    what = condition.__name__.replace("_", " ")
    deadline = time.monotonic() + timeout
    while True:
        assert build.process.poll() is None, f"the build ended before {what}: {build.stderr}"
        os.killpg(build.process.pid, signal.SIGSTOP)
        if condition(build, marked(build.mark)):
            return
        resume(build)
        assert time.monotonic() < deadline, f"no {what} within {timeout} s"
        time.sleep(0.02)


def resume(build: Build) -> None:
    """SIGCONT to the build's process group, stopped by wait_until."""
    with contextlib.suppress(ProcessLookupError):  # none of it is left
        os.killpg(build.process.pid, signal.SIGCONT)


def left_after(mark: str, seconds: float = 5) -> list[Marked]:
    """The marked processes still alive ``seconds`` after the build died (none, we hope)."""
    deadline = time.monotonic() + seconds
    while (alive := marked(mark)) and time.monotonic() < deadline:
        time.sleep(0.05)
    for process in alive:  # not to leave them to the tests after this one
        with contextlib.suppress(OSError):
            os.kill(process.pid, signal.SIGKILL)
    return alive


def figure_worker_running(build: Build, found: list[Marked]) -> bool:
    """The build's first child that is build.py too: the figure stage's worker."""
    return any(p.parent == build.process.pid and "build.py" in p.command for p in found)


def typst_in_a_worker(build: Build, found: list[Marked]) -> bool:
    """Typst runs, started by a lesson worker (a child of the build that is build.py too)."""
    workers = {p.pid for p in found if p.parent == build.process.pid and "build.py" in p.command}
    return any("typst_child.py" in p.command and p.parent in workers for p in found)


def typst_in_the_build(build: Build, found: list[Marked]) -> bool:
    """Typst runs, started by the build's own process."""
    return any("typst_child.py" in p.command and p.parent == build.process.pid for p in found)


TYPST_POINTS = (typst_in_a_worker, typst_in_the_build)
HOLD_TYPST = Path(__file__).resolve().parents[1] / "support" / "hold_typst"


def held_typst(point) -> dict[str, str]:
    """The environment that holds each Typst child a second (tests/support/hold_typst)
    when ``point`` is a moment Typst runs; else nothing."""
    if point not in TYPST_POINTS:
        return {}
    return {
        "PYTHONPATH": os.pathsep.join(filter(None, (str(HOLD_TYPST), os.environ.get("PYTHONPATH"))))
    }


def browser_running(build: Build, found: list[Marked]) -> bool:
    return any("chromium" in process.command for process in found)


# -- SIGKILL --------------------------------------------------------------------

# When to kill: while a process of the build runs (a condition on the marked
# processes), or the moment a line of its progress output is printed.
KILL_POINTS = {
    "the figure worker draws": figure_worker_running,
    "Typst runs in the lesson workers": typst_in_a_worker,
}
INCREMENTAL_KILL_POINTS = {
    "the browser lays out the deck": ("2", browser_running),
    "Typst runs in the build's own process (-j 1)": ("1", typst_in_the_build),
    "the outputs are being written": ("2", "write"),
}


def kill_and_check(build: Build, point) -> None:
    """Kill the build at ``point``; then no process of it may be alive 5 s later."""
    if not isinstance(point, str):
        wait_until(build, point)
        build.process.kill()
        resume(build)  # what is left of it, to see whether it ends by itself
    # Killed at a line of its output by the thread reading it, else just now.
    assert build.process.wait(timeout=120) == -signal.SIGKILL, "the build ended by itself"
    alive = left_after(build.mark)
    build.close()
    assert not alive, f"alive 5 s after the build was killed: {alive}"


@pytest.mark.parametrize("point", KILL_POINTS.values(), ids=KILL_POINTS.keys())
def test_a_clean_build_killed_leaves_no_process_and_the_next_build_is_whole(
    course, reference, tmp_path, point
):
    out = tmp_path / "out"
    build = start_build(course, out, "-j", "2", env={**NO_FIGURE_CACHE, **held_typst(point)})
    kill_and_check(build, point)
    result = run_build(course, "--out", str(out), "-j", "2")
    assert result.returncode == 0, result.stderr
    assert not temporaries(out)
    assert_same_outputs(out, reference)


@pytest.mark.parametrize(
    "jobs, point", INCREMENTAL_KILL_POINTS.values(), ids=INCREMENTAL_KILL_POINTS.keys()
)
def test_an_incremental_build_killed_leaves_no_process_and_the_next_build_is_whole(
    course, reference, edited_reference, tmp_path, jobs, point
):
    out = copy_of(reference, tmp_path / "out")
    kill_at = point if isinstance(point, str) else None
    with edited(course):
        build = start_build(course, out, "-j", jobs, env=held_typst(point), kill_at_line=kill_at)
        kill_and_check(build, point)
        result = run_build(course, "--out", str(out), "-j", "2")
    assert result.returncode == 0, result.stderr
    assert "lesson " in result.stdout and "figure " not in result.stdout  # incremental
    assert not temporaries(out)
    assert_same_outputs(out, edited_reference)


def test_the_next_build_removes_only_its_own_temporary_files(reference, course, tmp_path):
    out = copy_of(reference, tmp_path / "out")
    ours = [out / ".index.html.k3j_9xq2.tmp", out / "images" / ".100_ShallowReLU.svg.abcdefgh.tmp"]
    ours.append(out / ".cache" / "mermaid" / ".0123abcd.svg.zz_zz_zz.tmp")
    others = [out / ".muistiinpanot.tmp", out / "luonnos.tmp", out / ".x.svg.abc.tmp"]
    for path in ours + others:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"kesken")
    result = run_build(course, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert not any(path.exists() for path in ours)
    assert all(path.read_bytes() == b"kesken" for path in others)


def test_a_second_build_into_the_same_folder_stops_in_one_line(reference, course, tmp_path):
    out = copy_of(reference, tmp_path / "out")
    (out / ".index.html.k3j_9xq2.tmp").write_bytes(b"another build's, being written")
    before = outputs(out)
    holder = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)  # as the build running there holds it
        result = run_build(course, "--out", str(out))
    finally:
        os.close(holder)
    assert result.returncode == 1
    busy = "another build is writing to this folder; run again when it has finished"
    assert result.stderr == f"error: {out}: {busy}\n"
    assert outputs(out) == before  # its temporary file too


# -- Ctrl-C -----------------------------------------------------------------------

INTERRUPT_POINTS = {
    "Typst runs in the lesson workers (-j 2)": ("2", typst_in_a_worker),
    "Typst runs in the build's own process (-j 1)": ("1", typst_in_the_build),
}


def interrupt(build: Build, condition) -> int:
    """Ctrl-C as a terminal sends it: SIGINT to the build's whole process group."""
    wait_until(build, condition)
    os.killpg(build.process.pid, signal.SIGINT)
    resume(build)
    code = build.process.wait(timeout=30)
    alive = left_after(build.mark)
    build.close()
    assert not alive, f"alive 5 s after Ctrl-C: {alive}"
    return code


@pytest.mark.parametrize("jobs, condition", INTERRUPT_POINTS.values(), ids=INTERRUPT_POINTS.keys())
def test_ctrl_c_prints_one_line_exits_130_and_keeps_the_outputs(
    course, reference, tmp_path, jobs, condition
):
    out = copy_of(reference, tmp_path / "out")
    before = outputs(out)
    # Two lessons to make, so that -j 2 makes them in two workers.
    with edited(course, every_page=jobs == "2"):
        build = start_build(course, out, "-j", jobs, env=held_typst(condition))
        code = interrupt(build, condition)
    assert (code, "".join(build.stderr)) == (130, INTERRUPTED + "\n")
    assert outputs(out) == before


def test_ctrl_c_while_figures_are_drawn(course, reference, tmp_path):
    out = copy_of(reference, tmp_path / "out")
    redrawn = "images/100_ShallowReLU.svg"
    (out / redrawn).unlink()  # to be drawn again
    before = outputs(out)
    build = start_build(course, out, "-j", "2", env=NO_FIGURE_CACHE)
    code = interrupt(build, figure_worker_running)
    assert (code, "".join(build.stderr)) == (130, INTERRUPTED + "\n")
    after = outputs(out)
    # The worker lives on after its figure: on a loaded machine the figure may be
    # drawn and written before the signal lands. Then it is whole, and recorded.
    if redrawn in after:
        assert after.pop(redrawn) == outputs(reference)[redrawn]
        assert b"100_ShallowReLU.svg" in after.pop(".build-state.json")
        before.pop(".build-state.json")
    assert after == before


# -- the machine failing ------------------------------------------------------------


@contextlib.contextmanager
def tmpfs(folder: Path, size: str):
    """A small tmpfs at ``folder``; None when this machine does not allow mounting."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    )
    try:
        yield folder if mounted.returncode == 0 else None
    finally:
        if mounted.returncode == 0:
            subprocess.run(["umount", "-l", str(folder)], check=True)


# Only where mounting is not allowed: the fault is injected at the write, by a
# sitecustomize that makes os.replace into FOLDER fail with ERRNO.
INJECTED_FAULT = """\
import os
_folder, _errno, _replace = os.environ["FAULT_FOLDER"], int(os.environ["FAULT_ERRNO"]), os.replace
def _failing(source, target, **keywords):
    if str(target).startswith(_folder):
        raise OSError(_errno, os.strerror(_errno), str(source))
    return _replace(source, target, **keywords)
os.replace = _failing
"""


def faulty_build(course: Path, out: Path, injected: int | None, tmp_path: Path):
    """Build into ``out``; with ``injected``, every rename into it fails with that errno."""
    env = {}
    if injected is not None:
        (tmp_path / "fault").mkdir()
        (tmp_path / "fault" / "sitecustomize.py").write_text(INJECTED_FAULT, encoding="utf-8")
        env = {
            "PYTHONPATH": str(tmp_path / "fault"),
            "FAULT_FOLDER": str(out),
            "FAULT_ERRNO": str(injected),
        }
    return run_build(course, "--out", str(out), "-j", "2", env=env)


def test_a_read_only_output_folder_is_one_line_and_loses_nothing(course, reference, tmp_path):
    # chmod would not stop root, who runs these tests: a read-only mount does.
    with tmpfs(tmp_path / "ro", "4m") as mounted:
        out = mounted or tmp_path / "out"
        shutil.copytree(reference, out, dirs_exist_ok=True)
        before = outputs(out)
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(out)], check=True)
        with edited(course):
            result = faulty_build(course, out, None if mounted else errno.EROFS, tmp_path)
        deck = out / "02_äänet.html"
        assert result.returncode == 1
        assert result.stderr == f"error: {deck}: cannot write: Read-only file system\n"
        assert outputs(out) == before


def test_a_full_disk_is_one_line_and_loses_nothing(course, reference, tmp_path):
    with tmpfs(tmp_path / "full", "2m") as mounted:
        out = mounted or tmp_path / "out"
        shutil.copytree(reference, out, dirs_exist_ok=True)
        if mounted:
            fill(out / "täyte")
        before = outputs(out)
        with edited(course):
            result = faulty_build(course, out, None if mounted else errno.ENOSPC, tmp_path)
        deck = out / "02_äänet.html"
        assert result.returncode == 1
        assert result.stderr == f"error: {deck}: cannot write: No space left on device\n"
        assert outputs(out) == before  # and no temporary file left behind


def fill(path: Path) -> None:
    """Write to ``path`` until the disk is full."""
    with path.open("wb", buffering=0) as stream, contextlib.suppress(OSError):
        while True:
            stream.write(b"\0" * 4096)


def test_an_output_that_is_a_folder_is_one_line_and_loses_nothing(course, reference, tmp_path):
    out = copy_of(reference, tmp_path / "out")
    (out / "index.html").unlink()
    (out / "index.html").mkdir()
    (out / "index.html" / "oma.txt").write_text("käsin kirjoitettu", encoding="utf-8")
    before = outputs(out)
    result = run_build(course, "--out", str(out))
    assert result.returncode == 1
    assert result.stderr == f"error: {out / 'index.html'}: cannot write: Is a directory\n"
    assert outputs(out) == before


def test_an_output_folder_that_is_a_file_is_one_line(course, tmp_path):
    out = tmp_path / "tiedosto"
    out.write_text("ei kansio", encoding="utf-8")
    result = run_build(course, "--out", str(out))
    assert result.returncode == 1
    assert result.stderr == f"error: {out}: the output folder is a file, not a folder\n"
    assert out.read_text(encoding="utf-8") == "ei kansio"


# -- SOURCE_DATE_EPOCH -------------------------------------------------------------


@pytest.mark.parametrize(
    "value, problem",
    [
        ("garbage", "'garbage' is not a whole number of seconds since 1970"),
        ("１２３", "'１２３' is not a whole number of seconds since 1970"),
        ("253402300800", "253402300800 is past the year 9999"),
    ],
)
def test_a_bad_source_date_epoch_stops_the_build_before_it_writes(course, tmp_path, value, problem):
    out = tmp_path / "out"
    result = run_build(course, "--out", str(out), env={"SOURCE_DATE_EPOCH": value})
    assert result.returncode == 1
    assert result.stderr == f"error: SOURCE_DATE_EPOCH={problem}\n"
    assert not out.exists()


@pytest.mark.parametrize(
    "value, expected",
    [(None, None), ("", None), ("0", 0), (EPOCH, 1767225600), ("253402300799", 253402300799)],
)
def test_source_date_epoch_reads_seconds_up_to_the_year_9999(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert source_date_epoch() == expected


@pytest.mark.parametrize("value", ["²", "٣", "1e9", "12 ", " 12", "-1", "+5", "12\n", "0x10"])
def test_source_date_epoch_takes_nothing_but_ascii_digits(monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(BuildError, match="SOURCE_DATE_EPOCH"):
        source_date_epoch()


# -- the locale ---------------------------------------------------------------------

LOCALES = {
    "C, no UTF-8 mode, no coercion": {
        "LC_ALL": "C",
        "PYTHONUTF8": "0",
        "PYTHONCOERCECLOCALE": "0",
    },
    "POSIX": {"LC_ALL": "POSIX"},
}


@pytest.mark.parametrize("locale", LOCALES.values(), ids=LOCALES.keys())
def test_a_build_in_a_locale_that_is_not_utf8_is_the_same_build(
    course, reference, edited_reference, tmp_path, locale
):
    out = copy_of(reference, tmp_path / "out")
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("LC_")},
        **locale,
        "LANG": "C",
        "SOURCE_DATE_EPOCH": EPOCH,
    }
    command = [sys.executable, str(PROJECT_ROOT / "build.py"), "--course", str(course)]
    with edited(course):
        result = subprocess.run(
            # As the reference builds (tests/course_factory.run_build): no slide PDFs.
            [*command, "--out", str(out), "-j", "2", "--no-slide-pdfs"],
            capture_output=True,
            env=environment,
            cwd=course,
            timeout=300,
        )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert result.stderr == b""
    printed = result.stdout.decode("utf-8")  # Finnish names, printed whole
    assert f"lesson   {course / FINNISH_PAGE}" in printed
    assert_same_outputs(out, edited_reference)
