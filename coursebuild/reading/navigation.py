"""A site's pages in its navigation order: mkdocs.yml's nav, or awesome-nav's .nav.yml files.

The order follows the awesome-nav plugin (.nav.yml files), as the course sites use it; see
https://lukasgeiter.github.io/mkdocs-awesome-nav/. Where awesome-nav sorts by path, pages here
sort by their front matter `priority:` first, as the site author intends.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import re2
import yaml

from coursebuild.core import limits
from coursebuild.core.errors import BuildError
from coursebuild.core.state import STATE_FILE
from coursebuild.reading.lesson_file import decode_utf8, dirname_to_title, load_yaml
from coursebuild.reading.site_yaml import (
    config_error,
    load_site_yaml,
    plain_yaml,
    yaml_error,
    yaml_line,
)

NAV_FILE = ".nav.yml"  # awesome-nav's
PAGES_FILE = ".pages"  # awesome-pages': read as the .nav.yml it amounts to (pages_file_as_nav)
# awesome-pages' "..." (the rest), "... | flat", "... | glob=pattern", "... | regex=pattern".
REST = re.compile(r"^\.\.\.(?:\s*\|\s*(?P<kind>flat|glob|regex)\s*(?:=\s*(?P<pattern>.*))?)?$")
# awesome-nav's nav for a folder whose .nav.yml has none: its index page, then the rest.
DEFAULT_NAV = ("@(index.md|README.md)", "*")

FRONT_MATTER_END = "---"
PRIORITY_LINE = re.compile(r"^priority\s*:", re.MULTILINE)
EXTGLOB_CLOSERS = {"@": ")", "?": ")?", "+": ")+", "*": ")*"}
# A nav target that is a link, not a page: "https://...", "mailto:...", "/path", "#part".
LINK = re.compile(r"[a-z][a-z0-9+.-]*://|mailto:|/|#", re.IGNORECASE)


@dataclass(frozen=True)
class SitePage:
    path: Path  # absolute path of the .md file
    chapter: str | None  # title of the top-level nav section holding the page; None at top level
    title: str | None = None  # the nav's title for the page ("Title: page.md"), if it gives one


def front_matter_priority(path: Path) -> int | None:
    """The page's front matter `priority:`, reading only the front matter; None without one."""
    text = _front_matter_text(path)
    if text is None or not PRIORITY_LINE.search(text):
        return None  # no YAML to parse: the common case for pages without a priority
    value = _front_matter(text, path).get("priority")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        line = 2 + text[: PRIORITY_LINE.search(text).start()].count("\n")
        message = f"front matter 'priority': expected a whole number, got {value!r}"
        raise BuildError(message, path, line)
    return value


def _front_matter_text(path: Path) -> str | None:
    """The YAML between a page's leading `---` lines, read line by line up to the closing one."""
    # Same rules as coursebuild.lessons: `---` on the very first line, `\r\n` read as `\n`.
    # Read within the page's limit: a page larger than it is refused when it is loaded.
    budget = limits.MAX_PAGE_BYTES
    with path.open(encoding="utf-8", errors="replace") as page:
        if page.readline(budget).rstrip("\n").rstrip(" ") != FRONT_MATTER_END:
            return None
        lines = []
        while line := page.readline(budget):
            if line.rstrip("\n").rstrip(" ") == FRONT_MATTER_END:
                return "".join(lines)
            lines.append(line)
            budget -= len(line)
    return None  # never closed: not front matter


def _front_matter(text: str, path: Path) -> dict:
    try:
        meta = load_yaml(text)
    except yaml.YAMLError as error:
        raise yaml_error(error, path, first_line=2) from None  # +1 for '---', +1 one-based
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise BuildError("front matter must be a YAML mapping (key: value)", path, 2)
    return meta


def front_matter_title(path: Path) -> str | None:
    """The page's front matter `title:`, reading only the front matter."""
    text = _front_matter_text(path)
    title = _front_matter(text, path).get("title") if text is not None else None
    return title if isinstance(title, str) and title.strip() else None


def _natural_key(rel: str) -> tuple:
    """awesome-nav's natural path order: numbers by value, each letter's cases side by side."""
    return tuple(
        _natural_text(piece) for part in rel.split("/") for piece in posixpath.splitext(part)
    )


def _natural_text(text: str) -> tuple:
    chunks = re.split(r"(\d+)", text)
    # natsort's GROUPLETTERS: "Apple" and "apple" sort together, the capital first.
    return tuple(
        int(chunk) if index % 2 else "".join(char.casefold() + char for char in chunk)
        for index, chunk in enumerate(chunks)
    )


