"""Every TeX command of the course sites renders: as MathML in the deck, in Typst in the handout.

The commands come from the instructor's sites (tests/corpus_math.py), so a page
that brings a new command is tested without a change here. Each check batches
all formulas into one Pandoc run and one Typst compile; only when that fails
are the formulas compiled one by one, to name the culprit.
"""

from __future__ import annotations

import functools
import io
import json
import re
import subprocess
import unicodedata
from collections.abc import Sequence

import markdown
import pypdf
import pytest
import typst

from coursebuild.pandoc.run import FILTERS_DIR, pandoc_executable
from tests.support.corpus_math import (
    CORPUS,
    MathExpression,
    command_examples,
    commands_of,
    corpus_math,
    page_math,
    site_extensions,
)

TYPST_FILTER = FILTERS_DIR / "typst_math.lua"
BAD_MATH = re.compile(r"Could not convert TeX math (.*?), rendering as TeX", re.DOTALL)
MARK = "expression "


def load_corpus() -> tuple[tuple[MathExpression, ...], str | None]:
    """The corpus math, or why there is none (reported by the tests, never skipped)."""
    try:
        return corpus_math(), None
    except FileNotFoundError as error:
        return (), str(error)


EXPRESSIONS, CORPUS_PROBLEM = load_corpus()
EXAMPLES = command_examples(EXPRESSIONS)
# Without the corpus one stand-in case runs, and fails: no commands must not mean no failures.
COMMANDS = list(EXAMPLES) or ["(corpus missing)"]


def example_of(command: str) -> MathExpression:
    if CORPUS_PROBLEM:
        pytest.fail(f"course sites not found: {CORPUS_PROBLEM}")
    return EXAMPLES[command]


def where(expression: MathExpression) -> str:
    return f"{expression.page.relative_to(CORPUS)}: {expression.tex!r}"


# Pandoc --------------------------------------------------------------------


@functools.cache
def api_version() -> list[int]:
    """The Pandoc AST version the pinned Pandoc reads (its JSON must carry it)."""
    result = subprocess.run(
        [pandoc_executable(), "--from=markdown", "--to=json"],
        input="",
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)["pandoc-api-version"]


def math_document(formulas: Sequence[tuple[str, bool]], raw_format: str, separator: str) -> str:
    """Pandoc JSON: each (TeX, display) formula a paragraph after a raw marker block."""
    blocks = []
    for index, (tex, display) in enumerate(formulas):
        kind = "DisplayMath" if display else "InlineMath"
        blocks.append({"t": "RawBlock", "c": [raw_format, separator.format(index)]})
        blocks.append({"t": "Para", "c": [{"t": "Math", "c": [{"t": kind}, tex]}]})
    return json.dumps({"pandoc-api-version": api_version(), "meta": {}, "blocks": blocks})


def run_pandoc(document: str, *arguments: str) -> subprocess.CompletedProcess:
    command = [pandoc_executable(), "--from=json", *arguments]
    return subprocess.run(command, input=document, capture_output=True, text=True, check=True)


def formulas_of(expressions: Sequence[MathExpression]) -> tuple[tuple[str, bool], ...]:
    return tuple((expression.tex, expression.display) for expression in expressions)


@functools.cache
def mathml(formulas: tuple[tuple[str, bool], ...]) -> tuple[list[str], set[str]]:
    """Each formula's HTML with --mathml, and the TeX that Pandoc could not convert."""
    separator = "<!-- " + MARK + "{} -->"
    result = run_pandoc(math_document(formulas, "html", separator), "--to=html5", "--mathml")
    pieces = re.split(r"<!-- " + MARK + r"\d+ -->", result.stdout)[1:]
    assert len(pieces) == len(formulas), "the MathML output lost its markers"
    return pieces, {tex.strip() for tex in BAD_MATH.findall(result.stderr)}


@functools.cache
def typst_math(formulas: tuple[tuple[str, bool], ...]) -> list[str]:
    """Each formula's Typst, written with the handout's math filter."""
    separator = "// " + MARK + "{}"
    arguments = ("--to=typst", f"--lua-filter={TYPST_FILTER}")
    result = run_pandoc(math_document(formulas, "typst", separator), *arguments)
    assert "Could not convert" not in result.stderr, result.stderr
    pieces = re.split(r"^// " + MARK + r"\d+$", result.stdout, flags=re.MULTILINE)[1:]
    assert len(pieces) == len(formulas), "the Typst output lost its markers"
    return [piece.strip() for piece in pieces]


