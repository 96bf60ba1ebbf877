"""One lesson page to its deck (before the layout pass) and its Typst PDF handout."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from markupsafe import Markup

from coursebuild.browser.mermaid import DiagramError, render_diagrams
from coursebuild.core.errors import BuildError, line_of
from coursebuild.core.templates import render_template
from coursebuild.core.words import format_date, words_for
from coursebuild.deck.draft import (
    describe_images,
    embed_images,
    render_deck,
    title_notes_apart,
    without_empty_slides,
)
from coursebuild.handout.compile import TypstRefused, finish_typst, start_typst
from coursebuild.handout.guard import (
    EMOJI_KEY,
    handout_folder,
    raise_refusals,
    refuse_raw_typst,
)
from coursebuild.lesson.outputs import PARTS
from coursebuild.pandoc.run import (
    DECK_ARGUMENTS,
    HANDOUT_ARGUMENTS,
    UnreadableMath,
    language_arguments,
    run_pandoc,
)
from coursebuild.reading.course import Course
from coursebuild.reading.html_bridge import MERMAID_PLACEHOLDER, PageContext, math_as_code
from coursebuild.reading.images import FigureSet
from coursebuild.reading.lesson_file import Lesson, lesson_timestamp
from coursebuild.reading.read_page import page_warnings, read_page
from coursebuild.reading.template_data import course_data, logo_uri
from figures.catalogue import FIGURES, slide_figure_names


@dataclass(frozen=True)
class LessonOutputs:
    """What one lesson's build made; nothing of it is written yet."""

    slug: str
    # None for a part (deck, handout) this build did not make: its inputs had not changed.
    # The deck before the layout pass (coursebuild/deck/layout.py), which the build
    # runs in its one browser, and what the deck is then rendered with.
    deck_page: str | None
    deck_context: dict
    deck_images: dict[str, Path]  # embedded in the deck once it is laid out
    handout: bytes | None
    warnings: list[str]
    # Files the page turned out to show (images, course figures): the next
    # build checks them for changes before it may skip the lesson.
    dependencies: list[str]


@dataclass
class DeckDraft:
    """A deck before the layout pass, and what it is rendered with again after it."""

    page: str | None  # None: the deck was not made (its inputs had not changed)
    context: dict
    images: dict[str, Path] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReadLesson:
    """A lesson page read: its HTML for Pandoc, what the reading found, its template values."""

    lesson: Lesson
    course: Course
    html: str
    found: PageContext
    context: dict
    variants: dict[str, list[str]]

    @property
    def source(self) -> str:
        return self.lesson.raw.decode("utf-8")

    @property
    def shown(self) -> list[str]:
        """The files the page shows: its images and emoji."""
        return self.found.images + self.found.emoji


def template_context(course: Course, lesson: Lesson) -> dict:
    moment = datetime.datetime.fromtimestamp(lesson_timestamp(lesson), datetime.UTC)
    return {
        "course": course_data(course),
        # A site's title slide shows its own logo, if it has one (the deck's alone:
        # read here, not for the page's Jinja nor the index).
        "logo": logo_uri(course.logo) if course.logo else None,
        "lesson": {"title": lesson.title, "slug": lesson.slug},
        "date": {"year": moment.year, "month": moment.month, "day": moment.day},
        "date_iso": moment.date().isoformat(),
        "date_text": format_date(moment.date(), course.language),
        "words": words_for(course.language),
    }


def read_lesson(lesson: Lesson, course: Course, figures: FigureSet) -> ReadLesson:
    """The page as the site's parser reads it, its diagrams drawn (or taken from the cache)."""
    html, found = read_page(lesson, course, figures)
    if found.diagrams:
        html = fill_diagrams(html, found, lesson, figures.diagram_cache)
    variants = slide_variants(found.images, figures)
    return ReadLesson(lesson, course, html, found, template_context(course, lesson), variants)


def page_diagrams(lesson: Lesson, course: Course, figures: FigureSet) -> list[str]:
    """The mermaid sources of a page, so a build can draw all its pages' in one browser."""
    return read_page(lesson, course, figures)[1].diagrams


def diagram_error(error: DiagramError, lesson: Lesson) -> BuildError:
    """A mermaid error, at the line where the failing diagram starts in the page."""
    line = line_of(error.source, lesson.raw.decode("utf-8"), 1)
    return BuildError(f"mermaid diagram: {error.message}", lesson.source, line)


