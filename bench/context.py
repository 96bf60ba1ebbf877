"""What the sections share: the settings, the 1-lesson course built once, and the results."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from bench.builds import build_command
from bench.courses import TextEdit, make_course
from bench.floor import ToolInputs, floor_commands, floor_inputs
from bench.marp import marp_page
from bench.measure import Run, Series, run
from bench.table import Table


@dataclass
class Bench:
    """The settings, the 1-lesson course and the results so far."""

    runs: int
    large: int
    count: int
    work: Path  # the temporary folder
    lesson_page: Path
    one: Path  # a course of the first lesson alone
    out_one: Path
    inputs: ToolInputs  # the first lesson as the build hands it to the tools
    marp_page: Path  # the first lesson's Markdown, for Marp
    deck: Path  # the first lesson's deck as built, a copy: what the bare browser loads and prints
    floor: dict[str, dict]
    edit_one: TextEdit
    site_floors: bool = False  # each site's whole floor and mermaid reference, too
    table: Table = field(default_factory=Table)
    series: Series = field(default_factory=Series)
    figure_parts: dict[str, list[float]] = field(default_factory=dict)  # seconds, by part
    markdown_parts: dict[str, list[float]] = field(default_factory=dict)  # seconds, by part
    clean_memory: Run | None = None  # a 1-lesson clean build, its memory sampled
    many_memory: Run | None = None  # the many-lesson clean build (-j 2), its memory sampled

    def floor_seconds(self) -> float:
        return sum(self.series[name].median for name in ("deck", "handout", "typst"))

    def browser_floor_seconds(self) -> float:
        """The floor with the bare browser work a deck needs (Chromium's start, load, print)."""
        return self.floor_seconds() + self.series["bare browser"].median


def prepare(work: Path, lesson_page: Path, arguments: argparse.Namespace) -> Bench:
    """The 1-lesson course, built once (untimed), and the floor's inputs and tool calls."""
    one = make_course(work / "one", {lesson_page.name: lesson_page.read_text("utf-8")})
    out_one = work / "out-one"
    run(build_command(one, out_one))  # untimed: the figures the floor's handout needs
    inputs = floor_inputs(one, out_one, work)
    deck = work / "bare-deck.html"
    deck.write_bytes((out_one / f"{lesson_page.stem}.html").read_bytes())
    return Bench(
        runs=arguments.runs,
        large=arguments.large_runs,
        count=arguments.lessons,
        work=work,
        lesson_page=lesson_page,
        one=one,
        out_one=out_one,
        inputs=inputs,
        marp_page=marp_page(one, out_one, work),
        deck=deck,
        floor=floor_commands(inputs),
        edit_one=TextEdit(one / "slides" / lesson_page.name),
        site_floors=arguments.site_floors,
    )