# Typst ---------------------------------------------------------------------


def typst_problem(source: str) -> str | None:
    """Why Typst rejects or warns about ``source``; None if it compiles cleanly."""
    # A warning counts: a deprecated symbol name is the next release's error.
    try:
        _, warnings = typst.compile_with_warnings(
            source.encode(), root="/", ignore_system_fonts=True
        )
    except typst.TypstError as error:
        return str(error)
    return "; ".join(str(warning.message) for warning in warnings) or None


@functools.cache
def typst_problems(formulas: tuple[tuple[str, bool], ...]) -> dict[int, str]:
    """Problems by formula index: one compile of all, then one per formula only if that failed."""
    pieces = typst_math(formulas)
    whole = typst_problem("\n\n".join(pieces))
    if whole is None:
        return {}
    problems = {
        index: problem for index, piece in enumerate(pieces) if (problem := typst_problem(piece))
    }
    return problems or {-1: f"only together: {whole}"}


def typst_pdf_pages(formulas: tuple[tuple[str, bool], ...]) -> list[str]:
    """The text of each formula's page in one compiled PDF."""
    source = "\n#pagebreak()\n".join(typst_math(formulas))
    reader = pypdf.PdfReader(io.BytesIO(typst.compile(source.encode(), ignore_system_fonts=True)))
    return [page.extract_text() for page in reader.pages]


# The filter's call that gives a formula its alt text (PDF/UA), around the writer's $…$,
# and the note of its TeX after it.
WITH_ALT = re.compile(
    r'#math\.equation\(block: \w+, alt: "(?:[^"\\]|\\.)*", (.*)\.body\);/\*tex:[0-9a-f]*\*/', re.S
)


def typst_content(pieces: Sequence[str]) -> list[str]:
    """Typst's repr of each formula's content (what it will lay out)."""
    equations = [WITH_ALT.fullmatch(piece) for piece in pieces]
    assert all(equations), pieces
    items = ", ".join(f"repr({equation[1]}.body)" for equation in equations)
    source = f"#metadata(({items},))<math>"
    value = typst.query(source.encode(), "<math>", field="value", ignore_system_fonts=True)
    return json.loads(value)[0]


# The corpus ------------------------------------------------------------------


def test_corpus_is_found_and_read():
    assert not CORPUS_PROBLEM, f"course sites not found: {CORPUS_PROBLEM}"
    assert len(EXPRESSIONS) > 100, "far fewer formulas than the sites have"
    assert any(r"c &= a \odot b" in expression.tex for expression in EXPRESSIONS)


def test_math_is_read_as_the_site_reads_it():
    site = CORPUS / "syvaoppiminen"
    names, options = site_extensions(site)
    renderer = markdown.Markdown(extensions=names, extension_configs=options)
    page = "\n".join(
        [
            r"Inline $a < b$ and \(c\), not `$code$`, not \$5 or \$6.",
            "",
            "```python",
            'price = "$x$"',
            "```",
            "",
            "$$",
            r"\frac{1}{2}",
            "$$",
        ]
    )
    found = [(found.tex, found.display) for found in page_math(page, renderer, site)]
    assert found == [("a < b", False), ("c", False), (r"\frac{1}{2}", True)]


def test_commands_are_listed_with_environments():
    tex = r"\begin{bmatrix} a \\ \|b\| \end{bmatrix} \odot \, x"
    assert commands_of(tex) == {r"\begin{bmatrix}", r"\\", r"\|", r"\odot", r"\,"}


# Each command ------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_command_becomes_mathml(command):
    example = example_of(command)
    pieces, unconvertible = mathml(formulas_of(EXAMPLES.values()))
    piece = pieces[list(EXAMPLES).index(command)]
    assert example.tex.strip() not in unconvertible, f"Pandoc cannot convert {where(example)}"
    assert "<math" in piece, f"no MathML for {where(example)}: {piece.strip()[:200]}"


