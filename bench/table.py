"""The report: each row printed as it is measured, PASS or MISS against its target, and the
whole table at the end (Markdown)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.builds import code_state, code_version
from bench.settings import EPOCH

STARTED = time.perf_counter()


@dataclass
class Row:
    what: str
    value: str
    ratio: str = ""
    target: str = ""
    passed: bool | None = None


class Table:
    def __init__(self) -> None:
        self.rows: list[Row] = []

    def add(self, *args, **kwargs) -> None:
        row = Row(*args, **kwargs)
        self.rows.append(row)
        mark = {True: "PASS", False: "MISS", None: ""}[row.passed]
        extra = "  ".join(part for part in (row.ratio, row.target, mark) if part)
        print(f"  {row.what}: {row.value}  {extra}", flush=True)

    def markdown(self) -> str:
        lines = [
            "| measurement | median (min–max) | ratio | target | result |",
            "| --- | --- | --- | --- | --- |",
        ]
        for row in self.rows:
            mark = {True: "PASS", False: "**MISS**", None: ""}[row.passed]
            lines.append(f"| {row.what} | {row.value} | {row.ratio} | {row.target} | {mark} |")
        return "\n".join(lines)


def section(title: str) -> None:
    """A section's title, with the time the benchmark has taken so far."""
    print(f"\n== {title} (at {time.perf_counter() - STARTED:.0f} s, load {load()})", flush=True)


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def print_header(lesson_page: Path, arguments: argparse.Namespace) -> None:
    print(
        f"bench: {lesson_page.name}; {arguments.runs} runs, big builds {arguments.large_runs}; "
        f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}; "
        f"SOURCE_DATE_EPOCH={EPOCH}; load {load()}\ncode: {code_version()}"
    )


def check_code(table: Table, before: dict[str, tuple[int, int]]) -> None:
    """A failing row when the build's code changed during the run: the rows mix two builds,
    and a no-op after the change rebuilds everything."""
    after = code_state()
    differ = sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
    if differ:
        table.add(
            "the build's code changed during the run (rows may mix two versions)",
            ", ".join(differ),
            target="unchanged",
            passed=False,
        )


def print_table(table: Table, started: float, markdown: Path | None, limit: float) -> None:
    """The whole benchmark's time against ``limit`` s, then the table (also to ``markdown``)."""
    total = time.perf_counter() - started
    table.add(
        "the whole benchmark", f"{total:.0f} s", target=f"< {limit:.0f} s", passed=total < limit
    )
    print(f"\nload average at the end: {load()}\n")
    print(table.markdown())
    if markdown:
        markdown.write_text(table.markdown() + "\n", encoding="utf-8")
