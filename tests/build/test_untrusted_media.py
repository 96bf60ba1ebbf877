"""What a page shows is untrusted: images, addresses, its HTML, and what Pandoc and Typst spend.

Issue 19: a 1.5 MB PNG of 40000² pixels took Typst to 1.6 GB; a link card's
``data-href="javascript:…"`` became a link in the handout; an unclosed
``<textarea>`` silently dropped the rest of the page; Pandoc and Typst ran
without a bound. Each is now one line naming the page, exit 1, nothing written.
"""

from __future__ import annotations

import re
import struct
import subprocess
import time
import zlib
from pathlib import Path

import pypdf
import pytest

from coursebuild.core import limits
from coursebuild.core.errors import BuildError, one_line
from coursebuild.core.url_policy import is_allowed_url
from coursebuild.handout.compile import finish_typst, start_typst, typst_failure
from coursebuild.pandoc.run import (
    HANDOUT_ARGUMENTS,
    language_arguments,
    pandoc_command,
    run_pandoc,
)
from coursebuild.reading.sanitize import dropped_text, sanitize_html
from tests.support.course_factory import before_summary, make_course, mkdocs_yml, run_build
from tests.support.images import png

PAGE = "# Sivu\n\n## Osio\n\n### Dia\n\nTeksti.\n\n"  # what follows starts on line 9
CONFIG = mkdocs_yml("attr_list", "md_in_html")


def make_site(root: Path, page: str, files: dict[str, str | bytes] | None = None) -> Path:
    make_course(root, {"mkdocs.yml": CONFIG, "docs/sivu.md": page, **(files or {})})
    (root / "course.toml").unlink()
    return root


def build(root: Path) -> subprocess.CompletedProcess:
    return run_build(root, "--out", str(root / "out"))


def assert_refused(result, root: Path, line: int | None, message: str) -> None:
    """Exit 1, one error line naming the page (and ``line``), no traceback, no page outputs."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = before_summary(result.stderr).splitlines()
    errors = [text for text in lines if not text.startswith("warning: ")]
    assert len(errors) == 1, errors
    where = f"{root / 'docs' / 'sivu.md'}" + (f":{line}" if line else "")
    assert errors[0].startswith(f"error: {where}: "), errors[0]
    assert message in errors[0], errors[0]
    assert not (root / "out" / "sivu.html").exists()
    assert not (root / "out" / "sivu.pdf").exists()


def build_in_process(root: Path, monkeypatch, capsys) -> tuple[int, str]:
    """build.py's main() in this process, so a limit patched here holds in its children."""
    from coursebuild import cli

    monkeypatch.setattr(cli.INTERRUPTS, "install", lambda: None)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    arguments = ["--course", str(root), "--out", str(root / "out"), "-j", "1", "-q"]
    code = cli.main([*arguments, "--no-slide-pdfs"])
    return code, capsys.readouterr().err


# -- images: size from the header, before anything decodes them -------------------------------


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width``×``height`` pixels, with almost no pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1000)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("markup", "image", "message"),
    [
        ("![Kuva](kuva.png)", png_claiming(100_000, 100_000), "is 100000×100000 pixels"),
        (
            "![Kuva](kuva.png)",
            png_claiming(8000, 5001),
            "is 8000×5001 pixels, more than 40 million",
        ),
        ('<img src="kuva.png" alt="Kuva">', png_claiming(70_000, 70_000), "is 70000×70000 pixels"),
        ("![Kuva](kuva.png)", b"not an image at all\n", "no size in its header"),
    ],
)
def test_an_image_too_big_to_decode_is_refused_from_its_header(tmp_path, markup, image, message):
    root = make_site(tmp_path, PAGE + markup + "\n", {"docs/kuva.png": image})
    started = time.monotonic()
    assert_refused(build(root), root, 9, message)
    assert time.monotonic() - started < 60


def test_an_image_file_over_the_size_limit_is_refused(tmp_path):
    root = make_site(tmp_path, PAGE + "![Kuva](kuva.svg)\n")
    with open(root / "docs" / "kuva.svg", "wb") as image:
        image.truncate(limits.MAX_IMAGE_BYTES + 1)  # sparse: no disk is spent
    assert_refused(build(root), root, 9, "is 25 MB, more than 25 MB")


def test_an_image_at_the_pixel_limit_is_shown(tmp_path):
    # 8000×5000 is the limit itself: allowed (a check made with >= would refuse it).
    root = make_site(tmp_path, PAGE + "![Kuva](kuva.png)\n", {"docs/kuva.png": png(8, 5)})
    from coursebuild.reading.images import check_image_size

    path = root / "docs" / "iso.png"
    path.write_bytes(png_claiming(8000, 5000))
    check_image_size(path, "iso.png", root / "docs" / "sivu.md", 9)
    assert build(root).returncode == 0


