"""The corpus check: every page of the instructor's two MkDocs sites, built and compared.

Run by ``make corpus`` (``python -m tests.support.corpus_check``) and by
tests/corpus/test_corpus.py.
Each site is built once, by build.py in a subprocess (-j 2, SOURCE_DATE_EPOCH fixed);
when a page fails, the error is that page's and the rest of the site is built again
without it, so that one broken page does not hide the others. Then, page by page:

Content: the handout keeps what the site shows. Eight counts, the same on both sides:
code blocks, admonitions (collapsible ``???`` ones included), admonitions with a
title, math (inline and display), images, tables, footnotes (distinct definitions)
and list items (task-list items included).

* The site (the oracle): the page body as MkDocs reads it (front matter out, no
  Jinja: MkDocs has none) through plain Python-Markdown with the extensions of
  mkdocs.yml, read by coursebuild.site.load_site (MkDocs' built-ins first) and
  configured by coursebuild.markdown_reader.extension_config as the build
  configures them, but WITHOUT html_bridge: the site's own HTML. Counted with
  html.parser: ``<pre>`` (not a line-number column), ``div.admonition`` and
  ``<details>``, a non-empty ``p.admonition-title``/``<summary>``,
  ``span.arithmatex`` and ``div.arithmatex``, ``<img>`` but emoji, ``<table>``
  (not Pygments' line-number table), the distinct texts of ``div.footnote > ol >
  li``, and ``<li>`` of ``<ul>``/``<ol>`` outside the footnotes.
* The handout: Pandoc's AST as the Typst writer gets it. The HTML the build gives
  Pandoc (lesson/make.read_lesson, in this process), Pandoc with the handout's
  own arguments and filters (convert.HANDOUT_ARGUMENTS) and one more filter last,
  which prints the document as JSON inside a raw Typst block: every filter runs
  for Typst (FORMAT == "typst") exactly as in the build. Counted: CodeBlock; the
  ``#admonition(`` raw inline handout.lua makes of an admonition, and those
  followed by ``[`` (a title, not ``none``); Math, and the raw Typst typst_math.lua
  makes of each formula (``#math.equation(…, alt: …)``, or ``$…$``); Image but
  emoji (twemoji class), and the raw ``#image(``/``#box(image(`` handout.lua
  makes of each with its alt text; Table;
  Note (handout.lua keeps one Note a distinct footnote text); list items of
  BulletList and OrderedList, outside notes. Counting the AST, not the Typst
  text, needs no parsing of Typst's escapes and tells code from prose exactly.

Accounted for, where the two legitimately differ:

* mermaid fences are ``<pre class="mermaid">`` on the site and images in the
  pipeline (drawn to SVG): both sides count them as images, not code;
* emoji are images in both outputs but not content: neither side counts them;
* handout.lua lists the footnote texts again under an empty "Lähteet" heading: a
  list whose every item is a footnote's text is not counted (nor its text scanned);
* a section whose whole body is TODO is dropped by the build and kept by the
  oracle; its body is the one word, so it holds nothing counted;
* an ``<iframe>`` becomes a link (a "Video:" paragraph); neither side counts it;
* the untitled admonition Python-Markdown titles with its kind ("Note") keeps a
  title in the handout (localised, "Huomio"), so it counts as titled on both sides.

Raw markup: dialect syntax left as text (``!!!``, ``???``, ``===`` at a line start,
``==x==``, a ``:shortcode:`` of the twemoji index, ``++key++``, ``$$``, ``\\begin``,
``[^``, a code fence, ``(1)!``, ``{ width``). Looked for in each slide's text and,
separately, its speaker notes (the deck's HTML, leaf ``<section>`` elements; text in
``pre``, ``code``, ``math`` and ``svg`` left out); in the handout's AST text (code,
math, raw Typst and image alt text left out); and in the PDF's text (pdftotext), where
code cannot be told from prose, so only kinds the page shows nowhere, not even in
code, are looked for there. What the site itself shows as prose (an undefined
``[^x]`` stays text on the site) is allowed as often as the site shows it.

Decks: each shown slide by slide in one headless Chromium (coursebuild.browser), as
``build.py --check`` shows them: no slide overflows or is shrunk, no figure is under
its minimum, no course figure's text under 18 px, every image decodes, no TeX as
text, no heading-only slide; no console error, no failed or blocked request.
Then axe-core (tests/deck_axe.py) on every slide and its speaker notes at once, in
reveal.js's print view: a serious or critical finding fails the page; every finding
is tallied by impact and rule in the report.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from html.parser import HTMLParser
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
SITES = ("syvaoppiminen", "ml-perusteet")
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01: the builds are reproducible
JOBS = "2"
MAX_BUILDS = 6  # a site build is repeated without the failing page at most this often
REPORT_FILE = PROJECT_ROOT / "build" / "corpus-report.txt"


def corpus_problem(corpus: Path = CORPUS) -> str | None:
    """Why the corpus cannot be checked, or None when both sites are there."""
    missing = [name for name in SITES if not (corpus / name / "mkdocs.yml").is_file()]
    if not missing:
        return None
    return (
        f"the instructor's course sites are missing: {', '.join(missing)} not found under "
        f"{corpus} (the project must sit next to shared/corpus, as in CI)"
    )


# -- building -----------------------------------------------------------------------

LESSON_LINE = re.compile(r"^lesson\s+(?P<path>\S.*?)\s+\((?P<seconds>[\d.]+) s\)$", re.MULTILINE)
ERROR_LINE = re.compile(r"^error: (?P<path>/\S+?\.md)(?::\d+)?: (?P<message>.*)$", re.MULTILINE)


@dataclass
class Page:
    site: str
    path: Path  # the .md file
    name: str  # path inside the site's docs folder
    slug: str  # output name: <slug>.html, <slug>.pdf
    chapter: str | None
    built: bool = False
    seconds: float | None = None
    warnings: set[str] = field(default_factory=set)
    problems: dict[str, list[str]] = field(default_factory=dict)  # check -> messages
    slides: int | None = None
    handout_pages: int | None = None
    axe: Counter | None = None  # (impact, rule) -> elements, once axe ran on the deck

    def fail(self, check: str, message: str) -> None:
        self.problems.setdefault(check, []).append(message)


@dataclass
class SiteBuild:
    name: str
    root: Path
    out: Path
    pages: list[Page]
    commands: list[str] = field(default_factory=list)
    seconds: float = 0.0
    general_errors: list[str] = field(default_factory=list)  # not about one page


def site_pages(name: str, root: Path) -> list[Page]:
    """The site's pages in navigation order, with the output names the build gives them."""
    from coursebuild.pipeline import lesson_pages
    from coursebuild.reading.course import open_course

    course = open_course(root)
    paths = [path for path, _ in course.pages]
    return [
        Page(name, path, path.relative_to(course.docs_dir).as_posix(), slug, chapter)
        for path, slug, chapter in lesson_pages(course, paths)
    ]


