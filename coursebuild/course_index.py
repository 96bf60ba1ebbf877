"""The course's index page: every lesson with its deck, slide PDF and handout, sized and counted."""

from __future__ import annotations

import functools
import importlib
import itertools
import re
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from coursebuild.core.state import digest, file_signature
from coursebuild.core.templates import TEMPLATES_DIR, render_template
from coursebuild.core.words import words_for
from coursebuild.reading.course import Course
from coursebuild.reading.lesson_file import Lesson
from coursebuild.reading.template_data import course_data

# -- what a file holds: pages of a PDF, slides of a deck -------------------------


@functools.cache
def import_pdf_reader_ahead() -> threading.Thread:
    """Import pypdf on a thread of its own while the lessons are made (once a build).

    The index counts the new PDFs' pages once they are made: pypdf's ~0.1 s
    import was then the last thing an edit build waited for but one. Called
    once every page is read: an import holds the GIL, and beside the reading
    of a one-lesson edit's page it slowed that down by as much; and a page's
    child forked meanwhile (limits.py) could inherit one of its import locks
    (pypdf imports unicodedata, which a page's image address needs) and wait
    on it forever.
    """
    # Not a daemon: one the interpreter stops at exit mid-import is unwound by
    # force, and through a Rust extension's frames (cryptography's, which pypdf
    # imports when it is installed) that aborts the process.
    importing = threading.Thread(
        target=importlib.import_module, args=("pypdf",), name="import-pypdf"
    )
    importing.start()
    return importing


def pdf_page_count(path: Path) -> int | None:
    """The pages of the PDF at ``path``; None if it is missing or damaged."""
    # Imported here: pypdf takes ~0.1 s to import, and a no-op build counts no pages.
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        # The page tree's root counts its pages: reading it, not every page
        # object, takes a 100-lesson index 1.3 s less to count (~10 ms a PDF).
        count = PdfReader(path, strict=True).trailer["/Root"]["/Pages"]["/Count"]
    except (OSError, PyPdfError, ValueError, KeyError, IndexError, TypeError):
        return None
    return count if isinstance(count, int) and count >= 0 else None


SECTION_TAG = re.compile(rb"<(/?)section\b")


def deck_slide_count(path: Path) -> int | None:
    """The slides of a laid-out deck: its ``<section>``s with no ``<section>`` inside.

    reveal.js nests a chapter's slides in a vertical stack; the stack is no slide.
    Only the slides' part of the page is read (the template marks it), and what
    a slide shows as text has its ``<`` escaped, so every tag there is real.
    """
    try:
        page = path.read_bytes()  # bytes: no need to decode a whole deck to count tags
        start, end = page.index(b'<div class="slides">'), page.index(b'<div class="deck-footer"')
    except (OSError, ValueError):
        return None
    tags = [match[1] for match in SECTION_TAG.finditer(page, start, end)]
    return sum(1 for tag, after in itertools.pairwise(tags) if not tag and after)


# -- as the page shows it, in the course's language --------------------------------

NBSP = "\u00a0"  # a number and its unit never part at a line end


def one_decimal(value: float, words: dict) -> str:
    """One decimal, with the language's decimal sign: 1,2 in Finnish, 1.2 in English."""
    return f"{value:.1f}".replace(".", words["decimal"])


def human_size(size: int, words: dict) -> str:
    """A file size as the language writes it: 8 kt, 612 kt, 1,2 Mt, 14 Mt (Finnish)."""
    kilobytes = size / 1024
    if kilobytes < 999.5:
        return f"{max(1, round(kilobytes))}{NBSP}{words['kilobytes']}"
    megabytes = kilobytes / 1024
    number = one_decimal(megabytes, words) if megabytes < 9.95 else round(megabytes)
    return f"{number}{NBSP}{words['megabytes']}"


def counted(count: int | None, one: str, many: str) -> str:
    """``12 sivua``, ``1 sivu``; nothing when the count is not known."""
    if count is None:
        return ""
    return f"{count}{NBSP}{one if count == 1 else many}"


def download(label: str, path: Path, count: int | None, unit: str, words: dict) -> dict | None:
    """One link of a lesson: the file's name, label and what it holds; None if not built.

    ``unit``: what it counts, "slide" or "page", in ``words``.
    """
    if not path.is_file():
        return None
    counts = counted(count, words[f"{unit}_one"], words[f"{unit}_many"])
    facts = [counts, human_size(path.stat().st_size, words)]
    return {"href": quote(path.name), "label": label, "facts": " · ".join(f for f in facts if f)}


