"""A lesson's stages reached through the build's own functions (coursebuild/lesson/make.py).

The floor runs the tools alone, on what the build gives them. That is taken
here, untimed, from the build's functions themselves, so that it cannot drift
from the build: the page's HTML from ``read_lesson``; Pandoc's arguments from
``draft_deck`` and ``make_handout`` (their ``run_pandoc`` recorded); the Typst
child's input from ``make_handout`` (handed a stand-in for the child, which
keeps what ``finish_typst`` writes to it, and the handout's folder).
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from coursebuild.handout.compile import typst_input
from coursebuild.lesson import make
from coursebuild.lesson.make import ReadLesson, draft_deck, make_handout
from coursebuild.pandoc import run as pandoc_run
from coursebuild.reading.images import FigureSet
from figures.catalogue import FIGURES


@dataclass(frozen=True)
class PandocCall:
    """What one of the build's Pandoc runs is given: the page's HTML and the arguments."""

    html: str
    arguments: tuple[str, ...]


class Stopped(Exception):
    """Raised by the Pandoc stand-in once it has recorded its call."""


@contextlib.contextmanager
def pandoc_stand_in(answer: Callable[[PandocCall], str] | None) -> Iterator[list[PandocCall]]:
    """The build's Pandoc runs (make.run_pandoc), recorded: answered by ``answer``, else
    stopped there (``Stopped``) without running Pandoc."""
    calls: list[PandocCall] = []

    def stand_in(html: str, arguments: tuple[str, ...], _path: Path, _source: str):
        calls.append(PandocCall(html, tuple(arguments)))
        if answer is None:
            raise Stopped
        return answer(calls[-1]), []

    with mock.patch.object(make, "run_pandoc", stand_in):
        yield calls


def run_real_pandoc(page: ReadLesson) -> Callable[[PandocCall], str]:
    """An answer for the stand-in: the build's own run_pandoc, run."""

    def answer(call: PandocCall) -> str:
        output, _ = pandoc_run.run_pandoc(call.html, call.arguments, page.lesson.source, "")
        return output

    return answer


def recorded_call(stage: Callable[[ReadLesson], object], page: ReadLesson) -> PandocCall:
    """The Pandoc call ``stage`` (draft_deck, make_handout) makes for the page; not run."""
    with pandoc_stand_in(None) as calls, contextlib.suppress(Stopped):
        stage(page)
    return calls[0]


def deck_call(page: ReadLesson) -> PandocCall:
    """Pandoc to reveal.js slides, as draft_deck calls it."""
    return recorded_call(draft_deck, page)


def handout_call(page: ReadLesson) -> PandocCall:
    """Pandoc to Typst markup, as make_handout calls it."""
    return recorded_call(make_handout, page)


class TypstStandIn:
    """In make_handout's place of its Typst child: keeps the source and the folder given."""

    returncode = 0

    def __init__(self, root: Path) -> None:
        self.root = root  # where the handout's folder is copied to, for the floor's Typst
        self.input = b""

    def communicate(self, given: bytes, timeout: float | None = None) -> tuple[bytes, bytes]:
        folder_line, _, source = given.partition(b"\n")
        folder = Path(json.loads(folder_line))
        shutil.copytree(folder, self.root, dirs_exist_ok=True)  # removed once make_handout ends
        self.input = typst_input(source.decode("utf-8"), self.root)
        return b"", b""

    def kill(self) -> None:
        pass


def typst_child_input(page: ReadLesson, root: Path, body: str | None = None) -> bytes:
    """What the build's Typst child reads for the page's handout, its folder copied to ``root``.

    Pandoc's Typst markup is ``body`` when given (the floor's own Pandoc output),
    else Pandoc is run as the build runs it.
    """
    child = TypstStandIn(root)
    answer = (lambda _call: body) if body is not None else run_real_pandoc(page)
    with pandoc_stand_in(answer):
        make_handout(page, child)
    return child.input


def built_figures(out: Path) -> FigureSet:
    """The FigureSet a build into ``out`` passes on to its lessons: the figures it drew."""
    folder = out / "images"
    names = frozenset(spec.name for spec in FIGURES if (folder / f"{spec.name}.svg").is_file())
    return FigureSet(folder, names, out / ".cache" / "mermaid")