def build_command(root: Path, out: Path, targets: list[Path]) -> list[str]:
    command = [sys.executable, "build.py", "--course", str(root), "--out", str(out), "-j", JOBS]
    return command + [str(path) for path in targets]


def run_build(command: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    return subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)


def record_output(pages: list[Page], stdout: str, stderr: str) -> None:
    """Lesson times and warnings from build.py's output, onto the pages they name."""
    by_path = {str(page.path): page for page in pages}
    for match in LESSON_LINE.finditer(stdout):
        page = by_path.get(match["path"])
        if page is not None:
            page.seconds = float(match["seconds"])
    for line in stderr.splitlines():
        if line.startswith("warning: "):
            for path, page in by_path.items():
                if line.startswith((f"warning: {path}:", f"warning: {path} ")):
                    page.warnings.add(line)


def build_site(name: str, root: Path, out: Path) -> SiteBuild:
    """One build of the whole site; a page that fails is reported and the rest built again."""
    site = SiteBuild(name, root, out, site_pages(name, root))
    started = time.perf_counter()
    remaining = list(site.pages)
    for attempt in range(MAX_BUILDS):
        targets = [] if attempt == 0 else [page.path for page in remaining]
        command = build_command(root, out, targets)
        site.commands.append(" ".join(command))
        result = run_build(command)
        record_output(site.pages, result.stdout, result.stderr)
        if result.returncode == 0:
            for page in remaining:
                page.built = True
            break
        failed = failed_pages(remaining, result.stderr)
        if not failed:
            site.general_errors.append(result.stderr.strip() or f"exit {result.returncode}")
            break
        remaining = [page for page in remaining if page not in failed]
        if not remaining:
            break
    else:
        site.general_errors.append(f"still failing after {MAX_BUILDS} builds; rest not built")
    site.seconds = time.perf_counter() - started
    return site


def failed_pages(pages: list[Page], stderr: str) -> list[Page]:
    """The pages build.py's error lines name, each given its error as a build problem."""
    by_path = {str(page.path): page for page in pages}
    failed = []
    for match in ERROR_LINE.finditer(stderr):
        page = by_path.get(match["path"])
        if page is not None:
            page.fail("build", match.group(0).removeprefix("error: "))
            if page not in failed:
                failed.append(page)
    return failed


# -- a small HTML tree (html5lib and lxml are not installed) -----------------------------


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


VOID_TAGS = words("area base br col embed hr img input link meta param source track wbr")
BLOCK_TAGS = words(
    "p div li ul ol pre table tr td th h1 h2 h3 h4 h5 h6 section aside details summary "
    "blockquote figure figcaption br hr dt dd"
)


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def has(self, tag: str, css_class: str | None = None) -> bool:
        return self.tag == tag and (css_class is None or css_class in self.classes)

    def descendants(self) -> Iterator[Node]:
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.descendants()

    def inside(self, test: Callable[[Node], bool]) -> bool:
        node = self.parent
        while node is not None:
            if test(node):
                return True
            node = node.parent
        return False


