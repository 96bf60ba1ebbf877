"""Timing a command from start to reap, its memory, and medians and spreads of repeated runs."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from bench.settings import ENV
from bench.tree_memory import TreeMemory


@dataclass
class Run:
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    max_rss_mb: float  # the largest single process of the tree (wait4 ru_maxrss)
    cpu_seconds: float = 0.0  # user + system time of the processes the command reaped
    busy_cores: float = 0.0  # the machine's busy CPUs, on average, while it ran
    tree_pss_mb: float | None = None  # peak of the tree's summed PSS, when sampled
    tree_peak: str = ""  # the processes at that peak, when sampled


def seconds_only(seconds: float, max_rss_mb: float = 0.0) -> Run:
    """A time taken some other way than by running a command (inside a process, summed)."""
    return Run(seconds, 0, "", "", max_rss_mb)


def cpu_ticks() -> tuple[int, int]:
    """(busy, all) clock ticks of every CPU since boot, from /proc/stat."""
    with open("/proc/stat", "rb") as stream:
        fields = [int(field) for field in stream.readline().split()[1:9]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


def busy_cores(before: tuple[int, int], after: tuple[int, int]) -> float:
    """How many CPUs were busy, on average, between two cpu_ticks()."""
    busy, total = after[0] - before[0], after[1] - before[1]
    return os.cpu_count() * busy / total if total else 0.0


def run(
    command: list[str],
    *,
    cwd: Path | None = None,
    stdin: Path | None = None,
    memory: bool = False,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> Run:
    """Run ``command`` to completion; time it from start to reap."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        open(stdin, "rb") if stdin else nullcontext(subprocess.DEVNULL) as source,
    ):
        started, ticks = time.perf_counter(), cpu_ticks()
        process = subprocess.Popen(
            command, cwd=cwd, env=env or ENV, stdin=source, stdout=out, stderr=err
        )
        sampler = TreeMemory(process.pid) if memory else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds, machine = time.perf_counter() - started, busy_cores(ticks, cpu_ticks())
        process.returncode = os.waitstatus_to_exitcode(status)
        if sampler:
            sampler.stopped.set()
            sampler.join()
        out.seek(0)
        err.seek(0)
        result = Run(
            seconds,
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss / 1024,
            usage.ru_utime + usage.ru_stime,
            machine,
        )
    if sampler:
        result.tree_pss_mb = sampler.peak_kb / 1024
        result.tree_peak = " + ".join(
            f"{name or '?'} {size / 1024:.0f}" for name, size in sampler.peak_sizes
        )
    if check and result.returncode != 0:
        raise SystemExit(
            f"bench: failed ({result.returncode}): {' '.join(map(str, command))}\n{result.stderr}"
        )
    return result


@dataclass
class Timing:
    runs: list[Run] = field(default_factory=list)

    @property
    def seconds(self) -> list[float]:
        return [run.seconds for run in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def text(self) -> str:
        if len(self.runs) == 1:
            return f"{self.median:.3f} s (1 run)"
        low, high = min(self.seconds), max(self.seconds)
        return f"{self.median:.3f} s ({low:.3f}–{high:.3f}, {len(self.runs)} runs)"


def measure(times: int, command: list[str], before=None, **options) -> Timing:
    """Run ``command`` ``times`` times; ``before()`` (untimed) prepares each run."""
    timing = Timing()
    for attempt in range(times):
        if before:
            before(attempt)
        timing.runs.append(run(command, **options))
    return timing


class Series:
    """Timings by name; the rounds interleave them, so that a busy moment hits them all."""

    def __init__(self) -> None:
        self.timings: dict[str, Timing] = {}

    def add(self, name: str, result: Run) -> Run:
        self.timings.setdefault(name, Timing()).runs.append(result)
        return result

    def run(self, name: str, command: list[str], **options) -> Run:
        return self.add(name, run(command, **options))

    def __getitem__(self, name: str) -> Timing:
        return self.timings[name]


def cpu(timing: Timing) -> str:
    """The median CPU time of a timing's runs, and how busy the machine was meanwhile.

    The CPU time is the processes the build reaped: not Chromium's renderer,
    which the build's kill of its process group leaves to init to reap; the
    machine's busy CPUs count it (the benchmark runs nothing beside).
    """
    seconds = statistics.median(run.cpu_seconds for run in timing.runs)
    busy = statistics.median(run.busy_cores for run in timing.runs)
    return f"{seconds:.2f} s CPU, {busy:.2f} of {os.cpu_count()} CPUs busy"