# -- Pandoc and Typst: memory and time -------------------------------------------------------

LONG_LIST = "".join(f"- kohta {number} **lihava**\n" for number in range(20_000))


def test_pandoc_over_its_heap_limit_stops_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(limits, "PANDOC_HEAP_MB", 20)
    assert "-M20m" in pandoc_command(())
    root = make_site(tmp_path, PAGE + LONG_LIST)
    code, stderr = build_in_process(root, monkeypatch, capsys)
    assert code == 1 and before_summary(stderr).count("\n") == 1, stderr
    page = root / "docs" / "sivu.md"
    assert (
        before_summary(stderr)
        == f"error: {page}: Pandoc needs more than 20 MB of memory for the page\n"
    )
    assert not (root / "out" / "sivu.html").exists()


def test_pandoc_over_its_time_limit_stops_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(limits, "PANDOC_SECONDS", 0.2)
    root = make_site(tmp_path, PAGE + LONG_LIST)
    started = time.monotonic()
    code, stderr = build_in_process(root, monkeypatch, capsys)
    assert code == 1 and time.monotonic() - started < 30
    page = root / "docs" / "sivu.md"
    assert (
        before_summary(stderr)
        == f"error: {page}: Pandoc runs longer than 0.2 s on the page; stopped\n"
    )


def test_typst_over_its_memory_limit_stops_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(limits, "TYPST_MEMORY_MB", 24)  # a 3000-item list needs more
    root = make_site(tmp_path, PAGE + LONG_LIST[: LONG_LIST.index("- kohta 3000 ")])
    code, stderr = build_in_process(root, monkeypatch, capsys)
    assert code == 1
    page = root / "docs" / "sivu.md"
    assert (
        before_summary(stderr)
        == f"error: {page}: Typst needs more than 24 MB of memory for the handout\n"
    )
    assert not (root / "out" / "sivu.pdf").exists()


def test_typst_over_its_time_limit_stops_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(limits, "TYPST_SECONDS", 0.01)
    root = make_site(tmp_path, PAGE + "- kohta\n")
    code, stderr = build_in_process(root, monkeypatch, capsys)
    assert code == 1
    page = root / "docs" / "sivu.md"
    assert (
        before_summary(stderr)
        == f"error: {page}: Typst runs longer than 0.01 s on the handout; stopped\n"
    )


# A billion additions (Typst stops a bare `while` as "infinite", and a huge range at its memory).
LOOP = (
    '#set document(title: "x")\n= O\n'
    "#{ let x = 0; for i in range(10000) { for j in range(100000) { x += 1 } }; x }"
)


def test_typst_over_its_cpu_limit_is_killed(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "TYPST_CPU_SECONDS", 1)
    started = time.monotonic()
    with pytest.raises(BuildError) as caught:
        finish_typst(start_typst(0), LOOP, Path("sivu.md"), tmp_path)
    assert caught.value.message == "Typst runs over 1 s of CPU time on the handout; stopped"
    assert time.monotonic() - started < 10


def test_a_typst_panic_is_one_line_not_its_backtrace():
    stderr = (
        "thread '<unnamed>' panicked at crates/typst/src/image.rs:12:5:\n"
        "capacity overflow\nstack backtrace:\n"
        + "".join(f"  {n}: typst::frame{n}\n" for n in range(98))
    )
    message = typst_failure(101, stderr)
    assert message == "Typst failed: panic: capacity overflow"
    assert one_line("\n\n  ") == "no message"
    # Pandoc names the failing filter on its first line and why on the next: both are kept.
    lua = "Error running Lua:\n/x/slides.lua:12: attempt to index a nil value\n"
    assert one_line(lua) == "Error running Lua: /x/slides.lua:12: attempt to index a nil value"


# -- one URL policy for the deck and the handout -------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://example.org/", True),
        ("http://example.org/", True),
        ("mailto:opettaja@example.org", True),
        ("kuvat/kuva.png", True),
        ("#osa", True),
        ("/tmp/build/images/x.svg", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" \x01javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:x", False),
    ],
)
def test_the_url_policy(url, allowed):
    assert is_allowed_url(url) is allowed


URL_PAGE = (
    PAGE
    + "[tiedosto](file:///etc/passwd), [skripti](javascript:alert(1)), "
    + "[data](data:text/html,x) ja [oikea](https://example.org/ok).\n\n"
    + '<div class="link-card" data-href="javascript:alert(2)"><p>Kortti JS</p></div>\n\n'
    + '<div class="link-card" data-href="file:///etc/passwd"><p>Kortti tiedosto</p></div>\n\n'
    + '<div class="link-card" data-href="https://example.org/kortti"><p>Kortti hyvä</p></div>\n'
)
FORBIDDEN = re.compile(r"javascript:|file:|data:text", re.IGNORECASE)