@pytest.mark.parametrize("command", COMMANDS)
def test_command_compiles_in_typst(command):
    example = example_of(command)
    problems = typst_problems(formulas_of(EXAMPLES.values()))
    index = list(EXAMPLES).index(command)
    assert index not in problems, f"Typst: {problems[index]} in {where(example)}"
    assert -1 not in problems, problems[-1]


# The whole corpus ----------------------------------------------------------------


def test_all_corpus_math_becomes_mathml():
    assert EXPRESSIONS, CORPUS_PROBLEM
    pieces, unconvertible = mathml(formulas_of(EXPRESSIONS))
    assert not unconvertible, f"Pandoc cannot convert: {sorted(unconvertible)}"
    missing = [
        where(e) for e, piece in zip(EXPRESSIONS, pieces, strict=True) if "<math" not in piece
    ]
    assert not missing, missing


def test_all_corpus_math_compiles_in_one_typst_document():
    assert EXPRESSIONS, CORPUS_PROBLEM
    problems = typst_problems(formulas_of(EXPRESSIONS))
    named = [f"{problem} in {where(EXPRESSIONS[index])}" for index, problem in problems.items()]
    assert not problems, "\n".join(named)


# Unicode blocks texmath names characters in; letters only from these ranges.
SYMBOL_BLOCKS = (
    (0xA0, 0x2FF),
    (0x370, 0x3FF),
    (0x5D0, 0x5EA),
    (0x2000, 0x27FF),
    (0x2900, 0x2BFF),
    (0xFE50, 0xFE6F),
)
LETTER_RANGES = (
    range(0x370, 0x400),
    range(0x5D0, 0x5EB),
    range(0x2100, 0x2150),
    range(0x127, 0x128),
)
# √ ∛ ∜ are Typst shorthands that need a radicand; TeX writes \sqrt.
SHORTHANDS = {"√", "∛", "∜"}


def is_math_character(character: str) -> bool:
    if character in SHORTHANDS:
        return False
    if unicodedata.category(character)[0] == "S":
        return True
    return character.isalpha() and any(ord(character) in letters for letters in LETTER_RANGES)


def math_characters() -> list[str]:
    """Symbols of the blocks texmath names characters in, and its Greek, Hebrew and ħ."""
    points = [point for start, stop in SYMBOL_BLOCKS for point in range(start, stop + 1)]
    return [chr(point) for point in points if is_math_character(chr(point))]


def test_no_symbol_name_typst_rejects():
    """Every math character texmath names comes out as a name Typst knows, or the character."""
    characters = math_characters()
    problems = typst_problems(tuple((f"a {character} b", False) for character in characters))
    named = [f"U+{ord(characters[i]):04X} {characters[i]}: {p}" for i, p in problems.items()]
    assert not problems, "\n".join(named)


# What the handout shows --------------------------------------------------------

# TeX, what its page of the PDF must contain, and what it must not.
GLYPHS = {
    r"\odot": (r"a \odot b", ["⊙"], []),
    r"\otimes": (r"a \otimes b", ["⊗"], []),
    r"\cdot": (r"W \cdot X", ["⋅"], []),
    r"\sum": (r"\sum_{i=1}^{n} x_i", ["∑"], []),
    r"\partial": (r"\frac{\partial f}{\partial x}", ["[∂𝜕]"], []),
    r"\mathbf": (r"\mathbf{W} x", ["𝐖"], ["𝑊"]),
    r"\hat": (r"\hat{y}", ["\u0302"], []),
    "bmatrix": (r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}", [r"\[", r"\]", "1", "4"], []),
    r"\cap": (r"P(A \cap B)", ["∩"], []),
    r"\|": (r"\|\mathbf{u}\|", ["‖"], ["∥"]),
    r"\dot{}": (r"A \dot{} B", ["\u0307"], []),
    r"\intercal": (r"x^\intercal", ["⊺"], []),
    r"\tag": (
        r"\begin{align} f &= 1 \tag{1} \\ g &= 2 \tag{2} \end{align}",
        [r"\(1\)", r"\(2\)"],
        [],
    ),
}


@functools.cache
def glyph_pages() -> dict[str, str]:
    formulas = tuple((tex, True) for tex, _, _ in GLYPHS.values())
    return dict(zip(GLYPHS, typst_pdf_pages(formulas), strict=True))


