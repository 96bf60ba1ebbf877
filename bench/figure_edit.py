"""Section 5: one figure module changed, in a copy of the code; only that figure and its
lesson rebuild."""

from __future__ import annotations

import statistics
from pathlib import Path

from bench.builds import build_command, changed, code_copy, seeded, snapshot
from bench.context import Bench
from bench.courses import FigureEdit, make_course, without_figure
from bench.measure import run
from bench.table import section


def edited_figure():
    """The figure whose module the edits change: the ReLU one, else the first."""
    from figures.catalogue import FIGURES

    return next((s for s in FIGURES if s.name.endswith("ReLU")), FIGURES[0])


def figure_module(spec) -> Path:
    """The figure's module, relative to a copy of the code."""
    return Path("figures") / (spec.module.split(".")[-1] + ".py")


def figure_edit_setup(bench: Bench, spec) -> tuple[list[str], Path]:
    """A code copy and a course where lesson a shows the figure and b does not, built
    once (untimed): the build command and the figure's module in the copy."""
    code = code_copy(bench.work / "code")
    page = bench.lesson_page.read_text("utf-8")
    figure_course = make_course(
        bench.work / "figure-course",
        {"a_uses.md": page, "b_does_not.md": without_figure(page, spec.name)},
    )
    figure_build = build_command(figure_course, seeded(bench.out_one, bench.work / "out-figure"))
    figure_build[1] = str(code / "build.py")
    run(figure_build)
    return figure_build, code / figure_module(spec)


def bench_figure_edit(bench: Bench) -> None:
    """Section 5: one figure module changed; only that figure and its lesson rebuild."""
    section("5. figure edit: one figure module changed, in a copy of the code")
    spec = edited_figure()
    figure_build, module = figure_edit_setup(bench, spec)
    out_figure = bench.work / "out-figure"
    edit_figure = FigureEdit(module)
    rebuilt: set[str] = set()
    for _ in range(bench.runs):
        edit_figure()
        before = snapshot(out_figure)
        bench.series.run("figure edit", figure_build)
        rebuilt |= changed(before, snapshot(out_figure))
    expected = {f"images/{spec.name}.svg", "a_uses.html", "a_uses.pdf", "a_uses-slides.pdf"}
    only_those = rebuilt - {"index.html"} == expected
    parts = {name: statistics.median(values) for name, values in bench.figure_parts.items()}
    reference = parts["imports"] + parts[spec.name] + bench.floor_seconds()
    figure_edit = bench.series["figure edit"]
    bench.table.add(
        f"figure edit ({spec.name}; lesson a shows it, b does not)",
        figure_edit.text(),
        f"{figure_edit.median / reference:.2f} × (figure imports + that figure "
        f"+ lesson floor = {reference:.3f} s)",
        "rebuilds only that figure and lesson a",
        only_those,
    )
    print(f"  rebuilt: {', '.join(sorted(rebuilt))}")
