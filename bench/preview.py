"""Section 5b: the live preview, from the file written to the changed slide on screen,
against the same edits built by build.py in the same minutes, on unwatched twins."""

from __future__ import annotations

import shutil

from bench.builds import build_command, code_copy, seeded
from bench.context import Bench
from bench.courses import FigureEdit, twin_course
from bench.figure_edit import edited_figure, figure_module
from bench.measure import run, seconds_only
from bench.preview_latency import edit_latencies, running_preview, text_edit
from bench.settings import BUILD, ROOT
from bench.table import section

# Edits timed through the live preview, for each of its two rows: each costs
# ~8 s with its twin's build, and ten made the section ~170 s of the whole
# benchmark's ten minutes, five ~82 s; three, as every other row has. Five
# showed spreads of ~±5 %, medians 0.19 and 0.87 s inside the allowance.
PREVIEW_EDITS = 3
# What the preview may add to the build it runs: noticing the change, telling
# the page, and the page reloading onto the same slide.
PREVIEW_ALLOWANCE = 0.150


def text_edit_latencies(bench: Bench) -> list[float]:
    """A text edit through the preview of the 1-lesson course; its twin built between."""
    page_file = bench.one / "slides" / bench.lesson_page.name
    original = page_file.read_text(encoding="utf-8")
    deck = f"{bench.lesson_page.stem}.html"
    twin = twin_course(bench.one, bench.work / "one-twin")
    twin_out = seeded(bench.out_one, bench.work / "out-one-twin")
    run(build_command(twin, twin_out, "--no-slide-pdfs"))
    twin_edit = text_edit(twin / "slides" / bench.lesson_page.name, "vain viivan")

    edit = text_edit(page_file, "vain viivan")
    preview_out = seeded(twin_out, bench.work / "out-preview")
    with running_preview(BUILD, bench.one, preview_out) as preview:

        def twin_text_build(count: int) -> None:
            # Not beside the preview's next build process importing its libraries.
            preview.wait_until_quiet()
            twin_edit(count)
            command = build_command(twin, twin_out, "--no-slide-pdfs")
            bench.series.run("preview text edit, its build", command)

        seconds = edit_latencies(
            preview.address, deck, "vain viivan", edit, False, PREVIEW_EDITS, twin_text_build
        )
    page_file.write_text(original, encoding="utf-8")
    return seconds


def figure_edit_latencies(bench: Bench, spec) -> list[float]:
    """A figure edit through the preview of section 5's course; its twin built between."""
    code = bench.work / "code"  # the code copy and course of section 5
    module = figure_module(spec)
    shutil.copy(ROOT / module, code / module)  # as it was before section 5's edits
    figure_edit = FigureEdit(code / module)
    course = bench.work / "figure-course"
    # The twin has code of its own: the preview watches the first copy's.
    twin_code = code_copy(bench.work / "code-twin")
    twin_figure_course = twin_course(course, bench.work / "figure-course-twin")
    twin_figure_out = seeded(bench.work / "out-figure", bench.work / "out-figure-twin")
    twin_figure_build = build_command(twin_figure_course, twin_figure_out, "--no-slide-pdfs")
    twin_figure_build[1] = str(twin_code / "build.py")
    run(twin_figure_build)
    twin_figure_edit = FigureEdit(twin_code / module)

    preview_out = seeded(twin_figure_out, bench.work / "out-figure-preview")
    with running_preview(code / "build.py", course, preview_out) as preview:

        def twin_figure_rebuild(_count: int) -> None:
            preview.wait_until_quiet()
            twin_figure_edit()
            bench.series.run("preview figure edit, its build", twin_figure_build)

        return edit_latencies(
            preview.address,
            "a_uses.html",
            "ReLu-aktivointifunktio",
            figure_edit,
            True,
            PREVIEW_EDITS,
            twin_figure_rebuild,
        )


def bench_preview(bench: Bench) -> None:
    """Section 5b: the live preview's text and figure edits, each on screen."""
    section("5b. live preview: an edit on screen, from the file written")
    seconds = text_edit_latencies(bench)
    spec = edited_figure()
    figure_seconds = figure_edit_latencies(bench, spec)
    rows = (
        ("preview text edit", seconds, "edit", "text edit: the edited list item on its slide"),
        ("preview figure edit", figure_seconds, "figure edit", f"figure edit: {spec.name} redrawn"),
    )
    # The preview's builds print no slide PDF: held to that build, the one it
    # runs, not to the full build, which waits for the print as well. Each
    # edit's build is timed right after the preview showed it, once the preview's
    # processes are idle, with the preview and its page still open: the two see
    # the same machine (the same builds timed in sections 4 and 5, minutes
    # earlier, differed from these by up to 0.18 s in three runs: no longer timed).
    for name, measured, build, what in rows:
        for value in measured:
            bench.series.add(name, seconds_only(value))
        preview = bench.series[name].median
        built = bench.series[f"{name}, its build"].median
        full = bench.series[build].median
        bench.table.add(
            f"live preview, {what} on screen (median of {PREVIEW_EDITS})",
            bench.series[name].text(),
            f"{preview / built:.2f} × the same edits' build without slide PDF, timed "
            f"between them ({built:.3f} s): {(preview - built) * 1000:+.0f} ms; "
            f"against the full build in section {'5' if build == 'figure edit' else '4'} "
            f"({full:.3f} s) {(preview - full) * 1000:+.0f} ms",
            f"≤ that build + {PREVIEW_ALLOWANCE * 1000:.0f} ms",
            preview <= built + PREVIEW_ALLOWANCE,
        )
