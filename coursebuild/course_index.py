"""The course's index page: every lesson with its deck, slide PDF and handout, sized and counted."""

from __future__ import annotations

import itertools
import re
import zlib
from pathlib import Path
from urllib.parse import quote

from coursebuild.core.state import digest, file_signature
from coursebuild.core.templates import TEMPLATES_DIR, render_template
from coursebuild.reading.course import Course
from coursebuild.reading.lesson_file import Lesson
from coursebuild.reading.template_data import course_data

# -- what a file holds: pages of a PDF, slides of a deck -------------------------

OBJECT_START = re.compile(rb"(?<![0-9])([0-9]+)\s+[0-9]+\s+obj\b")
DICT_END = re.compile(rb"\bendobj\b|\bstream(?:\r\n|\n|\r)")
DIRECT_LENGTH = re.compile(rb"/Length\s+([0-9]+)\b(?!\s+[0-9]+\s+R)")
START_XREF = re.compile(rb"startxref\s+([0-9]+)\s+%%EOF", re.DOTALL)


def reference(text: bytes, key: bytes) -> int | None:
    """The object number ``/key n g R`` in a dictionary's text points to."""
    match = re.search(rb"/" + key + rb"\s+([0-9]+)\s+[0-9]+\s+R", text)
    return int(match[1]) if match else None


def pdf_objects(data: bytes) -> dict[int, bytes]:
    """Every object's text (a stream's dictionary without its data), by number.

    Objects packed in an object stream (``/Type/ObjStm``, PDF 1.5) are unpacked;
    a later definition wins, as in an incrementally updated file.
    """
    objects: dict[int, bytes] = {}
    position = 0
    while match := OBJECT_START.search(data, position):
        end = DICT_END.search(data, match.end())
        if end is None:
            break
        text = data[match.end() : end.start()]
        objects[int(match[1])] = text
        position = end.end()
        if end[0].startswith(b"stream"):
            length = DIRECT_LENGTH.search(text)
            # Skip the data, so bytes in it are never read as an object.
            stream_end = position + int(length[1]) if length else data.find(b"endstream", position)
            if re.search(rb"/Type\s*/ObjStm\b", text):
                objects.update(object_stream(text, data[position:stream_end]))
            position = max(position, stream_end)
    return objects


def object_stream(dictionary: bytes, raw: bytes) -> dict[int, bytes]:
    """The objects an object stream packs: ``/N`` pairs of number and offset, then the objects."""
    if re.search(rb"/Filter\s*/FlateDecode", dictionary):
        raw = zlib.decompressobj().decompress(raw)
    count, first = (
        re.search(rb"/" + key + rb"\s+([0-9]+)", dictionary) for key in (b"N", b"First")
    )
    if count is None or first is None:
        return {}
    numbers = [int(n) for n in raw[: int(first[1])].split()][: 2 * int(count[1])]
    starts = [int(first[1]) + offset for offset in numbers[1::2]]
    ends = [*starts[1:], len(raw)]
    return {n: raw[s:e] for n, s, e in zip(numbers[0::2], starts, ends, strict=True)}


def last_xref(data: bytes) -> int | None:
    """Where the file's last cross-reference section starts (``startxref`` at its end)."""
    found = START_XREF.findall(data[-1024:]) or START_XREF.findall(data)
    return int(found[-1]) if found else None


def xref_table(data: bytes, start: int) -> dict[int, int]:
    """Object offsets of a classic cross-reference table: ``xref``, then ``first count`` runs."""
    words = data[start : data.find(b"trailer", start)].split()[1:]
    offsets, at = {}, 0
    while at + 1 < len(words):
        first, count = int(words[at]), int(words[at + 1])
        rows = words[at + 2 : at + 2 + 3 * count]
        offsets.update(
            {first + n: int(rows[3 * n]) for n in range(count) if rows[3 * n + 2] == b"n"}
        )
        at += 2 + 3 * count
    return offsets


def object_at(data: bytes, offset: int) -> bytes:
    """The text of the object at ``offset`` (a stream's dictionary without its data)."""
    start = OBJECT_START.match(data, offset)
    end = DICT_END.search(data, start.end()) if start else None
    return data[start.end() : end.start()] if end else b""


def count_by_xref(data: bytes) -> int | None:
    """The page count, reading only the objects the last cross-reference table points to.

    What Typst and Chromium write; anything else (a cross-reference stream, an
    object in an earlier section or packed in an object stream) gives None.
    """
    start = last_xref(data)
    if start is None or not data.startswith(b"xref", start):
        return None
    offsets = xref_table(data, start)
    catalog = reference(data[data.find(b"trailer", start) :], b"Root")
    pages = reference(object_at(data, offsets[catalog]), b"Pages") if catalog in offsets else None
    return page_tree_count(object_at(data, offsets[pages])) if pages in offsets else None


