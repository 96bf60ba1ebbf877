"""Read a page with the site's own parser: Python-Markdown, configured from mkdocs.yml.

The site's ``markdown_extensions`` list is the page dialect, so the page is read
by the same extensions MkDocs would load, with the same options. Three kinds of
option are replaced, because a lesson page and its site are untrusted input:
``!!python/name:`` values (which would import and run code) map to the known
functions they name or are dropped; pymdownx.snippets reads only inside the
site; an extension outside the allow-list is not loaded and gives one warning.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

from coursebuild.reading.icons import IconIndex, custom_icon_folders, material_icons

# Extensions whose code is known and reads no file outside the site.
KNOWN_EXTENSIONS = frozenset(
    {
        "abbr",
        "admonition",
        "attr_list",
        "def_list",
        "fenced_code",
        "footnotes",
        "md_in_html",
        "meta",
        "nl2br",
        "sane_lists",
        "smarty",
        "tables",
        "wikilinks",
        "pymdownx.arithmatex",
        "pymdownx.betterem",
        "pymdownx.caret",
        "pymdownx.critic",
        "pymdownx.details",
        "pymdownx.emoji",
        "pymdownx.escapeall",
        "pymdownx.fancylists",
        "pymdownx.highlight",
        "pymdownx.inlinehilite",
        "pymdownx.keys",
        "pymdownx.magiclink",
        "pymdownx.mark",
        "pymdownx.saneheaders",
        "pymdownx.smartsymbols",
        "pymdownx.snippets",
        "pymdownx.striphtml",
        "pymdownx.superfences",
        "pymdownx.tabbed",
        "pymdownx.tasklist",
        "pymdownx.tilde",
    }
)
# Extensions that only change how the site looks in a browser: nothing to read.
IGNORED_EXTENSIONS = frozenset({"toc", "material.extensions.emoji"})
MARKDOWN_PREFIX = "markdown.extensions."

# The fence formats a site may name with !!python/name:, mapped to pymdownx's own.
FENCE_FORMATS = {
    "pymdownx.superfences.fence_code_format": "fence_code_format",
    "pymdownx.superfences.fence_div_format": "fence_div_format",
}


def extension_name(name: str) -> str:
    return name.removeprefix(MARKDOWN_PREFIX)


def python_name(value) -> str | None:
    """The dotted name of a ``!!python/name:`` value as site.py loads it, else None."""
    text = getattr(value, "name", value)
    if isinstance(text, str) and text.startswith("python/name:"):
        return text.removeprefix("python/name:")
    return None


def without_python_names(config: dict) -> dict:
    return {key: value for key, value in config.items() if python_name(value) is None}


def superfences_config(config: dict) -> dict:
    """Custom fences keep their name and class; their format is pymdownx's, never the site's."""
    # Imported here: Markdown, pymdownx and Pygments load only when a page is read.
    from pymdownx import superfences

    fences = []
    for fence in config.get("custom_fences") or ():
        if not isinstance(fence, dict) or "name" not in fence:
            continue
        format_name = FENCE_FORMATS.get(python_name(fence.get("format")) or "")
        fences.append(
            {
                "name": str(fence["name"]),
                "class": str(fence.get("class", fence["name"])),
                "format": getattr(superfences, format_name or "fence_code_format"),
            }
        )
    return {**without_python_names(config), "custom_fences": fences}


def diagram_fence_names(extensions: Iterable[tuple[str, dict]]) -> list[str]:
    """The names of the custom fences that make mermaid diagrams (```mermaid)."""
    names = []
    for name, config in extensions:
        if extension_name(name) == "pymdownx.superfences":
            for fence in (config or {}).get("custom_fences") or ():
                if isinstance(fence, dict) and fence.get("class", fence.get("name")) == "mermaid":
                    names.append(str(fence.get("name")))
    return names


def twemoji_index(options, md, icon_folders: tuple[Path, ...] = ()) -> dict:
    """pymdownx's Twemoji index, shared rather than deep-copied, with Material's icons.

    pymdownx.emoji.twemoji copies its 3,700 entries so a caller may change
    them; nothing here does, and the copy cost every build 30 ms.
    """
    # Imported here: Markdown, pymdownx and Pygments load only when a page is read.
    from pymdownx import twemoji_db

    emoji = IconIndex(twemoji_db.emoji, icon_folders) if icon_folders else twemoji_db.emoji
    return {"name": twemoji_db.name, "emoji": emoji, "aliases": twemoji_db.aliases}


def extension_config(name: str, config: dict, site_root: Path, emoji_generator) -> dict:
    """The options ``name`` is loaded with: the site's, made safe and offline."""
    config = dict(config or {})
    if name == "pymdownx.superfences":
        return superfences_config(config)
    if name == "pymdownx.emoji":
        # The site's twemoji index; the images come from the npm package, offline; its
        # icons from the mkdocs-material package and the site's custom_icons.
        folders = custom_icon_folders(config, site_root) + tuple(filter(None, [material_icons()]))
        index = functools.partial(twemoji_index, icon_folders=folders)
        return {"emoji_index": index, "emoji_generator": emoji_generator}
    if name == "pymdownx.arithmatex":
        # Generic output (\( \) in spans) is what html_bridge reads; the math is the same.
        return {**without_python_names(config), "generic": True, "preview": False}
    if name == "pymdownx.snippets":
        # Only files inside the site, never a URL. A snippet not found fails the page
        # only if the site asks for that (check_paths), as its own build does.
        return {
            **without_python_names(config),
            "base_path": [str(site_root)],
            "restrict_base_path": True,
            "url_download": False,
        }
    if name == "pymdownx.highlight":
        # Pygments' classes are dropped by html_bridge; the title/linenums syntax needs it.
        return {**without_python_names(config), "use_pygments": True}
    return without_python_names(config)


# Python-Markdown's "extra" is these, each with its defaults.
EXTRA = ("abbr", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html", "tables")


def stand_ins(name: str, config: dict, listed: set[str]) -> list[tuple[str, dict]] | None:
    """Extensions that read what ``name`` reads, in the forms the bridge knows; None if none.

    ``extra`` is its parts; ``codehilite`` is pymdownx.highlight (Pygments both);
    ``mdx_math`` (python-markdown-math) is arithmatex with the same delimiters.
    """
    if name == "extra":
        return [(part, {}) for part in EXTRA if part not in listed]
    if name == "codehilite" and "pymdownx.highlight" not in listed:
        return [("pymdownx.highlight", {"linenums": bool(config.get("linenums", False))})]
    if name == "mdx_math" and "pymdownx.arithmatex" not in listed:
        inline = ["dollar", "round"] if config.get("enable_dollar_delimiter") else ["round"]
        syntax = {"inline_syntax": inline, "block_syntax": ["dollar", "square", "begin"]}
        extensions = [("pymdownx.arithmatex", syntax)]
        if config.get("enable_dollar_delimiter"):
            extensions.append(("coursebuild.reading.display_dollars", {}))
        return extensions
    if name in ("codehilite", "mdx_math"):
        return []  # the site's own choice is listed too: that one reads it
    return None


def usable_extensions(
    extensions: Iterable[tuple[str, dict]],
) -> tuple[list[tuple[str, dict]], list[str]]:
    """The extensions to load, and the names that are not (each a warning)."""
    extensions = [(extension_name(name), config) for name, config in extensions]
    listed = {name for name, _ in extensions}
    chosen, unknown = [], []
    for name, config in extensions:
        config = config if isinstance(config, dict) else {}
        if name in IGNORED_EXTENSIONS:
            continue
        if name in KNOWN_EXTENSIONS:
            chosen.append((name, config))
        elif (replacements := stand_ins(name, config, listed)) is not None:
            chosen += [item for item in replacements if item[0] not in {n for n, _ in chosen}]
        else:
            unknown.append(name)
    return chosen, unknown


def configured_markdown(extensions: list[tuple[str, dict]], site_root: Path, bridge):
    """A Markdown instance reading the site's dialect, with ``bridge`` as its last extension."""
    # Imported here: Markdown, and html_bridge which imports it, load only when a
    # page is read.
    import markdown

    from coursebuild.reading.html_bridge import emoji_image

    md = markdown.Markdown(
        extensions=[*(name for name, _ in extensions), bridge],
        extension_configs={
            name: extension_config(name, config, site_root, emoji_image)
            for name, config in extensions
        },
        output_format="html",
    )
    if "snippet" in md.preprocessors:
        restrict_snippets(md.preprocessors["snippet"], site_root, md)
    return md


def restrict_snippets(snippets, site_root: Path, md) -> None:
    """pymdownx.snippets finds files as before, but refuses one whose real path leaves the site.

    Its own ``restrict_base_path`` checks the path as written: a symlink in the
    site pointing at a file outside it (``notes.md -> /etc/passwd``) passes.
    The site's folder, not docs_dir, as MkDocs' own base path is: sites keep
    snippets beside docs/ (``includes/abbreviations.md``, ``LICENSE.txt``).
    Never a dot file or one in a dot folder: ``.git/config`` holds CI's token.
    A snippet not found is left out, as the site leaves it out, and named in
    the page's ``missing_snippets`` (a warning each).
    """
    find = snippets.get_snippet_path
    site = os.path.realpath(site_root)

    def get_snippet_path(path: str) -> str | None:
        found = find(path)
        if found is None:
            wanted = os.path.realpath(os.path.join(site, path))
            if os.path.commonpath([wanted, site]) != site:
                raise ValueError(f"snippet '{path}' leads outside the site folder {site_root}")
            context = getattr(md, "page_context", None)
            if context is not None and path.strip():
                context.missing_snippets.append(path)
            return None
        real = os.path.realpath(found)
        if os.path.commonpath([real, site]) != site:
            raise ValueError(f"snippet '{path}' leads outside the site folder {site_root}")
        if any(part.startswith(".") for part in Path(os.path.relpath(real, site)).parts):
            raise ValueError(f"snippet '{path}' is a hidden file (a name starting with '.')")
        return found

    snippets.get_snippet_path = get_snippet_path


# One configured instance per extension list and process: setting one up costs ~30 ms.
_instances: dict[str, object] = {}


def markdown_for(extensions: list[tuple[str, dict]], site_root: Path, bridge_factory):
    key = json.dumps(
        [extensions, str(site_root), bridge_factory.__qualname__], default=str, sort_keys=True
    )
    if key not in _instances:
        _instances[key] = configured_markdown(extensions, site_root, bridge_factory())
    md = _instances[key]
    md.reset()
    return md


# A code block's or inline code's language: ```python, ~~~ {.bash}, `#!python x`.
CODE_LANGUAGE = re.compile(
    r"^[ \t>]*(?:`{3,}|~{3,})[ \t]*\{?[ \t]*\.?([A-Za-z0-9_+#.-]+)|`#!([A-Za-z0-9_+#.-]+)",
    re.MULTILINE,
)
MAX_LEXERS_WARMED = 20  # a page's languages prepared ahead: a handful, never the catalogue
_warmed_lexers: set[str] = set()


def warm_lexers(text: str) -> None:
    """Prepare Pygments' lexers for the languages ``text`` names, in this process.

    A lexer compiles its rules on first use and keeps them on its class. Pages
    are read in short-lived child processes (limits.py), which would each do
    that again: 6 ms a lexer, 40 ms a page. Prepared here, every child has them.
    """
    # What highlighting a block imports on first use: the default style, the plain-text lexer.
    # Imported here: Markdown, pymdownx and Pygments load only when a page is read.
    import pygments.lexers.special
    import pygments.styles.default  # noqa: F401
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    names = {fence or inline for fence, inline in CODE_LANGUAGE.findall(text)}
    for name in sorted(names - _warmed_lexers)[:MAX_LEXERS_WARMED]:
        _warmed_lexers.add(name)
        # A name Pygments does not know: the block is shown as text.
        with contextlib.suppress(ClassNotFound):
            get_lexer_by_name(name)


def page_to_html(text: str, extensions: list[tuple[str, dict]], site_root: Path, context) -> str:
    """The page as the site's HTML, reshaped for Pandoc (html_bridge.PageContext ``context``)."""
    # Imported here: html_bridge imports Markdown, which loads only when a page is read.
    from coursebuild.reading.html_bridge import PandocBridge

    md = markdown_for(extensions, site_root, PandocBridge)
    md.page_context = context
    return md.convert(text)