class TreeBuilder(HTMLParser):
    """html.parser events to a Node tree; a stray end tag is ignored, as browsers do."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {name: value or "" for name, value in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.stack.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Node:
    parser = TreeBuilder()
    parser.feed(text)
    parser.close()
    return parser.root


def text_of(node: Node, skip: Callable[[Node], bool] = lambda node: False) -> str:
    """The node's text, block elements on lines of their own, skipped subtrees left out."""
    parts: list[str] = []

    def walk(current: Node) -> None:
        for child in current.children:
            if isinstance(child, str):
                parts.append(child)
            elif not skip(child):
                block = child.tag in BLOCK_TAGS
                parts.append("\n" if block else "")
                walk(child)
                parts.append("\n" if block else "")

    walk(node)
    return "".join(parts)


# -- counting: the same eight things on both sides -----------------------------------------


@dataclass(frozen=True)
class Counts:
    code_blocks: int = 0
    admonitions: int = 0
    admonition_titles: int = 0  # admonitions that show a title
    math: int = 0
    images: int = 0
    tables: int = 0
    footnotes: int = 0
    list_items: int = 0

    def differences(self, other: Counts) -> list[str]:
        """'name: site N, handout M' for every count that differs."""
        return [
            f"{item.name.replace('_', ' ')}: site {getattr(self, item.name)}, "
            f"handout {getattr(other, item.name)}"
            for item in fields(self)
            if getattr(self, item.name) != getattr(other, item.name)
        ]


EMOJI_CLASSES = frozenset({"twemoji", "emojione", "gemoji"})


def is_code_block(node: Node) -> bool:
    """A <pre>, but not a line-number column nor a mermaid diagram (counted as an image)."""
    if node.tag != "pre" or "mermaid" in node.classes:
        return False
    return not node.inside(lambda up: up.has("td", "linenos"))


def is_picture(node: Node) -> bool:
    return (node.tag == "img" and not EMOJI_CLASSES & set(node.classes)) or node.has(
        "pre", "mermaid"
    )


def is_math(node: Node) -> bool:
    return node.tag in ("span", "div") and "arithmatex" in node.classes


def is_footnotes(node: Node) -> bool:
    return node.has("div", "footnote")


def footnote_texts(root: Node) -> set[str]:
    """The distinct texts of the footnote definitions (back links left out)."""
    texts = set()
    for block in filter(is_footnotes, root.descendants()):
        for item in block.descendants():
            if item.tag == "li" and item.parent is not None and item.parent.parent is block:
                text = text_of(item, lambda node: node.has("a", "footnote-backref"))
                texts.add(" ".join(text.split()))
    return texts


def is_list_item(node: Node) -> bool:
    in_list = node.parent is not None and node.parent.tag in ("ul", "ol")
    return node.tag == "li" and in_list and not node.inside(is_footnotes)


def is_admonition(node: Node) -> bool:
    return node.has("div", "admonition") or node.tag == "details"


def has_title(node: Node) -> bool:
    """An admonition with a non-empty title (Python-Markdown's default "Note" included)."""
    titles = [child for child in node.children if isinstance(child, Node)]
    if node.tag == "details":
        titles = [child for child in titles if child.tag == "summary"]
    else:
        titles = [child for child in titles if child.has("p", "admonition-title")]
    return any(text_of(title).strip() for title in titles)


def is_table(node: Node) -> bool:
    return node.tag == "table" and "highlighttable" not in node.classes


def count_site(root: Node) -> Counts:
    """The eight counts of the site's own HTML (Python-Markdown's, not reshaped)."""
    nodes = list(root.descendants())
    return Counts(
        code_blocks=sum(map(is_code_block, nodes)),
        admonitions=sum(map(is_admonition, nodes)),
        admonition_titles=sum(has_title(n) for n in nodes if is_admonition(n)),
        math=sum(map(is_math, nodes)),
        images=sum(map(is_picture, nodes)),
        tables=sum(map(is_table, nodes)),
        footnotes=len(footnote_texts(root)),
        list_items=sum(map(is_list_item, nodes)),
    )


# Pandoc's JSON AST: {"t": type, "c": contents}.

AST_BLOCKS = words(
    "Para Plain Header BulletList OrderedList Div BlockQuote Table Figure LineBlock DefinitionList"
)


# Math and images written as raw Typst (typst_math.lua, handout.lua), with their alt text.
TYPST_MATH = re.compile(
    r"\A(?:\$.*\$|#math\.equation\(block: (?:true|false), alt: \".*)\Z", re.DOTALL
)
TYPST_PICTURE = re.compile(r"\A#(?:box\()?image\(")