def _glob_regex(glob: str) -> str:
    """A glob (*, **, ?, [...], @(a|b), ?(...), +(...), *(...)) as a regular expression."""
    out: list[str] = []
    closers: list[str] = []
    index = 0
    while index < len(glob):
        piece, index = _glob_piece(glob, index, closers)
        out.append(piece)
    return "".join(out)


def _glob_piece(glob: str, index: int, closers: list[str]) -> tuple[str, int]:
    """The regular expression for the glob's next token, and the index after it."""
    char = glob[index]
    if glob.startswith("**/", index):
        return "(?:[^/]+/)*", index + 3
    if glob.startswith("**", index):
        return ".*", index + 2
    if char in EXTGLOB_CLOSERS and glob.startswith("(", index + 1):
        closers.append(EXTGLOB_CLOSERS[char])
        return "(?:", index + 2
    if char == ")" and closers:
        return closers.pop(), index + 1
    if char == "|" and closers:
        return "|", index + 1
    if char == "[" and (end := glob.find("]", index + 2)) != -1:
        body = glob[index + 1 : end].replace("\\", "\\\\")
        return "[" + ("^" + body[1:] if body.startswith("!") else body) + "]", end + 1
    return {"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char)), index + 1


def _is_glob(entry: str) -> bool:
    return any(char in entry for char in "*?[") or "@(" in entry


def _is_link(target: str) -> bool:
    return LINK.match(target) is not None


def _join(folder: str, entry: str) -> str:
    """A nav entry's path relative to docs_dir; "" is docs_dir itself."""
    rel = posixpath.normpath(posixpath.join(folder, entry))
    return "" if rel == "." else rel


class _Pattern(NamedTuple):
    """A glob anchored at a folder, matching paths relative to docs_dir."""

    regex: re2._Regexp
    dirs_only: bool  # a glob ending in "/" matches folders only

    def matches(self, rel: str, is_dir: bool) -> bool:
        return (is_dir or not self.dirs_only) and self.regex.fullmatch(rel) is not None


def _glob_options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # an invalid pattern is a BuildError, not a line on stderr
    return options


GLOB_OPTIONS = _glob_options()


def _pattern(folder: str, glob: str, source: Path | None, line: int | None) -> _Pattern:
    """The glob as a regular expression matched by RE2, in time linear in the path's length.

    A nav file is untrusted: Python's backtracking engine took forever on
    "*a*a*a*a*a*a*a*a*a*a*a*a*a*b" against a 40-character name.
    """
    if len(glob) > limits.MAX_GLOB_CHARACTERS:
        message = f"nav entry: a glob of {len(glob):,} characters, more than "
        raise BuildError(message + f"{limits.MAX_GLOB_CHARACTERS:,}", source, line)
    base = re.escape(folder + "/") if folder else ""
    try:
        regex = re2.compile(base + _glob_regex(glob.rstrip("/")), GLOB_OPTIONS)
    except re2.error:
        raise BuildError(f"nav entry '{glob}': not a valid glob pattern", source, line) from None
    return _Pattern(regex, glob.endswith("/"))


class _Options(NamedTuple):
    """The .nav.yml settings a folder passes on to its subfolders."""

    flatten: bool = False
    preserve_names: bool = False
    append_unmatched: bool = False
    use_index_title: bool = False
    ignore: tuple[_Pattern, ...] = ()


# The nav's pieces are NamedTuples: a dataclass costs ~0.4 ms at import, on every build.
class _Section(NamedTuple):
    title: str
    folder: str  # relative to docs_dir, for sorting; "" for a section made in a nav
    children: list  # page paths (str) and _Sections


class _PageRef(NamedTuple):
    rel: str
    title: str | None = None


class _FolderRef(NamedTuple):
    rel: str
    title: str | None
    options: _Options  # the parent's, for inheriting


class _Glob(NamedTuple):
    pattern: _Pattern
    options: _Options


class _SectionRef(NamedTuple):
    title: str
    children: list


class Navigation:
    """A site's navigation tree, resolved the way awesome-nav resolves it."""

    def __init__(
        self, docs_dir: Path, config_path: Path, nav_file: str | None, left_out: tuple = ()
    ):
        self.docs_dir = docs_dir
        self.config_path = config_path
        self.nav_file = nav_file  # NAV_FILE, PAGES_FILE, or None when no plugin reads either
        self.entries, self.nav_folders = _scan(docs_dir, left_out, nav_file)
        self.pages_found = {rel for rel, is_dir in self.entries if not is_dir}
        self.folders_found = {rel for rel, is_dir in self.entries if is_dir}
        self.visited: set[str] = set()
        self.nav_configs: dict[str, tuple[dict, Path | None]] = {}
        self.priorities: dict[str, int | None] = {}
        self.titles: dict[str, str] = {}  # page -> the nav's title for it

    def pages(self, mkdocs_nav: list | None) -> tuple[SitePage, ...]:
        """Every page in the nav, in order, each with the top-level section it is under.

        MkDocs builds the pages the nav leaves out too: they follow, in path order.
        """
        if mkdocs_nav is None:
            config, source = self._nav_config("")
            items = self._folder_items("", _folder_options(config, "", _Options(), source))
        else:
            if self.nav_file == PAGES_FILE:
                mkdocs_nav = [_pages_entry(entry, self.config_path) for entry in mkdocs_nav]
            items = self._parse(mkdocs_nav, "", _Options(), self.config_path)
        pages: dict[str, SitePage] = {}
        for item in self._resolve(items):
            chapter = item.title if isinstance(item, _Section) else None
            for rel in _section_pages(item):
                pages.setdefault(rel, SitePage(self.docs_dir / rel, chapter, self.titles.get(rel)))
        for rel in sorted(self.pages_found - pages.keys(), key=_natural_key):
            pages[rel] = SitePage(self.docs_dir / rel, None)
        return tuple(pages.values())

    def files_read(self) -> tuple[Path, ...]:
        """The nav files that gave the order, once ``pages`` has run."""
        return tuple(sorted(path for _, path in self.nav_configs.values() if path is not None))

    def _nav_config(self, folder: str) -> tuple[dict, Path | None]:
        """The folder's .nav.yml as a dict, and its path; ({}, None) without one."""
        if self.nav_file is None or folder not in self.nav_folders:
            return {}, None
        if folder not in self.nav_configs:
            self.nav_configs[folder] = _read_nav_file(self.docs_dir / folder / self.nav_file)
        return self.nav_configs[folder]

    def _folder_items(self, folder: str, options: _Options) -> list:
        """A folder's nav entries: its .nav.yml's, else awesome-nav's default ones."""
        config, source = self._nav_config(folder)
        nav = config.get("nav", list(DEFAULT_NAV))
        items = self._parse(nav, folder, options, source)
        if options.append_unmatched:
            items.append(_Glob(_pattern(folder, "*", source, None), options))
        return items

    def _folder(self, ref: _FolderRef) -> _Section | str | list:
        """A folder as a section; [] when it holds no pages."""
        self.visited.add(ref.rel)
        config, source = self._nav_config(ref.rel)
        options = _folder_options(config, ref.rel, ref.options, source)
        children = self._resolve(self._folder_items(ref.rel, options))
        if not children:
            return []
        if options.flatten and len(children) == 1:
            return children[0]
        title = ref.title or config.get("title") or self._folder_title(ref.rel, options)
        return _Section(str(title), ref.rel, children)

    def _folder_title(self, folder: str, options: _Options) -> str:
        name = posixpath.basename(folder)
        index = _join(folder, "index.md")
        if options.use_index_title and index in self.pages_found:
            title = front_matter_title(self.docs_dir / index)
            if title:
                return title
        return name if options.preserve_names else dirname_to_title(name)

    def _parse(self, nav: list, folder: str, options: _Options, source: Path | None) -> list:
        """A nav list's entries as page, folder, glob and section references; links left out."""
        items = (self._parse_entry(entry, folder, options, source) for entry in nav)
        return [item for item in items if item is not None]

    def _parse_entry(self, entry, folder: str, options: _Options, source: Path | None):
        """One nav entry: "page.md", "folder", "glob*", {glob: ...} or {"Title": target}."""
        if isinstance(entry, str):
            return None if _is_link(entry) else self._target(entry, None, folder, options, source)
        if isinstance(entry, dict) and isinstance(entry.get("glob"), str):
            return _Glob(_pattern(folder, entry["glob"], source, yaml_line(entry)), options)
        if isinstance(entry, dict) and len(entry) == 1:
            title, value = next(iter(entry.items()))
            if isinstance(value, list):
                return _SectionRef(str(title), self._parse(value, folder, options, source))
            if isinstance(value, str) and not _is_link(value):
                return self._target(value, str(title), folder, options, source, globs=False)
            if isinstance(value, str):
                return None
        message = (
            f"nav entry {plain_yaml(entry)!r}: expected a file, a folder, a glob or 'Title: target'"
        )
        raise BuildError(message, source, yaml_line(entry))

    def _target(self, entry, title, folder, options, source, globs: bool = True):
        """The page, folder or glob a nav entry names."""
        rel = _join(folder, entry.rstrip("/"))
        if rel in self.pages_found:
            return _PageRef(rel, title)
        if rel in self.folders_found:
            return _FolderRef(rel, title, options)
        if globs and _is_glob(entry):
            return _Glob(_pattern(folder, entry, source, yaml_line(entry)), options)
        target = self.docs_dir / rel
        problem = "is not a page (.md) or folder" if target.exists() else "does not exist"
        raise BuildError(f"nav entry '{entry}': {target} {problem}", source, yaml_line(entry))

    def _resolve(self, items: list) -> list:
        """Items resolved in awesome-nav's order: pages, then folders (deepest first), then globs.

        That order is why a glob leaves out what the nav lists anywhere else, before or after it.
        """
        for _, container, index in sorted(_resolve_queue(items), key=lambda entry: entry[0]):
            container[index] = self._resolve_one(container[index])
        return _flatten(items)

    def _resolve_one(self, item):
        if isinstance(item, _PageRef):
            self.visited.add(item.rel)
            if item.title is not None:
                self.titles.setdefault(item.rel, item.title)
            return item.rel
        if isinstance(item, _FolderRef):
            return self._folder(item)
        return self._glob(item)

    def _glob(self, glob: _Glob) -> list:
        """What a glob matches and nothing resolved before it has taken, in the default order."""
        matches = [
            _FolderRef(rel, None, glob.options) if is_dir else _PageRef(rel)
            for rel, is_dir in self.entries
            if rel not in self.visited
            and glob.pattern.matches(rel, is_dir)
            and not any(ignore.matches(rel, is_dir) for ignore in glob.options.ignore)
            and not (is_dir and self._nav_config(rel)[0].get("hide"))
        ]
        resolved = self._resolve(matches)
        return sorted(resolved, key=self._sort_key)

    def _sort_key(self, item) -> tuple:
        """The default order: pages by priority, then by name; those without after; folders last."""
        if isinstance(item, _Section):
            return (1, False, 0, _natural_key(item.folder))
        priority = self._priority(item)
        return (0, priority is None, priority or 0, _natural_key(item))

    def _priority(self, rel: str) -> int | None:
        if rel not in self.priorities:
            self.priorities[rel] = front_matter_priority(self.docs_dir / rel)
        return self.priorities[rel]


def _scan(
    docs_dir: Path, left_out: tuple[Path, ...], nav_file: str | None
) -> tuple[list[tuple[str, bool]], set[str]]:
    """Every page (.md) and folder MkDocs sees under docs_dir, and the folders with a nav file.

    ``left_out`` (the site_dir) and any output folder of this build are no part
    of the site: with ``docs_dir: .`` they are inside it.
    """
    entries: list[tuple[str, bool]] = []
    nav_folders: set[str] = set()
    for folder, dirnames, filenames in os.walk(docs_dir):
        rel = Path(folder).relative_to(docs_dir).as_posix()
        base = "" if rel == "." else rel + "/"
        # MkDocs' default exclude_docs: dot files and folders, and the top-level templates/.
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not _excluded(base + d) and not _is_output(Path(folder) / d, left_out)
        )
        names = {name for name in filenames if name.endswith(".md") and not name.startswith(".")}
        if "index.md" in names:
            names.discard("README.md")  # MkDocs leaves README.md out when index.md is there
        if nav_file in filenames:
            nav_folders.add(base.rstrip("/"))
        entries += [(base + name, True) for name in dirnames]
        entries += [(base + name, False) for name in sorted(names)]
    return entries, nav_folders


