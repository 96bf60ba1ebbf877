"""Typst as the handout has it: Pandoc's Typst for a formula, and a string literal read."""

from __future__ import annotations

import json
import re
import subprocess

import typst

from coursebuild.pandoc.run import FILTERS_DIR, pandoc_executable


def handout_math(markdown: str) -> str:
    """Pandoc's Typst for ``markdown`` after typst_math.lua."""
    result = subprocess.run(
        [
            pandoc_executable(),
            "--from=markdown",
            "--to=typst",
            f"--lua-filter={FILTERS_DIR / 'typst_math.lua'}",
        ],
        input=markdown,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def typst_alt(code: str) -> str:
    """The one alt text in ``code``, as Typst reads the string literal."""
    match = re.search(r'alt: ("(?:[^"\\]|\\.)*")', code)
    assert match, code
    found = typst.query(f"#metadata({match.group(1)}) <a>".encode(), "<a>", field="value", one=True)
    return json.loads(found)