def count_by_scan(data: bytes) -> int | None:
    """The page count, reading every object of the file, object streams unpacked."""
    objects = pdf_objects(data)
    start = last_xref(data)
    if start is None:
        return None
    if data.startswith(b"xref", start):
        catalog = reference(data[data.find(b"trailer", start) :], b"Root")
    else:  # a cross-reference stream, whose dictionary holds the trailer's entries
        xref = OBJECT_START.match(data, start)
        catalog = reference(objects.get(int(xref[1]), b""), b"Root") if xref else None
    return page_tree_count(objects.get(reference(objects.get(catalog, b""), b"Pages"), b""))


def page_tree_count(root: bytes) -> int | None:
    count = re.search(rb"/Count\s+([0-9]+)\b(?!\s+[0-9]+\s+R)", root)
    return int(count[1]) if count else None


def pdf_page_count(path: Path) -> int | None:
    """The pages of the PDF at ``path``: the page tree root's ``/Count``; None if unreadable."""
    try:
        data = path.read_bytes()
        count = count_by_xref(data)
        return count if count is not None else count_by_scan(data)
    except (OSError, zlib.error, ValueError, IndexError):
        return None


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


# -- as the page shows it, in Finnish ---------------------------------------------

NBSP = "\u00a0"  # a number and its unit never part at a line end


def finnish_decimal(value: float) -> str:
    """One decimal with a decimal comma, as Finnish writes it: 1,2."""
    return f"{value:.1f}".replace(".", ",")


def human_size(size: int) -> str:
    """A file size as Finnish writes it: 8 kt, 612 kt, 1,2 Mt, 14 Mt."""
    kilobytes = size / 1024
    if kilobytes < 999.5:
        return f"{max(1, round(kilobytes))}{NBSP}kt"
    megabytes = kilobytes / 1024
    return f"{finnish_decimal(megabytes) if megabytes < 9.95 else round(megabytes)}{NBSP}Mt"


def counted(count: int | None, one: str, many: str) -> str:
    """``12 sivua``, ``1 sivu``; nothing when the count is not known."""
    if count is None:
        return ""
    return f"{count}{NBSP}{one if count == 1 else many}"


def download(label: str, path: Path, count: int | None, one: str, many: str) -> dict | None:
    """One link of a lesson: the file's name, label and what it holds; None if not built."""
    if not path.is_file():
        return None
    facts = [counted(count, one, many), human_size(path.stat().st_size)]
    return {"href": quote(path.name), "label": label, "facts": " · ".join(f for f in facts if f)}


def lesson_files(slug: str, out_dir: Path) -> tuple[Path, Path, Path]:
    """Where the lesson ``slug``'s deck, slide PDF and handout are, built or not."""
    deck, slides, handout = (
        out_dir / name for name in (f"{slug}.html", f"{slug}-slides.pdf", f"{slug}.pdf")
    )
    return deck, slides, handout


def lesson_downloads(slug: str, out_dir: Path) -> list[dict]:
    """The deck, the slide PDF and the handout of the lesson ``slug``, those that exist."""
    deck, slides, handout = lesson_files(slug, out_dir)
    links = [
        download("Diat (HTML)", deck, deck_slide_count(deck), "dia", "diaa"),
        download("Diat (PDF)", slides, pdf_page_count(slides), "sivu", "sivua"),
        download("Moniste (PDF)", handout, pdf_page_count(handout), "sivu", "sivua"),
    ]
    return [link for link in links if link is not None]


def index_entries(lessons: list[Lesson], out_dir: Path) -> list[dict]:
    return [
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "chapter": lesson.chapter,
            "downloads": lesson_downloads(lesson.slug, out_dir),
        }
        for lesson in lessons
    ]


def chapters(entries: list[dict]) -> list[tuple[str | None, list[dict]]]:
    """Runs of entries under the same chapter, in the site's order."""
    groups: list[tuple[str | None, list[dict]]] = []
    for entry in entries:
        if not groups or groups[-1][0] != entry["chapter"]:
            groups.append((entry["chapter"], []))
        groups[-1][1].append(entry)
    return groups


def index_inputs(course: Course, lessons: list[Lesson], out_dir: Path) -> str:
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
    )


def render_index(course: Course, lessons: list[Lesson], out_dir: Path) -> str:
    context = {"course": course_data(course), "chapters": chapters(index_entries(lessons, out_dir))}
    return render_template("index.html.j2", context, autoescape=True)
