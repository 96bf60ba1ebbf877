"""An MkDocs site's settings, read from mkdocs.yml as MkDocs reads them."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from coursebuild.core import limits
from coursebuild.core.errors import BuildError
from coursebuild.reading.icons import material_icons
from coursebuild.reading.lesson_file import decode_utf8
from coursebuild.reading.navigation import NAV_FILE, PAGES_FILE, Navigation, SitePage
from coursebuild.reading.site_yaml import config_error, load_site_yaml, plain_yaml, yaml_line

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
    settings_files: tuple[Path, ...]  # mkdocs.yml and the files it INHERITs
    docs_dir: Path
    title: str
    language: str
    licence: str  # `copyright` as plain text
    author: str
    markdown_extensions: tuple[tuple[str, dict], ...]  # (name, config) in mkdocs.yml order
    pages: tuple[SitePage, ...]  # in navigation order
    site_url: str | None  # where the site is on the web, if it says
    plugins: tuple[str, ...]  # the plugins' names, in mkdocs.yml's order
    # What mkdocs-macros gives a page by name: `extra:`'s values, and `config`'s texts.
    macro_values: dict
    directory_urls: bool  # use_directory_urls: a page's address is "page/", not "page.html"
    nav_files: tuple[Path, ...]  # the .nav.yml files that gave the order
    logo: Path | None = None  # theme.logo (a file in docs_dir) or theme.icon.logo's icon
    bib_files: tuple[Path, ...] = ()  # the bibtex plugin's references, inside the site


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
    # No author given: none shown (the site's name is no author, and it is shown already).
    author = copyright_holder(licence) or _text_setting(data, "site_author", config_path) or ""
    site_dir = (root / (_text_setting(data, "site_dir", config_path) or "site")).resolve()
    navigation = Navigation(docs_dir, config_path, nav_file=_nav_file(data), left_out=(site_dir,))
    pages = navigation.pages(_mkdocs_nav(data, config_path))
    return Site(
        root=root,
        config_path=config_path,
        settings_files=data.files,
        docs_dir=docs_dir,
        title=title,
        language=_language(data, config_path),
        licence=licence,
        author=author,
        markdown_extensions=_markdown_extensions(data, config_path),
        pages=pages,
        nav_files=navigation.files_read(),
        site_url=_site_url(data, config_path),
        plugins=tuple(str(name) for name in _plugins(data) if name is not None),
        macro_values=_macro_values(data),
        directory_urls=data.get("use_directory_urls", True) is not False,
        logo=_logo(data, docs_dir),
        bib_files=_bib_files(data, root),
    )


def _read_config(
    path: Path, root: Path | None = None, chain: tuple[Path, ...] = ()
) -> SiteSettings:
    """mkdocs.yml as a dict, merged onto the file its ``INHERIT`` names, as MkDocs merges them.

    Mappings merge key by key, the inheriting file's values win, lists are
    replaced (mergedeep's REPLACE, MkDocs' strategy). The parent must be inside
    the site's folder: a pull request's INHERIT may not read the build machine's files.
    """
    root = root or path.parent
    try:
        raw = limits.read_limited(path, limits.MAX_SETTINGS_BYTES)
    except FileNotFoundError:
        raise BuildError("mkdocs.yml not found; is this an MkDocs site?", path) from None
    data = load_site_yaml(decode_utf8(raw, path), path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BuildError(f"{path.name} must be a YAML mapping (key: value)", path, 1)
    line = next((yaml_line(key) for key in data if key == "INHERIT"), None)
    parent_name = data.pop("INHERIT", None)
    data = SiteSettings(data, dict.fromkeys(data, path), (path,))
    if parent_name is None:
        return data
    if not isinstance(parent_name, str):
        raise BuildError("INHERIT: expected the path of a YAML file", path, line)
    parent = (path.parent / parent_name).resolve()
    if not parent.is_relative_to(root):
        message = f"INHERIT: '{parent_name}' is outside the site's folder {root}"
        raise BuildError(message, path, line)
    if not parent.is_file():
        raise BuildError(f"INHERIT: '{parent_name}' is not a file", path, line)
    if parent in chain or parent == path.resolve() or len(chain) >= MAX_INHERIT_DEPTH:
        raise BuildError(f"INHERIT: '{parent_name}' inherits in a loop or too deep", path, line)
    return merged_settings(_read_config(parent, root, (*chain, path.resolve())), data)


MAX_INHERIT_DEPTH = 10


class SiteSettings(dict):
    """mkdocs.yml's settings, and for each top-level key the file it came from (INHERIT)."""

    def __init__(self, data: dict, origins: dict, files: tuple[Path, ...]) -> None:
        super().__init__(data)
        self.origins = origins
        self.files = files  # every file read, the inherited first


def merged_settings(parent: SiteSettings, child: SiteSettings) -> SiteSettings:
    """``child`` merged onto ``parent``: mappings key by key, anything else replaced."""
    origins = {**parent.origins, **child.origins}
    return SiteSettings(_merged(parent, child), origins, parent.files + child.files)


