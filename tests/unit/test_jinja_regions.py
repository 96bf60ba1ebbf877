"""The parts of a page Jinja must not read are found as the site's parser finds code.

The scanner (coursebuild/jinja_regions.py) is checked against Python-Markdown
itself: on tricky pages and on every page of ../shared/corpus, the words the
parser puts in ``<code>`` are exactly the words of the scanner's code.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from coursebuild.reading.course import DEFAULT_EXTENSIONS, open_course
from coursebuild.reading.html_bridge import PageContext
from coursebuild.reading.jinja_regions import (
    FENCE_OPENING,
    code_regions,
    prefix_columns,
    protected_regions,
    shield,
)
from coursebuild.reading.lesson_file import load_lesson
from coursebuild.reading.markdown_reader import page_to_html
from tests.support.corpus_check import CORPUS, SITES


def regions(body: str) -> list[str]:
    return [body[start:end] for start, end in protected_regions(body)]


# -- fenced code ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fence",
    [
        "```bash\necho ${#arr[@]} {{ x }}\n```",
        "~~~\n{% raw %}\n~~~",
        '````python title="x.py"\n```\n{% endraw %}\n```\n````',
        "``` { .bash }\n{#\n```",
        '```python linenums="1" hl_lines="2"\n{{\n```',
    ],
)
def test_a_fence_is_protected_whole_with_its_fence_lines(fence):
    body = f"Teksti.\n\n{fence}\n\nLisää.\n"
    assert regions(body) == [fence]


def test_a_fence_indented_in_a_list_or_admonition_is_protected():
    body = (
        "- kohta\n\n    ```bash\n    echo {{ a }}\n    ```\n\n"
        '!!! note "Huom"\n\n    ~~~~\n    {% b %}\n    ~~~~\n'
    )
    assert regions(body) == [
        "    ```bash\n    echo {{ a }}\n    ```",
        "    ~~~~\n    {% b %}\n    ~~~~",
    ]


def test_only_the_same_fence_at_the_same_indent_closes_it():
    body = "- kohta\n\n    ```\n    a\n        ```\n    ~~~\n    ````\n    ```\n\nb\n"
    assert regions(body) == ["    ```\n    a\n        ```\n    ~~~\n    ````\n    ```"]


def test_a_fence_never_closed_or_left_by_a_line_is_not_code():
    # As superfences: such a fence is text, its lines read as the paragraph's.
    assert regions("```\n{{ a }}\n\nb\n") == []
    left = "- kohta\n\n    ```\n    {{ a }}\nb\n\n```\nc\n```\n"
    assert regions(left) == ["```\nc\n```"]
    # Left by a line, its ticks may still pair up as a code span of the paragraph.
    assert regions("- kohta\n\n    ```\n    a\nb\n    ```\n") == ["```\n    a\nb\n    ```"]


# -- indented code --------------------------------------------------------------------------


def test_an_indented_block_is_code_unless_a_list_or_admonition_holds_it():
    body = (
        "Kappale.\n\n    koodi 1\n\n"
        "- kohta\n\n    jatko\n\n        koodi 2\n\n"
        "!!! note\n    teksti\n\n        koodi 3\n\n    teksti taas\n"
    )
    assert regions(body) == ["    koodi 1", "        koodi 2", "        koodi 3"]


def test_indented_code_ends_at_a_line_indented_less():
    assert regions("Kappale.\n\n    koodi\nteksti `x`\n") == ["    koodi", "`x`"]


# -- code spans -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "spans"),
    [
        ("a `{{ x }}` b", ["`{{ x }}`"]),
        ("a ``b ` {{ c }}`` d", ["``b ` {{ c }}``"]),
        ("a \\`b` c `d`", ["` c `"]),  # an escaped tick opens nothing
        ("a \\\\`b` c", ["`b`"]),  # an escaped backslash does not escape the tick
        ("a `b\nc` d", ["`b\nc`"]),  # a span goes on over a line of its paragraph
        ("a ```b`` c", ["```b``"]),  # no run as long: the longest shorter one closes
        ("a `b", []),
        ("a `b\n\nc` d", []),  # not over a blank line
        ("- a `b\n- c` d", []),  # nor from one list item to the next
        ("# a `b\nc` d", []),  # nor out of a heading
        ("a `b\n- c` d", ["`b\n- c`"]),  # a paragraph goes on over an item-like line
    ],
)
def test_code_spans_follow_python_markdowns_backtick_rule(body, spans):
    assert regions(body) == spans


# -- {# ------------------------------------------------------------------------------------


def test_every_hash_brace_outside_code_is_protected_and_nothing_else():
    body = "## Osa {#ankkuri}\n\nteksti {{ x }}\n\n{#muu} ja #} `${#a}`\n"
    assert regions(body) == ["{#", "{#", "`${#a}`"]


# -- placeholders ---------------------------------------------------------------------------


def test_placeholders_keep_every_line_and_give_the_page_back():
    body = "a {#x}\n```\n1\n2\n```\nb `c\nd` {{ e }}\n\n    f\n"
    shielded = shield(body)
    template_lines, body_lines = shielded.template.split("\n"), body.split("\n")
    assert len(template_lines) == len(body_lines)
    # Every line is the page's, at the same number, but for placeholders (and their inside).
    for template_line, body_line in zip(template_lines, body_lines, strict=True):
        assert template_line in (body_line, "") or shielded.marker in template_line
    assert template_lines[6].endswith("` {{ e }}".replace("`", shielded.marker))
    assert "{#" not in shielded.template and "`" not in shielded.template
    assert shielded.marker not in body
    assert shielded.restore(shielded.template) == body


def test_a_page_with_the_first_marker_in_it_gets_another():
    body = "\ue000 `a`"
    shielded = shield(body)
    assert shielded.marker != "\ue000" and shielded.restore(shielded.template) == body


# -- the parser as the oracle ---------------------------------------------------------------


class CodeText(HTMLParser):
    """The text inside the ``<code>`` elements of a page's HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        self.depth += tag == "code"

    def handle_endtag(self, tag):
        self.depth -= tag == "code"

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text))