def fill_diagrams(html: str, context: PageContext, lesson: Lesson, cache_dir: Path) -> str:
    """Mermaid placeholders become the diagrams' SVG files (rendered once, then cached)."""
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


def deck_arguments(page: ReadLesson) -> tuple[str, ...]:
    """Pandoc's arguments for the page's slides: the deck's, its language, its slide figures."""
    options = language_arguments(page.course.language)
    # A page without a "#" (its title from the nav, say) opens under its title.
    options += (f"--metadata=lesson={json.dumps({'title': page.lesson.title})}",)
    if page.variants:
        options += (f"--metadata=slide-variants={json.dumps(page.variants)}",)
    return DECK_ARGUMENTS + options


def handout_arguments(page: ReadLesson, names: dict[str, str]) -> tuple[str, ...]:
    """Pandoc's arguments for the handout's Typst: ``names``, the files in its own folder."""
    options = (
        *language_arguments(page.course.language),
        f"--metadata=handout-files={json.dumps(names)}",
    )
    return HANDOUT_ARGUMENTS + options


def handout_source(page: ReadLesson, typst_body: str, names: dict[str, str] | None = None) -> str:
    """The handout's whole Typst source: Pandoc's Typst markup in the handout template.

    ``names``: the handout folder's files, emoji characters among them ("emoji:✅").
    """
    code_emoji = sorted(
        (key.removeprefix(EMOJI_KEY), name)
        for key, name in (names or {}).items()
        if key.startswith(EMOJI_KEY)
    )
    context = {**page.context, "body": typst_body, "code_emoji": code_emoji}
    return render_template("handout.typ.j2", context, autoescape=False)


def pandoc_page(page: ReadLesson, arguments: tuple[str, ...]) -> tuple[str, list[str]]:
    """Pandoc on the page; formulas it cannot convert are shown as their TeX, with a warning.

    The site (MathJax) may show what Pandoc's TeX reader refuses (a trailing
    double backslash, ``$…$`` inside display math): the page is built, the formula
    readable as code.
    """
    lesson = page.lesson
    try:
        return run_pandoc(page.html, arguments, lesson.source, page.source)
    except UnreadableMath as error:
        html = math_as_code(page.html, error.formulas)
        warnings = [
            f"{lesson.source}:{line_of(formula, page.source, 1) or '?'}: Pandoc cannot read "
            f"this math, shown as its TeX: {' '.join(formula.split())[:60]}"
            for formula in error.formulas
        ]
    output, more = run_pandoc(html, arguments, lesson.source, page.source)
    return output, warnings + more


def draft_deck(page: ReadLesson) -> DeckDraft:
    """The page's slides (Pandoc) in the deck template, ready for the layout pass."""
    slides, warnings = pandoc_page(page, deck_arguments(page))
    shown = page.shown + [path for paths in page.variants.values() for path in paths]
    embedded = {path: Path(path) for path in shown}
    # The title slide's notes go with the context: the deck is rendered
    # again from it after the layout pass, which sees only the slides.
    parts = title_notes_apart(without_empty_slides(slides))
    notes = embed_images(str(parts.get("title_notes", "")), embedded)
    context = {**page.context, "title_notes": Markup(notes)}
    slides = describe_images(parts["slides"], embedded)
    deck = render_deck(context, slides, {}, layout_pass=True)
    return DeckDraft(deck, context, embedded, warnings)


def make_handout(page: ReadLesson, typst_child=None) -> tuple[bytes, list[str]]:
    """The handout PDF: Pandoc's Typst markup in the handout template, compiled by Typst.

    ``typst_child``: a Typst process started ahead (start_typst), else one is started here.
    """
    lesson = page.lesson
    refuse_raw_typst(page.source, lesson.source)
    refused: list[str] = []  # formulas Typst refused, shown as their TeX instead
    # Typst reads only a folder of the handout's own: the files it shows, renamed.
    with handout_folder(page.shown, lesson.source) as (folder, names):
        arguments = handout_arguments(page, names)
        while True:
            shown = page if not refused else replace(page, html=math_as_code(page.html, refused))
            typst_body, warnings = pandoc_page(shown, arguments)
            warnings = raise_refusals(warnings, lesson.source, page.source)
            child = typst_child or start_typst(lesson_timestamp(lesson))
            typst_child = None  # one child a try
            source = handout_source(page, typst_body, names)
            try:
                pdf = finish_typst(child, source, lesson.source, folder)
            except TypstRefused as error:
                # A formula MathJax and Pandoc read, Typst not (a writer's slip): its TeX
                # as code, with a warning, as for math Pandoc cannot read. At most a few.
                if error.formula is None or error.formula in refused:
                    raise
                if len(refused) == MAX_TYPST_RETRIES:
                    raise
                refused.append(error.formula)
                continue
            return pdf, warnings + [typst_math_warning(lesson, page, tex) for tex in refused]


