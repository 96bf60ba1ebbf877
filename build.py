#!/usr/bin/env python3
"""Build the course: figures, a reveal.js deck and a PDF handout per lesson, an index.

    python build.py                    # the whole course (course.toml, slides/*.md)
    python build.py figures            # only the figures
    python build.py PATH.md [PATH.md]  # these lesson pages, from anywhere

Stages, in order: load → figures → render (Jinja) → convert (Pandoc, Typst) → write.
Everything is gathered before anything is written, so a failed build leaves the
outputs of the last good build as they were.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from coursebuild.config import Course, load_course
from coursebuild.errors import BuildError
from coursebuild.lessons import Lesson, find_lessons, load_lesson
from coursebuild.report import Reporter
from coursebuild.state import BuildState

COURSE_ROOT = Path(__file__).resolve().parent


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build the course's figures, slide decks, handouts and index.",
    )
    parser.add_argument(
        "targets",
        nargs="*",
        metavar="TARGET",
        help="'figures' for the figures only, or lesson pages (.md); default: the whole course",
    )
    parser.add_argument(
        "--lang", choices=("fi", "en"), help="language of the figures (default: course.toml)"
    )
    parser.add_argument("--out", type=Path, help="output folder (default: course.toml, build/)")
    parser.add_argument(
        "--course",
        type=Path,
        default=COURSE_ROOT,
        help="course folder holding course.toml (default: this project)",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="lessons built in parallel (default: the number of CPUs)",
    )
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument(
        "--check",
        action="store_true",
        help="open every deck in headless Chromium at 1280×720; fail on a slide that overflows",
    )
    parser.add_argument(
        "--screenshots",
        action="store_true",
        help="save a PNG of every slide to OUT/check/<lesson>/ (implies --check)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but problems")
    return parser.parse_args(argv)


# -- load ---------------------------------------------------------------------


def load_lessons(paths: list[Path]) -> list[Lesson]:
    """Load every page; report every problem at once, then stop."""
    lessons, problems = [], []
    for path in paths:
        try:
            lessons.append(load_lesson(path))
        except BuildError as error:
            problems.append(error)
        except OSError as error:
            problems.append(BuildError(f"cannot read: {error.strerror}", path))
    if problems:
        raise BuildErrors(problems)
    return lessons


class BuildErrors(BuildError):
    """Several problems found while loading, reported together."""

    def __init__(self, problems: list[BuildError]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems

    def __str__(self) -> str:
        return self.message


def lesson_paths(course: Course, targets: list[str]) -> list[Path]:
    pages = [Path(target) for target in targets if target != "figures"]
    for page in pages:
        if page.suffix != ".md":
            raise BuildError("not a lesson page (.md) nor 'figures'", page)
    return pages or find_lessons(course.lessons_dir)


# -- figures ------------------------------------------------------------------


def build_figures(out_dir: Path, lang: str, state: BuildState, report: Reporter) -> set[str]:
    from coursebuild.figure_stage import build_figures as run_figure_stage

    built = run_figure_stage(out_dir, lang, state)
    for figure in built:
        action = "skip" if figure.skipped else "figure"
        report.step(action, str(figure.path), f"{figure.size / 1024:.0f} KiB")
    return {figure.spec.name for figure in built}


# -- render and convert -------------------------------------------------------


def build_lessons(
    lessons: list[Lesson],
    course: Course,
    out_dir: Path,
    figure_names: set[str],
    state: BuildState,
    report: Reporter,
    jobs: int,
):
    """Deck and handout bytes for every stale lesson; nothing is written here."""
    from coursebuild.lesson_build import build_lesson, lesson_inputs, resolve_images

    figure_dir = out_dir / "images"
    stale = []
    for lesson in lessons:
        images = resolve_images(lesson, course, figure_dir, figure_names)
        inputs = lesson_inputs(lesson, course, images, figure_names)
        if state.is_fresh(f"lesson:{lesson.slug}", inputs):
            report.step("skip", str(lesson.source))
        else:
            stale.append((lesson, images, inputs))
    results = []
    for done, (lesson, inputs, outputs, seconds) in enumerate(
        run_lesson_builds(build_lesson, stale, course, jobs), 1
    ):
        results.append((inputs, outputs))
        report.step("lesson", str(lesson.source), f"{seconds:.1f} s")
        report.progress(done, len(stale))
    return results


def timed_build(build_lesson, lesson, course, images, overlap=False):
    started = time.perf_counter()
    outputs = build_lesson(lesson, course, images, overlap=overlap)
    return outputs, time.perf_counter() - started


def run_lesson_builds(build_lesson, stale, course: Course, jobs: int):
    """Yield (lesson, inputs, outputs, seconds) in order, in worker processes when it pays."""
    if jobs <= 1 or len(stale) <= 1:
        # One lesson and spare cores: its deck and handout are made side by side.
        overlap = jobs > 1 and len(stale) == 1
        for lesson, images, inputs in stale:
            yield (lesson, inputs, *timed_build(build_lesson, lesson, course, images, overlap))
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(jobs, len(stale))) as pool:
        futures = [
            pool.submit(timed_build, build_lesson, lesson, course, images)
            for lesson, images, _ in stale
        ]
        for (lesson, _, inputs), future in zip(stale, futures, strict=True):
            yield (lesson, inputs, *future.result())


# -- write --------------------------------------------------------------------


def write_lessons(results, out_dir: Path, state: BuildState, report: Reporter) -> None:
    from coursebuild.atomic import write_atomic

    for inputs, outputs in results:
        files = {f"{outputs.slug}.html": outputs.deck, f"{outputs.slug}.pdf": outputs.handout}
        for name, data in files.items():
            write_atomic(out_dir / name, data)
            report.step("write", str(out_dir / name), f"{len(data) / 1024:.0f} KiB")
        state.record(f"lesson:{outputs.slug}", inputs, files)


def write_index(
    course: Course, lessons: list[Lesson], out_dir: Path, state: BuildState, report: Reporter
) -> None:
    from coursebuild.atomic import write_atomic
    from coursebuild.index import index_inputs, render_index

    inputs = index_inputs(course, lessons, out_dir)
    if state.is_fresh("index", inputs):
        report.step("skip", str(out_dir / "index.html"))
        return
    page = render_index(course, lessons, out_dir).encode("utf-8")
    write_atomic(out_dir / "index.html", page)
    state.record("index", inputs, {"index.html": page})
    report.step("write", str(out_dir / "index.html"))


# -- check ----------------------------------------------------------------------


def check_decks(lessons: list[Lesson], out_dir: Path, screenshots: bool, report: Reporter) -> None:
    """Render every slide in a real browser; every overflowing slide is an error."""
    from coursebuild.browser import inspect_deck, open_browser

    problems = []
    with open_browser() as browser:
        for lesson in lessons:
            deck = out_dir / f"{lesson.slug}.html"
            shots = out_dir / "check" / lesson.slug if screenshots else None
            inspection = inspect_deck(browser, deck, shots)
            too_big = [slide for slide in inspection.slides if slide.overflows]
            problems += [f"{lesson.source}: {slide.overflow_message()}" for slide in too_big]
            problems += [f"{deck}: browser error: {e}" for e in inspection.console_errors]
            detail = f"{inspection.total_slides} slides, {len(too_big)} overflowing"
            report.step("check", str(deck), detail + (f", screenshots in {shots}" if shots else ""))
    if problems:
        raise BuildError("\n".join(problems))


def check_warnings(warnings: list[str], strict: bool, report: Reporter) -> None:
    for warning in warnings:
        report.warning(warning)
    if strict and warnings:
        raise BuildError(f"{len(warnings)} warning(s) and --strict is on; nothing written")


def build(arguments: argparse.Namespace, report: Reporter) -> None:
    started = time.perf_counter()
    course = load_course(arguments.course / "course.toml")
    out_dir = (arguments.out or course.output_dir).resolve()
    lang = arguments.lang or course.language
    state = BuildState.load(out_dir)
    only_figures = arguments.targets == ["figures"]

    lessons = [] if only_figures else load_lessons(lesson_paths(course, arguments.targets))
    check_warnings(
        [str(w) for lesson in lessons for w in lesson.warnings], arguments.strict, report
    )
    try:
        figure_names = build_figures(out_dir, lang, state, report)
        results = build_lessons(
            lessons, course, out_dir, figure_names, state, report, arguments.jobs
        )
        check_warnings([w for _, out in results for w in out.warnings], arguments.strict, report)
        write_lessons(results, out_dir, state, report)
        if not only_figures and not arguments.targets:
            write_index(course, lessons, out_dir, state, report)  # all the course's lessons
    finally:
        state.save()
    if arguments.check or arguments.screenshots:
        check_decks(lessons, out_dir, arguments.screenshots, report)
    report.done(f"{out_dir} in {time.perf_counter() - started:.1f} s")


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    report = Reporter(quiet=arguments.quiet)
    try:
        build(arguments, report)
    except BuildError as error:
        report.clear_bar()
        print(f"error: {error}".replace("\n", "\nerror: "), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
