"""Limits on every step that reads untrusted input, and the child process holding a page to them.

Lessons and site files arrive as pull requests. Each number here bounds
what one of them can make the build do; the README's "Lessons are untrusted"
section lists them. The tests hit each one.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import time
from collections.abc import Callable

from coursebuild.core.errors import BuildError

# A page's Jinja (render.py): the text it makes and the time it takes making
# it. Reading a page (Jinja, Python-Markdown, the allow-list; lesson_build.py)
# happens in a child process: its CPU time, memory and wall-clock time.
MAX_LESSON_CHARACTERS = 2_000_000
MAX_LESSON_SECONDS = 5.0
LESSON_CPU_SECONDS = 5
LESSON_MEMORY_MB = 512
# A wait for the child beyond its CPU time: a child that sleeps is killed too.
LESSON_WALL_SECONDS = 3 * LESSON_CPU_SECONDS

# A lesson page, and a site's settings file (mkdocs.yml, .nav.yml, course.toml), in bytes.
MAX_PAGE_BYTES = 1_000_000
MAX_SETTINGS_BYTES = 1_000_000

# YAML (mkdocs.yml, .nav.yml, front matter; bounded_yaml.py): the text's
# length, how deep it nests, and the values it holds once every alias is
# expanded (an alias bomb holds billions).
MAX_YAML_CHARACTERS = 1_000_000
MAX_YAML_DEPTH = 100
MAX_YAML_NODES = 100_000

# A .nav.yml glob pattern, in characters; matched in linear time (site.py).
MAX_GLOB_CHARACTERS = 1_000

# An image a page shows: its file size (a deck embeds it), and a raster
# image's width × height, read from its header before anything decodes it.
MAX_IMAGE_BYTES = 25 * 1024 * 1024
MAX_BIB_BYTES = 2 * 1024 * 1024  # a site's .bib file: a larger one is not read
MAX_LOGO_BYTES = 1024 * 1024  # a site's logo, on every title slide: a larger one is left out
MAX_IMAGE_PIXELS = 40_000_000

# Math (html_bridge.py): formulas a page, TeX characters a page and a
# formula (a 20×20 matrix is about 4 000). Every stage's work grows with it.
MAX_FORMULAS_PER_PAGE = 1_000
MAX_MATH_CHARACTERS_PER_PAGE = 50_000
MAX_FORMULA_CHARACTERS = 5_000

# Mermaid diagrams: a diagram's text and edges (mermaid refuses more, its
# layout being one blocking call in the browser), and diagrams a page.
MAX_DIAGRAM_CHARACTERS = 20_000
MAX_DIAGRAM_EDGES = 500
MAX_DIAGRAMS_PER_PAGE = 40

# The layout pass (layout_pass.js) of one deck: its time and its slides. Its
# splitting grows faster than the page (2 000 list items took 14 s). A real
# page of 80 exercises (terminale-nsi's BNS_2022.md, 30 KB) makes 724 slides.
LAYOUT_SECONDS = 60
MAX_SLIDES_PER_DECK = 2_000

# Pandoc: its Haskell heap (+RTS -M) and its wall-clock time, a run.
PANDOC_HEAP_MB = 1_024
PANDOC_SECONDS = 60
# Typst: the memory (RLIMIT_DATA), the CPU time and the wall-clock time of a handout's compile.
TYPST_MEMORY_MB = 2_048
TYPST_CPU_SECONDS = 60
TYPST_SECONDS = 90

MEBIBYTE = 1024 * 1024
# A limited child's exit status when it could not even report (run_child).
CHILD_FAILED = 70


def read_limited(path, max_bytes: int) -> bytes:
    """A file's bytes; a BuildError naming it when it holds more than ``max_bytes``."""
    with open(path, "rb") as stream:
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise BuildError(f"the file is larger than {max_bytes:,} bytes; refused", path)
    return data


class CpuTimeExceeded(BaseException):
    """Raised in a limited child at its soft CPU limit, so the error can name the line running.

    A BaseException: no ``except Exception`` in Jinja or in a template's call swallows it.
    """


class ChildLimitExceeded(Exception):
    """A limited child was stopped: ``kind`` is "cpu", "memory", "time" or "failed"."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def data_bytes() -> int:
    """This process's data memory (heap, private mappings; Linux), or 0 where /proc is not."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[5]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def limit_this_process(cpu_seconds: int, memory_mb: int) -> None:
    """CPU time and memory limits for the calling (child) process.

    The memory limit (RLIMIT_DATA: what the process allocates, not the address
    space its libraries and threads reserve) counts from what the process has
    already: a forked child shares its parent's heap, which it does not grow.
    The soft CPU limit raises CpuTimeExceeded; the hard one, a second later, kills.
    """

    def at_cpu_limit(signum, frame):
        raise CpuTimeExceeded

    signal.signal(signal.SIGXCPU, at_cpu_limit)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    memory = data_bytes() + memory_mb * MEBIBYTE
    # The soft limit only: the child lifts it to answer, and nothing else it runs can.
    resource.setrlimit(resource.RLIMIT_DATA, (memory, resource.RLIM_INFINITY))