def ast_children(value) -> Iterator:
    """The AST elements directly inside ``value`` (a node, list or document)."""
    if isinstance(value, dict):
        if "t" in value:
            yield value
        else:
            for item in value.values():
                yield from ast_children(item)
    elif isinstance(value, list):
        for item in value:
            yield from ast_children(item)


def ast_walk(value, skip: Callable[[dict], bool] = lambda node: False) -> Iterator[dict]:
    """Every AST element under ``value``, depth first; a skipped element's inside is not."""
    for node in ast_children(value):
        yield node
        if not skip(node):
            yield from ast_walk(node.get("c"), skip)


def ast_text(value, skip: Callable[[dict], bool] = lambda node: False) -> str:
    """The text a reader sees: words, spaces and line breaks; skipped elements left out."""
    parts: list[str] = []
    for node in ast_children(value):
        kind = node["t"]
        if skip(node):
            continue
        if kind == "Str":
            parts.append(node["c"])
        elif kind in ("Space", "SoftBreak"):
            parts.append(" ")
        elif kind == "LineBreak":
            parts.append("\n")
        else:
            inner = ast_text(node.get("c"), skip)
            block = kind in AST_BLOCKS
            parts.append(f"\n{inner}\n" if block else inner)
    return "".join(parts)


def is_raw_typst(node: dict, prefix: str) -> bool:
    return node["t"] == "RawInline" and node["c"][0] == "typst" and node["c"][1].startswith(prefix)


def is_handout_math(node: dict) -> bool:
    if node["t"] == "Math":
        return True
    return (
        node["t"] == "RawInline"
        and node["c"][0] == "typst"
        and bool(TYPST_MATH.match(node["c"][1]))
    )


def is_handout_picture(node: dict) -> bool:
    if node["t"] == "RawInline" and node["c"][0] == "typst":
        return bool(TYPST_PICTURE.match(node["c"][1]))
    return node["t"] == "Image" and not EMOJI_CLASSES & set(node["c"][0][1])


def note_texts(doc: dict) -> set[str]:
    return {" ".join(ast_text(n["c"]).split()) for n in ast_walk(doc) if n["t"] == "Note"}


def sources_lists(doc: dict) -> list[dict]:
    """Lists handout.lua makes under "Lähteet": every item the text of a footnote."""
    notes = note_texts(doc)
    found = []
    for node in ast_walk(doc):
        if node["t"] == "OrderedList" and notes:
            items = [" ".join(ast_text(item).split()) for item in node["c"][1]]
            if items and all(item in notes for item in items):
                found.append(node)
    return found


def ast_lists(value) -> Iterator[list]:
    """Every list in the AST's JSON (block and inline sequences among them)."""
    if isinstance(value, list):
        yield value
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        yield from ast_lists(item)


def is_element(value) -> bool:
    return isinstance(value, dict) and "t" in value


def titled_admonitions(doc: dict) -> int:
    """handout.lua's ``#admonition(kind: …, title: `` followed by ``[`` (a title), not ``none``."""
    return sum(
        is_raw_typst(first, "#admonition(") and is_raw_typst(second, "[")
        for inlines in ast_lists(doc)
        for first, second in itertools.pairwise(inlines)
        if is_element(first) and is_element(second)
    )


def list_items(node: dict) -> int:
    if node["t"] == "BulletList":
        return len(node["c"])
    if node["t"] == "OrderedList":
        return len(node["c"][1])
    return 0


def count_handout_ast(doc: dict) -> Counts:
    """The eight counts of the handout's Pandoc AST, as the handout filters leave it."""
    generated = {id(node) for node in sources_lists(doc)}
    nodes = list(ast_walk(doc))
    page_lists = list(ast_walk(doc, lambda n: n["t"] == "Note" or id(n) in generated))
    return Counts(
        code_blocks=sum(n["t"] == "CodeBlock" for n in nodes),
        admonitions=sum(is_raw_typst(n, "#admonition(") for n in nodes),
        admonition_titles=titled_admonitions(doc),
        math=sum(map(is_handout_math, nodes)),
        images=sum(map(is_handout_picture, nodes)),
        tables=sum(n["t"] == "Table" for n in nodes),
        footnotes=sum(n["t"] == "Note" for n in nodes),
        list_items=sum(list_items(n) for n in page_lists if id(n) not in generated),
    )


# -- raw markup ----------------------------------------------------------------------------

