"""One lesson page to a reveal.js deck and a Typst PDF handout."""

from __future__ import annotations

import datetime
import functools
import importlib.util
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from coursebuild import dialect, limits
from coursebuild.config import Course
from coursebuild.context import MODELS_FILE, course_data, lesson_context
from coursebuild.convert import (
    DECK_ARGUMENTS,
    FILTER_MODULES,
    HANDOUT_ARGUMENTS,
    bundled_pandoc,
    finish_typst,
    line_of,
    run_pandoc,
    start_typst,
)
from coursebuild.deck import (
    describe_images,
    embed_images,
    render_deck,
    reveal_dir,
    title_notes_apart,
)
from coursebuild.errors import BuildError
from coursebuild.handout_guard import handout_folder, raise_refusals, refuse_raw_typst
from coursebuild.images import resolve_page_image
from coursebuild.lessons import Lesson
from coursebuild.render import TEMPLATES_DIR, fill_jinja, render_template
from coursebuild.state import digest, file_digest, files_digest

if TYPE_CHECKING:
    from coursebuild.html_bridge import PageContext
    from coursebuild.mermaid import DiagramError

PACKAGE_DIR = Path(__file__).resolve().parent
FIGURES_DIR = PACKAGE_DIR.parent / "figures"


# A lesson's outputs, each rebuilt only when its own inputs change.
PARTS = frozenset({"deck", "handout"})


@dataclass(frozen=True)
class LessonOutputs:
    slug: str
    # None for a part (deck, handout) this build did not make: its inputs had not changed.
    # The deck before the layout pass (coursebuild/layout.py), which the build
    # runs in its one browser, and what the deck is then rendered with.
    deck_page: str | None
    deck_context: dict
    deck_images: dict[str, Path]  # embedded in the deck once it is laid out
    handout: bytes | None
    warnings: list[str]
    # Files the page turned out to show (images, course figures): the next
    # build checks them for changes before it may skip the lesson.
    dependencies: list[str]


def lesson_timestamp(lesson: Lesson) -> int:
    """SOURCE_DATE_EPOCH when set, else the lesson file's time; never the clock."""
    from coursebuild.timestamps import source_date_epoch

    epoch = source_date_epoch()
    if epoch is not None:
        return epoch
    return int(lesson.source.stat().st_mtime)


def lesson_inputs(lesson: Lesson, course: Course, part: str, dependencies: list[str]) -> str:
    """Digest of everything one part of the lesson's outputs (``deck``, ``handout``) depends on."""
    return digest(
        part,
        lesson.raw,
        str(lesson.source),
        lesson.slug,
        str(lesson_timestamp(lesson)),
        part_inputs(part, course.config_path, course.lessons_dir),
        *(f"{path}={dependency_digest(Path(path))}" for path in sorted(dependencies)),
    )


def dependency_digest(path: Path) -> str:
    try:
        return file_digest(path)
    except OSError:
        return "missing"


# What only one part is made with, beside the code and context both share:
# its Lua filters (as the part's Pandoc arguments name them) and its template.
PART_FILTERS = {"deck": DECK_ARGUMENTS, "handout": HANDOUT_ARGUMENTS}
PART_TEMPLATES = {
    "deck": ("deck.html.j2", "deck.css", "reveal_init.js"),
    "handout": ("handout.typ.j2",),
}


@functools.cache
def part_inputs(part: str, config_path: Path, lessons_dir: Path) -> str:
    """Digest of what every lesson's ``part`` depends on alike, read once a build.

    A deck also depends on the layout pass's script and the reveal.js version,
    a handout on the Typst compiler: an edit to the handout template rebuilds
    handouts and leaves every deck as it is.
    """
    filters = [
        Path(a.split("=", 1)[1]) for a in PART_FILTERS[part] if a.startswith("--lua-filter=")
    ] + list(FILTER_MODULES)
    templates = [TEMPLATES_DIR / name for name in PART_TEMPLATES[part]]
    if part == "deck":
        # The layout pass's script, not every script here: the preview's page
        # script and the check's are no part of a deck.
        own = [PACKAGE_DIR / "layout_pass.js", reveal_dir() / "package.json"]
        tools = ""
    else:
        own, tools = [], typst_signature()
    return digest(
        part,
        shared_inputs(config_path, lessons_dir),
        files_digest(filters + templates + [path for path in own if path.exists()]),
        tools,
    )


