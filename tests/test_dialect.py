"""The MkDocs-Material dialect to Pandoc Markdown, at the text level."""

from __future__ import annotations

from coursebuild import dialect


def test_admonition_with_title_becomes_a_fenced_div():
    source = '!!! question "Tehtävä: Tämä on testi"\n\n    Runko.\n\nSeuraava kappale.\n'
    converted = dialect.convert_admonitions(source)
    assert converted.splitlines() == [
        '::::::: {.admonition .question title="Tehtävä: Tämä on testi"}',
        "",
        "Runko.",
        ":::::::",
        "",
        "Seuraava kappale.",
    ]


def test_admonition_without_title_and_collapsible_one():
    converted = dialect.convert_admonitions("??? note\n    Piilossa.\n")
    assert converted.splitlines()[0] == "::::::: {.admonition .note .collapsible}"
    assert "Piilossa." in converted.splitlines()


def test_admonition_body_keeps_lists_math_and_code_indentation():
    source = (
        '!!! tip "Vinkki"\n'
        "    * kohta\n"
        "        * sisäkkäinen\n"
        "\n"
        "    $$\n    a = b\n    $$\n"
        "\n"
        "    ```python\n    print(1)\n    ```\n"
    )
    lines = dialect.convert_admonitions(source).splitlines()
    assert lines[1:3] == ["* kohta", "    * sisäkkäinen"]
    assert "$$" in lines and "a = b" in lines
    assert "```python" in lines and "print(1)" in lines
    assert lines[-1] == ":::::::"


def test_admonition_markers_inside_code_are_left_alone():
    source = '```\n!!! note "Ei muunneta"\n    koodia\n```\n'
    assert dialect.convert_admonitions(source) == source


def test_todo_sections_are_found_with_their_line_and_dropped():
    text = "# Otsikko\n\n## Historia\n\nTODO\n\n## Asia\n\nSisältö.\n"
    sections = dialect.placeholder_sections(text, first_line=4)
    assert [(s.title, s.line) for s in sections] == [("Historia", 6)]
    assert dialect.drop_placeholder_sections(text) == "# Otsikko\n\n## Asia\n\nSisältö.\n"


def test_image_references_and_missing_captions_have_file_lines():
    text = "![](../images/a.svg)\n\n**Kuva 1:** Teksti.\n\n![](../images/b.svg)\n\nProosaa.\n"
    references = dialect.image_references(text, first_line=10)
    assert [(r.target, r.line) for r in references] == [
        ("../images/a.svg", 10),
        ("../images/b.svg", 14),
    ]
    assert [r.target for r in dialect.uncaptioned_images(text, 10)] == ["../images/b.svg"]
