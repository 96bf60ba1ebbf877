"""`build.py preview`: build, serve the output folder, and build again on every change.

Each build is the real build.py in a process of its own: the build caches
what it read in module globals, which a long-lived process would get wrong,
and its own Ctrl-C and lock handling stay as they are. That process is
started as the previous build ends and waits, its libraries imported
(coursebuild/standby.py), so a save starts building at once. Changes that
arrive during a build are gathered into one next build.
"""

from __future__ import annotations

import contextlib
import hashlib
import signal
import subprocess
import sys
import threading
from pathlib import Path

from coursebuild.core.errors import BuildError
from coursebuild.core.paths import FIGURES_DIR, PACKAGE_DIR
from coursebuild.preview.server import Pages, open_server
from coursebuild.reading.course import Course

# Folders never watched: not the course's sources, or written by tools.
IGNORED_FOLDERS = {".git", ".venv", "node_modules", "__pycache__", ".cache", ".pytest_cache"}
IGNORED_SUFFIXES = (".swp", ".swx", ".swo", "~", ".log")
STOP_SECONDS = 10  # a build's own Ctrl-C handling gets this long before it is killed


def watched_folders(course: Course, pages: list[Path]) -> list[Path]:
    """The course folder, the folders of the pages given, and the build's own sources."""
    folders = [course.root, course.docs_dir, course.lessons_dir, *(p.parent for p in pages)]
    folders += [PACKAGE_DIR, FIGURES_DIR]
    folders = [folder.resolve() for folder in folders if folder.is_dir()]
    # A folder inside another is watched with it.
    return sorted({f for f in folders if not any(f != o and f.is_relative_to(o) for o in folders)})


def change_filter(out_dir: Path):
    """watchfiles' filter: a source change, never the build's own writes nor an editor's files."""

    def wanted(_change, path: str) -> bool:
        file = Path(path)
        if file.is_relative_to(out_dir) or IGNORED_FOLDERS.intersection(file.parts):
            return False
        name = file.name
        if name.startswith(".") and name.endswith(".tmp"):
            return False  # write_atomic's temporaries
        # Vim's probe file and swap files, Emacs's lock and backup files.
        return not (name == "4913" or name.startswith(".#") or name.endswith(IGNORED_SUFFIXES))

    return wanted


class Snapshot:
    """The output folder's pages by content, read again only when their stat changes."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.known: dict[str, tuple[tuple[int, int, int], str]] = {}

    def take(self) -> dict[str, str]:
        current = {}
        for path in self.out_dir.glob("*.html"):
            try:
                status = path.stat()
                key = (status.st_mtime_ns, status.st_size, status.st_ino)
                if self.known.get(path.name, (None,))[0] != key:
                    content = hashlib.sha256(path.read_bytes()).hexdigest()
                    self.known[path.name] = (key, content)
            except OSError:
                continue  # removed meanwhile
            current[path.name] = self.known[path.name][1]
        return current


def changed_pages(before: dict[str, str], after: dict[str, str]) -> set[str]:
    """Pages new, gone or changed between two snapshots."""
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def error_message(stderr: str) -> str:
    """The build's error lines without their ``error:`` prefix; a crash's last line."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line.removeprefix("error: ") for line in lines if line.startswith("error: ")]
    return "\n".join(errors[:5]) or (lines[-1] if lines else "the build failed")


