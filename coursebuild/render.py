"""The render stage: Jinja fills lesson pages and the deck, handout and index templates."""

from __future__ import annotations

import traceback
from pathlib import Path

import jinja2

from coursebuild.context import FILTERS
from coursebuild.errors import BuildError

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def lesson_environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    environment.filters.update(FILTERS)
    return environment


def template_line(error: Exception, filename: str) -> int | None:
    """The template line Jinja was running when ``error`` was raised."""
    line = getattr(error, "lineno", None)
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == filename:
            line = frame.lineno
    return line


def render_lesson(body: str, first_line: int, path: Path, context: dict) -> str:
    """Fill the ``{{ … }}`` in a lesson body; errors point at the line in the lesson file."""
    environment = lesson_environment()
    filename = str(path)
    try:
        code = environment.compile(body, name=path.name, filename=filename)
        template = environment.template_class.from_code(
            environment, code, environment.make_globals(None)
        )
        return template.render(context)
    except jinja2.TemplateSyntaxError as error:
        line = (error.lineno or 1) + first_line - 1
        raise BuildError(f"Jinja syntax error: {error.message}", path, line) from None
    except jinja2.UndefinedError as error:
        line = template_line(error, filename)
        line = None if line is None else line + first_line - 1
        raise BuildError(f"undefined name in {{{{ … }}}}: {error.message}", path, line) from None


def template_environment(autoescape: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=autoescape,
    )


def render_template(name: str, context: dict, *, autoescape: bool) -> str:
    try:
        return template_environment(autoescape).get_template(name).render(context)
    except jinja2.TemplateError as error:
        line = template_line(error, str(TEMPLATES_DIR / name))
        raise BuildError(f"template error: {error}", TEMPLATES_DIR / name, line) from None
