"""A page's title as MkDocs makes it: front matter, the first # or <h1>, else the file name."""

from __future__ import annotations

from pathlib import Path

import pytest

from coursebuild.reading.lesson_file import lesson_title, title_from_file_name


@pytest.mark.parametrize(
    "meta, body, expected",
    [
        ({"title": " Etusivu "}, "# Otsikko\n", "Etusivu"),
        ({}, "Johdanto.\n\n# Otsikko\n\n## Osa\n", "Otsikko"),
        ({}, "## Osa\n\n# Myöhempi\n", "Myöhempi"),
        ({}, '<h1 class="big">Optics &amp; <em>light</em></h1>\n\nText.\n', "Optics & light"),
        ({}, "# Ensin\n\n<h1>Toinen</h1>\n", "Ensin"),
        ({"title": 3}, "Ei otsikkoa.\n", "Ray tracing"),
        ({}, "<h1> </h1>\n", "Ray tracing"),
    ],
)
def test_the_title_in_mkdocs_order(meta, body, expected):
    assert lesson_title(meta, body, Path("docs/ray_tracing.md")) == expected


@pytest.mark.parametrize(
    "meta, body, expected",
    [
        ({"title": "Etusivu"}, "# Otsikko\n", "Etusivu"),  # the front matter first
        ({}, "# Otsikko\n", "Navin nimi"),  # then the nav's title, before the heading
        ({}, "<h1>Otsikko</h1>\n", "Navin nimi"),
        ({}, "Ei otsikkoa.\n", "Navin nimi"),  # and before the file name
    ],
)
def test_the_navs_title_comes_after_the_front_matter_and_before_the_page(meta, body, expected):
    assert lesson_title(meta, body, Path("docs/ray_tracing.md"), "Navin nimi") == expected


@pytest.mark.parametrize(
    "path, expected",
    [
        ("docs/getting-started.md", "Getting started"),
        ("docs/01_intro.md", "01 intro"),
        ("docs/NumPy_Basics.md", "NumPy Basics"),
        ("docs/optics/index.md", "Optics"),
        ("docs/linear-algebra/README.md", "Linear algebra"),
    ],
)
def test_the_file_names_title(path, expected):
    assert title_from_file_name(Path(path)) == expected