class Builder:
    """Runs build.py; one build at a time, stoppable from another thread.

    ``command`` runs coursebuild/standby.py: each build's process is started
    ahead and told to build by a line on its standard input.
    """

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.lock = threading.Lock()  # guards self.process, self.standby and self.stopped
        # The first build and the watcher's could otherwise overlap.
        self.one_at_a_time = threading.Lock()
        self.process: subprocess.Popen | None = None
        self.standby: subprocess.Popen | None = None
        self.stopped = False

    def start_process(self) -> subprocess.Popen:
        # A session of its own: a terminal's Ctrl-C reaches the preview, which
        # passes it on once.
        return subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
        )

    def prepare(self) -> None:
        """Start the next build's process, to wait for the next change."""
        with self.lock:
            if not self.stopped and self.standby is None:
                self.standby = self.start_process()

    def run(self) -> tuple[int, str]:
        with self.lock:
            if self.stopped:
                return 130, ""
            process, self.standby = self.standby, None
            if process is None or process.poll() is not None:
                process = self.start_process()
            self.process = process
        try:
            _, stderr = process.communicate("build\n")
            return process.returncode, stderr
        finally:
            with self.lock:
                self.process = None

    def interrupt(self) -> None:
        """Pass Ctrl-C on to the running build, without waiting (a signal handler calls it)."""
        self.stopped = True
        process = self.process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGINT)

    def stop(self) -> None:
        """Interrupt the running build as Ctrl-C would; kill it if it does not end."""
        with self.lock:
            self.stopped = True
            process, standby, self.standby = self.process, self.standby, None
        if standby is not None:
            # It has read and written nothing yet.
            standby.kill()
            standby.communicate()
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGINT)
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def build_once(builder: Builder, snapshot: Snapshot, pages: Pages) -> None:
    """One build, and what it means to each open page."""
    with builder.one_at_a_time:
        report_build(builder, snapshot, pages)
        builder.prepare()


def report_build(builder: Builder, snapshot: Snapshot, pages: Pages) -> None:
    before = snapshot.take()
    code, stderr = builder.run()
    if builder.stopped:
        return
    if code == 0:
        pages.built(changed_pages(before, snapshot.take()))
        print(f"preview: built{warning_note(stderr)}", file=sys.stderr, flush=True)
    else:
        message = error_message(stderr)
        pages.failed(message)
        print(f"preview: build failed: {message}", file=sys.stderr, flush=True)


def warning_note(stderr: str) -> str:
    return f"\n{stderr.rstrip()}" if stderr.strip() else ""


def watch_and_build(folders, out_dir, builder, snapshot, pages, stop: threading.Event) -> None:
    """Build at every change until ``stop`` is set; changes during a build make one more."""
    # Imported here: it starts a Rust extension that only the watching thread needs.
    from watchfiles import watch

    changes = watch(
        *folders,
        watch_filter=change_filter(out_dir),
        debounce=50,
        step=20,
        rust_timeout=500,
        yield_on_timeout=False,
        stop_event=stop,
        raise_interrupt=False,
    )
    for _ in changes:
        if stop.is_set():
            return
        build_once(builder, snapshot, pages)


def preview(
    command: list[str],
    course: Course,
    out_dir: Path,
    page_paths: list[Path],
    host: str,
    port: int | None,
) -> int:
    """Build once, serve ``out_dir``, and build with ``command`` on every change until stopped."""
    pages = Pages()
    try:
        server = open_server(host, port, out_dir, pages)
    except OSError as error:
        raise BuildError(f"cannot serve on {host}:{port or '8000…'}: {error.strerror}") from None
    stop = threading.Event()
    builder = Builder(command)

    def interrupt(_signal, _frame) -> None:
        stop.set()
        builder.interrupt()

    previous = {s: signal.signal(s, interrupt) for s in (signal.SIGINT, signal.SIGTERM)}
    snapshot = Snapshot(out_dir)
    folders = watched_folders(course, page_paths)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    watching = threading.Thread(
        target=watch_and_build,
        args=(folders, out_dir, builder, snapshot, pages, stop),
        daemon=True,
    )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        # Watching before the first build: an edit made while it runs makes one more.
        watching.start()
        build_once(builder, snapshot, pages)
        serving.start()
        shown = f"[{host}]" if ":" in host else host
        print(f"preview: http://{shown}:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        stop.set()
        builder.stop()
        if watching.is_alive():
            watching.join(STOP_SECONDS)
        pages.close()
        if serving.is_alive():
            server.shutdown()
        server.server_close()
        for number, handler in previous.items():
            signal.signal(number, handler)
    print("preview stopped", flush=True)
    return 130
