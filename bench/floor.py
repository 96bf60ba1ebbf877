"""The floor: the build's tool calls alone (Pandoc, Pandoc, Typst), on the inputs the build
gives them, as command lines run one after another."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.measure import run
from bench.settings import ENV
from bench.stages import PandocCall, built_figures, deck_call, handout_call, typst_child_input
from coursebuild.lesson.make import ReadLesson, read_lesson
from coursebuild.reading.lesson_file import lesson_timestamp


@dataclass(frozen=True)
class ToolInputs:
    """One page as the build hands it to the tools, and where they write."""

    page: ReadLesson  # the page read by the build's read_lesson
    html: Path  # what Pandoc reads on stdin: the page's HTML
    deck: PandocCall  # Pandoc to slides, as draft_deck calls it
    handout: PandocCall  # Pandoc to Typst, as make_handout calls it
    typst: Path  # what the Typst child reads: its folder, then the handout's source
    typst_root: Path  # the handout's own folder, the files it shows under its names
    folder: Path  # where the tools write their outputs

    @property
    def diagrams(self) -> list[str]:
        return list(self.page.found.diagrams)

    def write_typst(self, body: str | None = None) -> None:
        """The Typst child's input, made by make_handout: from Pandoc's Typst ``body``
        when given (the floor's own output), else from Pandoc run as the build runs it."""
        self.typst_root.mkdir(exist_ok=True)
        self.typst.write_bytes(typst_child_input(self.page, self.typst_root, body))


def page_inputs(lesson, course, figures, folder: Path) -> ToolInputs:
    """The page as the build reads it and the tool calls its stages make (untimed).

    Run after a build into the figures' output folder, so the course figures
    exist and every diagram is in its cache: no browser starts here.
    """
    page = read_lesson(lesson, course, figures)
    folder.mkdir(parents=True, exist_ok=True)
    deck, handout = deck_call(page), handout_call(page)
    html = folder / "page.html"
    html.write_text(deck.html, encoding="utf-8")
    if handout.html != deck.html:
        raise SystemExit(f"bench: the deck and the handout of {lesson.source} read other HTML")
    return ToolInputs(
        page, html, deck, handout, folder / "handout.typ", folder / "typst-root", folder
    )


def floor_inputs(course_dir: Path, out: Path, work: Path) -> ToolInputs:
    """The first lesson as the build hands it to the tools, with its Typst source.

    Made in-process with the build's own functions (untimed), after a build
    of ``course_dir`` into ``out`` has drawn the figures the page shows.
    """
    from coursebuild.reading.course import load_course
    from coursebuild.reading.lesson_file import find_lessons, load_lesson

    course = load_course(course_dir / "course.toml")
    lesson = load_lesson(find_lessons(course.lessons_dir)[0])
    inputs = page_inputs(lesson, course, built_figures(out), work)
    inputs.write_typst()
    return inputs


def floor_commands(inputs: ToolInputs) -> dict[str, dict]:
    """The bare tool calls, with the build's own command lines."""
    from coursebuild.handout.compile import typst_command
    from coursebuild.pandoc.run import pandoc_command

    typst, environment = typst_command(lesson_timestamp(inputs.page.lesson))
    folder, html = inputs.folder, inputs.html
    return {
        "deck": {
            "command": [*pandoc_command(inputs.deck.arguments), "-o", str(folder / "slides.html")],
            "stdin": html,
        },
        "handout": {
            "command": [*pandoc_command(inputs.handout.arguments), "-o", str(folder / "body.typ")],
            "stdin": html,
        },
        "typst": {"command": typst, "stdin": inputs.typst, "env": {**ENV, **environment}},
    }


def single_file_command(inputs: ToolInputs) -> dict:
    """For reference only: Pandoc making a single-file deck itself.

    Without the build's --sandbox, which would stop Pandoc reading the
    reveal.js files and images it is to embed (it only warns, and embeds nothing).
    """
    from coursebuild.deck.draft import reveal_dir
    from coursebuild.pandoc.run import pandoc_command

    single_file = ("--standalone", "--embed-resources", f"--variable=revealjs-url={reveal_dir()}")
    deck = tuple(argument for argument in inputs.deck.arguments if argument != "--sandbox")
    output = str(inputs.folder / "single.html")
    return {"command": [*pandoc_command(deck + single_file), "-o", output], "stdin": inputs.html}


def page_floor(inputs: ToolInputs, floor: dict[str, dict]) -> float:
    """The page's three tool calls, one after another; the seconds they took.

    The handout's Typst source is made from this run's Pandoc output the first
    time (untimed), as the build fills its template with it.
    """
    seconds = 0.0
    for name in ("deck", "handout"):
        seconds += run(**floor[name]).seconds
    if not inputs.typst.exists():
        inputs.write_typst((inputs.folder / "body.typ").read_text(encoding="utf-8"))
    return seconds + run(**floor["typst"]).seconds