def _is_output(folder: Path, left_out: tuple[Path, ...]) -> bool:
    return folder in left_out or (folder / STATE_FILE).is_file()


def _excluded(rel: str) -> bool:
    return posixpath.basename(rel).startswith(".") or rel == "templates"


def _read_nav_file(path: Path) -> tuple[dict, Path]:
    """A .nav.yml (or a .pages, as the .nav.yml it amounts to) as a dict, checked where a
    wrong type would be misread."""
    data = load_site_yaml(
        decode_utf8(limits.read_limited(path, limits.MAX_SETTINGS_BYTES), path), path
    )
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BuildError(f"{path.name} must be a YAML mapping (key: value)", path, 1)
    if path.name == PAGES_FILE:
        data = pages_file_as_nav(data, path)
    if "nav" in data and not isinstance(data["nav"], list):
        raise config_error(data, "nav", "Expected a list of pages, folders and sections", path)
    if "title" in data and not isinstance(data["title"], str):
        raise config_error(data, "title", "Expected a string", path)
    return data, path


def pages_file_as_nav(data: dict, path: Path) -> dict:
    """awesome-pages' .pages as awesome-nav's .nav.yml: ``nav`` (or the older ``arrange``)
    with "..." as the glob of the rest, ``collapse_single_pages`` as flattening.

    Its sorting options (``order``, ``sort_type``, ``order_by``) are not read: the rest
    comes in the default order.
    """
    nav = data.get("nav", data.get("arrange"))
    config = {key: data[key] for key in ("title", "hide") if key in data}
    if "collapse_single_pages" in data:
        config["flatten_single_child_sections"] = data["collapse_single_pages"]
    if nav is not None:
        if not isinstance(nav, list):
            raise config_error(data, "nav", "Expected a list of pages, folders and sections", path)
        config["nav"] = [_pages_entry(entry, path) for entry in nav]
    return config