def pdf_link_targets(path: Path) -> list[str]:
    targets = []
    for page in pypdf.PdfReader(path).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                targets.append(str(action["/URI"]))
    return targets


def test_links_outside_the_policy_reach_neither_the_deck_nor_the_handout(tmp_path):
    root = make_site(tmp_path, URL_PAGE)
    result = build(root)
    assert result.returncode == 0, result.stderr
    deck = (root / "out" / "sivu.html").read_text(encoding="utf-8")
    slides = deck[deck.index('<div class="slides">') : deck.index('<div class="deck-footer"')]
    assert not FORBIDDEN.search(slides), FORBIDDEN.search(slides)
    assert 'href="https://example.org/ok"' in slides
    assert 'data-href="https://example.org/kortti"' in slides
    targets = pdf_link_targets(root / "out" / "sivu.pdf")
    assert "https://example.org/ok" in targets and "https://example.org/kortti" in targets
    assert not [target for target in targets if FORBIDDEN.search(target)], targets


def test_the_first_filter_applies_the_policy_behind_the_sanitizer(tmp_path):
    """HTML that never passed sanitize.py: Pandoc's first filter still drops the addresses."""
    card = '<div class="link-card" data-href="{}"><p>Kortti</p></div>'
    html = "<h1>T</h1>" + card.format("file:///etc/passwd") + card.format("https://example.org/")
    html += '<p><a href="javascript:alert(1)">js</a> <a href="https://example.org/a">a</a></p>'
    arguments = (*HANDOUT_ARGUMENTS, *language_arguments("fi"))
    typst, _ = run_pandoc(html, arguments, tmp_path / "sivu.md", "")
    assert "file:" not in typst and "javascript:" not in typst
    assert '"https://example.org/"' in typst and '"https://example.org/a"' in typst
    # Without the policy's metadata the filter allows no scheme at all: it fails closed.
    bare = tuple(argument for argument in arguments if "url-schemes" not in argument)
    typst, _ = run_pandoc(html, bare, tmp_path / "sivu.md", "")
    assert "https://example.org/a" not in typst


def test_the_sanitizer_drops_a_link_cards_forbidden_address():
    card = '<div class="link-card" data-href="{}"><p>x</p></div>'
    assert "data-href" not in sanitize_html(card.format("javascript:alert(1)"))
    assert "data-href" not in sanitize_html(card.format("file:///etc/passwd"))
    assert 'data-href="https://example.org/"' in sanitize_html(card.format("https://example.org/"))


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="a.png" alt="x" style="background: url(https://evil.example/)">',
        '<p style="background: url(https://evil.example/)">x</p>',
        '<span style="color: red">x</span>',
    ],
)
def test_no_style_attribute_passes_but_a_table_cells_alignment(markup):
    # CSS can fetch; the deck's policy would block it, but the allow-list must not rely on that.
    cleaned = sanitize_html(markup)
    assert "style" not in cleaned and "evil" not in cleaned
    cell = '<table><tr><td style="text-align: right;">1</td></tr></table>'
    assert 'style="text-align: right;"' in sanitize_html(cell)


# -- nothing dropped silently ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "opening"),
    [
        ("<textarea>\n\nLoppuosa, joka katoaisi.\n", "<textarea"),
        ("<math><mtext><table><mglyph><style><!--\n\nLoppuosa, joka katoaisi.\n", "<style"),
        ("<script>\n\nLoppuosa, joka katoaisi.\n", "<script"),
    ],
)
def test_an_element_swallowing_the_rest_of_the_page_is_an_error_at_its_line(
    tmp_path, payload, opening
):
    root = make_site(tmp_path, PAGE + "<!-- suljettu kommentti -->\n\n" + payload)
    assert_refused(build(root), root, 11, f"{opening}… is never closed, and hides the rest")


def test_a_closed_textarea_and_comment_lose_only_their_own_content(tmp_path):
    page = PAGE + "<textarea>lomake</textarea>\n\n<!-- muistiinpano -->\n\nLoppuosa jää.\n"
    root = make_site(tmp_path, page)
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert "Loppuosa jää." in (root / "out" / "sivu.html").read_text(encoding="utf-8")


def test_dropped_text_finds_what_the_allow_list_lost():
    assert dropped_text("<p>a <b>b</b></p>", "<p>a b</p>") == []
    assert dropped_text('<p title="x > y">Teksti</p>', "<p>Teksti</p>") == []
    assert dropped_text("<p>a</p><textarea>b</textarea>", "<p>a</p>") == []
    assert dropped_text("<p>a</p><textarea><p>b c</p>", "<p>a</p>") == ["b", "c"]
    assert dropped_text("<p>a</p><!-- b", "<p>a</p>") == ["b"]


