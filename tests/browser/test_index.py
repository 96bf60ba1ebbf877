"""The course index: each lesson's deck, slide PDF and handout with size and count, on any screen.

Page counts are checked against poppler's ``pdfinfo``, slide counts against
reveal.js in Chromium; the page is measured in Chromium at a phone's 390×844
and a desktop's 1280×800.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from urllib.parse import unquote

import pytest

from coursebuild.browser.chromium import DeckReport, open_browser, open_deck
from coursebuild.core.words import words_for
from coursebuild.course_index import (
    NBSP,
    counted,
    deck_slide_count,
    human_size,
    index_entries,
    pdf_page_count,
    render_index,
)
from coursebuild.reading.course import open_course
from coursebuild.reading.lesson_file import Lesson
from tests.support.course_factory import PROJECT_ROOT, run_build
from tests.support.deck_slides import slides

LESSON = "100_neuroverkot_101"
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE, DESKTOP = (390, 844), (1280, 800)

# A site's shape: lessons before any chapter, eight chapters, one after them.
# Titles as long as the instructor's, and one word longer than a phone is wide.
SITE = [
    (None, "Tervetuloa kurssille"),
    ("1. Koneoppiminen", "Yleistä"),
    ("1. Koneoppiminen", "Kouluttamisen käytännöt ja hyperparametrien valinta"),
    ("2. Naive Bayes", "Merkkijonojen enkoodaus"),
    ("3. Puut ja Metsät", "Luokittelumallin suorituskyky"),
    ("4. k-NN", "Dimensiovähennys"),
    ("5. Klusterointi", "Syklinen enkoodaus"),
    ("6. Lineaarinen regressio", "Regressiomallinsuorituskykymittaristoanalyysi"),
    ("7. Lineaarinen luokittelu", "Logistinen regressio"),
    ("8. Aikasarjat", "Aikasarjat"),
    (None, "Tehtäväkooste"),
]
NO_SLIDE_PDF = "luku 4"  # this lesson's slide PDF is not built; a space in its name, too

FINNISH = words_for("fi")


def pdfinfo_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)$", info.stdout, re.MULTILINE)[1])


@pytest.fixture(scope="module")
def browser():
    with open_browser() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def chromium_pdf(browser, tmp_path_factory) -> Path:
    """A 30-page PDF printed by Chromium (Skia nests its page tree: /Count 8 comes first)."""
    path = tmp_path_factory.mktemp("chromium") / "sivut.pdf"
    page = browser.new_page()
    page.set_content("".join(f'<p style="break-before: page">Sivu {n}</p>' for n in range(30)))
    page.pdf(path=str(path))
    page.close()
    return path


# -- page and slide counts ----------------------------------------------------------


def test_page_count_of_a_typst_handout_is_pdfinfos(seed_build):
    handout = seed_build / f"{LESSON}.pdf"
    assert pdf_page_count(handout) == pdfinfo_pages(handout) > 1
    slides = seed_build / f"{LESSON}-slides.pdf"
    assert pdf_page_count(slides) == pdfinfo_pages(slides) > 1


def test_page_count_of_a_chromium_pdf_is_its_page_tree_roots(chromium_pdf):
    # The first /Count in the file is a subtree's; only the root's is the document's.
    first = int(re.search(rb"/Count\s+(\d+)", chromium_pdf.read_bytes())[1])
    assert first != 30
    assert pdf_page_count(chromium_pdf) == pdfinfo_pages(chromium_pdf) == 30
    assert first != pdf_page_count(chromium_pdf)


def packed_update(pdf: bytes, kept: int) -> bytes:
    """``pdf`` with an incremental update keeping its first ``kept`` pages, saved as PDF 1.5 does.

    The update's catalog and page tree root are in a compressed object stream,
    found through a cross-reference stream; the first version stays in the file.
    """
    catalog = int(re.search(rb"(\d+) 0 obj\s*<<\s*/Type\s*/Catalog", pdf)[1])
    tree = int(re.search(rb"(\d+) 0 obj\s*<<\s*/Type\s*/Pages", pdf)[1])
    kids = re.findall(rb"\d+ 0 R", re.search(rb"/Kids\s*\[(.*?)\]", pdf, re.DOTALL)[1])
    size = int(re.findall(rb"/Size\s+(\d+)", pdf)[-1])
    previous = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    packed = [
        b"<</Type/Catalog/Pages %d 0 R>>" % tree,
        b"<</Type/Pages/Count %d/Kids[%s]>>" % (kept, b" ".join(kids[:kept])),
    ]
    offsets = [sum(len(text) + 1 for text in packed[:n]) for n in range(len(packed))]
    header = b"%d %d %d %d\n" % (catalog, offsets[0], tree, offsets[1])
    data = zlib.compress(header + b"\n".join(packed) + b"\n")
    stream, xref = size, size + 1
    update = b"\n"
    stream_at = len(pdf) + len(update)
    update += b"%d 0 obj\n<</Type/ObjStm/N 2/First %d/Filter/FlateDecode/Length %d>>stream\n" % (
        stream,
        len(header),
        len(data),
    )
    update += data + b"\nendstream\nendobj\n"
    xref_at = len(pdf) + len(update)
    rows = {
        catalog: (2, stream, 0),
        tree: (2, stream, 1),
        stream: (1, stream_at, 0),
        xref: (1, xref_at, 0),
    }
    table = b"".join(struct.pack(">BIH", *rows[number]) for number in sorted(rows))
    index = b" ".join(b"%d 1" % number for number in sorted(rows))
    update += b"%d 0 obj\n<</Type/XRef/Size %d/W[1 4 2]/Index[%s]/Prev %d/Root %d 0 R" % (
        xref,
        xref + 1,
        index,
        previous,
        catalog,
    )
    update += b"/Length %d>>stream\n" % len(table) + table + b"\nendstream\nendobj\n"
    return pdf + update + b"startxref\n%d\n%%%%EOF\n" % xref_at


def test_page_count_reads_an_update_in_an_object_stream(seed_build, tmp_path):
    handout = seed_build / f"{LESSON}.pdf"
    updated = tmp_path / "paivitetty.pdf"
    updated.write_bytes(packed_update(handout.read_bytes(), kept=2))
    assert pdfinfo_pages(handout) > 2
    assert pdf_page_count(updated) == pdfinfo_pages(updated) == 2
    assert pdf_page_count(handout) == pdfinfo_pages(handout)  # the first version is not read


def test_a_damaged_pdf_has_no_page_count(seed_build, tmp_path):
    whole = (seed_build / f"{LESSON}.pdf").read_bytes()
    for name, data in {"puolikas.pdf": whole[: len(whole) // 2], "ei.pdf": b"%PDF-1.7\n"}.items():
        (tmp_path / name).write_bytes(data)
        assert pdf_page_count(tmp_path / name) is None, name
    assert pdf_page_count(tmp_path / "puuttuu.pdf") is None


def test_deck_slide_count_is_reveals(browser, seed_build):
    deck = seed_build / f"{LESSON}.html"
    with open_deck(browser, deck, DeckReport(deck)) as page:
        total = page.evaluate("Reveal.getTotalSlides()")
    # A chapter's vertical stack is a <section> too, but no slide.
    assert deck_slide_count(deck) == total == len(slides(deck)) > 2
    assert deck.read_text(encoding="utf-8").count("<section") > total


# -- as the page says it ------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "1 kt"),
        (1023, "1 kt"),
        (200 * 1024 + 600, "201 kt"),
        (999 * 1024, "999 kt"),
        (1000 * 1024, "1,0 Mt"),
        (int(1.24 * 1024**2), "1,2 Mt"),
        (int(9.96 * 1024**2), "10 Mt"),
        (15 * 1024**2, "15 Mt"),
    ],
)
def test_sizes_are_written_as_in_finnish(size, shown):
    assert human_size(size, FINNISH) == shown.replace(" ", NBSP)


def test_counts_are_singular_for_one():
    assert counted(1, "sivu", "sivua") == f"1{NBSP}sivu"
    assert counted(12, "sivu", "sivua") == f"12{NBSP}sivua"
    assert counted(None, "sivu", "sivua") == ""


# -- the page, from real outputs -------------------------------------------------------


@pytest.fixture(scope="module")
def site(seed_build, chromium_pdf, tmp_path_factory) -> Path:
    """An index of SITE's lessons over real outputs: the seed's deck and handout, Chromium's PDF."""
    out = tmp_path_factory.mktemp("index")
    lessons = []
    for number, (chapter, title) in enumerate(SITE):
        slug = NO_SLIDE_PDF if number == 4 else f"luku-{number}"
        shutil.copy(seed_build / f"{LESSON}.html", out / f"{slug}.html")
        shutil.copy(seed_build / f"{LESSON}.pdf", out / f"{slug}.pdf")
        if slug != NO_SLIDE_PDF:
            shutil.copy(chromium_pdf, out / f"{slug}-slides.pdf")
        lessons.append(Lesson(Path(f"{slug}.md"), slug, b"", {}, "", 1, title, chapter))
    course = open_course(PROJECT_ROOT)
    (out / "index.html").write_text(
        render_index(course, lessons, frozenset(), out), encoding="utf-8"
    )
    return out


