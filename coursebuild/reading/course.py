"""Load and validate a course: the project's course.toml, or an MkDocs site's mkdocs.yml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from coursebuild.core.errors import BuildError
from coursebuild.core.limits import MAX_SETTINGS_BYTES, read_limited
from coursebuild.core.state import STATE_FILE
from coursebuild.core.words import WORDS
from coursebuild.reading.markdown_reader import usable_extensions
from coursebuild.reading.mkdocs_config import MKDOCS_BUILTIN_EXTENSIONS, load_site
from coursebuild.reading.navigation import SitePage

LANGUAGES = tuple(sorted(WORDS))  # the languages the build has words for
REQUIRED_TEXT = ("title", "author", "licence", "language")
SITE_CONFIG = "mkdocs.yml"

# The dialect of a course.toml course: the extensions of the instructor's own
# sites (../shared/corpus/*/mkdocs.yml), which its pages are written in.
DEFAULT_EXTENSIONS: tuple[tuple[str, dict], ...] = (
    ("pymdownx.highlight", {"anchor_linenums": True, "line_spans": "__span"}),
    ("pymdownx.inlinehilite", {}),
    ("pymdownx.snippets", {}),
    ("pymdownx.superfences", {"custom_fences": [{"name": "mermaid", "class": "mermaid"}]}),
    ("attr_list", {}),
    ("pymdownx.emoji", {}),
    ("pymdownx.keys", {}),
    ("pymdownx.mark", {}),
    ("admonition", {}),
    ("pymdownx.details", {}),
    ("footnotes", {}),
    ("pymdownx.tasklist", {"custom_checkbox": True}),
    ("pymdownx.tabbed", {"alternate_style": True}),
    ("pymdownx.arithmatex", {"generic": True}),
    ("tables", {}),
)


@dataclass(frozen=True)
class Course:
    title: str
    author: str
    licence: str
    language: str
    root: Path  # the folder holding course.toml or mkdocs.yml: the course folder
    lessons_dir: Path
    output_dir: Path
    config_path: Path  # course.toml or mkdocs.yml
    # Images must stay inside this folder: an MkDocs site's docs_dir, else the root.
    docs_dir: Path
    markdown_extensions: tuple[tuple[str, dict], ...] = DEFAULT_EXTENSIONS
    # An MkDocs site's pages in navigation order, each with its chapter and nav title.
    pages: tuple[SitePage, ...] | None = None
    # Every settings file: course.toml, or mkdocs.yml, what it INHERITs and the nav files.
    settings_files: tuple[Path, ...] = ()
    # mkdocs.yml's extensions the build does not know, so does not load.
    unknown_extensions: tuple[str, ...] = ()
    site_url: str | None = None  # an MkDocs site's address on the web, if it gives one
    # Given on the command line, never by the course (untrusted): hosts whose images may be
    # fetched from a private address (remote_images.py).
    image_hosts: frozenset[str] = frozenset()
    plugins: tuple[str, ...] = ()  # an MkDocs site's
    macro_values: dict | None = None
    directory_urls: bool = True
    logo: Path | None = None  # the site's logo, for the title slide
    bib_files: tuple[Path, ...] = ()  # the references [@key] cites (mkdocs-bibtex)

    @property
    def is_site(self) -> bool:
        return self.config_path.name == SITE_CONFIG

    @property
    def jinja(self) -> str | None:
        """Which Jinja a page has: "lesson" (this project's, course.toml), "macros" (a site
        with mkdocs-macros: its values, not its macros), or None (MkDocs has none)."""
        if not self.is_site:
            return "lesson"
        return "macros" if "macros" in self.plugins else None

    def site_page(self, page: Path) -> SitePage | None:
        resolved = page.resolve()
        return next(
            (site_page for site_page in self.pages or () if site_page.path == resolved), None
        )

    def chapter_of(self, page: Path) -> str | None:
        site_page = self.site_page(page)
        return site_page.chapter if site_page else None

    def nav_title_of(self, page: Path) -> str | None:
        site_page = self.site_page(page)
        return site_page.title if site_page else None


def open_course(folder: Path) -> Course:
    """The course in ``folder``: an MkDocs site (mkdocs.yml) or this project's layout."""
    if (folder / SITE_CONFIG).is_file():
        return load_site_course(folder)
    return load_course(folder / "course.toml")


