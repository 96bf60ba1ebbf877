"""Section 6: a course of many lessons: clean builds with 1 and 2 workers, peak memory,
no-op and a text edit of one lesson."""

from __future__ import annotations

import os
import shutil
import statistics
from pathlib import Path

from bench.builds import build_command, changed, snapshot
from bench.context import Bench
from bench.courses import TextEdit, synthetic_course
from bench.measure import Run, cpu, run
from bench.table import section
from bench.tree_memory import SAMPLE_SECONDS


def scale_clean_builds(bench: Bench, many: Path, out_many: Path) -> Run:
    """Clean builds of the big course with 1 and 2 workers, interleaved; the first
    2-worker build's run, whose memory was sampled."""
    memory = None
    for _ in range(bench.large):
        for jobs in ("1", "2"):
            shutil.rmtree(out_many, ignore_errors=True)
            # The default build (-j as many as CPUs) is the one whose peak counts;
            # sampling it costs ~2 % of its time (bench/tree_memory.py).
            sampled = jobs == "2" and memory is None
            command = build_command(many, out_many, "-j", jobs)
            result = bench.series.run(f"j{jobs}", command, memory=sampled)
            memory = result if sampled else memory
            print(f"  -j {jobs}: {result.seconds:.1f} s", flush=True)
    return memory


def scale_edit_rounds(bench: Bench, many: Path, out_many: Path, middle: Path) -> set[str]:
    """No-op and text edit of the big course, interleaved with the same edit in the
    1-lesson course; the files the big course's edits rewrote."""
    series = bench.series
    edit_many = TextEdit(middle)
    many_rebuilt = set()
    for _ in range(bench.runs):
        series.run("noop many", build_command(many, out_many))
        bench.edit_one()
        series.run("edit one", build_command(bench.one, bench.out_one))
        edit_many()
        before = snapshot(out_many)
        series.run("edit many", build_command(many, out_many))
        many_rebuilt |= changed(before, snapshot(out_many))
    return many_rebuilt


def report_scale(bench: Bench, middle: Path, many_rebuilt: set[str]) -> None:
    """The rows of the big course's builds: 1 and 2 workers, no-op, text edit."""
    table, series, count = bench.table, bench.series, bench.count
    serial, parallel = series["j1"], series["j2"]
    table.add(f"clean build, {count} lessons, 1 worker (`-j 1`)", serial.text())
    speedup = serial.median / parallel.median
    # One worker's build already keeps more than one CPU busy (the browser lays
    # out and prints beside it): on the machine's CPUs, two can be at most this faster.
    serial_busy = statistics.median(run.busy_cores for run in serial.runs)
    bound = (os.cpu_count() or 1) / serial_busy if serial_busy else float("inf")
    table.add(
        f"clean build, {count} lessons, 2 workers (`-j 2`)",
        parallel.text(),
        f"{speedup:.2f} × faster than 1 worker (which keeps {serial_busy:.2f} CPUs busy: "
        f"at most {bound:.2f} × on {os.cpu_count()})",
        "≥ 1.7 ×",
        speedup >= 1.7,
    )
    print(f"  CPU: -j 1 {cpu(serial)}, -j 2 {cpu(parallel)}")
    table.add(f"no-op build, {count} lessons", series["noop many"].text())
    ratio = series["edit many"].median / series["edit one"].median
    middle_files = {f"{middle.stem}.html", f"{middle.stem}.pdf", f"{middle.stem}-slides.pdf"}
    table.add(
        f"text edit of one lesson, {count}-lesson course",
        series["edit many"].text(),
        f"{ratio:.2f} × the same edit in a 1-lesson course "
        f"({series['edit one'].median:.3f} s, interleaved)",
        "≤ 1.2 ×, rebuilds only that lesson",
        ratio <= 1.2 and many_rebuilt - {"index.html"} == middle_files,
    )


# Issue 23's target for a clean build's peak memory (it was 400 MB before a
# browser was in the build).
PEAK_MB = 600


def report_memory(bench: Bench, memory: Run) -> None:
    """The rows of peak memory: the big course's clean build, and the 1-lesson one."""
    clean_memory = bench.clean_memory
    bench.table.add(
        f"peak memory, {bench.count}-lesson clean build, 2 workers",
        f"{memory.tree_pss_mb:.0f} MB",
        f"sum of PSS over the process tree, sampled every {SAMPLE_SECONDS * 1000:.0f} ms; "
        f"largest process {memory.max_rss_mb:.0f} MB RSS",
        f"≤ {PEAK_MB} MB",
        memory.tree_pss_mb <= PEAK_MB,
    )
    print(f"  at the peak (MB PSS): {memory.tree_peak}")
    bench.table.add(
        "(reference) peak memory, 1-lesson clean build",
        f"{clean_memory.tree_pss_mb:.0f} MB",
        f"largest process {clean_memory.max_rss_mb:.0f} MB RSS",
    )


def bench_memory(bench: Bench) -> None:
    """Section 6 of the quick benchmark: the peak memory of a clean build of many lessons."""
    section(f"6. memory: {bench.count} lessons")
    many = synthetic_course(bench.work / "many", bench.count)
    bench.many_memory = run(build_command(many, bench.work / "out-many", "-j", "2"), memory=True)
    report_memory(bench, bench.many_memory)


def bench_scale(bench: Bench) -> None:
    """Section 6: a course of many lessons: clean builds and their memory, no-op and text edit."""
    section(f"6. scale: {bench.count} lessons")
    many = synthetic_course(bench.work / "many", bench.count)
    out_many = bench.work / "out-many"
    memory = bench.many_memory = scale_clean_builds(bench, many, out_many)
    middle = sorted((many / "slides").glob("*.md"))[bench.count // 2]
    many_rebuilt = scale_edit_rounds(bench, many, out_many, middle)
    report_scale(bench, middle, many_rebuilt)
    report_memory(bench, memory)