MARKERS = {
    "!!!": re.compile(r"!!!"),
    "???": re.compile(r"\?\?\?"),
    "===": re.compile(r"^[ \t]*===", re.MULTILINE),
    "==x==": re.compile(r"(?<!=)==[^=\s](?:[^=\n]*[^=\s])?==(?!=)"),
    "++key++": re.compile(r"\+\+[A-Za-z0-9][\w-]*(?:\+[\w-]+)*\+\+"),
    "$$": re.compile(r"\$\$"),
    "\\begin": re.compile(r"\\begin\b"),
    "[^": re.compile(r"\[\^"),
    "```": re.compile(r"```"),
    "(1)!": re.compile(r"\(\d+\)!"),
    "{ width": re.compile(r"\{\s*:?\s*width\b"),
}
SHORTCODE = re.compile(r"(?=(:[a-z0-9_+-]+:))")


@functools.cache
def emoji_shortcodes() -> frozenset[str]:
    """Every shortcode (``:smile:``) of the twemoji index the sites name in mkdocs.yml."""
    from pymdownx import emoji

    index = emoji.twemoji({}, None)
    return frozenset(index["emoji"]) | frozenset(index["aliases"])


def find_markers(text: str) -> Counter:
    """How often each kind of raw markup occurs in ``text``."""
    found = Counter({name: len(pattern.findall(text)) for name, pattern in MARKERS.items()})
    known = emoji_shortcodes()
    found[":emoji:"] = sum(code in known for code in SHORTCODE.findall(text))
    return +found


def excess_markers(found: Counter, allowed: Counter) -> Counter:
    """Markers beyond what the site itself shows as text."""
    return +Counter({name: count - allowed.get(name, 0) for name, count in found.items()})


def describe(markers: Counter, text: str) -> str:
    """Each marker with its count and the text around its first occurrence."""
    parts = []
    for name, count in sorted(markers.items()):
        pattern = SHORTCODE if name == ":emoji:" else MARKERS[name]
        match = next(
            (m for m in pattern.finditer(text) if name != ":emoji:" or m[1] in emoji_shortcodes()),
            None,
        )
        context = ""
        if match is not None:
            start = max(0, match.start() - 30)
            context = " (" + repr(" ".join(text[start : match.start() + 40].split())) + ")"
        parts.append(f'"{name}" ×{count}{context}')
    return ", ".join(parts)


def site_skip(node: Node) -> bool:
    return node.tag in ("pre", "code", "script", "style") or is_math(node)


def site_text(root: Node) -> str:
    """What the site shows as prose: no code, no math."""
    return text_of(root, site_skip)


def site_all_text(root: Node) -> str:
    """What the site shows as text, code included, math left out."""
    return text_of(root, lambda node: node.tag in ("script", "style") or is_math(node))


# The deck: reveal.js sections from Pandoc and the deck template.

DECK_SKIP = ("pre", "code", "math", "svg", "script", "style")


def is_notes(node: Node) -> bool:
    return node.has("aside", "notes")


@dataclass(frozen=True)
class Slide:
    number: int
    title: str
    text: str  # the slide's text outside code and math, notes left out
    notes: str  # the speaker notes' text outside code and math


def deck_slides(html: str) -> list[Slide]:
    """Every slide (a <section> holding no other) of a deck, in order."""
    root = parse_html(html)
    sections = [node for node in root.descendants() if node.tag == "section"]
    leaves = [s for s in sections if not any(d.tag == "section" for d in s.descendants())]
    slides = []
    for number, section in enumerate(leaves, 1):
        heading = next((d for d in section.descendants() if d.tag in ("h1", "h2", "h3")), None)
        title = " ".join(text_of(heading).split()) if heading is not None else ""
        text = text_of(section, lambda n: n.tag in DECK_SKIP or is_notes(n))
        notes = "\n".join(
            text_of(aside, lambda n: n.tag in DECK_SKIP)
            for aside in section.descendants()
            if is_notes(aside)
        )
        slides.append(Slide(number, title, text, notes))
    return slides


def is_leaf_section(node: Node) -> bool:
    return node.tag == "section" and not any(d.tag == "section" for d in node.descendants())


def text_outside_slides(html: str) -> str:
    """Text in the deck's slides area but in no slide: reveal.js shows it nowhere sensible."""
    root = parse_html(html)
    area = next(node for node in root.descendants() if node.has("div", "slides"))
    return " ".join(text_of(area, is_leaf_section).split())


def deck_markup_problems(html: str, allowed: Counter) -> list[str]:
    """Raw markup on the slides or in the notes beyond the page's allowance, a message a slide.

    The slides together show each part of the page once (and the notes again), so
    the whole deck's slides, and its notes, are held to what the site shows.
    """
    slides = deck_slides(html)
    problems = []
    for place in ("slide", "notes"):
        found = [(slide, slide.text if place == "slide" else slide.notes) for slide in slides]
        markers = [find_markers(text) for _, text in found]
        extra = excess_markers(sum(markers, Counter()), allowed)
        for (slide, text), kinds in zip(found, markers, strict=True):
            shown = Counter({name: n for name, n in kinds.items() if name in extra})
            if shown:
                problems.append(f"{place} {slide.number} '{slide.title}': {describe(shown, text)}")
    return problems