def parser_code(body: str, extensions, root: Path) -> Counter:
    context = PageContext(resolve_image=lambda target: target, emoji_dir=None)
    reader = CodeText()
    reader.feed(page_to_html(body, list(extensions), root, context))
    return words(" ".join(reader.parts))


def scanner_code(body: str) -> Counter:
    """Words of the scanner's code, not its fence lines; a mermaid fence is drawn, not code."""
    lines = []
    for start, end in code_regions(body):
        if re.match(r"[ \t>]*(`{3,}|~{3,})[ \t]*mermaid", body[start:end]):
            continue
        for line in body[start:end].split("\n"):
            if not FENCE_OPENING.match(line, prefix_columns(line)[0]):
                lines.append(line)
    return words(" ".join(lines))


TRICKY_PAGES = {
    "fences": 'aa\n\n```bash\nbb\n```\n\n~~~~python title="cc"\ndd\n~~~\nee\n~~~~\n',
    "fence in a list": "- aa\n\n    ```bash\n    bb\n    ```\n\n- cc\n    ```\n    dd\n    ```\n",
    "fence in a tab": '=== "T"\n\n    ```python\n    aa\n    ```\n\n=== "U"\n\n    bb\n',
    "fence in a quote": "> aa\n>\n> ```\n> bb\n> ```\n\ncc\n",
    "fence after a paragraph": "aa\n```\nbb\n```\ncc\n",
    "unclosed fence": "aa\n\n```\nbb\n\ncc\n",
    "abandoned fence": "- kohta\n\n    ```\n    aa\nbb\n    ```\n\ncc\n",
    "longer closer": "````\n```\naa\n```\n````\n\nbb\n",
    "indented code": "aa\n\n    bb\n    cc\n\n    dd\nee\n\nff\n",
    "list continuation": "- aa\n\n    bb\n\n        cc\n\n- dd\n\n1. ee\n\n        ff\n",
    "nested list": "- aa\n    - bb\n\n            cc\n\n        dd\n\nee\n\n    ff\n",
    "admonition": "!!! note\n    aa\n\n        bb\n\n    cc\n\ndd\n",
    "details": '??? tip "V"\n\n    aa\n\n        bb\n\n???+ note\n    cc\n',
    "footnote": "aa[^1].\n\n[^1]: bb\n\n    cc\n\n        dd\n",
    "tabs": "- aa\n\n\t```\n\tbb\n\t```\n\n\tcc\n\n\t\tdd\n",
    "spans": "aa `bb` cc ``dd ` ee`` ff \\`gg` hh `ii\njj` kk\n\n`ll\n\nmm`\n",
    "span fallback": "aa ```bb`` cc ``` dd\n\nee ``ff` gg\n",
    "spans in a list": "- aa `bb\n- cc` dd\n- ee `ff\n  gg` hh\n",
    "span and heading": "# aa `bb\ncc` dd\n\nee `ff\n#gg` hh\n",
    "span over item-like lines": "aa `bb\n- cc` dd `ee\n1986. ff` gg\n",
    "table": "| a | b |\n|---|---|\n| `aa | bb |\n| cc` | `dd` |\n",
    "span and admonition": "aa `bb\n!!! note\n    cc` dd\n",
    "code in a quote": "> aa\n>\n>     bb\n>\n> cc\n\ndd\n",
    "code in a quote in a list": "- aa\n\n    > bb\n    >\n    >     cc\n",
    "code in a nested quote": "> > aa\n> >\n> >     bb\n",
}


@pytest.mark.parametrize("name", TRICKY_PAGES)
def test_the_scanner_finds_the_code_python_markdown_renders(name):
    body = TRICKY_PAGES[name]
    assert scanner_code(body) == parser_code(body, DEFAULT_EXTENSIONS, Path("/tmp"))


@pytest.mark.parametrize("site", SITES)
def test_the_scanner_finds_the_code_of_every_corpus_page(site):
    course = open_course(CORPUS / site)
    checked = 0
    for page in (site_page.path for site_page in course.pages):
        body = load_lesson(page).body
        expected = parser_code(body, course.markdown_extensions, course.root)
        assert scanner_code(body) == expected, page
        checked += bool(expected)
    assert checked >= 10  # the corpus has code on most pages