LINK = re.compile(
    r'<a href="([^"]*)"( download)?>\s*<span class="label">([^<]*)</span>'
    r'\s*<span class="facts">([^<]*)</span></a>'
)


def links_by_lesson(page: str) -> list[list[tuple[str, bool, str, str]]]:
    """Each lesson's links, in order: (href, downloads, label, facts)."""
    items = page.split('<li class="lesson">')[1:]
    return [[(h, bool(d), label, facts) for h, d, label, facts in LINK.findall(i)] for i in items]


def test_every_lesson_links_its_files_with_their_size_and_count(site, chromium_pdf, seed_build):
    deck, handout = seed_build / f"{LESSON}.html", seed_build / f"{LESSON}.pdf"
    deck_facts = f"{len(slides(deck))}{NBSP}diaa · {human_size(deck.stat().st_size, FINNISH)}"
    handout_facts = (
        f"{pdfinfo_pages(handout)}{NBSP}sivua · {human_size(handout.stat().st_size, FINNISH)}"
    )
    slides_facts = f"30{NBSP}sivua · {human_size(chromium_pdf.stat().st_size, FINNISH)}"
    found = links_by_lesson((site / "index.html").read_text(encoding="utf-8"))
    assert len(found) == len(SITE)
    for links in found:
        slug = unquote(links[0][0]).removesuffix(".html")
        expected = [(f"{slug}.html", False, "Diat (HTML)", deck_facts)]
        if slug != NO_SLIDE_PDF:  # a slide PDF is listed only when it is there
            expected.append((f"{slug}-slides.pdf", True, "Diat (PDF)", slides_facts))
        expected.append((f"{slug}.pdf", True, "Moniste (PDF)", handout_facts))
        assert [(unquote(h), d, label, facts) for h, d, label, facts in links] == expected
        assert all((site / unquote(href)).is_file() for href, *_ in links)


