"""Sections 1–4: the first lesson: the floor, the figures, a clean, no-op and text-edit build."""

from __future__ import annotations

import re
import shutil
import statistics

from bench.alone import bare_browser_command, browser_command, time_figures, time_markdown
from bench.builds import build_command, changed, snapshot
from bench.context import Bench
from bench.floor import single_file_command
from bench.measure import Timing, cpu, measure, run
from bench.settings import PYTHON, ROOT
from bench.table import section


def first_lesson_rounds(bench: Bench, lang: str) -> tuple[bool, bool]:
    """The interleaved rounds; whether the no-op wrote nothing, the edit only the lesson."""
    series, one, out_one = bench.series, bench.one, bench.out_one
    stem = bench.lesson_page.stem
    lesson_files = {f"{stem}.html", f"{stem}.pdf", f"{stem}-slides.pdf"}
    page = one / "slides" / bench.lesson_page.name
    noop_untouched, edit_rebuilt = True, True
    for _ in range(bench.runs):
        series.run("python", [PYTHON, "-c", "pass"])
        for name in ("deck", "handout", "typst"):
            series.run(name, **bench.floor[name])
        series.run("browser", browser_command(), cwd=ROOT)
        series.run("bare browser", bare_browser_command(bench.deck, bench.work / "bare-deck.pdf"))
        time_figures(series, bench.figure_parts, lang)
        time_markdown(series, bench.markdown_parts, one, page, out_one)
        shutil.rmtree(out_one)
        # The first clean build's memory is sampled too, for the reference row:
        # sampling costs ~1 % of a build's time (bench/tree_memory.py).
        sampled = bench.clean_memory is None
        clean = series.run("clean", build_command(one, out_one), memory=sampled)
        bench.clean_memory = clean if sampled else bench.clean_memory
        before = snapshot(out_one)
        series.run("noop", build_command(one, out_one))
        noop_untouched &= not changed(before, snapshot(out_one))
        bench.edit_one()
        before = snapshot(out_one)
        series.run("edit", build_command(one, out_one))
        edit_rebuilt &= changed(before, snapshot(out_one)) - {"index.html"} == lesson_files
    return noop_untouched, edit_rebuilt


def report_floor(bench: Bench, single: Timing) -> None:
    """The rows of the bare tools: python, the floor's three calls, the figures alone."""
    table, series = bench.table, bench.series
    floor_seconds = bench.floor_seconds()
    table.add("bare `python -c pass`", series["python"].text())
    table.add("floor: pandoc → reveal.js slides (the pipeline's call)", series["deck"].text())
    table.add("floor: pandoc → Typst", series["handout"].text())
    table.add("floor: Typst → PDF (`python -S -c`, typst.compile)", series["typst"].text())
    table.add("floor: the three tool calls, one after another", f"{floor_seconds:.3f} s")
    table.add("one browser start (Playwright, Chromium, a page)", series["browser"].text())
    table.add(
        "bare browser work: Chromium started, the deck loaded, Chromium's own print (Playwright)",
        series["bare browser"].text(),
    )
    table.add(
        "floor + bare browser work (the targets' floor for a build that makes a deck)",
        f"{bench.browser_floor_seconds():.3f} s",
    )
    literal = single.median + series["handout"].median + series["typst"].median
    table.add(
        "(reference) pandoc → single-file deck, `--embed-resources`",
        single.text(),
        f"floor with it: {literal:.3f} s; the text edit below is "
        f"{series['edit'].median / literal:.2f} × that",
    )
    table.add(
        "figures alone: 5 figures, in-process (imports, compute, SVG)", series["figures"].text()
    )
    markdown = series["markdown"].median
    parts = "; ".join(
        f"{name} {statistics.median(values):.3f} s" for name, values in bench.markdown_parts.items()
    )
    table.add(
        "(reference) Python-Markdown alone: first lesson → HTML (read_lesson), in-process",
        series["markdown"].text(),
        f"{parts}; the text edit below is "
        f"{series['edit'].median / (floor_seconds + markdown):.2f} × (floor + it)",
    )


def report_first_builds(
    bench: Bench, noop_untouched: bool, edit_rebuilt: bool, no_matplotlib: bool
) -> None:
    """The rows of the 1-lesson builds: clean, no-op and text edit, against the floor."""
    table, series = bench.table, bench.series
    floor_seconds = bench.floor_seconds()
    browser = series["browser"].median
    bare = bench.browser_floor_seconds()
    # The old floor (the tools and a browser start) stays as a reference.
    old = series["clean"].median / (floor_seconds + series["figures"].median + browser)
    ratio = series["clean"].median / (bare + series["figures"].median)
    table.add(
        "clean build, first lesson (figures, deck, handout, index)",
        series["clean"].text(),
        f"{ratio:.2f} × (floor + figures + bare browser work); "
        f"{old:.2f} × (floor + figures + browser start)",
        "≤ 1.3 ×",
        ratio <= 1.3,
    )
    noop = series["noop"]
    table.add(
        "no-op build",
        noop.text(),
        f"{noop.median / series['python'].median:.1f} × `python -c pass`",
        "≤ 0.3 s, writes nothing",
        noop.median <= 0.3 and noop_untouched,
    )
    table.add(
        "no-op build imports matplotlib",
        "yes" if not no_matplotlib else "no",
        target="no",
        passed=no_matplotlib,
    )
    # The layout pass lays the deck out and prints it in a browser: against
    # the bare browser work (a start, a load, a print); the old floor for reference.
    old = series["edit"].median / (floor_seconds + browser)
    ratio = series["edit"].median / bare
    table.add(
        "text edit, 1-lesson course (with the layout pass)",
        series["edit"].text(),
        f"{ratio:.2f} × (floor + bare browser work); {old:.2f} × (floor + browser start)",
        "≤ 1.2 ×, rebuilds only the lesson",
        ratio <= 1.2 and edit_rebuilt,
    )
    print(f"  CPU: clean {cpu(series['clean'])}, edit {cpu(series['edit'])}")


def bench_first_lesson(bench: Bench) -> None:
    """Sections 1–4: the floor, the figures, and a clean, no-op and text-edit build."""
    from coursebuild.reading.course import load_course

    section("1–4. the first lesson: floor, figures, clean build, no-op, text edit")
    lang = load_course(ROOT / "course.toml").language
    noop_untouched, edit_rebuilt = first_lesson_rounds(bench, lang)
    single = measure(max(1, bench.runs // 2), **single_file_command(bench.inputs))
    imports = run([PYTHON, "-X", "importtime", *build_command(bench.one, bench.out_one)[1:]])
    no_matplotlib = not re.search(r"\|\s+matplotlib\b", imports.stderr)
    report_floor(bench, single)
    report_first_builds(bench, noop_untouched, edit_rebuilt, no_matplotlib)