def _merged(parent: dict, child: dict) -> dict:
    result = dict(parent)
    for key, value in child.items():
        old = result.pop(key, None)  # the child's key, which knows its line, replaces the parent's
        both_mappings = isinstance(old, dict) and isinstance(value, dict)
        result[key] = _merged(old, value) if both_mappings else value
    return result


def _text_setting(data: dict, key: str, path: Path) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        message = f"Expected type: {str!r} but received: {type(value)!r}"
        raise config_error(data, key, message, path)
    return None if value is None else str(value)


MACRO_CONFIG_TEXTS = (
    "site_name", "site_description", "site_author", "site_url", "copyright", "repo_url",
    "repo_name",
)  # fmt: skip


def _macro_values(data: dict) -> dict:
    """`extra:`'s values by name, and ``config`` with the site's texts, as plain YAML data."""
    extra = plain_yaml(data.get("extra")) if isinstance(data.get("extra"), dict) else {}
    config = {key: str(data[key]) for key in MACRO_CONFIG_TEXTS if isinstance(data.get(key), str)}
    return {**extra, "extra": extra, "config": {**config, "extra": extra}}


def _site_url(data: dict, path: Path) -> str | None:
    url = _text_setting(data, "site_url", path)
    if not url or not url.strip():
        return None
    if not re.match(r"https?://[^/\s]+", url.strip(), re.IGNORECASE):
        message = "Expected an address starting with http:// or https://"
        raise config_error(data, "site_url", message, path)
    return url.strip()


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
    # docs_dir: . (the same-dir plugin's layout) is allowed: the scan of pages
    # leaves out site_dir and output folders (navigation.py).
    return docs_dir


LOGO_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp")


def _logo(data: dict, docs_dir: Path) -> Path | None:
    """The site's logo as Material finds it: ``theme.logo``, a file in docs_dir, else
    ``theme.icon.logo``, an icon Material ships ("material/school"); None if neither is
    there. An address on the web is no file: an offline deck shows no logo for it."""
    theme = data.get("theme")
    if not isinstance(theme, dict):
        return None
    logo = theme.get("logo")
    if isinstance(logo, str) and logo.strip() and ":" not in logo.split("/")[0]:
        path = (docs_dir / logo.strip().lstrip("/")).resolve()
        inside = path.is_relative_to(docs_dir.resolve())
        if inside and path.suffix.lower() in LOGO_SUFFIXES and path.is_file():
            return path if path.stat().st_size <= limits.MAX_LOGO_BYTES else None
        return None
    icon = theme.get("icon", {}).get("logo") if isinstance(theme.get("icon"), dict) else None
    folder = material_icons()
    if isinstance(icon, str) and folder is not None and re.fullmatch(r"[\w-]+(?:/[\w-]+)+", icon):
        path = folder / f"{icon}.svg"
        return path if path.is_file() else None
    return None


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


def _plugins(data: dict) -> list:
    plugins = data.get("plugins")
    if isinstance(plugins, dict):
        return list(plugins)
    if isinstance(plugins, list):
        return [next(iter(item), None) if isinstance(item, dict) else item for item in plugins]
    return []


def _plugin_options(data: dict, name: str) -> dict:
    """The options mkdocs.yml gives the plugin ``name`` ({} if none, or not listed)."""
    plugins = data.get("plugins")
    items = plugins.items() if isinstance(plugins, dict) else []
    if isinstance(plugins, list):
        items = [next(iter(item.items())) for item in plugins if isinstance(item, dict) and item]
    options = next((value for key, value in items if key == name), None)
    return options if isinstance(options, dict) else {}


def _bib_files(data: dict, root: Path) -> tuple[Path, ...]:
    """The mkdocs-bibtex plugin's ``bib_file`` and the ``.bib`` files of its ``bib_dir``:
    those inside the site and within the size limit (an address on the web is not fetched)."""
    if "bibtex" not in _plugins(data):
        return ()
    options = _plugin_options(data, "bibtex")
    found = []
    if isinstance(options.get("bib_file"), str) and "://" not in options["bib_file"]:
        found.append(root / options["bib_file"])
    if isinstance(options.get("bib_dir"), str):
        folder = (root / options["bib_dir"]).resolve()
        if folder.is_relative_to(root) and folder.is_dir():
            found += sorted(folder.glob("*.bib"))
    resolved = [path.resolve() for path in found]
    return tuple(
        path
        for path in dict.fromkeys(resolved)
        if path.is_relative_to(root)
        and path.is_file()
        and path.stat().st_size <= limits.MAX_BIB_BYTES
    )


def _nav_file(data: dict) -> str | None:
    """The nav files a plugin of mkdocs.yml reads: awesome-nav's .nav.yml, awesome-pages' .pages."""
    plugins = _plugins(data)
    if "awesome-nav" in plugins:
        return NAV_FILE
    if "awesome-pages" in plugins:
        return PAGES_FILE
    return None


def _mkdocs_nav(data: dict, path: Path) -> list | None:
    """mkdocs.yml's own `nav`, which MkDocs uses when no awesome-nav overrides it."""
    nav = data.get("nav")
    if nav is None or _nav_file(data) == NAV_FILE:
        return None
    if not isinstance(nav, list):
        raise config_error(data, "nav", "Expected a list of pages and sections", path)
    return nav
