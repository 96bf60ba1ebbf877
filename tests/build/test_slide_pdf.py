"""The slide PDF (<lesson>-slides.pdf): a page a slide as the deck shows it, reproducible."""

from __future__ import annotations

import datetime
import os
import socket
import subprocess
from pathlib import Path

import pytest

from coursebuild.core.errors import BuildError
from coursebuild.deck.served_page import DECK_SITE
from coursebuild.deck.slide_pdf import fix_dates, pdf_date
from tests.support.course_factory import SMALL_LESSON, make_course, run_build
from tests.support.deck_slides import slides
from tests.support.slide_pdf_pages import folded, page_sizes, page_texts, slide_pdf_problems

SEED = "100_neuroverkot_101"
NOTES = "Proosaa, joka menee puhujan muistiinpanoihin."
OTHER_LESSON = SMALL_LESSON.replace("Pieni oppitunti", "Toinen oppitunti").replace(
    "100_ShallowReLU", "100_ShallowNet"
)


def pdf_info(pdf: Path) -> dict[str, str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return dict(
        (key.strip(), value.strip())
        for key, value in (line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    )


# -- the seed course's slide PDF ------------------------------------------------


@pytest.fixture(scope="module")
def seed_pages(seed_build) -> tuple[list, list[str]]:
    """The seed deck's slides and the text of each page of its slide PDF."""
    return slides(seed_build / f"{SEED}.html"), page_texts(seed_build / f"{SEED}-slides.pdf")


def test_a_page_for_each_slide_holding_its_title(seed_pages, seed_build):
    deck, pages = seed_pages
    assert len(deck) > 10
    assert len(pages) == len(deck)
    for number, (slide, page) in enumerate(zip(deck, pages, strict=True), 1):
        assert folded(slide.title) in page, f"page {number}: {slide.title!r} not in {page!r}"
    assert slide_pdf_problems(seed_build / f"{SEED}.html", seed_build / f"{SEED}-slides.pdf") == []


def test_the_corpus_check_finds_pages_missing_or_out_of_place(seed_build, tmp_path):
    deck, pdf = seed_build / f"{SEED}.html", seed_build / f"{SEED}-slides.pdf"
    subprocess.run(["pdfseparate", str(pdf), str(tmp_path / "%d.pdf")], check=True)
    pages = [str(tmp_path / f"{number}.pdf") for number in range(1, len(slides(deck)) + 1)]
    swapped, short = tmp_path / "swapped.pdf", tmp_path / "short.pdf"
    subprocess.run(["pdfunite", pages[1], pages[0], *pages[2:], str(swapped)], check=True)
    assert [problem.split(": ", 1)[1] for problem in slide_pdf_problems(deck, swapped)] == [
        "page 1 lacks its slide's title 'Neuroverkot 101'",
        "page 2 lacks its slide's title 'Matalat neuroverkot'",
    ]
    subprocess.run(["pdfunite", *pages[1:], str(short)], check=True)
    assert slide_pdf_problems(deck, short) == [
        f"short.pdf: {len(pages) - 1} pages for {len(pages)} slides"
    ]


def test_the_points_are_text_on_their_slides_page(seed_pages):
    deck, pages = seed_pages
    checked = 0
    for slide, page in zip(deck, pages, strict=True):
        for item, point in zip(slide.point_items, slide.points, strict=True):
            if "<math" not in item and "<a " not in item:  # math and links: glyphs apart
                # Compared without spaces: the deck's text has one at each tag.
                assert "".join(point.split()) in "".join(page.split()), (point, slide.title)
                checked += 1
    assert checked >= 10


def test_pages_are_the_deck_at_16_by_9(seed_build):
    sizes = page_sizes(seed_build / f"{SEED}-slides.pdf")
    assert sizes and len(set(sizes)) == 1
    width, height = sizes[0]
    assert width / height == pytest.approx(16 / 9, rel=0.002)
    assert width == pytest.approx(1344 * 0.75, abs=1)  # the 1280 px slide and its margin


def test_text_is_embedded_fonts_not_pictures_of_slides(seed_build):
    pdf = seed_build / f"{SEED}-slides.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert len(rows) >= 2  # the text's and the math's, at least
    assert all(row.split()[-5] == "yes" for row in rows), fonts.stdout  # embedded
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True)
    widths = [int(row.split()[3]) for row in images.stdout.splitlines()[2:]]
    assert not [width for width in widths if width >= 1000], images.stdout  # no page-sized image


def test_every_page_but_the_title_shows_its_number(seed_pages):
    _, pages = seed_pages
    total = len(pages)
    assert f"1 / {total}" not in pages[0]  # as in the deck: the title slide has none
    for number, page in enumerate(pages[1:], 2):
        assert page.endswith(f"{number} / {total}"), page


def test_dated_by_source_date_epoch(seed_build):
    info = pdf_info(seed_build / f"{SEED}-slides.pdf")
    # tests/course_factory.run_build sets SOURCE_DATE_EPOCH=1767225600.
    assert info["CreationDate"] == info["ModDate"] == "Thu Jan  1 00:00:00 2026 UTC"


# -- printing in the build's browser -------------------------------------------


@pytest.fixture(scope="module")
def printer():
    from coursebuild.deck.layout import LayoutService

    service = LayoutService()
    yield service
    service.close()


def test_fragments_are_shown_complete_and_only_slides_are_pages(printer, seed_build, tmp_path):
    deck = (seed_build / f"{SEED}.html").read_text(encoding="utf-8")
    points = ["vain viivan", "yhden inputin", "yhden outputin"]
    for point in points:
        deck = deck.replace(f"<li>{point}", f'<li class="fragment">{point}', 1)
    assert deck.count('class="fragment"') == len(points)
    # Content a vertical stack holds outside its slides, which no slide shows:
    # no page of its own.
    divider = deck.index('<section id="matalat-neuroverkot"')
    end = deck.index("</section>", divider) + len("</section>")
    deck = deck[:end] + "<p>Irrallista tekstiä pinossa</p>" + deck[end:]
    pdf, warnings = printer.submit_print(deck.encode("utf-8"), False, 0).result()
    (tmp_path / "deck.pdf").write_bytes(pdf)
    pages = page_texts(tmp_path / "deck.pdf")
    assert len(pages) == len(slides(seed_build / f"{SEED}.html"))  # not a page a fragment
    (page,) = [page for page in pages if "Viittaus koneoppimiseen" in page]
    assert all(point in page for point in points), page
    assert not [page for page in pages if "Irrallista" in page]
    assert warnings == []


def test_notes_option_puts_each_slides_notes_under_it(printer, seed_build, tmp_path):
    deck = (seed_build / f"{SEED}.html").read_bytes()
    pdf, warnings = printer.submit_print(deck, True, 0).result()
    (tmp_path / "notes.pdf").write_bytes(pdf)
    pages = page_texts(tmp_path / "notes.pdf")
    deck_slides = slides(seed_build / f"{SEED}.html")
    assert len(pages) == len(deck_slides)
    for slide, page in zip(deck_slides, pages, strict=True):
        if slide.notes_text:
            assert "Puhujan muistiinpanot" in page
            # The notes' first words, after the slide's title on the page
            # (compared without spaces: the deck's text has one at each tag).
            text = "".join(page.split())
            opening = "".join(slide.notes_text.split())[:25]
            assert text.index("".join(slide.title.split())) < text.index(opening), page
    width, height = page_sizes(tmp_path / "notes.pdf")[0]
    assert height == pytest.approx(2 * width * 9 / 16, rel=0.002)  # the slide, then its notes
    assert warnings == []


class PagesOpened:
    """A job for the printer: from now on, count the pages opened in its pages' context."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.before: set[str] = set()

    async def watch(self, served, source) -> None:
        page = served.page
        page.connection.on(None, "Target.targetCreated", lambda event: self.count(event, page))
        # Chromium tells of the targets already there before it answers.
        await page.connection.send("Target.setDiscoverTargets", {"discover": True})
        self.before = set(self.seen)

    def count(self, event: dict, page) -> None:
        target = event["targetInfo"]
        if target["type"] == "page" and target.get("browserContextId") == page.context:
            self.seen.add(target["targetId"])

    @property
    def opened(self) -> int:
        return len(self.seen - self.before)


def test_a_deck_is_printed_in_the_page_decks_are_laid_out_in(printer, seed_build, tmp_path):
    # A page a print would cost a renderer process (~100 MB) while it prints.
    pages = PagesOpened()
    printer.submit_job(pages.watch, None).result()
    deck = (seed_build / f"{SEED}.html").read_bytes()
    for _ in range(2):
        pdf, _warnings = printer.submit_print(deck, False, 0).result()
    (tmp_path / "deck.pdf").write_bytes(pdf)
    assert len(page_texts(tmp_path / "deck.pdf")) == len(slides(seed_build / f"{SEED}.html"))
    assert pages.opened == 0


# -- dates ---------------------------------------------------------------------

STAMPED = (
    b"%PDF-1.4\n1 0 obj\n<</Creator (Chromium)\n/CreationDate (D:20261129012230+00'00')\n"
    b"/ModDate (D:20261129012231+00'00')>>\nendobj\n"
)


def test_fix_dates_sets_both_dates_keeping_every_offset():
    fixed = fix_dates(STAMPED, 1767225600)
    assert len(fixed) == len(STAMPED)
    assert fixed.count(b"(D:20260101000000+00'00')") == 2
    assert fix_dates(STAMPED, 1700000000).count(b"(D:20231114221320+00'00')") == 2
    assert (
        fixed.replace(b"20260101000000", b"20261129012230", 1).replace(
            b"20260101000000", b"20261129012231"
        )
        == STAMPED
    )


def test_fix_dates_refuses_a_pdf_dated_otherwise():
    with pytest.raises(BuildError, match="1 dates") as raised:
        fix_dates(STAMPED.replace(b"/ModDate", b"/Other"), 0, Path("slides/a.md"))
    assert str(raised.value).startswith("slides/a.md: ")


def test_pdf_date_is_utc():
    moment = datetime.datetime(2031, 7, 4, 12, 30, 5, tzinfo=datetime.UTC)
    assert pdf_date(int(moment.timestamp())) == b"D:20310704123005+00'00'"


# -- as part of the build --------------------------------------------------------


def written(result) -> set[str]:
    return {
        os.path.basename(line.split()[1])
        for line in result.stdout.splitlines()
        if line.split()[:1] == ["write"]
    }


def mtimes(folder: Path) -> dict[str, int]:
    return {path.name: path.stat().st_mtime_ns for path in folder.iterdir() if path.is_file()}


def test_built_kept_and_removed_with_its_lesson(tmp_path):
    course = make_course(
        tmp_path / "kurssi", {"slides/a.md": SMALL_LESSON, "slides/b.md": OTHER_LESSON}
    )
    out = course / "build"
    first = run_build(course, slide_pdfs=True)
    assert first.returncode == 0, first.stderr
    assert {"a-slides.pdf", "b-slides.pdf"} <= written(first)
    pages = page_texts(out / "a-slides.pdf")
    # The title, the section, the slide with its figure (the figure may go on
    # to a slide of its own): a page a slide.
    assert len(pages) == len(slides(out / "a.html")) >= 3
    assert "Dia" in pages[2] and "Tärkeä lause." in pages[2]
    assert NOTES not in " ".join(pages)  # notes only with the option

    # Two clean builds: the same bytes.
    again = run_build(course, "--out", str(tmp_path / "toinen"), slide_pdfs=True)
    assert again.returncode == 0, again.stderr
    for name in ("a-slides.pdf", "b-slides.pdf"):
        assert (tmp_path / "toinen" / name).read_bytes() == (out / name).read_bytes()

    # Nothing changed: nothing written, no browser started.
    before = mtimes(out)
    noop = run_build(course, env={"PYTHONPROFILEIMPORTTIME": "1"}, slide_pdfs=True)
    assert noop.returncode == 0 and written(noop) == set(), noop.stdout
    assert "playwright" not in noop.stderr
    assert mtimes(out) == before

    # One lesson edited: its slide PDF only.
    (course / "slides" / "a.md").write_text(SMALL_LESSON + "\nLisäys.\n", encoding="utf-8")
    edit = run_build(course, slide_pdfs=True)
    assert edit.returncode == 0, edit.stderr
    assert written(edit) - {"index.html"} == {"a.html", "a.pdf", "a-slides.pdf"}
    assert mtimes(out)["b-slides.pdf"] == before["b-slides.pdf"]

    # A slide PDF gone: printed again from its deck, the lesson not built again.
    (out / "b-slides.pdf").unlink()
    reprint = run_build(course, slide_pdfs=True)
    assert reprint.returncode == 0, reprint.stderr
    assert written(reprint) - {"index.html"} == {"b-slides.pdf"}
    assert "lesson" not in reprint.stdout

    # The notes option: both printed again, nothing else; then nothing to do.
    notes = run_build(course, "--slide-notes", slide_pdfs=True)
    assert notes.returncode == 0, notes.stderr
    # (The index lists each slide PDF's size.)
    assert written(notes) - {"index.html"} == {"a-slides.pdf", "b-slides.pdf"}
    (page,) = [page for page in page_texts(out / "a-slides.pdf") if "Tärkeä lause." in page]
    assert NOTES in page
    assert written(run_build(course, "--slide-notes", slide_pdfs=True)) == set()

    # A lesson gone: its slide PDF with it.
    (course / "slides" / "b.md").unlink()
    gone = run_build(course, "--slide-notes", slide_pdfs=True)
    assert gone.returncode == 0, gone.stderr
    removed = {line.split()[1] for line in gone.stdout.splitlines() if line.startswith("remove")}
    assert removed == {str(out / name) for name in ("b.html", "b.pdf", "b-slides.pdf")}
    assert (out / "a-slides.pdf").is_file() and not (out / "b-slides.pdf").exists()


def test_a_lesson_whose_outputs_would_overwrite_anothers_is_refused(tmp_path):
    course = make_course(
        tmp_path, {"slides/a.md": SMALL_LESSON, "slides/a-slides.md": OTHER_LESSON}
    )
    result = run_build(course, slide_pdfs=True)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "a-slides.pdf would overwrite" in result.stderr
    assert not (course / "build" / "a.html").exists()


# -- what the build's pages may reach ------------------------------------------


class Probe:
    """A job for the printer: show a document in the page, then read what it shows."""

    def __init__(self, document: bytes) -> None:
        self.document = document

    async def __call__(self, page, source) -> str:
        await page.show(f"{DECK_SITE}/probe.html", self.document)
        return await page.page.evaluate("() => document.body.innerText")


def test_the_pages_reach_nothing_but_their_own_document(printer):
    # Anything a page asks for but its document is refused: a service on the
    # build machine sees no connection, no file is shown.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(2)
    port = listener.getsockname()[1]
    # What a deck may hold after the sanitizer (no iframe, object or script).
    asked = [
        f'<img src="http://127.0.0.1:{port}/a.png">',
        f'<img src="http://localhost:{port}/b.png">',
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/c.css">',
        f'<p style="background: url(http://127.0.0.1:{port}/d.png)">Tausta</p>',
        f'<video poster="http://127.0.0.1:{port}/e.png" src="http://127.0.0.1:{port}/f.mp4"></video>',
        '<img src="https://example.com/g.png">',
        '<img src="file:///etc/hostname">',
    ]
    document = f"<html><body><p>Koetin</p>{''.join(asked)}</body></html>".encode()
    shown = printer.submit_job(Probe(document), None).result()
    assert shown.split() == ["Koetin", "Tausta"]
    with pytest.raises(TimeoutError):
        connection, _ = listener.accept()
        connection.close()
    listener.close()