def _pages_entry(entry, path: Path):
    """One awesome-pages nav entry as awesome-nav's: "..." is the rest of the folder."""
    if not isinstance(entry, str):
        return entry
    rest = REST.match(entry.strip())
    if rest is None:
        return entry
    if rest["kind"] == "glob" and rest["pattern"]:
        return {"glob": rest["pattern"].strip()}
    if rest["kind"] == "regex":
        message = f"nav entry '{entry}': awesome-pages' regex filter is not supported; use glob="
        raise BuildError(message, path, yaml_line(entry))
    return "*"


def _folder_options(config: dict, folder: str, parent: _Options, source: Path | None) -> _Options:
    """A folder's settings: its .nav.yml's, else those it inherits."""
    return _Options(
        flatten=_flag(config, "flatten_single_child_sections", parent.flatten, source),
        preserve_names=_flag(config, "preserve_directory_names", parent.preserve_names, source),
        append_unmatched=_flag(config, "append_unmatched", parent.append_unmatched, source),
        use_index_title=_flag(config, "use_index_title", parent.use_index_title, source),
        ignore=_ignore_patterns(config, folder, parent.ignore, source),
    )


def _flag(config: dict, key: str, inherited: bool, source: Path | None) -> bool:
    value = config.get(key)
    if value is None:
        return inherited
    if not isinstance(value, bool):
        raise config_error(config, key, "Expected true or false", source)
    return value