@functools.cache
def shared_inputs(config_path: Path, lessons_dir: Path) -> str:
    """Digest of what both parts of every lesson depend on.

    The build's code, the sources of the Jinja context, the versions of mermaid
    and the emoji images, the Pandoc binary, and the Chromium that lays decks
    out and draws diagrams: in a 100-lesson course, reading them for every
    lesson cost an edit 25 ms.
    """
    from coursebuild.browser import chromium_signature

    context_sources = [FIGURES_DIR / "examples.py", config_path]
    models = lessons_dir / MODELS_FILE
    if models.exists():
        context_sources.append(models)
    versions = [folder / "package.json" for folder in npm_assets()]
    return digest(
        files_digest([*PACKAGE_DIR.glob("*.py"), *context_sources]),
        *(path.read_bytes() if path.exists() else b"" for path in versions),
        chromium_signature(),
        stat_signature(bundled_pandoc()),
    )


def stat_signature(path: str | None) -> str:
    """Size and time of a tool's binary: a new version is a new file (hashing it costs 0.1 s)."""
    try:
        stat = os.stat(path) if path else None
    except OSError:
        stat = None
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}" if stat else f"{path}:missing"


def typst_signature() -> str:
    """The typst package's compiled module, by its size and time."""
    spec = importlib.util.find_spec("typst")
    return stat_signature(spec.origin if spec else None)


def npm_assets() -> tuple[Path, ...]:
    modules = PACKAGE_DIR.parent / "node_modules"
    return (modules / "mermaid", modules / "@twemoji" / "svg")


def emoji_dir() -> Path | None:
    folder = npm_assets()[1]
    return folder if folder.is_dir() else None


def template_context(course: Course, lesson: Lesson) -> dict:
    moment = datetime.datetime.fromtimestamp(lesson_timestamp(lesson), datetime.UTC)
    return {
        "course": course_data(course),
        "lesson": {"title": lesson.title, "slug": lesson.slug},
        "date": {"year": moment.year, "month": moment.month, "day": moment.day},
        "date_iso": moment.date().isoformat(),
    }


@dataclass(frozen=True)
class FigureSet:
    """Where the course figures are, which exist, and where diagrams are cached."""

    folder: Path
    names: frozenset[str]
    diagram_cache: Path


DIAGRAM_LABELS = {"fi": "Kaavio", "en": "Diagram"}


def lesson_html(
    lesson: Lesson, course: Course, figure_dir: Path, figure_names: set[str], cache_dir: Path
) -> tuple[str, PageContext]:
    """The page as the site's parser reads it, its diagrams drawn (or taken from the cache)."""
    html, context = read_page(lesson, course, figure_dir, figure_names)
    if context.diagrams:
        html = fill_diagrams(html, context, lesson, cache_dir)
    return html, context


def page_diagrams(lesson: Lesson, course: Course, figures: FigureSet) -> list[str]:
    """The mermaid sources of a page, so a build can draw all its pages' in one browser."""
    return read_page(lesson, course, figures.folder, set(figures.names))[1].diagrams


