"""Line-level scans of a page: TODO sections, images and their captions."""

from __future__ import annotations

from coursebuild.reading import dialect


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


def test_a_page_that_never_captions_its_images_so_misses_no_caption():
    english = "![](a.png)\n\n**Figure 1:** A.\n\n![](b.png)\n"
    assert dialect.caption_label(english) == "Figure"
    assert [r.target for r in dialect.uncaptioned_images(english)] == ["b.png"]
    plain = "![](a.png)\n\nProse.\n\n![](b.png)\n\n**Bold** text.\n"
    assert dialect.caption_label(plain) is None
    assert dialect.uncaptioned_images(plain) == []