def _ignore_patterns(config: dict, folder: str, inherited: tuple, source) -> tuple:
    """awesome-nav's `ignore`: gitignore-like globs; "$inherit" keeps the parent's too."""
    value = config.get("ignore")
    if value is None:
        return inherited
    globs = [value] if isinstance(value, str) else value
    if not isinstance(globs, list) or not all(isinstance(glob, str) for glob in globs):
        raise config_error(config, "ignore", "Expected a glob or a list of globs", source)
    patterns: list[_Pattern] = []
    for glob in globs:
        if glob == "$inherit":
            patterns += inherited
        elif glob.startswith("/"):
            patterns.append(_pattern(folder, glob[1:], source, yaml_line(glob)))
        else:
            patterns.append(_pattern(folder, "**/" + glob, source, yaml_line(glob)))
    return tuple(patterns)


def _resolve_queue(items: list):
    """(priority, list, index) for every item to resolve, sections' children included."""
    for index, item in enumerate(items):
        if isinstance(item, _SectionRef):
            yield from _resolve_queue(item.children)
        elif isinstance(item, _PageRef):
            yield (1, index), items, index
        elif isinstance(item, _FolderRef):
            yield (2, -item.rel.count("/"), index), items, index
        else:
            yield (3, index), items, index


def _flatten(items: list) -> list:
    """Resolved items with globs' and empty folders' lists spliced in."""
    result = []
    for item in items:
        if isinstance(item, list):
            result += _flatten(item)
        elif isinstance(item, _SectionRef):
            result.append(_Section(item.title, "", _flatten(item.children)))
        else:
            result.append(item)
    return result


def _section_pages(item) -> list[str]:
    if isinstance(item, _Section):
        return [rel for child in item.children for rel in _section_pages(child)]
    return [item]
