"""The first lesson, templated and untouched, to a deck, a handout and an index."""

from __future__ import annotations

import re
import shutil

import pypdf
import pytest

from tests.support.course_factory import (
    NO_FIGURE_CACHE,
    PROJECT_ROOT,
    SEED_PAGE,
    make_course,
    outputs,
    run_build,
)
from tests.support.deck_slides import slide_titled, slides
from tests.support.slide_rules import prose_only_sections

LESSON = "100_neuroverkot_101"
MAX_DECK_BYTES = 1_500_000


@pytest.fixture(scope="module")
def course_build(tmp_path_factory):
    """The project's own course, built once into a temporary folder."""
    out = tmp_path_factory.mktemp("course")
    result = run_build(PROJECT_ROOT, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out, result


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory):
    """The instructor's page exactly as written (no Jinja), built as a single page."""
    root = tmp_path_factory.mktemp("seed")
    course = make_course(root, {})
    shutil.copy(SEED_PAGE, course / "seed.md")
    result = run_build(course, str(course / "seed.md"), "--out", str(root / "out"))
    assert result.returncode == 0, result.stderr
    return root / "out"


def deck(out, name=LESSON):
    """The deck's HTML with whitespace runs folded, as Pandoc wraps long lines."""
    return " ".join((out / f"{name}.html").read_text(encoding="utf-8").split())


def handout_text(path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_build_writes_deck_handout_index_and_figures(course_build):
    out, _ = course_build
    for name in (f"{LESSON}.html", f"{LESSON}.pdf", "index.html", "images/100_ShallowNet.svg"):
        assert (out / name).is_file(), name


def test_deck_is_one_offline_file_within_budget(course_build):
    out, _ = course_build
    html = deck(out)
    assert len(html.encode("utf-8")) <= MAX_DECK_BYTES
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=\"(https?:)?//", html)
    assert "@import" not in html and "url(http" not in html
    # Four figures and the build-up's four slide figures (its a–j figure is the handout's).
    assert html.count('src="data:image/svg+xml;base64,') == 8
    assert "Reveal.initialize" in html and "RevealNotes" in html


def test_deck_has_title_slide_math_notes_points_and_sources(course_build):
    html = deck(course_build[0])
    assert html.count("<math") >= 10  # inline and display math as MathML
    assert '<aside class="notes">' in html
    assert "<mark>" not in html.split('<aside class="notes">')[0] or "<li>" in html
    assert "logaritmiseen taulukkoon suoran viivan" in html  # a highlighted point
    assert "Lähteet" in html and "Understanding Deep Learning" in html
    assert "(jatkuu)" in html  # several figures in one section are split
    assert "Historia" not in html  # the TODO section is left out


def figure_numbers(deck_path) -> list[int]:
    """The "Kuva N:" of every figure caption on the slides, in deck order."""
    pattern = r"<figcaption[^>]*>\s*<strong>Kuva (\d+):</strong>"
    return [int(n) for slide in slides(deck_path) for n in re.findall(pattern, slide.shown)]


def test_deck_numbers_figures_in_order(course_build, seed_build):
    for deck_path in (course_build[0] / f"{LESSON}.html", seed_build / "seed.html"):
        numbers = figure_numbers(deck_path)
        # A figure shown step by step repeats its number; none is skipped or reordered.
        assert numbers[0] == 1 and numbers == sorted(numbers), numbers
        assert sorted(set(numbers)) == [1, 2, 3, 4, 5], numbers
        assert "Kuva 3s" not in deck_path.read_text(encoding="utf-8")


def test_prose_only_slides_show_their_lead(course_build):
    deck_path = course_build[0] / f"{LESSON}.html"
    page = (PROJECT_ROOT / "slides" / f"{LESSON}.md").read_text(encoding="utf-8")
    assert prose_only_sections(page) == ["Koulutus ja inferenssi", "Koulutus"]
    training = slide_titled(deck_path, "Koulutus")
    assert training.points == [
        "Koulutusvaiheessa mallille syötetään koulutusdataa.",
        "Neuroverkkojen koulutukseen liittyy yksi hyvinkin keskeinen ero perinteisiin "
        "malleihin verrattuna: Neuroverkot oppivat itse piirteet (feature learning).",
        "Koulutuksen aikana tarvittu muistin määrä riippuu monesta tekijästä.",
    ]
    assert "Tätä toistetaan useita kertoja" in training.notes_text
    assert slide_titled(deck_path, "Koulutus ja inferenssi").points[0] == (
        "Kurssilla käsitellään neuroverkkojen koulutusta ja inferenssiä (eli mallin käyttöä)."
    )
    # A section with nothing of its own stays a divider; highlights are points.
    assert slide_titled(deck_path, "Matalat neuroverkot").points == []
    assert slide_titled(deck_path, "Määritelmä").points == [
        "tekee matalan se, että siinä on vain yksi piilokerros"
    ]


def test_jinja_values_come_from_the_network_and_the_model_table(course_build):
    html = deck(course_build[0])
    # 1 input and 3 hidden units: 3 weights + 3 biases = 6 hidden-layer parameters.
    assert "Yhteensä painoja on siis kuusi" in html
    assert "1 x 3" in html
    # Memory = parameters × bytes: 110M × 4 B, 66M × 4 B, 66M × 1 B.
    for memory in ("~440 MB", "~264 MB", "~66 MB"):
        assert memory in html
    assert "110M * 4B = 440MB" in html
    assert "{{" not in html and "{%" not in html


def test_captions_credit_the_source_as_adapted(course_build):
    text = handout_text(course_build[0] / f"{LESSON}.pdf")
    assert "mukaillen" in text
    assert "CC-BY-NC-ND" not in text


def test_handout_numbers_figures_in_order_and_has_metadata(course_build):
    path = course_build[0] / f"{LESSON}.pdf"
    reader = pypdf.PdfReader(path)
    assert 3 <= len(reader.pages) <= 12
    text = handout_text(path)
    positions = [text.find(f"Kuva {n}:") for n in range(1, 6)]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), positions
    assert "Kuva 3s" not in text  # the source's own numbering is replaced
    assert reader.metadata.title == "Neuroverkot 101"
    assert reader.metadata.author
    assert "Tehtävä" in text


def test_index_links_every_lesson(course_build):
    index = (course_build[0] / "index.html").read_text(encoding="utf-8")
    assert f'href="{LESSON}.html"' in index
    assert f'href="{LESSON}.pdf"' in index
    assert "Neuroverkot 101" in index


def test_untouched_seed_page_builds_too(seed_build):
    html = deck(seed_build, "seed")
    assert "Yhteensä painoja on siis kuusi" in html
    assert html.count('src="data:image/svg+xml;base64,') == 8  # as above
    assert (seed_build / "seed.pdf").stat().st_size > 10_000
    text = handout_text(seed_build / "seed.pdf")
    assert "Kuva 5:" in text


def test_two_clean_builds_are_byte_identical(course_build, tmp_path):
    first, _ = course_build
    result = run_build(PROJECT_ROOT, "--out", str(tmp_path), env=NO_FIGURE_CACHE)
    assert result.returncode == 0, result.stderr
    first_files = outputs(first)
    second_files = outputs(tmp_path)
    assert first_files.keys() == second_files.keys()
    for name, data in first_files.items():
        if name != ".build-state.json":
            assert data == second_files[name], f"{name} differs between two clean builds"
