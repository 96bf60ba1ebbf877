"""A lesson's stages reached through the build's own functions (coursebuild/lesson/make.py).

The floor runs the tools alone, on what the build gives them. That is taken
here, untimed, from the build's functions themselves, so that it cannot drift
from the build: the page's HTML from ``read_lesson``, Pandoc's arguments from
``deck_arguments`` and ``handout_arguments``, the handout's folder from
``handout_folder`` and its Typst source from ``handout_source``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from coursebuild.handout.compile import typst_input
from coursebuild.handout.guard import handout_folder
from coursebuild.lesson.make import (
    ReadLesson,
    deck_arguments,
    handout_arguments,
    handout_source,
)
from coursebuild.pandoc.run import run_pandoc
from coursebuild.reading.images import FigureSet
from figures.catalogue import FIGURES


@dataclass(frozen=True)
class PandocCall:
    """What one of the build's Pandoc runs is given: the page's HTML and the arguments."""

    html: str
    arguments: tuple[str, ...]


def deck_call(page: ReadLesson) -> PandocCall:
    """Pandoc to reveal.js slides, as draft_deck calls it."""
    return PandocCall(page.html, deck_arguments(page))


def handout_call(page: ReadLesson) -> PandocCall:
    """Pandoc to Typst markup, as make_handout calls it."""
    with handout_folder(page.shown, page.lesson.source) as (_folder, names):
        return PandocCall(page.html, handout_arguments(page, names))


def typst_child_input(page: ReadLesson, root: Path, body: str | None = None) -> bytes:
    """What the build's Typst child reads for the page's handout, its folder copied to ``root``.

    Pandoc's Typst markup is ``body`` when given (the floor's own Pandoc output),
    else Pandoc is run as the build runs it.
    """
    with handout_folder(page.shown, page.lesson.source) as (folder, names):
        if body is None:
            arguments = handout_arguments(page, names)
            body, _ = run_pandoc(page.html, arguments, page.lesson.source, page.source)
        shutil.copytree(folder, root, dirs_exist_ok=True)  # removed when the block ends
    return typst_input(handout_source(page, body), root)


def built_figures(out: Path) -> FigureSet:
    """The FigureSet a build into ``out`` passes on to its lessons: the figures it drew."""
    folder = out / "images"
    names = frozenset(spec.name for spec in FIGURES if (folder / f"{spec.name}.svg").is_file())
    return FigureSet(folder, names, out / ".cache" / "mermaid")
