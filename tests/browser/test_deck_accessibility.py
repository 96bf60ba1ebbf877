"""Accessible decks: axe-core finds nothing on the seed course's decks, and fails a broken one.

The corpus decks are checked the same way by tests/corpus/test_corpus.py; see
tests/deck_axe.py for how every slide and its speaker notes are covered.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from coursebuild.browser.chromium import open_browser
from coursebuild.browser.mermaid import diagram_text
from coursebuild.deck.draft import level_headings, name_diagrams
from coursebuild.deck.math_alt import label_math
from coursebuild.pandoc.run import FILTERS_DIR, pandoc_executable
from tests.support import deck_axe
from tests.support.typst_text import handout_math, typst_alt

SEED_DECK = "100_neuroverkot_101.html"
DOT = "data:image/gif;base64,R0lGODlhAQABAAAAACw="  # 1×1 GIF: CSP allows data: images


@pytest.fixture(scope="module")
def browser():
    with open_browser() as chromium:
        yield chromium


def seed_decks(folder: Path) -> list[Path]:
    return sorted(path for path in folder.glob("*.html") if path.name != "index.html")


# -- the seed course ----------------------------------------------------------------------


def test_every_seed_deck_has_no_axe_violation_on_any_slide_or_in_the_notes(seed_build, browser):
    """Not only serious and critical ones: the seed course is clean at every impact."""
    decks = seed_decks(seed_build)
    assert [deck.name for deck in decks] == [SEED_DECK]
    for deck in decks:
        findings = deck_axe.axe_deck(browser, deck)
        assert findings == [], "\n".join(map(str, findings))


def test_reveal_controls_and_the_footer_pass_axe_in_the_normal_view(seed_build, browser):
    findings = deck_axe.axe_deck(browser, seed_build / SEED_DECK, print_view=False)
    assert deck_axe.blocking(findings) == [], "\n".join(map(str, findings))


def test_the_deck_names_its_language_every_formula_and_every_image(seed_build):
    deck = (seed_build / SEED_DECK).read_text(encoding="utf-8")
    assert '<html lang="fi">' in deck
    maths = re.findall(r"<math\b[^>]*>", deck)
    assert len(maths) > 10
    assert all(' alttext="' in tag and ' aria-label="' in tag for tag in maths)
    assert '<math display="inline" xmlns="http://www.w3.org/1998/Math/MathML" ' in deck
    assert 'alttext="\\theta_{10}" aria-label="θ_10"' in deck
    images = re.findall(r"<img\b[^>]*>", deck)
    assert images and all(re.search(r' alt="[^"]+"', tag) for tag in images)


def test_a_screen_reader_gets_the_caption_of_a_figure_and_the_spoken_formula(seed_build, browser):
    """Chromium's accessibility tree: the names a screen reader reads out."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((seed_build / SEED_DECK).resolve().as_uri() + deck_axe.PRINT_VIEW)
        page.wait_for_function(deck_axe.PRINT_VIEW_READY)
        page.evaluate(deck_axe.UNHIDE_SLIDES)
        formula = page.get_by_role("math", name="θ_10", exact=True)
        assert formula.count() >= 1
        figure = page.get_by_role("img", name=re.compile(r"^ReLu-aktivointifunktio\."))
        assert figure.count() >= 1
    finally:
        context.close()


# -- the check fails when it should ---------------------------------------------------------


def last_image(deck: str) -> int:
    return deck.rfind("<img ", 0, deck.find("<script>"))


def slide_at(deck: str, position: int) -> int:
    """The number of the slide the text at ``position`` is on (the title slide is 1)."""
    return len(deck_slides_of(deck[:position])) + 1


def broken_deck(deck: str) -> str:
    """The seed deck with one fault of each kind, each on a slide not shown at first."""
    image = last_image(deck)
    tag_end = deck.index(">", image)
    without_alt = re.sub(r' alt="[^"]*"', "", deck[image:tag_end], count=1)
    deck = deck[:image] + without_alt + deck[tag_end:]
    deck = deck.replace('<html lang="fi">', "<html>", 1)
    deck = re.sub(r' alttext="[^"]*" aria-label="[^"]*"', "", deck, count=1)
    notes = deck.index('<aside class="notes">', deck.index("</section>"))  # not the title's
    deck = deck[:notes] + f'<aside class="notes"><p><img src="{DOT}">' + deck[notes + 24 :]
    drawing = '<svg class="stray" viewBox="0 0 10 10"><circle r="5"/></svg>'
    deck = deck.replace("</h3>", f"</h3>{drawing}<h6>Väliotsikko</h6>", 1)
    return deck.replace("--c-dark: #424b4f;", "--c-dark: #d0d0d0;", 1)  # pale text