def read_page(
    lesson: Lesson, course: Course, figure_dir: Path, figure_names: set[str]
) -> tuple[str, PageContext]:
    """The page's HTML for Pandoc: Jinja filled, TODO sections out, images found.

    Read in a child process under the page's CPU, memory and time limits
    (limits.py): the page is untrusted, and Jinja, Python-Markdown and its
    extensions can each be driven to take any time or memory. What the
    reading found comes back as data, into the returned PageContext.
    """
    # Imported here: Python-Markdown is not needed by a build that skips every lesson.
    from coursebuild.html_bridge import PageContext, PandocBridge
    from coursebuild.markdown_reader import markdown_for, page_to_html, warm_lexers

    source = lesson.raw.decode("utf-8")

    def resolve(target: str) -> str:
        path = resolve_page_image(
            target, lesson.source, source, course.docs_dir, figure_dir, figure_names
        )
        return str(path)

    context = PageContext(
        resolve_image=resolve,
        emoji_dir=emoji_dir(),
        diagram_label=DIAGRAM_LABELS.get(course.language, "Diagram"),
        page=lesson.source,
        source=source,
    )
    extensions = list(course.markdown_extensions)
    # Made here, not in each child: setting Markdown up costs ~30 ms, and the
    # page's code lexers 6 ms each, which a child would spend again every page.
    markdown_for(extensions, course.root, PandocBridge)
    warm_lexers(lesson.body)
    import imagesize  # noqa: F401  (images.py reads image headers with it, in the child)

    jinja_context = lesson_context(course)

    def read() -> dict:
        body = fill_jinja(lesson.body, lesson.body_first_line, lesson.source, jinja_context)
        body = dialect.drop_placeholder_sections(body)
        try:
            html = page_to_html(body, extensions, course.root, context)
        except BuildError:
            raise
        except Exception as error:  # an extension rejecting the page, e.g. a missing snippet
            raise page_error(error, lesson, source) from None
        return {"html": html, "found": context.found()}

    result = limits.run_for_page(read, lesson.source, "reading the page")
    context.take(result["found"])
    return result["html"], context


def page_error(error: Exception, lesson: Lesson, source: str) -> BuildError:
    """An extension's exception as one line; the line of what it quotes, if any."""
    message = str(error).strip().split("\n")[0]
    quoted = re.search(r"'([^']+)'", message)
    line = line_of(quoted.group(1), source, 1) if quoted else None
    return BuildError(f"cannot read the page: {message}", lesson.source, line)


def diagram_error(error: DiagramError, lesson: Lesson) -> BuildError:
    """A mermaid error, at the line where the failing diagram starts in the page."""
    line = line_of(error.source, lesson.raw.decode("utf-8"), 1)
    return BuildError(f"mermaid diagram: {error.message}", lesson.source, line)


def fill_diagrams(html: str, context: PageContext, lesson: Lesson, cache_dir: Path) -> str:
    """Mermaid placeholders become the diagrams' SVG files (rendered once, then cached)."""
    from coursebuild.html_bridge import MERMAID_PLACEHOLDER
    from coursebuild.mermaid import DiagramError, render_diagrams

    try:
        files = render_diagrams(context.diagrams, cache_dir)
    except DiagramError as error:
        raise diagram_error(error, lesson) from None
    for number, diagram in enumerate(context.diagrams):
        path = str(files[diagram])
        context.images.append(path)
        placeholder = f'src="{MERMAID_PLACEHOLDER.format(number)}"'
        html = html.replace(placeholder, f'src="{path}"', 1)
    return html


def page_warnings(lesson: Lesson, context: PageContext) -> list[str]:
    source = lesson.raw.decode("utf-8")
    warnings = []
    for label in dict.fromkeys(context.undefined_footnotes):
        line = line_of(f"[^{label}]", source, 1)
        where = f"{lesson.source}:{line}" if line else str(lesson.source)
        warnings.append(f"{where}: footnote [^{label}] is used but never defined; shown as text")
    return warnings


