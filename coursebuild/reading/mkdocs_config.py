"""An MkDocs site's settings, read from mkdocs.yml as MkDocs reads them."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from coursebuild.core import limits
from coursebuild.core.errors import BuildError
from coursebuild.reading.lesson_file import decode_utf8
from coursebuild.reading.navigation import Navigation, SitePage
from coursebuild.reading.site_yaml import config_error, load_site_yaml, plain_yaml

# Tags that break a line become a space; inline ones (<a>, <em>) go, so "<a>Oy</a>." stays "Oy.".
HTML_BLOCK_TAG = re.compile(
    r"</?(?:br|p|div|li|ul|ol|table|tr|td|th|hr|h[1-6]|section|header|footer)\b[^>]*>", re.I
)

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


# MkDocs loads these before the ones mkdocs.yml lists; they are not in Site.markdown_extensions.
MKDOCS_BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")


HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


HTML_TAG = re.compile(r"<[^>]*>")


# "Copyright © 2020-2026 Holder. Licenced under ..." -> "Holder"; an initial ("J. Doe") is no end.
COPYRIGHT_HOLDER = re.compile(
    r"(?:copyright|©|\(c\))(?:\s*(?:©|\(c\)))?\s*(?:\d{4}(?:\s*[-–,]\s*\d{4})*\s*)?(?:by\s+)?"
    r"(?P<holder>[^|;,]*?)\s*(?:(?<!\b[A-Z])\.(?:\s|$)|[|;,]|$)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Site:
    root: Path  # the folder holding mkdocs.yml
    config_path: Path
    docs_dir: Path
    title: str
    language: str
    licence: str  # `copyright` as plain text
    author: str
    markdown_extensions: tuple[tuple[str, dict], ...]  # (name, config) in mkdocs.yml order
    pages: tuple[SitePage, ...]  # in navigation order


def find_site(path: Path) -> Path | None:
    """The nearest folder upwards from path (a page or folder) holding mkdocs.yml."""
    path = path.resolve()
    start = path if path.is_dir() else path.parent
    for folder in (start, *start.parents):
        if any((folder / name).is_file() for name in CONFIG_NAMES):
            return folder
    return None


def load_site(root: Path) -> Site:
    """The MkDocs site whose mkdocs.yml is in root, its pages in navigation order."""
    root = root.resolve()
    config_path = next(
        (root / name for name in CONFIG_NAMES if (root / name).is_file()), root / CONFIG_NAMES[0]
    )
    data = _read_config(config_path)
    docs_dir = _docs_dir(data, root, config_path)
    title = _site_name(data, config_path)
    licence = _plain_text(_text_setting(data, "copyright", config_path) or "")
    author = copyright_holder(licence) or _text_setting(data, "site_author", config_path) or title
    navigation = Navigation(docs_dir, config_path, use_nav_files=_uses_awesome_nav(data))
    return Site(
        root=root,
        config_path=config_path,
        docs_dir=docs_dir,
        title=title,
        language=_language(data, config_path),
        licence=licence,
        author=author,
        markdown_extensions=_markdown_extensions(data, config_path),
        pages=navigation.pages(_mkdocs_nav(data, config_path)),
    )


def _read_config(path: Path) -> dict:
    """mkdocs.yml as a dict."""
    try:
        raw = limits.read_limited(path, limits.MAX_SETTINGS_BYTES)
    except FileNotFoundError:
        raise BuildError("mkdocs.yml not found; is this an MkDocs site?", path) from None
    data = load_site_yaml(decode_utf8(raw, path), path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BuildError("mkdocs.yml must be a YAML mapping (key: value)", path, 1)
    if "INHERIT" in data:
        raise config_error(data, "INHERIT", "not supported; put the settings in one file", path)
    return data


def _text_setting(data: dict, key: str, path: Path) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        message = f"Expected type: {str!r} but received: {type(value)!r}"
        raise config_error(data, key, message, path)
    return None if value is None else str(value)


def _site_name(data: dict, path: Path) -> str:
    name = _text_setting(data, "site_name", path)
    if not name or not name.strip():
        raise config_error(data, "site_name", "Required configuration not provided.", path)
    return name


def _docs_dir(data: dict, root: Path, path: Path) -> Path:
    name = _text_setting(data, "docs_dir", path)
    docs_dir = (root / ("docs" if name is None else name)).resolve()
    # The site's boundary is its folder: docs_dir: ../.. or /etc would let a
    # page's images reach anything on the machine (symlinks resolved above).
    if not docs_dir.is_relative_to(root):
        message = f"'{name}' is outside the site's folder {root}; docs_dir must be inside it"
        raise config_error(data, "docs_dir", message, path)
    if not docs_dir.is_dir():
        message = f"The path '{docs_dir}' isn't an existing directory."
        raise config_error(data, "docs_dir", message, path)
    if docs_dir == root:
        message = (
            "The 'docs_dir' should not be the parent directory of the config file. Use a child "
            "directory instead so that the 'docs_dir' is a sibling of the config file."
        )
        raise config_error(data, "docs_dir", message, path)
    return docs_dir


def _language(data: dict, path: Path) -> str:
    theme = data.get("theme")
    if not isinstance(theme, dict):
        return "en"
    # Material calls it `language`; MkDocs' own themes call it `locale`.
    language = theme.get("language", theme.get("locale"))
    if language is None:
        return "en"
    if not isinstance(language, str) or not language.strip():
        raise config_error(data, "theme", "'language' must be a language code like 'fi'", path)
    return str(language)


def _plain_text(markup: str) -> str:
    """HTML as plain text: tags removed, entities decoded, whitespace collapsed."""
    text = HTML_BLOCK_TAG.sub(" ", HTML_COMMENT.sub("", markup))
    return " ".join(html.unescape(HTML_TAG.sub("", text)).split())


def copyright_holder(text: str) -> str | None:
    """The holder a plain-text copyright notice names ("Copyright © 2026 Holder. ..."), if any."""
    match = COPYRIGHT_HOLDER.search(text)
    if match is None:
        return None
    holder = match.group("holder").strip()
    if not re.search(r"[^\W\d_]", holder) or holder.lower().startswith(("all rights", "licen")):
        return None
    return holder


def _markdown_extensions(data: dict, path: Path) -> tuple[tuple[str, dict], ...]:
    """(name, config) pairs as MkDocs reads them: a repeated name keeps its first position."""
    configs: dict[str, dict] = {}
    for name, config in _extension_items(data, path):
        if not isinstance(name, str):
            raise config_error(
                data,
                "markdown_extensions",
                f"'{name}' is not a valid Markdown Extension name.",
                path,
            )
        configs.setdefault(str(name), {})
        if not config:
            continue
        if not isinstance(config, dict):
            message = f"Invalid config options for Markdown Extension '{name}'."
            raise config_error(data, "markdown_extensions", message, path)
        # MkDocs replaces an earlier config with a later one; it does not merge their keys.
        configs[str(name)] = plain_yaml(config)
    return tuple(configs.items())


def _extension_items(data: dict, path: Path) -> list[tuple[object, object]]:
    """markdown_extensions as (name, config) pairs; a list item is a name or a one-key mapping."""
    value = data.get("markdown_extensions") or []
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, list) and all(_is_extension_item(item) for item in value):
        return [
            next(iter(item.items())) if isinstance(item, dict) else (item, None) for item in value
        ]
    message = "Invalid Markdown Extensions configuration"
    raise config_error(data, "markdown_extensions", message, path)


def _is_extension_item(item) -> bool:
    return isinstance(item, str) or (isinstance(item, dict) and len(item) == 1)


def _uses_awesome_nav(data: dict) -> bool:
    """Whether mkdocs.yml enables awesome-nav, whose .nav.yml files then give the order."""
    plugins = data.get("plugins")
    if isinstance(plugins, dict):
        return "awesome-nav" in plugins
    if isinstance(plugins, list):
        names = (next(iter(item), None) if isinstance(item, dict) else item for item in plugins)
        return "awesome-nav" in names
    return False


def _mkdocs_nav(data: dict, path: Path) -> list | None:
    """mkdocs.yml's own `nav`, which MkDocs uses when no awesome-nav overrides it."""
    nav = data.get("nav")
    if nav is None or _uses_awesome_nav(data):
        return None
    if not isinstance(nav, list):
        raise config_error(data, "nav", "Expected a list of pages and sections", path)
    return nav