# -- mermaid diagrams ---------------------------------------------------------------------------

MERMAID_CONFIG = mkdocs_yml(
    "attr_list",
    "pymdownx.superfences:\n    custom_fences:\n      - name: mermaid\n        class: mermaid",
)


def test_more_diagrams_than_a_page_may_have_is_an_error_at_the_one_too_many(tmp_path):
    diagram = "```mermaid\ngraph LR\n  A --> B\n```\n\n"
    count = limits.MAX_DIAGRAMS_PER_PAGE + 1
    root = make_site(tmp_path, PAGE + diagram * count)
    (root / "mkdocs.yml").write_text(MERMAID_CONFIG, encoding="utf-8")
    started = time.monotonic()
    result = build(root)
    line = 9 + 5 * (count - 1) + 1  # the last diagram's first line of code
    assert_refused(result, root, line, "more than 40 mermaid diagrams on one page")
    assert time.monotonic() - started < 30


def test_a_diagram_over_mermaids_size_limit_is_an_error_at_its_line(tmp_path):
    edges = "\n".join(f"  n{number} --> n{number + 1}" for number in range(600))
    root = make_site(tmp_path, PAGE + f"```mermaid\ngraph TD\n{edges}\n```\n")
    (root / "mkdocs.yml").write_text(MERMAID_CONFIG, encoding="utf-8")
    assert_refused(build(root), root, 10, "Edge limit exceeded")


# -- math ----------------------------------------------------------------------------------------

MATH_CONFIG = mkdocs_yml("attr_list", "pymdownx.arithmatex:\n    generic: true")


def matrix(size: int) -> str:
    rows = " \\\\\n".join(" & ".join(f"a_{{{i},{j}}}" for j in range(size)) for i in range(size))
    return f"$$\n\\begin{{pmatrix}}\n{rows}\n\\end{{pmatrix}}\n$$\n"


def math_site(tmp_path: Path, math: str) -> Path:
    root = make_site(tmp_path, PAGE + "Kaava:\n\n" + math)
    (root / "mkdocs.yml").write_text(MATH_CONFIG, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("math", "line", "message"),
    [
        (matrix(100), 12, "a formula of 118,132 characters, more than 5,000"),  # took 71 s
        ("".join(f"${{x_{{{n}}}}}$ " for n in range(1001)), None, "more than 1,000 formulas"),
        (
            "\n\n".join(f"$$\n{'x + ' * 1200}y_{{{n}}}\n$$" for n in range(12)),
            None,
            "more than 50,000 characters of math on one page",
        ),
    ],
)
def test_more_math_than_a_lesson_has_is_refused(tmp_path, math, line, message):
    root = math_site(tmp_path, math)
    started = time.monotonic()
    assert_refused(build(root), root, line, message)
    assert time.monotonic() - started < 30


def test_a_twenty_by_twenty_matrix_is_within_the_limits(tmp_path):
    root = math_site(tmp_path, matrix(20))
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert "<mtable" in (root / "out" / "sivu.html").read_text(encoding="utf-8")


# -- the layout pass ------------------------------------------------------------------------------


def test_a_deck_whose_layout_takes_too_long_is_stopped_with_one_line(tmp_path, monkeypatch, capsys):
    # 6 000 list items took 67 s before this limit; here the limit is lowered instead.
    # A list too long for two slides is cut short: many slides of two slides' worth.
    monkeypatch.setattr(limits, "LAYOUT_SECONDS", 0.1)
    items = LONG_LIST[: LONG_LIST.index("- kohta 14 ")]
    root = make_site(tmp_path, PAGE + "".join(f"### Dia {n}\n\n{items}\n" for n in range(100)))
    code, stderr = build_in_process(root, monkeypatch, capsys)
    page = root / "docs" / "sivu.md"
    message = "the deck's layout pass failed: laying the deck out takes longer than 0.1 s"
    assert code == 1 and before_summary(stderr) == f"error: {page}: {message}\n"
    assert not (root / "out" / "sivu.html").exists()


def test_a_deck_of_more_slides_than_the_limit_is_stopped_with_one_line(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(limits, "MAX_SLIDES_PER_DECK", 3)
    slides = "".join(f"### Dia {number}\n\nTeksti {number}.\n\n" for number in range(4))
    root = make_site(tmp_path, "# Sivu\n\n## Osio\n\n" + slides)
    code, stderr = build_in_process(root, monkeypatch, capsys)
    page = root / "docs" / "sivu.md"
    message = "the deck's layout pass failed: the deck needs more than 3 slides"
    assert code == 1 and before_summary(stderr) == f"error: {page}: {message}\n"