def lesson_files(slug: str, out_dir: Path) -> tuple[Path, Path, Path]:
    """Where the lesson ``slug``'s deck, slide PDF and handout are, built or not."""
    deck, slides, handout = (
        out_dir / name for name in (f"{slug}.html", f"{slug}-slides.pdf", f"{slug}.pdf")
    )
    return deck, slides, handout


class FileCounts:
    """The slides of decks and pages of PDFs, each file counted once while it is unchanged.

    ``known``: ``{name: [signature, count]}``, what the last index counted
    (its state entry's "counts"); a file with the same signature (size,
    mtime, inode) is not read again. An edit of one lesson in a 100-lesson
    course read every deck and PDF again for the index: ~0.5 s.
    """

    def __init__(self, known: dict | None = None) -> None:
        self.known = known if isinstance(known, dict) else {}
        self.now: dict[str, list] = {}  # what this index counted, to remember

    def of(self, path: Path, count: Callable[[Path], int | None]) -> int | None:
        """The count of the file at ``path``: remembered, or ``count(path)``."""
        signature = file_signature(path)
        remembered = self.known.get(path.name)
        if (
            signature is not None
            and isinstance(remembered, list)
            and len(remembered) == 2
            and remembered[0] == signature
            and (remembered[1] is None or type(remembered[1]) is int)
        ):
            found = remembered[1]
        else:
            found = count(path)
        if signature is not None:
            self.now[path.name] = [signature, found]
        return found


def lesson_downloads(
    slug: str, out_dir: Path, words: dict, counts: FileCounts | None = None
) -> list[dict]:
    """The deck, the slide PDF and the handout of the lesson ``slug``, those that exist."""
    counts = counts or FileCounts()
    deck, slides, handout = lesson_files(slug, out_dir)
    links = [
        download(words["slides_html"], deck, counts.of(deck, deck_slide_count), "slide", words),
        download(words["slides_pdf"], slides, counts.of(slides, pdf_page_count), "page", words),
        download(words["handout_pdf"], handout, counts.of(handout, pdf_page_count), "page", words),
    ]
    return [link for link in links if link is not None]


def index_entries(
    lessons: list[Lesson], out_dir: Path, failed, words: dict, counts: FileCounts | None = None
) -> list[dict]:
    """Each page's title, chapter and files; a page in ``failed`` shows none (unavailable).

    ``lessons``: anything with a title, slug and chapter (a page that failed
    to load has no Lesson).
    """
    entries = []
    for lesson in lessons:
        unavailable = lesson.slug in failed
        downloads = [] if unavailable else lesson_downloads(lesson.slug, out_dir, words, counts)
        entries.append(
            {
                "title": lesson.title,
                "slug": lesson.slug,
                "chapter": lesson.chapter,
                "unavailable": unavailable,
                "downloads": downloads,
            }
        )
    return entries


def chapters(entries: list[dict]) -> list[tuple[str | None, list[dict]]]:
    """Runs of entries under the same chapter, in the site's order."""
    groups: list[tuple[str | None, list[dict]]] = []
    for entry in entries:
        if not groups or groups[-1][0] != entry["chapter"]:
            groups.append((entry["chapter"], []))
        groups[-1][1].append(entry)
    return groups


def index_inputs(course: Course, lessons: list[Lesson], failed, out_dir: Path) -> str:
    """All the index shows, and how: a no-op build finds it fresh and writes nothing.

    The lessons' files count by their signatures (size, mtime, inode; the build
    replaces a file it writes), not their counts: a no-op build reads no deck or PDF.
    """
    shown = [
        (
            lesson.title,
            lesson.slug,
            lesson.chapter,
            *map(file_signature, lesson_files(lesson.slug, out_dir)),
        )
        for lesson in lessons
    ]
    return digest(
        course.config_path.read_bytes(),
        repr((course.title, course.author, course.licence, course.language)),
        (TEMPLATES_DIR / "index.html.j2").read_bytes(),
        Path(__file__).read_bytes(),
        repr(shown),
        repr(sorted(failed)),
    )


def render_index(
    course: Course, lessons: list[Lesson], failed, out_dir: Path, counts: FileCounts | None = None
) -> str:
    words = words_for(course.language)
    entries = index_entries(lessons, out_dir, failed, words, counts)
    context = {"course": course_data(course), "chapters": chapters(entries), "words": words}
    return render_template("index.html.j2", context, autoescape=True)
