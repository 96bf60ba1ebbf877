"""The corpus is a test: every page of the instructor's two MkDocs sites, built and checked.

Each site is built once a session (build.py in a subprocess, -j 2); see
tests/support/corpus/__init__.py for how each side is counted. The sites are in
../shared/corpus; without them these tests fail, they never skip.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter

import pytest
import typst

from coursebuild.browser.chromium import open_browser
from coursebuild.pandoc.run import FILTERS_DIR
from tests.support.corpus import report
from tests.support.corpus.building import Page, SiteBuild, failed_pages, record_output
from tests.support.corpus.counts import count_handout_ast
from tests.support.corpus.deck_checks import deck_problems
from tests.support.corpus.layout import SITES, corpus_problem
from tests.support.corpus.markers import deck_markup_problems, find_markers, handout_markup_problems
from tests.support.corpus.page_checks import check_figure_order
from tests.support.corpus.pandoc_ast import ast_walk
from tests.support.corpus.run import check_corpus
from tests.support.corpus.sides import PageSides, handout_arguments, page_sides, site_course
from tests.support.images import png

pytestmark = pytest.mark.corpus
FAULT_PAGE = "neuroverkot/neuroverkot_101.md"  # math, admonitions, figures, footnotes, code


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for every deck of the corpus."""
    with open_browser() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def corpus(request, tmp_path_factory) -> dict[str, SiteBuild]:
    """Both sites built (once each), every page checked, every deck opened once."""
    problem = corpus_problem()
    if problem:
        pytest.fail(problem, pytrace=False)
    browser = request.getfixturevalue("browser")
    sites = check_corpus(tmp_path_factory.mktemp("corpus"), browser)
    return {site.name: site for site in sites}


def assert_none(site: SiteBuild, check: str) -> None:
    found = report.problems(site, check)
    assert not found, f"{len(found)} problem(s):\n" + "\n".join(found)


def test_the_corpus_is_there():
    problem = corpus_problem()
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.mark.parametrize("name", SITES)
def test_every_page_builds(corpus, name):
    assert_none(corpus[name], "build")


@pytest.mark.parametrize("name", SITES)
def test_the_handout_keeps_every_construct_the_site_shows(corpus, name):
    assert_none(corpus[name], "content")


@pytest.mark.parametrize("name", SITES)
def test_no_raw_markup_on_a_slide_or_in_the_speaker_notes(corpus, name):
    assert_none(corpus[name], "slide markup")


@pytest.mark.parametrize("name", SITES)
def test_no_raw_markup_in_the_handout(corpus, name):
    assert_none(corpus[name], "handout markup")


@pytest.mark.parametrize("name", SITES)
def test_every_handout_prints_its_figures_in_order(corpus, name):
    assert_none(corpus[name], "handout figures")


@pytest.mark.parametrize("name", SITES)
def test_every_slide_pdf_has_a_page_a_slide_titled_as_its_slide(corpus, name):
    assert_none(corpus[name], "slide pdf")


@pytest.mark.parametrize("name", SITES)
def test_the_index_counts_every_deck_and_handout_right(corpus, name):
    assert_none(corpus[name], "index")


@pytest.mark.parametrize("name", SITES)
def test_every_slide_passes_what_check_checks(corpus, name):
    """No overflow or shrinking, no small figure or text, no empty slide; every image, offline."""
    assert_none(corpus[name], "deck")


@pytest.mark.parametrize("name", SITES)
def test_axe_finds_nothing_serious_or_critical_on_any_deck(corpus, name):
    """Every slide and its speaker notes; moderate and minor findings go to the report."""
    unchecked = [page.name for page in corpus[name].pages if page.built and page.axe is None]
    assert unchecked == [], "axe did not run on these decks"
    assert_none(corpus[name], "accessibility")


# -- the check fails when it should ---------------------------------------------------------


def fault_page(corpus) -> tuple[Page, SiteBuild]:
    site = corpus["syvaoppiminen"]
    return next(page for page in site.pages if page.name == FAULT_PAGE), site


def test_a_handout_printing_its_figures_out_of_order_is_caught(corpus, tmp_path):
    page, site = fault_page(corpus)
    (tmp_path / "kuva.png").write_bytes(png(200, 150))
    figure = '#figure(image("kuva.png", width: 4cm), caption: [Kuva {}])'
    source = tmp_path / "kaksi.typ"
    body = "#set figure(supplement: [Kuva])\n#set figure.caption(separator: [: ])\n"
    # Numbered by hand against the reading order, as a float that overtook another.
    body += "#set figure(numbering: n => str(3 - n))\n"
    source.write_text(body + figure.format("a") + "\n\n" + figure.format("b"), encoding="utf-8")
    pdf = tmp_path / "kaksi.pdf"
    pdf.write_bytes(typst.compile(str(source), root=str(tmp_path)))
    fresh = Page(site.name, page.path, page.name, page.slug, page.chapter)
    check_figure_order(fresh, site, pdf)
    assert fresh.problems == {"handout figures": ["printed in the order [2, 1]"]}


def test_emoji_shortcodes_are_told_from_finnish_and_table_syntax():
    text = "SGD:lle: ja :---: ja :smile: ja :+1: ja 12:30:45"
    assert find_markers(text) == Counter({":emoji:": 2})
    assert find_markers("a == b, ==korostus==, C++ ja C++") == Counter({"==x==": 1})


