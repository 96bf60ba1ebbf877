"""include-markdown's tags: another file's text put in, inside the site, bounded."""

from __future__ import annotations

import pytest

from coursebuild.core.errors import BuildError
from coursebuild.reading.include_markdown import include_files


@pytest.fixture
def site(tmp_path):
    (tmp_path / "docs" / "osa").mkdir(parents=True)
    (tmp_path / "README.md").write_text(
        "# Projekti\n\n<!-- alku -->\nKatso ![kaavio](docs/kuva.png) ja [ohje](docs/osa/ohje.md).\n"
        "<!-- loppu -->\nLoput.\n",
        encoding="utf-8",
    )
    (tmp_path / "docs" / "pala.md").write_text("## Pala\n\nTeksti.\n", encoding="utf-8")
    return tmp_path


def include(site, body: str, page: str = "docs/osa/sivu.md") -> tuple[str, list[str]]:
    found: list[str] = []
    return include_files(body, site / page, site, found), found


def test_the_file_is_put_in_with_its_relative_addresses_from_the_page(site):
    text, found = include(site, 'Alku.\n\n{%\ninclude-markdown "../../README.md"\n%}\n')
    assert "Katso ![kaavio](../kuva.png) ja [ohje](ohje.md)." in text
    assert text.startswith("Alku.\n\n# Projekti\n") and found == [str(site / "README.md")]


def test_start_end_and_heading_offset(site):
    body = '{% include-markdown "../../README.md" start="<!-- alku -->" end="<!-- loppu -->" %}'
    assert include(site, body)[0] == "\nKatso ![kaavio](../kuva.png) ja [ohje](ohje.md).\n"
    shifted, _ = include(site, '{% include-markdown "../pala.md" heading-offset=1 %}')
    assert shifted == "### Pala\n\nTeksti.\n"


def test_the_plain_include_keeps_the_text_as_it_is(site):
    text, _ = include(site, '{% include "../../README.md" %}')
    assert "![kaavio](docs/kuva.png)" in text


@pytest.mark.parametrize(
    "body, line, message",
    [
        ('A\n\n{% include-markdown "../../../salaisuus.md" %}', 3, "outside the site's folder"),
        ('{% include-markdown "/etc/passwd" %}', 1, "no file"),
        ('A\n{% include-markdown "puuttuu.md" %}', 2, "no file"),
    ],
)
def test_only_files_inside_the_site_are_read(site, body, line, message):
    (site.parent / "salaisuus.md").write_text("salaista", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        include(site, body)
    assert (caught.value.path, caught.value.line) == (site / "docs" / "osa" / "sivu.md", line)
    assert message in caught.value.message


def test_an_include_of_itself_stops_at_the_depth_limit(site):
    (site / "docs" / "kehä.md").write_text('x {% include-markdown "kehä.md" %}', encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        include(site, '{% include-markdown "kehä.md" %}', page="docs/sivu.md")
    assert "nested more than 5 deep" in caught.value.message


def test_a_page_includes_at_most_its_share(site, monkeypatch):
    from coursebuild.reading import include_markdown

    monkeypatch.setattr(include_markdown, "MAX_INCLUDES", 2)
    body = '{% include-markdown "../pala.md" %}\n' * 3
    with pytest.raises(BuildError) as caught:
        include(site, body)
    assert "more than 2 include-markdown includes" in caught.value.message
    assert caught.value.line == 3
