"""The benchmark top to bottom: its options, the sections in order, then the table."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench.against_marp import bench_marp
from bench.builds import code_state
from bench.context import prepare
from bench.courses import first_lesson
from bench.figure_edit import bench_figure_edit
from bench.first_lesson import bench_first_lesson
from bench.preview import bench_preview
from bench.scale import bench_memory, bench_scale
from bench.settings import CORPUS, EPOCH, SITES
from bench.sites import bench_site
from bench.table import check_code, print_header, print_table
from coursebuild.figure_cache import CACHE_ENV

# How long the benchmark may take, in s: whole, and quick (make bench-quick).
WHOLE_SECONDS = 600
QUICK_SECONDS = 180
DESCRIPTION = "Build speed and scale, measured against the bare tools and a peer (issue 5)."


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    # Three runs give a median and its spread; more, or a second run of each big
    # build, would take the whole benchmark further past its ten minutes.
    parser.add_argument("--runs", type=int, default=3, help="runs of each small measurement")
    parser.add_argument("--large-runs", type=int, default=1, help="runs of each big build")
    parser.add_argument("--lessons", type=int, default=100, help="lessons of the big course")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="3 runs; the first lesson's builds, the memory of a 20-lesson build and Marp only",
    )
    parser.add_argument(
        "--first-only",
        action="store_true",
        help="only sections 1–4: the floor and the first lesson's clean, no-op and edit builds",
    )
    parser.add_argument("--no-marp", action="store_true", help="leave out the Marp comparison")
    parser.add_argument(
        "--site-floors",
        action="store_true",
        help="also each site's floor, every page's tool calls summed, and its diagrams "
        "alone (about a minute more; reference rows, no target)",
    )
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument(
        "--corpus", type=Path, default=CORPUS, help="the folder of the sites (default: %(default)s)"
    )
    parser.add_argument(
        "--sites", nargs="*", choices=sorted(SITES), default=list(SITES), help="sites to build"
    )
    arguments = parser.parse_args(argv)
    if arguments.quick:
        arguments.runs, arguments.large_runs, arguments.lessons = 3, 1, 20
    return arguments


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    os.environ.pop("PANDOC", None)  # the floor and the builds use the same Pandoc
    # The stages the floor's inputs come from run in this process (stages.py).
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    os.environ[CACHE_ENV] = "off"  # figures drawn, as in settings.ENV
    started, code = time.perf_counter(), code_state()
    lesson_page = first_lesson()
    print_header(lesson_page, arguments)
    with tempfile.TemporaryDirectory(prefix="bench-") as temporary:
        bench = prepare(Path(temporary), lesson_page, arguments)
        bench_first_lesson(bench)
        if arguments.quick and not arguments.first_only:
            bench_memory(bench)
            if not arguments.no_marp:
                bench_marp(bench)
        elif not arguments.first_only:
            bench_figure_edit(bench)
            bench_preview(bench)
            bench_scale(bench)
            if not arguments.no_marp:
                bench_marp(bench)
            for number, name in enumerate(arguments.sites, 8):
                bench_site(bench, name, arguments.corpus, number)
    check_code(bench.table, code)
    limit = QUICK_SECONDS if arguments.quick else WHOLE_SECONDS
    print_table(bench.table, started, arguments.markdown, limit)
    return 0