def run_limited(
    work: Callable[[], object],
    *,
    cpu_seconds: int,
    memory_mb: int,
    wall_seconds: float,
):
    """``work()`` in a forked child under CPU, memory and wall-clock limits.

    What ``work`` returns (JSON data) or the BuildError it raises comes back
    as JSON; a child stopped at a limit raises ChildLimitExceeded. A fork, not
    a new interpreter: the child has the parent's imports and data already
    (a few milliseconds, where starting Python and Jinja takes 100).
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        run_child(work, write_end, cpu_seconds, memory_mb)
    os.close(write_end)
    try:
        data = read_all(read_end, pid, wall_seconds)
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    return child_result(data, status)


def run_child(work: Callable[[], object], write_end: int, cpu_seconds: int, memory_mb: int):
    """The child's whole life: limits, ``work``, its result on the pipe, exit without cleanup."""
    code = 0
    try:
        # Ctrl-C is the parent's to handle; it kills the child if it must.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        limit_this_process(cpu_seconds, memory_mb)
        try:
            result = {"value": work()}
        except BuildError as error:
            path = None if error.path is None else str(error.path)
            result = {"error": error.message, "path": path, "line": error.line}
        except (MemoryError, CpuTimeExceeded) as error:
            result = {"limit": "memory" if isinstance(error, MemoryError) else "cpu"}
        # Lifted before the answer is written: a 2 MB text must not fail to encode.
        resource.setrlimit(resource.RLIMIT_DATA, (resource.RLIM_INFINITY,) * 2)  # soft up to hard
        payload = json.dumps(result).encode("utf-8")
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
    except BaseException:
        code = CHILD_FAILED  # anything else: the parent reports the child as failed
    finally:
        # No atexit handlers, no flushing of the parent's buffers: they are the parent's.
        os._exit(code)


# A child still working at its wall-clock limit (on a busy machine it may get
# a third of a core) is given another period while it used at least this
# share of one, up to this many periods: its CPU limit stops it first.
WORKING_SHARE = 0.1
MAX_WALL_PERIODS = 4


def read_all(read_end: int, pid: int, wall_seconds: float) -> bytes:
    """Everything the child writes, until it closes the pipe.

    Killed after ``wall_seconds`` if it idles (sleeps, waits), after at most
    MAX_WALL_PERIODS of them if it keeps computing.
    """
    chunks, periods, used = [], 1, 0.0
    deadline = time.monotonic() + wall_seconds
    while True:
        left = deadline - time.monotonic()
        ready, _, _ = select.select([read_end], [], [], max(left, 0))
        if not ready:
            cpu = child_cpu_seconds(pid)
            if periods < MAX_WALL_PERIODS and cpu - used >= WORKING_SHARE * wall_seconds:
                periods, used, deadline = periods + 1, cpu, deadline + wall_seconds
                continue
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise ChildLimitExceeded("time")
        chunk = os.read(read_end, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def child_cpu_seconds(pid: int) -> float:
    """The CPU time a running child has used (0 where /proc cannot tell)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stream:
            stat = stream.read()
    except OSError:
        return 0.0
    # "pid (comm) state …": utime and stime are the 14th and 15th fields.
    fields = stat[stat.rindex(b")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_result(data: bytes, status: int):
    """The child's value; its BuildError raised again; a limit it hit as ChildLimitExceeded."""
    if os.WIFSIGNALED(status):
        # SIGXCPU's hard limit, or SIGKILL when the child could not raise at the soft one.
        killed = os.WTERMSIG(status)
        raise ChildLimitExceeded("cpu" if killed in (signal.SIGXCPU, signal.SIGKILL) else "memory")
    if os.WEXITSTATUS(status) != 0:
        raise ChildLimitExceeded("failed")
    result = json.loads(data)
    if "limit" in result:
        raise ChildLimitExceeded(result["limit"])
    if "error" in result:
        raise BuildError(result["error"], result["path"], result["line"])
    return result["value"]


def run_for_page(work: Callable[[], object], page, what: str):
    """``work`` in a child under a page's limits (LESSON_…); a limit it hits is a BuildError.

    ``what`` names the work in the message: "the page's Jinja", "reading the page".
    """
    try:
        return run_limited(
            work,
            cpu_seconds=LESSON_CPU_SECONDS,
            memory_mb=LESSON_MEMORY_MB,
            wall_seconds=LESSON_WALL_SECONDS,
        )
    except ChildLimitExceeded as error:
        raise BuildError(page_limit_message(what, error.kind), page) from None


def page_limit_message(what: str, kind: str) -> str:
    """Why ``what`` was stopped, by the limit it hit."""
    reason = {
        "cpu": f"runs over {LESSON_CPU_SECONDS} s of CPU time",
        "memory": f"needs more than {LESSON_MEMORY_MB} MB of memory",
        "time": f"runs longer than {LESSON_WALL_SECONDS} s",
        "failed": "stopped without an answer",
    }[kind]
    return f"{what} {reason}"