def handout_skip(node: dict) -> bool:
    """Code, math, raw Typst and images' alt text: not prose the reader sees."""
    return node["t"] in ("Code", "CodeBlock", "Math", "RawInline", "RawBlock", "Image")


def handout_markup_problems(doc: dict, allowed: Counter) -> list[str]:
    generated = {id(node) for node in sources_lists(doc)}
    text = ast_text(doc["blocks"], lambda n: handout_skip(n) or id(n) in generated)
    extra = excess_markers(find_markers(text), allowed)
    return [f"handout text: {describe(extra, text)}"] if extra else []


def pdf_text(pdf: Path) -> str:
    result = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"pdftotext failed on {pdf}: {result.stderr.strip()}")
    return result.stdout


def pdf_markup_problems(pdf: Path, site_markers: Counter) -> list[str]:
    """Markers in the PDF's text, of the kinds the page never shows (not even in code).

    pdftotext cannot tell code from prose, so a kind found anywhere in the site's
    text (code included) is not looked for here; the AST check covers those.
    """
    text = pdf_text(pdf)
    found = find_markers(text)
    extra = Counter({name: n for name, n in found.items() if name not in site_markers})
    return [f"PDF text: {describe(extra, text)}"] if extra else []


# -- the two sides of one page ------------------------------------------------------------


@functools.cache
def site_course(root: Path):
    from coursebuild.reading.course import open_course

    return open_course(root)


@functools.cache
def oracle_extensions(root: Path) -> tuple[tuple[str, dict], ...]:
    """mkdocs.yml's extensions as MkDocs loads them (its built-ins first), minus look-only ones.

    Read from mkdocs.yml by coursebuild.site, not taken from the build's own list,
    so that an extension the build leaves out shows up as lost content.
    """
    from coursebuild.reading.markdown_reader import IGNORED_EXTENSIONS, extension_name
    from coursebuild.reading.mkdocs_config import MKDOCS_BUILTIN_EXTENSIONS, load_site

    listed = [
        (extension_name(name), config) for name, config in load_site(root).markdown_extensions
    ]
    names = {name for name, _ in listed}
    builtins = [(name, {}) for name in MKDOCS_BUILTIN_EXTENSIONS if name not in names]
    return tuple((n, c) for n, c in [*builtins, *listed] if n not in IGNORED_EXTENSIONS)


def oracle_markdown(root: Path):
    """Plain Python-Markdown with the site's extensions, configured as the build does, no bridge."""
    import markdown
    from pymdownx import emoji

    from coursebuild.reading.markdown_reader import extension_config

    extensions = oracle_extensions(root)
    configs = {name: extension_config(name, c, root, emoji.to_alt) for name, c in extensions}
    return markdown.Markdown(
        extensions=[name for name, _ in extensions],
        extension_configs=configs,
        output_format="html",
    )


def oracle_html(page: Page, root: Path) -> str:
    """The page as the site's HTML: MkDocs reads the body after the front matter, no Jinja."""
    from coursebuild.reading.lesson_file import load_lesson

    lesson = load_lesson(page.path, page.slug, page.chapter)
    return oracle_markdown(root).convert(lesson.body)


def pipeline_html(page: Page, site: SiteBuild) -> tuple[str, tuple[str, ...]]:
    """The HTML the build gives Pandoc for the page (diagrams from the build's own cache),
    and the handout's option naming the files it shows (lesson_build.make_handout)."""
    from coursebuild.lesson.make import read_lesson
    from coursebuild.pipeline import figures_needed
    from coursebuild.reading.images import FigureSet
    from coursebuild.reading.lesson_file import load_lesson

    course = site_course(site.root)
    lesson = load_lesson(page.path, page.slug, page.chapter)
    figures = FigureSet(
        site.out / "images", frozenset(figures_needed([lesson])), site.out / ".cache" / "mermaid"
    )
    from coursebuild.handout.guard import handout_names

    page_read = read_lesson(lesson, course, figures)
    names = handout_names(page_read.shown, lesson.source)
    return page_read.html, (f"--metadata=handout-files={json.dumps(names)}",)


# The last handout filter: the document, as the handout's filters leave it, written
# as Pandoc's JSON inside a raw Typst block, which the Typst writer prints as it is.
# So every filter runs as in the build, for Typst (FORMAT == "typst").
AST_FILTER = """\
function Pandoc(doc)
  return pandoc.Pandoc({ pandoc.RawBlock("typst", pandoc.write(doc, "json")) })
end
"""


def ast_filter(folder: Path) -> Path:
    path = folder / "handout-ast.lua"
    if not path.exists():
        path.write_text(AST_FILTER, encoding="utf-8")
    return path