def load_site_course(root: Path) -> Course:

    site = load_site(root.resolve())
    listed = {name for name, _ in site.markdown_extensions}
    # MkDocs loads these whatever the site lists.
    builtins = [(name, {}) for name in MKDOCS_BUILTIN_EXTENSIONS if name not in listed]
    extensions, unknown = usable_extensions([*builtins, *site.markdown_extensions])
    return Course(
        title=site.title,
        author=site.author,
        licence=site.licence,
        language=site.language,
        root=site.root,
        lessons_dir=site.docs_dir,
        output_dir=site.root / "build",
        config_path=site.config_path,
        docs_dir=site.docs_dir,
        markdown_extensions=tuple(extensions),
        unknown_extensions=tuple(unknown),
        pages=site.pages,
        site_url=site.site_url,
        plugins=site.plugins,
        macro_values=site.macro_values,
        directory_urls=site.directory_urls,
        # The logo is on every title slide: a new one makes the decks again.
        settings_files=(
            *site.settings_files,
            *site.nav_files,
            *filter(None, [site.logo]),
            *site.bib_files,
        ),
        logo=site.logo,
        bib_files=site.bib_files,
    )


def load_course(path: Path) -> Course:
    try:
        text = read_limited(path, MAX_SETTINGS_BYTES).decode("utf-8")
    except FileNotFoundError:
        raise BuildError(
            "course.toml not found; run the build from the course folder", path
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BuildError(f"not valid TOML: {error}", path, getattr(error, "lineno", None)) from None

    problems = []
    for key in REQUIRED_TEXT:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"Config value '{key}': a non-empty string is required")
    if data.get("language") not in LANGUAGES and isinstance(data.get("language"), str):
        problems.append(f"Config value 'language': expected one of {', '.join(LANGUAGES)}")
    settings = data.get("build", {})
    if not isinstance(settings, dict):
        problems.append("Config value 'build': expected a table")
        settings = {}
    for key in ("lessons", "output"):
        if not isinstance(settings.get(key, ""), str):
            problems.append(f"Config value 'build.{key}': expected a folder name")
    if problems:
        raise BuildError("; ".join(problems), path)

    root = path.resolve().parent
    return Course(
        title=data["title"],
        author=data["author"],
        licence=data["licence"],
        language=data["language"],
        root=root,
        lessons_dir=root / settings.get("lessons", "slides"),
        output_dir=root / settings.get("output", "build"),
        config_path=root / "course.toml",
        settings_files=(root / "course.toml",),
        docs_dir=root,
    )


def check_output_dir(course: Course, out_dir: Path, project_sources: tuple[Path, ...]) -> None:
    """Refuse an output folder the build could overwrite sources in, before anything is written.

    The build writes images/, .cache/ and a file per lesson into it, and
    removes what it wrote there for lessons that are gone: so it may not be
    the course folder or a parent of it (`--out .`, `--out ..`, `/`), nor a
    source folder (lessons, images, the project's code and templates), inside
    one or a parent of one. ``out_dir`` is resolved, symlinks and all.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise BuildError("the output folder is a file, not a folder", out_dir)
    clash = output_dir_clash(course, out_dir, project_sources)
    if clash:
        example = course.root.resolve() / "build"
        raise BuildError(f"the output folder is {clash}; choose another, e.g. {example}", out_dir)


def output_dir_clash(
    course: Course, out_dir: Path, project_sources: tuple[Path, ...]
) -> str | None:
    """What ``out_dir`` is that an output folder may not be, or None."""
    root = course.root.resolve()
    if out_dir == root:
        return "the course folder"
    if root.is_relative_to(out_dir):
        return f"a parent of the course folder {root}"
    for folder in source_folders(course, project_sources):
        if out_dir == folder:
            return f"the source folder {folder}"
        if folder.is_relative_to(out_dir):
            return f"a parent of the source folder {folder}"
        if out_dir.is_relative_to(folder) and not is_own_output(course, folder, out_dir):
            return f"inside the source folder {folder}"
    return None


def is_own_output(course: Course, folder: Path, out_dir: Path) -> bool:
    """A site whose docs_dir is its own folder (``docs_dir: .``) keeps its outputs inside it:
    in a folder the build made (it holds the build's state file), or a new or empty one,
    which the scan of pages then leaves out."""
    if folder != course.root.resolve() or not course.is_site:
        return False
    if (out_dir / STATE_FILE).is_file():
        return True
    return not out_dir.exists() or not any(out_dir.iterdir())


def source_folders(course: Course, project_sources: tuple[Path, ...]) -> list[Path]:
    """Folders of sources an output folder may be neither in, nor be, nor hold."""
    folders = [course.lessons_dir, course.root / "images", *project_sources]
    if course.docs_dir != course.root:  # an MkDocs site's docs/; else the course folder
        folders += [course.docs_dir, course.docs_dir / "images"]
    return [folder.resolve() for folder in folders]
