"""The command line: its arguments into BuildOptions, a build or a preview, and exit codes.

coursebuild [build] [PATH.md ...]   # the course, or these pages (build.py does the same)
coursebuild figures                 # only the figures
coursebuild preview [PATH.md ...]   # serve the outputs, build again on every change
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from coursebuild.core.errors import BuildError
from coursebuild.core.lifetime import INTERRUPTS, stop_workers
from coursebuild.core.report import Reporter, tolerant_streams
from coursebuild.core.words import WORDS
from coursebuild.options import BuildOptions
from coursebuild.pipeline import build, choose_course, lesson_paths, output_dir

INTERRUPTED = "interrupted; the outputs of the last good build are kept"
STANDBY = Path(__file__).resolve().parent / "preview" / "standby.py"


def parse_arguments(argv: list[str] | None, prog: str = "build.py") -> BuildOptions:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Build the course's figures, slide decks, handouts and index.",
    )
    parser.add_argument(
        "targets",
        nargs="*",
        metavar="TARGET",
        help="'figures' for the figures only, or lesson pages (.md); default: the whole course",
    )
    parser.add_argument(
        "--lang",
        choices=sorted(WORDS),
        help="the language of the words the build adds and of the figures (Finnish or English)"
        " (default: the site's theme.language, or course.toml's language)",
    )
    parser.add_argument("--out", type=Path, help="output folder (default: course.toml, build/)")
    parser.add_argument(
        "--course",
        type=Path,
        help="course folder: an MkDocs site (mkdocs.yml) or one holding course.toml "
        "(default: the site around the pages given, else this project)",
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
    parser.add_argument(
        "--slide-notes",
        action="store_true",
        help="put each slide's speaker notes under it in the slide PDFs (<lesson>-slides.pdf)",
    )
    parser.add_argument(
        "--no-slide-pdfs",
        dest="slide_pdfs",
        action="store_false",
        help="leave the slide PDFs as they are; the next build prints them (preview does this)",
    )
    parser.add_argument(
        "--allow-image-host",
        dest="image_hosts",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="fetch a page's remote images from this host even at a private address "
        "(only public addresses otherwise; repeatable)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but problems")
    parser.add_argument(
        "--port", type=int, help="preview: the port (default: the first free from 8000)"
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="preview: the address served (default: 127.0.0.1)"
    )
    arguments = vars(parser.parse_args(argv))
    arguments["targets"] = tuple(arguments["targets"])
    arguments["image_hosts"] = frozenset(host.lower() for host in arguments["image_hosts"])
    return BuildOptions(**arguments)


def main(
    argv: list[str] | None = None,
    *,
    home: Path | None = None,
    relaunch: list[str] | None = None,
    prog: str = "build.py",
) -> int:
    """Build (or preview) as the command line asks; the exit code.

    ``home``: the course built when no page and no --course is given (default:
    the current folder). ``relaunch``: what runs this command again, for the
    preview's builds (default: ``python -m coursebuild``).
    """
    tolerant_streams()
    options = parse_arguments(argv, prog)
    home = home if home is not None else Path.cwd()
    report = Reporter(quiet=options.quiet)
    if options.targets[:1] == ("preview",):
        return run_preview(options, home, relaunch or ["-m", "coursebuild"])
    INTERRUPTS.install()
    try:
        summary = build(choose_course(options, home), options, report)
    except BaseException as error:
        report.clear_bar()
        if INTERRUPTS.received:
            # Whatever the interrupt broke on its way out, it is the one thing to say.
            stop_workers()
            print(INTERRUPTED, file=sys.stderr)
            return 130
        if isinstance(error, OSError):
            error = BuildError(error.strerror or str(error), error.filename)
        if not isinstance(error, BuildError):
            raise
        print(f"error: {error}".replace("\n", "\nerror: "), file=sys.stderr)
        return 1
    if summary.failed:
        for page in summary.failed:
            for problem in page.errors:
                print(f"error: {problem}".replace("\n", "\nerror: "), file=sys.stderr)
        # The one line a build with failed pages ends on, whatever -q says.
        print(f"{summary.line()}; the failed pages keep their last good outputs", file=sys.stderr)
        return 1
    return 0


def console_main() -> int:
    """The ``coursebuild`` command: ``coursebuild build …`` is ``build.py …``."""
    run_in_utf8_mode()
    argv = sys.argv[1:]
    if argv[:1] == ["build"]:
        argv = argv[1:]
    return main(argv, prog="coursebuild")


def run_preview(options: BuildOptions, home: Path, relaunch: list[str]) -> int:
    """`build.py preview`: each build is this command in a process of its own (preview/)."""
    # Imported here: the preview's server and watcher are no part of a build.
    from coursebuild.preview.watch import preview

    options = replace(options, targets=options.targets[1:])
    try:
        if "preview" in options.targets or "figures" in options.targets:
            raise BuildError("preview takes lesson pages (.md) only")
        course = choose_course(options, home)
        out_dir = output_dir(course, options)
        pages = lesson_paths(course, options) if options.targets else []
        return preview(
            preview_command(options, out_dir, relaunch),
            course,
            out_dir,
            pages,
            options.host,
            options.port,
        )
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def preview_command(options: BuildOptions, out_dir: Path, relaunch: list[str]) -> list[str]:
    """The build the preview runs: this one's arguments, quiet, and no slide PDFs.

    It runs through coursebuild/preview/standby.py, which starts it ahead of the edit.
    """
    command = [sys.executable, "-P", str(STANDBY), *relaunch]
    command += [*options.targets, "-q"]
    command += ["--out", str(out_dir), "--jobs", str(options.jobs)]
    # A save shows sooner without printing the slide PDFs (about 1 s a deck);
    # the next plain build prints them from the decks on disk.
    command.append("--no-slide-pdfs")
    if options.course is not None:
        command += ["--course", str(options.course)]
    if options.lang:
        command += ["--lang", options.lang]
    if options.strict:
        command.append("--strict")
    if options.slide_notes:
        command.append("--slide-notes")
    return command


def run_in_utf8_mode() -> None:
    """Start again in Python's UTF-8 mode when the locale is not UTF-8 (``LC_ALL=C``).

    In an ASCII locale Python reads "ä" in a file name as two undecodable
    bytes, which no deck, handout or state file can hold; pages are UTF-8 already.
    """
    if sys.getfilesystemencoding().lower().replace("-", "") != "utf8":
        os.execv(sys.executable, [sys.executable, "-X", "utf8", *sys.orig_argv[1:]])