@pytest.mark.parametrize("command", list(GLYPHS))
def test_handout_shows_the_symbol(command):
    tex, wanted, unwanted = GLYPHS[command]
    text = glyph_pages()[command]
    for pattern in wanted:
        assert re.search(pattern, text), f"{pattern!r} not in the PDF of {tex!r}: {text!r}"
    for pattern in unwanted:
        assert not re.search(pattern, text), f"{pattern!r} in the PDF of {tex!r}: {text!r}"
    assert "\\" not in text and "dot" not in text, f"TeX or a name as text: {text!r}"


def test_tags_line_up_beside_their_rows():
    tex = r"\begin{align} f &= 1 \tag{1} \\ g &= 2 + 3 + 4 \tag{2} \end{align}"
    source = typst_math(((tex, True),))[0]
    page = pypdf.PdfReader(io.BytesIO(typst.compile(source.encode(), ignore_system_fonts=True)))
    starts = {}

    def note(text, matrix, *_):
        for tag in ("(1)", "(2)"):
            if tag in text:
                starts[tag] = matrix[4]

    page.pages[0].extract_text(visitor_text=note)
    assert set(starts) == {"(1)", "(2)"}, f"tags missing: {starts}"
    assert starts["(1)"] == pytest.approx(starts["(2)"], abs=0.5), f"tags not aligned: {starts}"


# TeX spacing commands and their width in em.
SPACES = {
    r"\,": 1 / 6,
    r"\:": 2 / 9,
    r"\;": 5 / 18,
    r"\!": -1 / 6,
    r"\quad": 1,
    r"\qquad": 2,
    r"\enspace": 0.5,
    r"\hspace{0.75em}": 0.75,
    r"\mspace{9mu}": 0.5,
}


def test_spaces_keep_their_tex_width():
    formulas = tuple((rf"a {space} b", False) for space in SPACES)
    contents = typst_content(typst_math(formulas))
    for (space, width), content in zip(SPACES.items(), contents, strict=True):
        amounts = [float(amount) for amount in re.findall(r"h\(amount: (-?[\d.]+)em\)", content)]
        assert amounts == [pytest.approx(width, abs=0.006)], f"{space}: {content}"


def test_bars_operator_names_and_empty_accents_are_set_as_in_tex():
    formulas = (
        (r"P(x_i|y) = |z|", False),
        (r"\|u\|", False),
        (r"\operatorname{sign}(x)", False),
        (r"A \dot{} B", False),
    )
    bars, norms, operator, accent = typst_content(typst_math(formulas))
    # TeX sets | and \| as ordinary symbols; Typst would space them like relations.
    assert bars.count('class(class: "normal", body: [|])') == 3, bars
    assert norms.count('class(class: "normal", body: [‖])') == 2, norms
    assert "op(text: [sign])" in operator, operator
    # On nothing the dot would sit at capital height, squeezed into B.
    assert "accent(base: hide(body: [x])" in accent, accent


def test_what_the_typst_writer_slips_on_is_typeset():
    """Formulas MathJax shows whose Typst, as Pandoc writes it, Typst refused."""
    formulas = (
        (r"\left\langle x \right|", False),  # "xclass(…)": a bar after a letter
        (r"\begin{vmatrix} a & b \\ c & d \end{vmatrix}", True),  # delim: "||"
        (r"\begin{Vmatrix} a \end{Vmatrix}", True),
        (r"\label{eq:1} x = 1", True),  # a Typst label after the equation
        (r"a \hspace{1cm} b", False),
        (r"\hspace{1cm}", False),  # spacing alone: its alt text is its TeX
    )
    written = typst_math(formulas)
    assert typst_problems(formulas) == {}, written
    bracket, single, double, labelled, _, _ = typst_content(written)
    assert 'class(class: "normal", body: [|])' in bracket, bracket
    assert single == 'mat(delim: ("|", "|"), rows: (([a], [b]), ([c], [d])))', single
    assert double == "lr(body: sequence([‖], [ ], [a], [ ], [‖]))", double
    assert labelled == "sequence([x], [ ], [=], [ ], [1])", labelled
    assert 'alt: "\\\\hspace{1cm}"' in written[5], written[5]