def handout_arguments(language: str, folder: Path) -> tuple[str, ...]:
    """The build's handout arguments (convert.HANDOUT_ARGUMENTS), then the AST-dumping filter."""
    from coursebuild.pandoc.run import HANDOUT_ARGUMENTS

    language_option = f"--metadata=lang={language}"
    return (*HANDOUT_ARGUMENTS, language_option, f"--lua-filter={ast_filter(folder)}")


def handout_ast(html: str, arguments: tuple[str, ...]) -> dict:
    """Pandoc's AST of the handout, as the handout filters leave it for the Typst writer."""
    from coursebuild.pandoc.run import pandoc_command

    result = subprocess.run(pandoc_command(arguments), input=html, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"Pandoc failed: {result.stderr.strip()}")
    return json.loads(result.stdout)


@dataclass
class PageSides:
    site: Counts
    handout: Counts
    site_markers: Counter  # raw markup the site itself shows in prose
    site_all_markers: Counter  # the same, code included
    doc: dict


def page_sides(page: Page, site: SiteBuild, arguments: tuple[str, ...] | None = None) -> PageSides:
    """The page counted on the site's side and in the handout's AST."""
    oracle = parse_html(oracle_html(page, site.root))
    language = site_course(site.root).language
    arguments = arguments or handout_arguments(language, site.out.parent)
    html, handout_files = pipeline_html(page, site)
    doc = handout_ast(html, arguments + handout_files)
    return PageSides(
        site=count_site(oracle),
        handout=count_handout_ast(doc),
        site_markers=find_markers(site_text(oracle)),
        site_all_markers=find_markers(site_all_text(oracle)),
        doc=doc,
    )


def check_content(page: Page, site: SiteBuild) -> PageSides | None:
    """Lost constructs and raw markup in the handout's AST; the sides, for the output checks."""
    try:
        sides = page_sides(page, site)
    except Exception as error:  # any failure is this page's, reported with the rest
        page.fail("content", f"the page's HTML could not be made: {error}")
        return None
    lost = sides.site.differences(sides.handout)
    if lost:
        page.fail("content", "; ".join(lost))
    for problem in handout_markup_problems(sides.doc, sides.site_markers):
        page.fail("handout markup", problem)
    return sides


def check_outputs(page: Page, site: SiteBuild, sides: PageSides | None) -> None:
    """Slide count and raw markup of the deck; page count and raw markup of the PDF."""
    import pypdf

    deck = (site.out / f"{page.slug}.html").read_text(encoding="utf-8")
    page.slides = len(deck_slides(deck))
    allowed = sides.site_markers if sides else Counter()
    for problem in deck_markup_problems(deck, allowed):
        page.fail("slide markup", problem)
    loose = text_outside_slides(deck)
    if loose:
        page.fail("slide markup", f"text outside every slide: {loose[:80]}")
    pdf = site.out / f"{page.slug}.pdf"
    page.handout_pages = len(pypdf.PdfReader(pdf).pages)
    if sides is not None:
        for problem in pdf_markup_problems(pdf, sides.site_all_markers):
            page.fail("handout markup", problem)
    check_slide_pdf_and_index(page, site)


def check_slide_pdf_and_index(page: Page, site: SiteBuild) -> None:
    """The slide PDF a page a slide, each slide's title on its page; the index's counts right."""
    from coursebuild.course_index import deck_slide_count, pdf_page_count
    from tests.support.slide_pdf_pages import slide_pdf_problems

    deck = site.out / f"{page.slug}.html"
    for problem in slide_pdf_problems(deck, site.out / f"{page.slug}-slides.pdf"):
        page.fail("slide pdf", problem)
    shown = (deck_slide_count(deck), pdf_page_count(site.out / f"{page.slug}.pdf"))
    if shown != (page.slides, page.handout_pages):
        page.fail("index", f"the index counts {shown}, not {(page.slides, page.handout_pages)}")


def check_pages(site: SiteBuild) -> SiteBuild:
    """Every page of a built site: content against the oracle, raw markup in the outputs."""
    for page in site.pages:
        sides = check_content(page, site)
        if page.built:
            check_outputs(page, site, sides)
    return site


# -- the decks in Chromium ------------------------------------------------------------------


def deck_problems(browser, path: Path) -> tuple[int, list[str]]:
    """Every slide shown as --check shows it: the deck's image count, and every problem.

    A slide's problems are those of ``build.py --check``: overflow, a shrunk
    block, a figure under its minimum, a course figure's text under 18 px, an
    image that did not load, TeX left as text, a heading with nothing else;
    then the deck's console errors and failed or blocked requests.
    """
    from coursebuild.browser.chromium import inspect_deck

    report = inspect_deck(browser, path)
    problems = [
        f"slide {slide.number} '{slide.title}': {problem}"
        for slide in report.slides
        for problem in slide.problems()
    ]
    problems += [f"console error: {message}" for message in report.console_errors]
    problems += [f"failed request: {url[:100]}" for url in report.failed_requests]
    problems += [f"blocked request: {url[:100]}" for url in report.blocked_requests]
    return sum(slide.images for slide in report.slides), problems


