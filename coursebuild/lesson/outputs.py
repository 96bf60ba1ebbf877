"""A lesson's outputs: its parts, their file names and state keys, writing and removing them.

The one place that knows what a lesson's files are: a deck (``<slug>.html``),
a handout (``<slug>.pdf``) and the slide PDF printed from the deck
(``<slug>-slides.pdf``), each recorded in the build state under its own key.
"""

from __future__ import annotations

from pathlib import Path

from coursebuild.core.errors import BuildError
from coursebuild.core.report import Reporter
from coursebuild.core.state import BuildState, digest
from coursebuild.lesson.staged import commit
from coursebuild.reading.lesson_file import Lesson

# The parts a lesson's build makes, each rebuilt only when its own inputs change.
PARTS = frozenset({"deck", "handout"})
# The slide PDF: a part of a lesson's outputs printed from its finished deck,
# not made by the lesson's build.
SLIDES = "slides"
OUTPUT_NAMES = {"deck": "{}.html", "handout": "{}.pdf", SLIDES: "{}-slides.pdf"}
# Files of the output folder that are the course's, not a lesson's.
COURSE_OUTPUTS = {"index.html": "the course index"}


def output_name(part: str, slug: str) -> str:
    """The file one part of the lesson ``slug``'s outputs is written to."""
    return OUTPUT_NAMES[part].format(slug)


def part_key(part: str, slug: str) -> str:
    """The state's key for one part (``deck``, ``handout``, ``slides``) of a lesson's outputs."""
    return f"{part}:{slug}"


def lesson_keys(slug: str) -> tuple[str, ...]:
    """The state's keys of the lesson ``slug``'s outputs."""
    return tuple(part_key(part, slug) for part in (*sorted(PARTS), SLIDES))


def is_lesson_key(key: str) -> bool:
    """Whether ``key`` is some lesson's (not a figure's, not the index's)."""
    return any(key.startswith(prefix) for prefix in lesson_keys(""))


def check_output_names(lessons: list[Lesson]) -> None:
    """Refuse a lesson whose output would be another's file (a.md and a-slides.md: a-slides.pdf)."""
    owners: dict[str, str] = dict(COURSE_OUTPUTS)
    for lesson in lessons:
        for part in OUTPUT_NAMES:
            name = output_name(part, lesson.slug)
            other = owners.setdefault(name, str(lesson.source))
            if other != str(lesson.source):
                message = f"its output {name} would overwrite that of {other}; rename one of them"
                raise BuildError(message, lesson.source)


def recorded_deck(state: BuildState, slug: str) -> str | None:
    """The digest of the deck as the last build wrote it (its deck is fresh)."""
    name = output_name("deck", slug)
    return state.entries.get(part_key("deck", slug), {}).get("outputs", {}).get(name)


def write_lessons(results, out_dir: Path, state: BuildState, report: Reporter) -> None:
    """Write each lesson's new files (staged.py), and record what they were made from."""
    for result in results:
        for part, (part_inputs, staged) in sorted(result.files.items()):
            name = output_name(part, result.slug)
            commit(staged)
            report.step("write", str(out_dir / name), f"{staged.size / 1024:.0f} KiB")
            # The slide PDF depends on its deck alone, which its inputs hold.
            found = () if part == SLIDES else result.dependencies
            written = {name: (staged.digest, staged.size)}
            state.record_written(part_key(part, result.slug), part_inputs, written, found)


def remove_gone_lessons(
    slugs: list[str], out_dir: Path, state: BuildState, report: Reporter
) -> None:
    """Remove what the build wrote for lessons the course no longer has (not in ``slugs``).

    Only files its state records, and only while they hold what it wrote: a
    file edited by hand since is kept, with a warning. Run by a whole-course
    build only (a build of some pages does not know the rest of the course).
    """
    current = {key for slug in slugs for key in lesson_keys(slug)}
    gone = [key for key in state.entries if is_lesson_key(key) and key not in current]
    # Never a file an output still current claims (two keys cannot share one, but
    # the state file is only as sound as the disk it is on).
    claimed = {
        name
        for key, entry in state.entries.items()
        if key not in gone
        for name in entry.get("outputs", {})
    }
    for key in gone:
        for name, written in state.entries[key].get("outputs", {}).items():
            path = out_dir / name
            if name in claimed or not path.resolve().is_relative_to(out_dir):
                continue
            if path.is_symlink() or not path.is_file():
                continue  # gone already, or not the file the build wrote
            if digest(path.read_bytes()) != written:
                report.warning(f"{path}: its lesson is gone, but it was changed by hand; kept")
                continue
            try:
                path.unlink()
            except OSError as error:
                raise BuildError(f"cannot remove: {error.strerror}", path) from None
            report.step("remove", str(path))
        del state.entries[key]