def test_axe_finds_each_fault_on_its_slide(seed_build, browser, tmp_path):
    deck = (seed_build / SEED_DECK).read_text(encoding="utf-8")
    broken = tmp_path / "broken.html"
    broken.write_text(broken_deck(deck), encoding="utf-8")
    findings = deck_axe.axe_deck(browser, broken)
    by_rule: dict[str, list[deck_axe.Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    serious = {finding.rule for finding in deck_axe.blocking(findings)}
    assert {"image-alt", "html-has-lang", "deck-math-alt", "deck-svg-name"} <= serious
    assert "color-contrast" in serious
    # The image of the last slide, and the one in a slide's speaker notes: both
    # on slides that reveal.js hides until they are shown.
    alts = by_rule["image-alt"]
    assert len(alts) == 2 and all(finding.slide > 1 for finding in alts)
    assert any(DOT in finding.html for finding in alts)
    assert max(finding.slide for finding in alts) == slide_at(deck, last_image(deck)) > 2
    assert [finding.impact for finding in by_rule["heading-order"]] == ["moderate"]
    assert by_rule["deck-svg-name"][0].slide > 1


def deck_slides_of(deck: str) -> list[str]:
    """The leaf sections of a deck: one per slide, the title slide first."""
    return re.findall(r"<section\b(?:(?!<section\b).)*?</section>", deck, re.DOTALL)


def test_the_seed_deck_is_clean_before_it_is_broken(seed_build):
    deck = (seed_build / SEED_DECK).read_text(encoding="utf-8")
    assert broken_deck(deck) != deck
    for fault in ('<html lang="fi">', "--c-dark: #424b4f;", "</h3>", '<aside class="notes">'):
        assert fault in deck, f"the seed deck changed: {fault!r} no longer in it"


# -- the names, made at build time ------------------------------------------------------------


def deck_math_label(tex: str) -> str:
    """The accessible name the deck gives ``$tex$``: Pandoc, spoken_math.lua, label_math."""
    result = subprocess.run(
        [
            pandoc_executable(),
            "--from=markdown",
            "--to=revealjs",
            "--mathml",
            f"--lua-filter={FILTERS_DIR / 'spoken_math.lua'}",
        ],
        input=f"${tex}$",
        capture_output=True,
        text=True,
        check=True,
    )
    labels = re.findall(r'<math\b[^>]* aria-label="([^"]*)"', label_math(result.stdout))
    assert len(labels) == 1, result.stdout
    return html.unescape(labels[0])


@pytest.mark.parametrize(
    ("tex", "said"),
    [
        (r"\theta_{10}", "θ_10"),
        (r"\sigma(z) = \frac{1}{1 + e^{-z}}", "σ(z) = 1/(1 + e^(-z))"),
        (r"\sum_{i=1}^{n} w_i x_i + b", "∑_(i=1)^n w_i x_i + b"),
        (r"\sqrt{x^2+y^2} \le \infty", "√(x^2+y^2) ≤ ∞"),
        (r"\begin{aligned} a &= b \\ c &\in \mathbb{R}^{d} \end{aligned}", "a = b; c ∈ R^d"),
        (r'\text{"<b>"} < x \& y', '"<b>" < x & y'),
    ],
)
def test_a_formula_is_said_as_in_the_handout(tex, said):
    """One text a formula, in the deck and in the handout (filters/math_text.lua)."""
    assert deck_math_label(tex) == said
    assert typst_alt(handout_math(f"${tex}$")) == said


def test_every_formula_gets_its_tex_and_its_spoken_form_once():
    fragment = (
        '<p><span data-math-alt="2 &lt; k &quot;4&quot;"><math display="inline" '
        'xmlns="http://www.w3.org/1998/Math/MathML"><semantics><mi>k</mi>'
        '<annotation encoding="application/x-tex">2 &lt; k &amp; "4"</annotation>'
        "</semantics></math></span> ja <math><mi>x</mi></math> ja <math><semantics><mi>y</mi>"
        '<annotation encoding="application/x-tex">y</annotation></semantics></math></p>'
    )
    labelled = label_math(fragment)
    assert "<span" not in labelled
    assert 'alttext="2 &lt; k &amp; &quot;4&quot;" aria-label="2 &lt; k &quot;4&quot;">' in labelled
    assert "<math><mi>x</mi></math>" in labelled  # no TeX: nothing to say it with
    assert '<math alttext="y" aria-label="y">' in labelled  # no filter's text: its TeX
    assert label_math(labelled) == labelled  # the layout pass gives labelled slides back


def test_a_skipped_heading_level_is_read_one_under_the_heading_before_it():
    fragment = (
        "<h2>O</h2><h3>A</h3><h5 id=g>B</h5><h6>C</h6><h3>D</h3><h4>E</h4><h2>F</h2><h4>G</h4>"
    )
    assert level_headings(fragment) == (
        '<h2>O</h2><h3>A</h3><h5 id=g aria-level="4">B</h5><h6 aria-level="5">C</h6>'
        '<h3>D</h3><h4>E</h4><h2>F</h2><h4 aria-level="3">G</h4>'
    )
    # Under the title slide's h1, a lesson without "##" parts starts at h2.
    assert level_headings("<h3>A</h3><h3>B</h3>") == '<h3 aria-level="2">A</h3><h3>B</h3>'
    assert level_headings(level_headings(fragment)) == level_headings(fragment)


SVG = '<svg xmlns="http://www.w3.org/2000/svg">{}<text><tspan>Syöte</tspan></text>{}</svg>'


def test_a_diagram_without_caption_is_named_by_its_labels(tmp_path):
    plain = tmp_path / "plain.svg"
    plain.write_text(SVG.format("", "<text>Piilo <tspan>kerros</tspan></text><text>Syöte</text>"))
    titled = tmp_path / "titled.svg"
    titled.write_text(SVG.format("<title>Verkko</title><desc>Kolme kerrosta</desc>", ""))
    assert diagram_text(plain) == "Syöte, Piilo kerros"
    assert diagram_text(titled) == "Verkko. Kolme kerrosta"
    fragment = (
        f'<img data-src="{plain}" class="mermaid" alt="Kaavio" style="w">'
        f'<img src="{titled}" class="mermaid" alt="Kaavio: kuvateksti">'
        f'<img src="{titled}" alt="Kaavio">'
    )
    named = name_diagrams(fragment, {str(plain): plain, str(titled): titled})
    assert named == (
        f'<img data-src="{plain}" class="mermaid" alt="Kaavio: Syöte, Piilo kerros" style="w">'
        f'<img src="{titled}" class="mermaid" alt="Kaavio: kuvateksti">'
        f'<img src="{titled}" alt="Kaavio">'
    )