def check_decks(sites: Iterable[SiteBuild], browser) -> None:
    for site in sites:
        for page in site.pages:
            if page.built:
                _, problems = deck_problems(browser, site.out / f"{page.slug}.html")
                for problem in problems:
                    page.fail("deck", problem)
                check_accessibility(page, site, browser)


def check_accessibility(page: Page, site: SiteBuild, browser) -> None:
    """axe-core on every slide and its notes: all it finds tallied, serious and critical fail."""
    from tests.support.deck_axe import axe_deck, blocking, tally

    findings = axe_deck(browser, site.out / f"{page.slug}.html")
    page.axe = tally(findings)
    for finding in blocking(findings):
        page.fail("accessibility", str(finding))


# -- the report ----------------------------------------------------------------------------

CHECKS = (
    "build",
    "content",
    "slide markup",
    "handout markup",
    "slide pdf",
    "index",
    "deck",
    "accessibility",
)
CHECKED: list[SiteBuild] = []  # what this process checked, for the pytest summary


def report_table(sites: Iterable[SiteBuild]) -> str:
    """One line a page: slides, handout pages, build time, warnings and the failing checks."""
    header = ("site", "page", "slides", "pages", "build s", "warnings", "result")
    rows = [header]
    for site in sites:
        for page in site.pages:
            rows.append(
                (
                    site.name,
                    page.name,
                    "-" if page.slides is None else str(page.slides),
                    "-" if page.handout_pages is None else str(page.handout_pages),
                    "-" if page.seconds is None else f"{page.seconds:.1f}",
                    str(len(page.warnings)),
                    ", ".join(c for c in CHECKS if c in page.problems) or "ok",
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {2, 3, 4, 5}
    lines = [
        "  ".join(
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def problems(site: SiteBuild, check: str) -> list[str]:
    """Every problem one check found on the site, each line naming the page."""
    found = [f"{site.name}: {error}" for error in site.general_errors] if check == "build" else []
    for page in site.pages:
        found += [f"{site.name}/{page.name}: {m}" for m in page.problems.get(check, [])]
    return found


def axe_summary(sites: Iterable[SiteBuild]) -> list[str]:
    """axe's findings on every deck, by impact and rule: the moderate and minor ones too."""
    total: Counter = Counter()
    for site in sites:
        for page in site.pages:
            total += page.axe or Counter()
    found = [f"  {impact:9} {rule}: {count}" for (impact, rule), count in sorted(total.items())]
    return ["axe on every deck: " + (f"{total.total()} element(s)" if found else "nothing"), *found]


def full_report(sites: list[SiteBuild]) -> str:
    lines = [report_table(sites), ""]
    for site in sites:
        lines.append(f"{site.name}: built in {site.seconds:.0f} s ({len(site.commands)} build(s))")
    lines += axe_summary(sites)
    for check in CHECKS:
        found = [line for site in sites for line in problems(site, check)]
        if found:
            lines += ["", f"{check}: {len(found)} problem(s)", *(f"  {line}" for line in found)]
    return "\n".join(lines)


def write_report(sites: list[SiteBuild]) -> str:
    text = full_report(sites)
    REPORT_FILE.parent.mkdir(parents=True, exist_ok=True)
    REPORT_FILE.write_text(text + "\n", encoding="utf-8")
    return text


def check_corpus(out_root: Path, browser) -> list[SiteBuild]:
    """Both sites built into ``out_root`` and checked, the decks in ``browser`` (Chromium).

    The builds run one after the other in a thread; a site's pages are checked
    while the next site builds. The larger site builds first.
    """
    from concurrent.futures import ThreadPoolExecutor

    order = sorted(SITES, key=lambda name: -len(list((CORPUS / name).rglob("*.md"))))
    sites = {}
    with ThreadPoolExecutor(max_workers=1) as builder:
        builds = {
            name: builder.submit(build_site, name, CORPUS / name, out_root / name) for name in order
        }
        for name in order:
            sites[name] = check_pages(builds[name].result())
            check_decks([sites[name]], browser)
    CHECKED.extend(sites[name] for name in SITES)
    return [sites[name] for name in SITES]


def main() -> int:
    import tempfile

    problem = corpus_problem()
    if problem:
        print(f"corpus check: {problem}", file=sys.stderr)
        return 1
    from coursebuild.browser.chromium import open_browser

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="corpus-") as out, open_browser() as browser:
        sites = check_corpus(Path(out), browser)
    print(write_report(sites))
    print(f"\ncorpus check: {time.perf_counter() - started:.0f} s; report in {REPORT_FILE}")
    return 1 if any(page.problems for site in sites for page in site.pages) else 0


if __name__ == "__main__":
    sys.exit(main())
