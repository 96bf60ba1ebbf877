"""The courses the benchmark builds (one lesson, a synthetic course of many) and their edits."""

from __future__ import annotations

import os
import random
import re
import shutil
from pathlib import Path

from bench.settings import ROOT


def first_lesson() -> Path:
    from coursebuild.reading.course import load_course
    from coursebuild.reading.lesson_file import find_lessons

    return find_lessons(load_course(ROOT / "course.toml").lessons_dir)[0]


def make_course(folder: Path, lessons: dict[str, str]) -> Path:
    """course.toml and slides/models.toml from the project, and the given pages."""
    (folder / "slides").mkdir(parents=True)
    shutil.copy(ROOT / "course.toml", folder / "course.toml")
    models = first_lesson().parent / "models.toml"
    if models.exists():
        shutil.copy(models, folder / "slides" / "models.toml")
    for name, text in lessons.items():
        (folder / "slides" / name).write_text(text, encoding="utf-8")
    return folder


TITLE_LINE = re.compile(r"^#[ ]+(.+?)[ ]*$", re.MULTILINE)
PRIORITY = re.compile(r"^priority:.*$", re.MULTILINE)


def with_paragraph(page: str, paragraph: str) -> str:
    """The page with ``paragraph`` right after its '# Title' line."""
    match = TITLE_LINE.search(page)
    return page[: match.end()] + "\n\n" + paragraph + page[match.end() :]


def synthetic_lesson(page: str, number: int, words: list[str]) -> str:
    """The first lesson with its own title, priority and an introduction of its own."""
    rng = random.Random(number)
    sentences = []
    for _ in range(rng.randint(3, 6)):
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(6, 14)))
        sentences.append(sentence.capitalize() + ".")
    introduction = f"Oppitunti {number}. " + " ".join(sentences)
    page = PRIORITY.sub(f"priority: {number}", page, count=1)
    page = TITLE_LINE.sub(lambda m: f"# {m.group(1)}, osa {number}", page, count=1)
    return with_paragraph(page, introduction)


def synthetic_course(folder: Path, count: int) -> Path:
    page = first_lesson().read_text(encoding="utf-8")
    words = sorted(set(re.findall(r"(?<![\w{])[a-zäöå]{4,}(?![\w}])", page)))
    lessons = {
        f"{number:03d}_oppitunti.md": synthetic_lesson(page, number, words)
        for number in range(1, count + 1)
    }
    return make_course(folder, lessons)


def without_figure(page: str, figure: str) -> str:
    """The page with the image of ``figure`` and its caption paragraph taken out."""
    pattern = rf"!\[[^\]]*\]\([^)]*{re.escape(figure)}\.svg\)\n+(\*\*Kuva[^\n]*\n(?:[^\n]+\n)*)?"
    return re.sub(pattern, "", page)


def twin_course(course: Path, twin: Path) -> Path:
    """A copy of ``course`` that no preview watches, for builds timed beside one."""
    shutil.copytree(course, twin, ignore=shutil.ignore_patterns(".*"))
    return twin


def writable_copy(source: Path, target: Path) -> Path:
    """A copy of ``source`` that can be edited and removed (the corpus is read-only)."""
    shutil.copytree(source, target)
    for folder, _, files in os.walk(target):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    return target


class TextEdit:
    """Each call changes a paragraph under the lesson's title (untimed preparation)."""

    def __init__(self, page: Path) -> None:
        self.page = page
        self.original = page.read_text(encoding="utf-8")
        self.count = 0

    def __call__(self, _attempt: int = 0) -> None:
        self.count += 1
        paragraph = f"Muokkaus {self.count}: opettaja tarkensi tätä kappaletta luennolle."
        self.page.write_text(with_paragraph(self.original, paragraph), encoding="utf-8")


class FigureEdit:
    """Each call changes what a figure module draws (untimed preparation)."""

    def __init__(self, module: Path) -> None:
        self.module = module
        self.original = module.read_text(encoding="utf-8")
        self.count = 0

    def __call__(self, _attempt: int = 0) -> None:
        self.count += 1
        self.module.write_text(
            self.original + f"\n\n_bench_make_figure = make_figure  # bench edit {self.count}\n\n\n"
            "def make_figure(lang='fi'):\n"
            "    figure = _bench_make_figure(lang)\n"
            f"    figure.text(0.01, 0.01, 'v{self.count}', fontsize=6)\n"
            "    return figure\n",
            encoding="utf-8",
        )
