"""A site with mkdocs-macros: its values filled in, its macros never run but shown as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from coursebuild.reading.macros_site import MacroFill

PAGE = Path("/sivusto/docs/sivu.md")
CONTEXT = {"kurssi": "NSI", "extra": {"kurssi": "NSI"}, "config": {"site_name": "Terminale"}}


def fill(body: str, first_line: int = 3) -> tuple[str, list[tuple[int, str]]]:
    macros = MacroFill()
    return macros.fill(body, first_line, PAGE, CONTEXT), macros.kept


def test_the_sites_values_are_filled_in():
    assert fill("Kurssi {{ kurssi }} / {{ config.site_name }}.\n") == (
        "Kurssi NSI / Terminale.\n",
        [],
    )


def test_a_macro_call_is_shown_as_written_with_its_line():
    body = '# T\n\n!!! example "{{ exercice() }}"\n    Texte {{ kurssi }}.\n\n{{ initexo(0) }}\n'
    text, kept = fill(body)
    assert text == body.replace("{{ kurssi }}", "NSI")
    assert kept == [
        (5, "'exercice' is a macro of the site's own"),
        (8, "'initexo' is a macro of the site's own"),
    ]


def test_a_statement_naming_a_macro_leaves_the_page_as_written():
    body = "{{ kurssi }}\n\n{% for x in liste() %}\n- {{ x }}\n{% endfor %}\n"
    text, kept = fill(body)
    assert text == body
    assert kept == [(5, "a statement uses 'liste', a macro of the site's own")]


def test_jinja_that_does_not_parse_leaves_the_page_as_written():
    body = 'Teksti.\n\n{% include-markdown "../README.md" %}\n'
    text, kept = fill(body)
    assert text == body
    assert kept[0][0] == 5 and kept[0][1].startswith("Jinja the build cannot read")


def test_code_is_not_jinja():
    body = "`{{ exercice() }}` ja\n\n```python\nprint('{{ x }}')\n```\n\n{{ kurssi }}\n"
    text, kept = fill(body)
    assert text == body.replace("{{ kurssi }}", "NSI") and kept == []


@pytest.mark.parametrize("payload", ["{{ ''.__class__ }}", "{{ config.__class__.__mro__ }}"])
def test_the_sandbox_still_holds(payload):
    from coursebuild.core.errors import BuildError

    with pytest.raises(BuildError):
        fill(payload + "\n")