def build_lesson(
    lesson: Lesson,
    course: Course,
    figures: FigureSet,
    parts: frozenset[str] = PARTS,
    *,
    overlap: bool = False,
) -> LessonOutputs:
    """The lesson's deck and handout (those of them in ``parts``); with ``overlap``,
    both side by side on a spare core.

    The build overlaps when a single lesson is to be made and it may use more
    than one process: the edit an instructor repeats is then ready in the time
    of its handout alone. Either way, the deck's errors are raised first.
    """
    # With a core to spare, Typst starts now, while this process fills the page.
    typst_child = start_typst(lesson_timestamp(lesson), warm=True) if overlap else None
    try:
        page, page_context = lesson_html(
            lesson, course, figures.folder, set(figures.names), figures.diagram_cache
        )
        source = lesson.raw.decode("utf-8")
        context = template_context(course, lesson)
        deck_context = dict(context)
        deck_images: dict[str, Path] = {}
        language = (f"--metadata=lang={course.language}",)

        variants = slide_variants(page_context.images, figures)

        def make_deck() -> tuple[str, list[str]]:
            options = language
            if variants:
                options += (f"--metadata=slide-variants={json.dumps(variants)}",)
            slides, warnings = run_pandoc(page, DECK_ARGUMENTS + options, lesson.source, source)
            shown = page_context.images + page_context.emoji
            shown += [path for paths in variants.values() for path in paths]
            embedded = {path: Path(path) for path in shown}
            # The title slide's notes go with the context: the deck is rendered
            # again from it after the layout pass, which sees only the slides.
            parts = title_notes_apart(slides)
            notes = embed_images(str(parts.get("title_notes", "")), embedded)
            deck_context["title_notes"] = Markup(notes)
            deck_images.update(embedded)
            slides = describe_images(parts["slides"], embedded)
            return render_deck(deck_context, slides, {}, layout_pass=True), warnings

        def make_handout() -> tuple[bytes, list[str]]:
            refuse_raw_typst(source, lesson.source)
            # Typst reads only a folder of the handout's own: the files it shows, renamed.
            shown = page_context.images + page_context.emoji
            with handout_folder(shown, lesson.source) as (folder, names):
                options = (*language, f"--metadata=handout-files={json.dumps(names)}")
                typst_body, warnings = run_pandoc(
                    page, HANDOUT_ARGUMENTS + options, lesson.source, source
                )
                warnings = raise_refusals(warnings, lesson.source, source)
                handout_source = render_template(
                    "handout.typ.j2", {**context, "body": typst_body}, autoescape=False
                )
                child = typst_child or start_typst(lesson_timestamp(lesson))
                return finish_typst(child, handout_source, lesson.source, folder), warnings

        if overlap:
            with ThreadPoolExecutor(max_workers=1) as beside:
                deck_job = beside.submit(make_deck)
                try:
                    handout, handout_warnings = make_handout()
                except BaseException:
                    deck_job.result()  # a failed deck is reported first, as without overlap
                    raise
                deck, deck_warnings = deck_job.result()
        else:
            deck, deck_warnings = make_deck() if "deck" in parts else (None, [])
            handout, handout_warnings = make_handout() if "handout" in parts else (None, [])
    finally:
        if typst_child is not None and typst_child.returncode is None:
            typst_child.kill()  # not given its source: the build failed before
            typst_child.communicate()
    warnings = page_warnings(lesson, page_context)
    warnings += [f"{lesson.source}: {w}" for w in dict.fromkeys(deck_warnings + handout_warnings)]
    shown = page_context.images + [path for paths in variants.values() for path in paths]
    dependencies = sorted(set(shown))
    return LessonOutputs(
        lesson.slug, deck, deck_context, deck_images, handout, warnings, dependencies
    )


def slide_variants(images: list[str], figures: FigureSet) -> dict[str, list[str]]:
    """Course figures the page shows that have a layout of their own for slides.

    Maps the image's path, as the page's HTML has it, to its slide figures' paths.
    """
    from figures.catalogue import FIGURES, slide_figure_names

    variants = {}
    for spec in FIGURES:
        if spec.name not in figures.names:
            continue
        path = str(figures.folder / f"{spec.name}.svg")
        names = slide_figure_names(spec)
        if path in images and names:
            variants[path] = [str(figures.folder / f"{name}.svg") for name in names]
    return variants
