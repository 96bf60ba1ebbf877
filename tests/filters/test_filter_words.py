"""Every untitled admonition kind gets its title from the page's language's table."""

from __future__ import annotations

import json
import subprocess

import pytest

from coursebuild.core.words import WORDS
from coursebuild.pandoc.run import COMMON_ARGUMENTS, language_arguments, pandoc_command

# Material's types and their synonyms (mkdocs.lua's ADMONITION_KINDS), by kind.
KINDS = {
    "note": ["note"],
    "abstract": ["abstract", "summary", "tldr"],
    "info": ["info", "todo"],
    "tip": ["tip", "hint", "important"],
    "success": ["success", "check", "done"],
    "question": ["question", "help", "faq"],
    "warning": ["warning", "caution", "attention"],
    "failure": ["failure", "fail", "missing"],
    "danger": ["danger", "error"],
    "bug": ["bug"],
    "example": ["example"],
    "quote": ["quote", "cite"],
}


def box(name: str) -> str:
    """An untitled box as Python-Markdown writes it: titled with its type, capitalised."""
    title = name.capitalize()
    return (
        f'<div class="admonition {name}">\n'
        f'<div class="admonition-title">{title}</div>\n<p>x</p>\n</div>\n'
    )


def titles(language: str, names: list[str]) -> list[str]:
    """The titles mkdocs.lua gives the boxes ``names`` on a page in ``language``."""
    result = subprocess.run(
        pandoc_command((*COMMON_ARGUMENTS, "--to=json", *language_arguments(language))),
        input="".join(box(name) for name in names),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    found = []
    for block in json.loads(result.stdout)["blocks"]:
        title = block["c"][1][0]  # the box's first block: its title div
        assert "admonition-title" in title["c"][0][1]
        found.append("".join(i["c"] for i in title["c"][1][0]["c"] if i["t"] == "Str"))
    return found


@pytest.mark.parametrize("language", sorted(set(WORDS) - {"en"}))
def test_every_kind_and_synonym_gets_the_languages_title(language):
    names = [name for synonyms in KINDS.values() for name in synonyms]
    expected = [
        WORDS[language]["admonitions"][kind] for kind, synonyms in KINDS.items() for _ in synonyms
    ]
    assert titles(language, names) == expected


def test_english_keeps_python_markdowns_own_title():
    names = [name for synonyms in KINDS.values() for name in synonyms]
    assert titles("en", names) == [name.capitalize() for name in names]


def test_the_tables_cover_the_same_kinds():
    for language, words in WORDS.items():
        assert sorted(words["admonitions"]) == sorted(KINDS), language
