"""A lesson page read as the site's parser reads it, in a child under the page's limits."""

from __future__ import annotations

import re
from pathlib import Path

from coursebuild.core import limits
from coursebuild.core.errors import BuildError, line_of
from coursebuild.core.paths import twemoji_dir
from coursebuild.core.templates import plain_data
from coursebuild.core.words import words_for
from coursebuild.reading import dialect
from coursebuild.reading.citations import Citations
from coursebuild.reading.course import Course
from coursebuild.reading.html_bridge import PageContext, PandocBridge
from coursebuild.reading.images import FigureSet, MissingImages, resolve_page_image
from coursebuild.reading.include_markdown import include_files
from coursebuild.reading.jinja_fill import fill_jinja
from coursebuild.reading.lesson_file import Lesson
from coursebuild.reading.macros_site import MacroFill
from coursebuild.reading.markdown_reader import markdown_for, page_to_html, warm_lexers
from coursebuild.reading.mkdocstrings_blocks import api_blocks_as_names
from coursebuild.reading.page_links import SiteLinks
from coursebuild.reading.page_names import site_slugs
from coursebuild.reading.remote_images import RemoteImages
from coursebuild.reading.template_data import lesson_context


def emoji_dir() -> Path | None:
    folder = twemoji_dir()
    return folder if folder.is_dir() else None


def read_page(lesson: Lesson, course: Course, figures: FigureSet) -> tuple[str, PageContext]:
    """The page's HTML for Pandoc: Jinja filled, TODO sections out, images found.

    Read in a child process under the page's CPU, memory and time limits
    (limits.py): the page is untrusted, and Jinja, Python-Markdown and its
    extensions can each be driven to take any time or memory. What the
    reading found comes back as data, into the returned PageContext.
    """
    source = lesson.raw.decode("utf-8")
    words = words_for(course.language)
    remote = missing = None
    if figures.image_cache is not None:
        remote = RemoteImages(figures.image_cache, course.image_hosts, words["image_not_fetched"])
        missing = MissingImages(figures.image_cache, words["image_missing"])
    names = set(figures.names)

    def resolve(target: str) -> str:
        path = resolve_page_image(
            target, lesson.source, source, course.docs_dir, figures.folder, names, remote, missing
        )
        return str(path)

    links = SiteLinks(course.docs_dir, site_slugs(course), course.site_url, course.directory_urls)
    context = PageContext(
        resolve_image=resolve,
        resolve_link=lambda href: links.resolve(href, lesson.source),
        emoji_dir=emoji_dir(),
        diagram_label=words["diagram"],
        page=lesson.source,
        source=source,
        page_address=links.web_address(lesson.source),
    )
    extensions = list(course.markdown_extensions)
    # Made here, not in each child: setting Markdown up costs ~30 ms, and the
    # page's code lexers 6 ms each, which a child would spend again every page.
    markdown_for(extensions, course.root, PandocBridge)
    warm_lexers(lesson.body)
    import imagesize  # noqa: F401  (images.py reads image headers with it, in the child)

    jinja_context = lesson_context(course)
    macros = MacroFill()
    if course.jinja == "macros":
        jinja_context = plain_data({**(course.macro_values or {}), **jinja_context})

    def read() -> dict:
        body = lesson.body
        if "include-markdown" in course.plugins:
            body = include_files(body, lesson.source, course.root, context.included)
        if "mkdocstrings" in course.plugins:
            body, blocks = api_blocks_as_names(body, lesson.body_first_line)
            context.kept_as_written += [
                f"{line}\tmkdocstrings block '{name}': the build does not import the site's "
                "code; shown as the name"
                for line, name in blocks
            ]
        if course.bib_files:
            citations = Citations(course.bib_files)
            body = citations.as_footnotes(body, lesson.body_first_line)
            context.kept_as_written += [
                f"{line}\tcitation '@{key}' is in none of the site's .bib files; shown as written"
                for line, key in citations.unknown
            ]
        if course.jinja == "lesson":
            body = fill_jinja(body, lesson.body_first_line, lesson.source, jinja_context)
        elif course.jinja == "macros":
            body = macros.fill(body, lesson.body_first_line, lesson.source, jinja_context)
            context.kept_as_written += [
                f"{line}\t{why}; shown as written" for line, why in macros.kept
            ]
        body = dialect.drop_placeholder_sections(body)
        try:
            html = page_to_html(body, extensions, course.root, context)
        except BuildError:
            raise
        except Exception as error:  # an extension rejecting the page, e.g. a missing snippet
            raise page_error(error, lesson, source) from None
        if remote is not None and missing is not None:
            context.image_failures = remote.failures + missing.failures
            context.missing_files = missing.files
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


def page_warnings(lesson: Lesson, context: PageContext) -> list[str]:
    source = lesson.raw.decode("utf-8")
    warnings = []
    for label in dict.fromkeys(context.undefined_footnotes):
        line = line_of(f"[^{label}]", source, 1)
        where = f"{lesson.source}:{line}" if line else str(lesson.source)
        warnings.append(f"{where}: footnote [^{label}] is used but never defined; shown as text")
    for failure in dict.fromkeys(context.image_failures):
        address = failure.split(": ", 1)[0]
        line = line_of(address, source, 1)
        where = f"{lesson.source}:{line}" if line else str(lesson.source)
        warnings.append(f"{where}: image {failure}; shown as a placeholder")
    for path in dict.fromkeys(context.missing_snippets):
        line = line_of(f'"{path}"', source, 1) or line_of(path, source, 1)
        where = f"{lesson.source}:{line}" if line else str(lesson.source)
        warnings.append(f"{where}: snippet '{path}' not found in the site; left out")
    for kept in context.kept_as_written:
        line, why = kept.split("\t", 1)
        warnings.append(f"{lesson.source}:{line}: {why}")
    for href in dict.fromkeys(context.dead_links):
        line = line_of(f"]({href}", source, 1) or line_of(href, source, 1)
        where = f"{lesson.source}:{line}" if line else str(lesson.source)
        warnings.append(f"{where}: link to '{href}': no page of the site is there; shown as text")
    return warnings