def test_lessons_are_grouped_by_chapter_and_headings_are_in_order(site):
    # A lesson outside any chapter is headed at the chapters' level, never skipping one.
    expected, chapter_now = [("1", "Neuroverkot 101")], None
    for chapter, title in SITE:
        if chapter and chapter != chapter_now:
            expected.append(("2", chapter))
        expected.append(("3" if chapter else "2", title))
        chapter_now = chapter
    page = (site / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<h([1-6])[^>]*>([^<]*)</h\1>", page) == expected


def test_a_missing_file_is_not_linked_and_an_unreadable_one_has_no_count(site, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(site, out)
    (out / "luku-1.html").unlink()
    (out / "luku-2.pdf").write_bytes(b"%PDF-1.7\n")
    lessons = [Lesson(Path(f"{s}.md"), s, b"", {}, "", 1, s, None) for s in ("luku-1", "luku-2")]
    first, second = (
        entry["downloads"] for entry in index_entries(lessons, out, frozenset(), FINNISH)
    )
    assert [link["label"] for link in first] == ["Diat (PDF)", "Moniste (PDF)"]
    assert second[-1]["facts"] == human_size(9, FINNISH)


# -- on a phone and a desktop ---------------------------------------------------------

MEASURE_PAGE = """() => {
  const box = (e) => e.getBoundingClientRect();
  const shown = (e) => { const s = getComputedStyle(e), b = box(e);
    return s.visibility !== 'hidden' && s.display !== 'none' && b.width > 0 && b.height > 0; };
  const texts = [...document.querySelectorAll('body *')].filter((e) =>
    [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    width: innerWidth,
    smallestText: Math.min(...texts.map((e) => parseFloat(getComputedStyle(e).fontSize))),
    clipped: texts.filter((e) => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
      .map((e) => e.textContent.trim()),
    lessons: [...document.querySelectorAll('.lesson')].map((lesson) =>
      [...lesson.querySelectorAll('a')].map((a) => ({
        text: a.textContent.trim(), shown: shown(a),
        left: box(a).left, right: box(a).right, top: box(a).top,
        width: box(a).width, height: box(a).height }))),
  };
}"""


@pytest.fixture(scope="module", params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def shown(request, browser, site) -> dict:
    """The index in Chromium at a screen's size: measured, and axe-core's violations."""
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto((site / "index.html").as_uri())
    measured = page.evaluate(MEASURE_PAGE)
    page.add_script_tag(path=str(AXE))
    measured["axe"] = page.evaluate(
        "async () => (await axe.run()).violations.map((v) => [v.id, v.impact, v.nodes.length])"
    )
    context.close()
    return measured


def test_the_page_never_scrolls_sideways(shown):
    assert shown["scrollWidth"] <= shown["width"]
    assert shown["clipped"] == []


def test_no_text_is_smaller_than_16_px(shown):
    assert shown["smallestText"] >= 16


def test_every_link_is_shown_whole_and_is_a_44_px_target(shown):
    # WCAG 2.2 asks 24 × 24 CSS px at least (2.5.8); 44 (2.5.5) is easy for a thumb.
    assert len(shown["lessons"]) == len(SITE)
    for number, links in enumerate(shown["lessons"]):
        assert len(links) == (2 if number == 4 else 3)  # lesson 4 has no slide PDF
        for link in links:
            assert link["shown"], link
            assert link["left"] >= 0 and link["right"] <= shown["width"], link
            assert link["width"] >= 44 and link["height"] >= 44, link


def test_a_lessons_files_are_side_by_side_on_a_desktop_and_stacked_on_a_phone(shown):
    full = [links for links in shown["lessons"] if len(links) == 3]
    tops = {len({round(link["top"]) for link in links}) for links in full}
    assert tops == ({1} if shown["width"] == DESKTOP[0] else {3})


def test_axe_finds_no_accessibility_violations(shown):
    assert shown["axe"] == []


# -- in a build ----------------------------------------------------------------------------


def index_facts(out: Path) -> list[str]:
    return [facts for _, _, _, facts in LINK.findall((out / "index.html").read_text("utf-8"))]


# A site whose page shows no course figure: its first build draws none.
MKDOCS_YML = "site_name: Testisivusto\ntheme:\n  name: material\n  language: fi\n"
PAGE = "# Pieni oppitunti\n\n## Osio\n\n### Dia\n\nProosaa.\n"


def test_the_index_follows_its_lessons_files_and_a_no_op_build_writes_nothing(tmp_path):
    for name, text in {"mkdocs.yml": MKDOCS_YML, "docs/a.md": PAGE}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "build"
    built = run_build(tmp_path, slide_pdfs=True)
    assert built.returncode == 0, built.stderr
    first = index_facts(out)
    longer = PAGE + "".join(f"\n## Lisäosio {n}\n\n" + "Sanoja. " * 300 for n in range(4))
    (tmp_path / "docs" / "a.md").write_text(longer, encoding="utf-8")
    result = run_build(tmp_path, slide_pdfs=True)
    assert result.returncode == 0, result.stderr
    # Rendered after the lesson's files were written: their new sizes and counts.
    deck, handout = out / "a.html", out / "a.pdf"
    facts = index_facts(out)
    assert facts[0] == f"{len(slides(deck))}{NBSP}diaa · {human_size(deck.stat().st_size, FINNISH)}"
    assert facts[-1].startswith(f"{pdfinfo_pages(handout)}{NBSP}sivua · ")
    assert facts != first
    # A slide PDF is listed exactly when the build made one.
    page = (out / "index.html").read_text(encoding="utf-8")
    assert ('href="a-slides.pdf"' in page) == (out / "a-slides.pdf").is_file()
    before = {path: path.stat().st_mtime_ns for path in out.rglob("*")}
    again = run_build(tmp_path, slide_pdfs=True)
    assert ["skip", str(out / "index.html")] in [line.split() for line in again.stdout.splitlines()]
    after = {path: path.stat().st_mtime_ns for path in out.rglob("*")}
    assert [path.name for path in before if before[path] != after[path]] in (
        [],
        [".build-state.json"],
    )
