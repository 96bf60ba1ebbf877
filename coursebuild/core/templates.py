"""The build's own templates (deck, handout, index), filled with plain data only."""

from __future__ import annotations

import functools
import traceback
from types import MappingProxyType

from markupsafe import Markup

from coursebuild.core.errors import BuildError
from coursebuild.core.paths import TEMPLATES_DIR

# The values a template may reach. Markup is a str the build made safe to show.
PLAIN_SCALARS = (str, Markup, int, float, bool, type(None))


def plain_data(value):
    """``value`` as a template may see it: tuples and read-only mappings of plain values.

    Anything else (a Path, a dataclass, a function, a module) is a TypeError:
    an object's public methods can reach the file system (``path.read_text()``),
    and the sandbox only blocks names starting with ``_``.
    """
    if type(value) in PLAIN_SCALARS:
        return value
    if type(value) in (list, tuple):
        return tuple(plain_data(item) for item in value)
    if type(value) in (dict, MappingProxyType):
        items = {}
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError(f"template data key {key!r} is not a str")
            items[key] = plain_data(item)
        return MappingProxyType(items)
    raise TypeError(f"{type(value).__name__} is not template data: {value!r:.80}")


def template_line(error: Exception, filename: str) -> int | None:
    """The template line Jinja was running when ``error`` was raised."""
    line = getattr(error, "lineno", None)
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == filename:
            line = frame.lineno
    return line


@functools.cache
def template_environment(autoescape: bool):
    """One Jinja environment a build process for each kind: it keeps its
    templates compiled (a deck's took ~28 ms to compile, twice a lesson)."""
    # Imported here: ~30 ms that a no-op build, which fills no template, spared.
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=autoescape,
    )


def render_template(name: str, context: dict, *, autoescape: bool) -> str:
    """One of the build's templates, filled with ``context`` as plain data (context.plain_data)."""
    import jinja2

    data = plain_data(context)
    try:
        return template_environment(autoescape).get_template(name).render(data)
    except jinja2.TemplateError as error:
        line = template_line(error, str(TEMPLATES_DIR / name))
        raise BuildError(f"template error: {error}", TEMPLATES_DIR / name, line) from None