MAX_TYPST_RETRIES = 5  # formulas Typst refuses on one page, each shown as TeX; then the error


def typst_math_warning(lesson: Lesson, page: ReadLesson, tex: str) -> str:
    words = tex.split()
    line = line_of(tex, page.source, 1) or (words and line_of(words[0], page.source, 1)) or "?"
    shown = " ".join(tex.split())[:60]
    return f"{lesson.source}:{line}: Typst cannot typeset this math, shown as its TeX: {shown}"


def make_lesson(
    lesson: Lesson,
    course: Course,
    figures: FigureSet,
    parts: frozenset[str] = PARTS,
    *,
    overlap: bool = False,
    deck_drafted: Callable[[Lesson, str], None] | None = None,
) -> LessonOutputs:
    """The lesson's deck and handout (those of them in ``parts``); with ``overlap``,
    both side by side on a spare core.

    The build overlaps when a single lesson is to be made and it may use more
    than one process: the edit an instructor repeats is then ready in the time
    of its handout alone. Either way, the deck's errors are raised first.
    ``deck_drafted(lesson, draft)``, when overlapping, is given the deck's
    draft as soon as it is made: its layout need not wait for the handout.
    """
    # With a core to spare, Typst starts now, while this process fills the page.
    typst_child = start_typst(lesson_timestamp(lesson), warm=True) if overlap else None
    try:
        page = read_lesson(lesson, course, figures)
        no_deck = DeckDraft(None, dict(page.context))
        if overlap:
            with ThreadPoolExecutor(max_workers=1) as beside:
                deck_job = beside.submit(draft_and_hand_on, page, deck_drafted)
                try:
                    handout, handout_warnings = make_handout(page, typst_child)
                except BaseException:
                    deck_job.result()  # a failed deck is reported first, as without overlap
                    raise
                deck = deck_job.result()
        else:
            deck = draft_deck(page) if "deck" in parts else no_deck
            handout, handout_warnings = make_handout(page) if "handout" in parts else (None, [])
    finally:
        if typst_child is not None and typst_child.returncode is None:
            typst_child.kill()  # not given its source: the build failed before
            typst_child.communicate()
    warnings = page_warnings(lesson, page.found)
    warnings += [
        w if w.startswith(f"{lesson.source}:") else f"{lesson.source}: {w}"
        for w in dict.fromkeys(deck.warnings + handout_warnings)
    ]
    shown = page.found.images + [path for paths in page.variants.values() for path in paths]
    shown += page.found.included
    shown += page.found.missing_files  # built again when one of them is there
    return LessonOutputs(
        lesson.slug,
        deck.page,
        deck.context,
        deck.images,
        handout,
        warnings,
        sorted(set(shown)),
    )


def draft_and_hand_on(page: ReadLesson, deck_drafted=None) -> DeckDraft:
    """draft_deck, its draft given to ``deck_drafted`` before it is returned."""
    draft = draft_deck(page)
    if deck_drafted is not None and draft.page is not None:
        deck_drafted(page.lesson, draft.page)
    return draft


def slide_variants(images: list[str], figures: FigureSet) -> dict[str, list[str]]:
    """Course figures the page shows that have a layout of their own for slides.

    Maps the image's path, as the page's HTML has it, to its slide figures' paths.
    """
    variants = {}
    for spec in FIGURES:
        if spec.name not in figures.names:
            continue
        path = str(figures.folder / f"{spec.name}.svg")
        names = slide_figure_names(spec)
        if path in images and names:
            variants[path] = [str(figures.folder / f"{name}.svg") for name in names]
    return variants
