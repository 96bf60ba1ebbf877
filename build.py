#!/usr/bin/env python3
"""Build the course: figures now; decks, handouts and the index as the pipeline grows.

python build.py figures [--lang fi|en] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from coursebuild.errors import BuildError

DEFAULT_OUT = Path("build")
TARGETS = ("figures",)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build the Neuroverkot 101 course materials from their sources.",
    )
    parser.add_argument(
        "target",
        nargs="?",
        default="figures",
        choices=TARGETS,
        help="what to build: 'figures' writes every figure as SVG to OUT/images/",
    )
    parser.add_argument(
        "--lang",
        choices=("fi", "en"),
        default="fi",
        help="language of the words on the figures (default: fi)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"output folder (default: {DEFAULT_OUT}/)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    return parser.parse_args(argv)


def build_figures(out_dir: Path, lang: str, quiet: bool) -> None:
    # Imported here so that --help and argument errors stay fast.
    from coursebuild.figure_stage import build_figures as run_figure_stage

    started = time.perf_counter()
    built = run_figure_stage(out_dir, lang)
    if not quiet:
        for figure in built:
            print(f"figure  {figure.path}  ({figure.size / 1024:.0f} KiB)")
        elapsed = time.perf_counter() - started
        print(f"built {len(built)} figures ({lang}) in {elapsed:.1f} s")


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    try:
        build_figures(arguments.out, arguments.lang, arguments.quiet)
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
