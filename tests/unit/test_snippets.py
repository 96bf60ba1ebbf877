"""pymdownx.snippets as the site's own build reads them: missing ones left out, with a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from coursebuild.core.errors import BuildError
from coursebuild.reading.read_page import page_warnings
from tests.support.site_page import read_site_page

PAGE = '# Sivu\n\nEnnen.\n\n--8<-- "koodi/puuttuu.py"\n\n--8<-- "koodi/on.py"\n\nJälkeen.\n'


def read(tmp_path: Path, snippets: str = "  - pymdownx.snippets\n", page: str = PAGE):
    files = {
        "koodi/on.py": "print('löytyi')\n",
        "mkdocs.yml": f"site_name: S\nmarkdown_extensions:\n{snippets}",
        "docs/sivu.md": page,
    }
    html, found, lesson = read_site_page(tmp_path / "sivusto", files, "docs/sivu.md")
    return html, page_warnings(lesson, found), lesson.source


def test_a_missing_snippet_is_left_out_with_a_warning_at_its_line(tmp_path):
    html, warnings, page = read(tmp_path)
    assert "Ennen." in html and "Jälkeen." in html and "print('löytyi')" in html
    assert "puuttuu" not in html
    assert warnings == [f"{page}:5: snippet 'koodi/puuttuu.py' not found in the site; left out"]


def test_a_site_that_checks_its_snippets_fails_the_page_at_the_line(tmp_path):
    with pytest.raises(BuildError) as error:
        read(tmp_path, "  - pymdownx.snippets:\n      check_paths: true\n")
    assert error.value.line == 5 and "koodi/puuttuu.py" in error.value.message


def test_a_snippet_path_out_of_the_site_is_an_error_not_a_missing_file(tmp_path):
    (tmp_path / "salainen.txt").write_text("salaisuus\n", encoding="utf-8")
    with pytest.raises(BuildError) as error:
        read(tmp_path, page='# Sivu\n\nTeksti.\n\n--8<-- "../salainen.txt"\n')
    assert error.value.line == 5
    assert "snippet '../salainen.txt' leads outside the site folder" in error.value.message
