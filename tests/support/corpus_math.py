"""Every math expression of the instructor's course sites, read the way MkDocs reads them.

Each site's pages go through Python-Markdown with the extensions of its own
mkdocs.yml (pymdownx.arithmatex in generic mode among them), so code blocks,
inline code and escaped dollars are never taken for math.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import markdown
import yaml

# The project clone sits next to shared/ (in CI as on a developer's machine).
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"

# arithmatex generic output: \(…\) in a span, \[…\] in a div; the TeX is HTML-escaped.
ARITHMATEX = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">(?P<body>.*?)</(?P=tag)>', re.DOTALL
)
# A control word (\alpha), or a control symbol (\, \{ \\).
COMMAND = re.compile(r"\\(?:[A-Za-z]+|[^A-Za-z\s])")
ENVIRONMENT = re.compile(r"\\begin\s*\{([^}]*)\}")


@dataclass(frozen=True)
class MathExpression:
    page: Path
    tex: str  # without its \( \) or \[ \] delimiters
    display: bool


class _TagTolerantLoader(yaml.SafeLoader):
    """A SafeLoader that reads ``!!python/name:`` and other Python tags as None."""


_TagTolerantLoader.add_multi_constructor(
    "tag:yaml.org,2002:python/", lambda loader, suffix, node: None
)


def sites(corpus: Path = CORPUS) -> list[Path]:
    """The site folders (those with a mkdocs.yml) under ``corpus``."""
    return sorted(path.parent for path in corpus.glob("*/mkdocs.yml"))


def drop_unloadable(name: str, options: dict) -> dict:
    """``options`` without those that named Python objects (now None)."""
    options = {key: value for key, value in options.items() if value is not None}
    if name == "pymdownx.superfences" and "custom_fences" in options:
        # Without `format` a custom fence gets superfences' default code format.
        options["custom_fences"] = [
            {key: value for key, value in fence.items() if value is not None}
            for fence in options["custom_fences"]
        ]
    return options


def site_extensions(site: Path) -> tuple[list[str], dict[str, dict]]:
    """The Markdown extensions of a site's mkdocs.yml, and their options.

    As in MkDocs, an extension listed twice is loaded once, with its last options.
    """
    config = yaml.load((site / "mkdocs.yml").read_text(encoding="utf-8"), _TagTolerantLoader)
    names: list[str] = []
    options: dict[str, dict] = {}
    for entry in config.get("markdown_extensions") or []:
        name, value = next(iter(entry.items())) if isinstance(entry, dict) else (entry, None)
        if name not in names:
            names.append(name)
        options[name] = drop_unloadable(name, value or {})
    if "pymdownx.snippets" in names:
        # MkDocs runs in the site folder, so snippet paths are relative to it.
        options["pymdownx.snippets"].setdefault("base_path", [str(site)])
    return names, options


def page_math(text: str, renderer: markdown.Markdown, page: Path) -> list[MathExpression]:
    """The math expressions of one page's Markdown ``text``, in order."""
    renderer.reset()
    found = []
    for match in ARITHMATEX.finditer(renderer.convert(text)):
        body = html.unescape(match["body"]).strip()
        display = match["tag"] == "div"
        opening, closing = (r"\[", r"\]") if display else (r"\(", r"\)")
        body = body.removeprefix(opening).removesuffix(closing).strip()
        found.append(MathExpression(page, body, display))
    return found


def site_math(site: Path) -> list[MathExpression]:
    """The math expressions of every page of one site, page by page in path order."""
    names, options = site_extensions(site)
    renderer = markdown.Markdown(extensions=names, extension_configs=options)
    found = []
    for page in sorted((site / "docs").rglob("*.md")):
        found += page_math(page.read_text(encoding="utf-8"), renderer, page)
    return found


@functools.cache
def corpus_math(corpus: Path = CORPUS) -> tuple[MathExpression, ...]:
    """Every math expression of every site under ``corpus``; an error when there is none."""
    found = [expression for site in sites(corpus) for expression in site_math(site)]
    if not found:
        raise FileNotFoundError(f"no math found in course sites under {corpus}")
    return tuple(found)


def commands_of(tex: str) -> set[str]:
    r"""The TeX commands in ``tex``; an environment counts as ``\begin{name}``."""
    commands = set(COMMAND.findall(tex)) - {r"\begin", r"\end"}
    return commands | {rf"\begin{{{name.strip()}}}" for name in ENVIRONMENT.findall(tex)}


def command_examples(expressions: Iterable[MathExpression]) -> dict[str, MathExpression]:
    """Every distinct command, sorted, with the shortest expression that uses it."""
    examples: dict[str, MathExpression] = {}
    for expression in expressions:
        for command in commands_of(expression.tex):
            known = examples.get(command)
            if known is None or len(expression.tex) < len(known.tex):
                examples[command] = expression
    return dict(sorted(examples.items()))


if __name__ == "__main__":
    expressions = corpus_math()
    examples = command_examples(expressions)
    print(f"{len(expressions)} expressions, {len(examples)} commands")
    for command, example in examples.items():
        print(f"{command:24} {example.tex[:70]!r}")
