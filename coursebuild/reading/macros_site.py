"""Jinja on a site that uses mkdocs-macros: its values filled in, its macros left as written.

The macros plugin runs the site's own Python module (``main.py``) to define
macros; a lesson site is untrusted, so the build never imports or runs it. A
page gets the site's ``extra:`` values by name, as the plugin gives them; an
expression naming anything else (a macro such as ``{{ exercice() }}``, the
plugin's ``page`` or ``config``) stays as the page wrote it, with a warning.
A statement (``{% if %}``, ``{% for %}``) naming such a thing, or Jinja that
does not parse, leaves the whole page as written, with a warning: the site
shows it with the plugin's help, which the build does not have.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2 import meta

from coursebuild.reading.jinja_fill import fill_jinja, lesson_environment
from coursebuild.reading.jinja_regions import protected_regions, shield

EXPRESSION = re.compile(r"\{\{.*?\}\}", re.DOTALL)


@dataclass
class MacroFill:
    """A page's Jinja as a macros site's, and what was left as written (for warnings)."""

    kept: list[tuple[int, str]] = field(default_factory=list)  # (file line, what and why)

    def fill(self, body: str, first_line: int, path: Path, context: Mapping) -> str:
        shielded = shield(body)
        environment = lesson_environment()
        known = set(context)
        try:
            unknown = meta.find_undeclared_variables(environment.parse(shielded.template))
        except jinja2.TemplateSyntaxError as error:
            line = (error.lineno or 1) + first_line - 1
            self.kept.append((line, f"Jinja the build cannot read ({error.message})"))
            return body
        if not unknown - known:
            return fill_jinja(body, first_line, path, context)
        kept_body = self.keep_unknown_expressions(body, first_line, known)
        try:
            remaining = meta.find_undeclared_variables(
                environment.parse(shield(kept_body).template)
            )
        except jinja2.TemplateSyntaxError:
            remaining = {"?"}
        if remaining - known:
            name = sorted(remaining - known)[0]
            line = first_line + body[: body.find(name)].count("\n") if name in body else first_line
            # The whole page as written: what was kept expression by expression is moot.
            self.kept = [(line, f"a statement uses '{name}', a macro of the site's own")]
            return body
        return fill_jinja(kept_body, first_line, path, context)

    def keep_unknown_expressions(self, body: str, first_line: int, known: set[str]) -> str:
        """``body`` with each ``{{ … }}`` naming an unknown name made raw text (not in code,
        where Jinja does not read)."""
        environment = lesson_environment()
        code = protected_regions(body)
        pieces, position = [], 0
        for match in EXPRESSION.finditer(body):
            start, end = match.span()
            if any(code_start <= start < code_end for code_start, code_end in code):
                continue  # it begins in code: text, not Jinja
            try:
                names = meta.find_undeclared_variables(environment.parse(match.group()))
            except jinja2.TemplateSyntaxError:
                continue
            unknown = sorted(names - known)
            if not unknown:
                continue
            line = first_line + body[:start].count("\n")
            self.kept.append((line, f"'{unknown[0]}' is a macro of the site's own"))
            pieces += [body[position:start], "{% raw %}", body[start:end], "{% endraw %}"]
            position = end
        pieces.append(body[position:])
        return "".join(pieces)
