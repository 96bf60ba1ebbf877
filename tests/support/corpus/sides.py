"""The two sides of one page: the site's own HTML (the oracle) and the handout's AST."""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import markdown
from pymdownx import emoji

from coursebuild.handout.guard import handout_names
from coursebuild.lesson.make import read_lesson
from coursebuild.pandoc.run import (
    BAD_MATH,
    HANDOUT_ARGUMENTS,
    language_arguments,
    pandoc_command,
)
from coursebuild.pipeline import figures_needed
from coursebuild.reading.course import open_course
from coursebuild.reading.html_bridge import math_as_code
from coursebuild.reading.images import FigureSet
from coursebuild.reading.lesson_file import load_lesson
from coursebuild.reading.markdown_reader import (
    IGNORED_EXTENSIONS,
    extension_config,
    extension_name,
    stand_ins,
)
from coursebuild.reading.mkdocs_config import MKDOCS_BUILTIN_EXTENSIONS, load_site
from coursebuild.reading.mkdocstrings_blocks import api_blocks_as_names
from tests.support.corpus.building import Page, SiteBuild
from tests.support.corpus.counts import Counts, count_handout_ast, count_site
from tests.support.corpus.html_tree import parse_html
from tests.support.corpus.markers import find_markers, site_all_text, site_text


@functools.cache
def site_course(root: Path):
    return open_course(root)


@functools.cache
def oracle_extensions(root: Path) -> tuple[tuple[str, dict], ...]:
    """mkdocs.yml's extensions as MkDocs loads them (its built-ins first), minus look-only ones.

    Read from mkdocs.yml by coursebuild.site, not taken from the build's own list,
    so that an extension the build leaves out shows up as lost content.
    """
    listed = [
        (extension_name(name), config) for name, config in load_site(root).markdown_extensions
    ]
    names = {name for name, _ in listed}
    builtins = [(name, {}) for name in MKDOCS_BUILTIN_EXTENSIONS if name not in names]
    loaded = []
    for name, config in [*builtins, *listed]:
        # One this environment does not have (mdx_math) is read by the build's stand-in
        # for it; the differences the stand-in makes are the build's, not the site's.
        replacements = None if importable(name) else stand_ins(name, config or {}, names)
        loaded += replacements if replacements is not None else [(name, config)]
    return tuple((n, c) for n, c in loaded if n not in IGNORED_EXTENSIONS)


def importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:
        return False


def oracle_markdown(root: Path):
    """Plain Python-Markdown with the site's extensions, configured as the build does, no bridge."""
    extensions = oracle_extensions(root)
    configs = {name: extension_config(name, c, root, emoji.to_alt) for name, c in extensions}
    return markdown.Markdown(
        extensions=[name for name, _ in extensions],
        extension_configs=configs,
        output_format="html",
    )


def oracle_html(page: Page, root: Path) -> str:
    """The page as the site's HTML: MkDocs reads the body after the front matter, no Jinja."""
    lesson = load_lesson(page.path, page.slug, page.chapter)
    body = lesson.body
    if "mkdocstrings" in site_course(root).plugins:
        # The site shows the module's documentation there, which neither side has:
        # both count the note that names it.
        body, _ = api_blocks_as_names(body, lesson.body_first_line)
    if "bibtex" in site_course(root).plugins:
        body = cited_as_footnotes(body, bib_keys(root))
    if "include-markdown" in site_course(root).plugins:
        body = INCLUDED.sub(lambda match: included(match, page.path.parent), body)
    return oracle_markdown(root).convert(body)


# include-markdown's plain form: a file's whole text, its path from the page's folder.
INCLUDED = re.compile(r'\{%\s*include-markdown\s+"([^"]+)"\s*%\}')


def included(match: re.Match[str], folder: Path) -> str:
    path = folder / match.group(1)
    return path.read_text(encoding="utf-8") if path.is_file() else match.group(0)


# mkdocs-bibtex's citation: [@key], [@a; @b] or [@a, @b], each key a footnote with the entry.
CITED = re.compile(r"\[(@[^\]\s;,]+(?:\s*[;,]\s*@[^\]\s;,]+)*)\]")
BIB_ENTRY = re.compile(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)


@functools.cache
def bib_keys(root: Path) -> frozenset[str]:
    """Every entry's key in the site's .bib files."""
    files = root.rglob("*.bib")
    return frozenset(key for path in files for key in BIB_ENTRY.findall(path.read_text("utf-8")))


def cited_as_footnotes(body: str, keys: frozenset[str]) -> str:
    """The page as mkdocs-bibtex gives it to Markdown: a known key cited, a footnote."""
    cited: list[str] = []

    def notes(match: re.Match[str]) -> str:
        found = [key.lstrip("@") for key in re.split(r"\s*[;,]\s*", match.group(1))]
        if not all(key in keys for key in found):
            return match.group(0)
        cited.extend(key for key in found if key not in cited)
        return "".join(f"[^{key}]" for key in found)

    body = CITED.sub(notes, body)
    return body + "".join(f"\n\n[^{key}]: {key}" for key in cited)


def pipeline_html(page: Page, site: SiteBuild) -> tuple[str, tuple[str, ...]]:
    """The HTML the build gives Pandoc for the page (diagrams from the build's own cache),
    and the handout's option naming the files it shows (lesson_build.make_handout)."""
    course = site_course(site.root)
    lesson = load_lesson(page.path, page.slug, page.chapter)
    figures = FigureSet(
        site.out / "images",
        frozenset(figures_needed([lesson])),
        site.out / ".cache" / "mermaid",
        site.out / ".cache" / "images",  # fetched images, and the cards for missing ones
    )
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
    return (*HANDOUT_ARGUMENTS, *language_arguments(language), f"--lua-filter={ast_filter(folder)}")


def handout_ast(html: str, arguments: tuple[str, ...]) -> dict:
    """Pandoc's AST of the handout, as the handout filters leave it for the Typst writer.

    Formulas Pandoc cannot read are shown as their TeX in code, as the build shows them.
    """
    result = subprocess.run(pandoc_command(arguments), input=html, capture_output=True, text=True)
    unreadable = [found.strip().strip("'") for found in BAD_MATH.findall(result.stderr)]
    if result.returncode == 0 and unreadable:
        html = math_as_code(html, unreadable)
        result = subprocess.run(
            pandoc_command(arguments), input=html, capture_output=True, text=True
        )
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