def test_raw_markup_in_slide_prose_or_notes_is_caught_but_not_in_code():
    deck = """<div class="reveal"><div class="slides">
    <section><h3>Dia</h3><p>!!! note "Huom"</p><pre><code>$$ [^1] ```</code></pre>
      <aside class="notes"><p>Tämä on ==korostus== ja <code>==koodi==</code>.</p></aside>
    </section>
    <section><h3>Toinen</h3><p>Kaava <math><annotation>\\begin{a}</annotation></math>.</p></section>
    </div></div>"""
    found = deck_markup_problems(deck, Counter())
    assert len(found) == 2
    assert found[0].startswith("slide 1 'Dia': \"!!!\" ×1")
    assert found[1].startswith("notes 1 'Dia': \"==x==\" ×1")
    # What the site itself shows as text (an undefined footnote) is allowed as often.
    allowed = Counter({"[^": 1})
    assert deck_markup_problems(deck.replace("!!!", "[^x]"), allowed) == [found[1]]
    # Held to the page's total: one allowed, two shown, both slides named.
    twice = deck.replace("Kaava", "Otsikko!!! ja")
    assert len(deck_markup_problems(twice, Counter({"!!!": 1, "==x==": 1}))) == 2


def test_a_handout_that_loses_a_construct_fails_the_count(corpus):
    page, site = fault_page(corpus)
    sides = page_sides(page, site)
    assert sides.site == sides.handout
    tampered = json.loads(json.dumps(sides.doc))
    for node in ast_walk(tampered):
        if node["t"] == "CodeBlock":
            node["t"], node["c"] = "Para", [{"t": "Str", "c": "```python"}]
            break
    lost = sides.site.differences(count_handout_ast(tampered))
    code_blocks = sides.site.code_blocks
    assert lost == [f"code blocks: site {code_blocks}, handout {code_blocks - 1}"]
    found = handout_markup_problems(tampered, sides.site_markers)
    assert len(found) == 1 and '"```" ×1' in found[0]


def sides_with_broken_filter(corpus, folder, old: str, new: str) -> PageSides:
    """The fault page counted with a copy of mkdocs.lua where ``old`` is ``new``."""
    page, site = fault_page(corpus)
    original = FILTERS_DIR / "mkdocs.lua"
    source = original.read_text(encoding="utf-8")
    assert old in source, "mkdocs.lua changed: update this test's fault"
    broken = folder / "mkdocs.lua"
    broken.write_text(source.replace(old, new), encoding="utf-8")
    # It reads the build's metadata as the original does, from beside it.
    shutil.copy(FILTERS_DIR / "metadata.lua", folder / "metadata.lua")
    language = site_course(site.root).language
    arguments = tuple(
        argument.replace(str(original), str(broken))
        for argument in handout_arguments(language, folder)
    )
    return page_sides(page, site, arguments)


def test_a_filter_that_leaks_math_as_text_is_caught(corpus, tmp_path):
    sides = sides_with_broken_filter(
        corpus,
        tmp_path,
        "return pandoc.Math(kind, tex)",
        'return pandoc.Str("$$" .. tex .. "$$")',
    )
    assert sides.site.differences(sides.handout) == [f"math: site {sides.site.math}, handout 0"]
    found = handout_markup_problems(sides.doc, sides.site_markers)
    assert len(found) == 1 and f'"$$" ×{2 * sides.site.math}' in found[0]


def test_a_filter_that_drops_admonition_titles_is_caught(corpus, tmp_path):
    drop_title = (
        "local first = div.content[1]\n"
        'if first and first.t == "Div" and first.classes:includes("admonition-title") then\n'
        "  div.content:remove(1)\n"
        "end\n"
        "return div"
    )
    sides = sides_with_broken_filter(corpus, tmp_path, "return localise_title(div)", drop_title)
    titled = sides.site.admonition_titles
    assert titled > 0
    assert sides.site.differences(sides.handout) == [f"admonition titles: site {titled}, handout 0"]


def test_a_deck_image_that_does_not_load_is_caught(corpus, browser, tmp_path):
    page, site = fault_page(corpus)
    deck = (site.out / f"{page.slug}.html").read_text(encoding="utf-8")
    total, problems = deck_problems(browser, site.out / f"{page.slug}.html")
    assert total > 0 and problems == []
    marker = 'src="data:image/svg+xml;base64,'  # data-src="…", as Pandoc writes it
    assert marker in deck
    broken = tmp_path / "broken.html"
    broken.write_text(deck.replace(marker, marker + "AAAA", 1), encoding="utf-8")
    _, problems = deck_problems(browser, broken)
    assert len(problems) == 1 and "did not load" in problems[0]


def test_a_missing_corpus_fails_with_a_clear_message(tmp_path):
    problem = corpus_problem(tmp_path)
    assert problem is not None and str(tmp_path) in problem and "syvaoppiminen" in problem


def test_build_output_gives_each_page_its_time_and_warnings(tmp_path):
    page = Page("site", tmp_path / "docs" / "a.md", "a.md", "a", None)
    other = Page("site", tmp_path / "docs" / "ab.md", "ab.md", "ab", None)
    stdout = (
        f"figure   x.svg  (3 KiB)\nlesson   {page.path}  (1.5 s)\nlesson   {other.path}  (0.2 s)\n"
    )
    stderr = f"warning: {page.path}:7: image x.png has no caption\nwarning: {other.path}: y\n"
    record_output([page, other], stdout, stderr)
    assert (page.seconds, len(page.warnings)) == (1.5, 1)
    assert (other.seconds, len(other.warnings)) == (0.2, 1)
    error = f"error: {other.path}:12: Typst cannot typeset the handout: unknown symbol\n"
    assert failed_pages([page, other], error) == [other]
    assert other.problems["build"] == [
        f"{other.path}:12: Typst cannot typeset the handout: unknown symbol"
    ]
