"""Jinja in a lesson page: filled in a sandbox, under the page's limits, errors at its lines."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from coursebuild.core import limits
from coursebuild.core.errors import BuildError
from coursebuild.core.templates import template_line
from coursebuild.reading.jinja_regions import shield
from coursebuild.reading.template_data import FILTERS

JINJA = "the page's Jinja"
FILLS_VALUES = "; a lesson fills in values"


def lesson_environment() -> jinja2.Environment:
    """Jinja in a sandbox: a page reads its context's values and calls no Python."""
    environment = ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    environment.filters.update(FILTERS)
    return environment


def running_line(generator, filename: str) -> int | None:
    """The template line a paused render (``Template.generate``) is at."""
    line = None
    while generator is not None:
        frame = getattr(generator, "gi_frame", None)
        if frame is not None and frame.f_code.co_filename == filename:
            line = frame.f_lineno
        generator = getattr(generator, "gi_yieldfrom", None)
    return line


def render_lesson(body: str, first_line: int, path: Path, context: Mapping) -> str:
    """Fill a lesson body's Jinja in a child process under the page's limits (limits.py).

    The build reads a whole page in one such child (lesson_build.read_page),
    with fill_jinja in it; this is the same, for Jinja alone.
    """
    return limits.run_for_page(lambda: fill_jinja(body, first_line, path, context), path, JINJA)


def fill_jinja(body: str, first_line: int, path: Path, context: Mapping) -> str:
    """Fill the Jinja in a lesson body's text; errors point at the line in the lesson file.

    Code and ``{#`` are left as written (coursebuild/jinja_regions.py). Not
    bounded here: run it in a limited child (limits.run_for_page).
    """
    environment = lesson_environment()
    filename = str(path)
    shielded = shield(body)

    def in_file(template_lineno: int | None, template=None) -> int | None:
        if template_lineno is None:
            return None
        if template is not None:
            template_lineno = template.get_corresponding_lineno(template_lineno)
        return template_lineno + first_line - 1

    template = None
    try:
        code = environment.compile(shielded.template, name=path.name, filename=filename)
        template = environment.template_class.from_code(
            environment, code, environment.make_globals(None)
        )
        return bounded_render(template, context, path, in_file, shielded.restore)
    except BuildError:
        raise
    except jinja2.TemplateSyntaxError as error:
        line = (error.lineno or 1) + first_line - 1
        message = error.message or ""
        # Jinja quotes a placeholder character it met inside a tag by its repr.
        if shielded.marker in message or repr(shielded.marker)[1:-1] in message:
            message = "code (`…`) or '{#' inside {{ … }} or {% … %}, where Jinja does not read it"
        raise BuildError(f"Jinja syntax error: {message}", path, line) from None
    except jinja2.UndefinedError as error:
        line = in_file(template_line(error, filename))
        raise BuildError(f"undefined name in {{{{ … }}}}: {error.message}", path, line) from None
    except SecurityError as error:
        line = in_file(template_line(error, filename))
        message = f"the page's Jinja may not do this: {error}"
        raise BuildError(message, path, line) from None
    except limits.CpuTimeExceeded as error:
        # Not an Exception, so Jinja did not map its traceback to the template's lines.
        line = in_file(template_line(error, filename), template)
        raise BuildError(
            limits.page_limit_message(JINJA, "cpu") + FILLS_VALUES, path, line
        ) from None
    except MemoryError as error:
        line = in_file(template_line(error, filename))
        message = limits.page_limit_message(JINJA, "memory") + FILLS_VALUES
        raise BuildError(message, path, line) from None
    except (Exception, RecursionError) as error:
        # Division by zero, a range too big, a macro calling itself, {% extends %}…
        line = in_file(template_line(error, filename))
        message = f"Jinja error: {type(error).__name__}: {error}".rstrip(": ")
        raise BuildError(message, path, line) from None


def bounded_render(template, context: Mapping, path: Path, in_file, restore=str) -> str:
    """Render, stopping a page that makes too much text or takes too long.

    ``restore`` puts the page's code back into each part as it comes, so a loop
    repeating a long code block is measured by the text it really makes.
    """
    started = time.monotonic()
    parts, size = [], 0
    generator = template.generate(context)
    for part in generator:
        part = restore(part)
        parts.append(part)
        size += len(part)
        too_big = size > limits.MAX_LESSON_CHARACTERS
        if too_big or time.monotonic() - started > limits.MAX_LESSON_SECONDS:
            line = in_file(running_line(generator, str(path)), template)
            generator.close()
            what = (
                f"more than {limits.MAX_LESSON_CHARACTERS:,} characters".replace(",", " ")
                if too_big
                else f"longer than {limits.MAX_LESSON_SECONDS:g} s"
            )
            message = f"the page's Jinja makes {what}; a lesson fills in values"
            raise BuildError(message, path, line)
    return "".join(parts)
