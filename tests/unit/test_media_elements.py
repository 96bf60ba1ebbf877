"""Sound, video and custom elements a page embeds: a card or an image, never dropped silently.

The deck plays no sound and runs no page script; the allow-list drops what
it does not know without a trace (odak-computational-light narrates each
lesson in an <audio>; terminale-nsi plays GIFs in a <gif-player>).
"""

from __future__ import annotations

import html
from pathlib import Path

from coursebuild.reading.course import open_course
from coursebuild.reading.images import FigureSet
from coursebuild.reading.lesson_file import load_lesson
from coursebuild.reading.read_page import page_warnings, read_page
from tests.support.images import animation

AUDIO = """\
# Oppitunti

??? quote "Kuuntele"
    <audio controls="controls">
        <source type="audio/mp3" src="../media/luento.mp3"></source>
    </audio>

Tekstiä.
"""


def read(tmp_path: Path, page: str, mkdocs: str = "site_name: S\n", files=None):
    """The page's HTML and its warnings, read as the build reads it."""
    site = tmp_path / "sivusto"
    (site / "docs" / "osa").mkdir(parents=True)
    (site / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")
    for name, data in (files or {}).items():
        (site / "docs" / "osa" / name).write_bytes(data)
    path = site / "docs" / "osa" / "sivu.md"
    path.write_text(page, encoding="utf-8")
    lesson = load_lesson(path)
    figures = FigureSet(tmp_path / "out" / "images", frozenset(), tmp_path / "m", tmp_path / "c")
    page_html, found = read_page(lesson, open_course(site), figures)
    return page_html, found, page_warnings(lesson, found), path


def test_a_pages_own_audio_is_a_card_linking_to_it_on_the_site(tmp_path):
    site = "site_name: S\nsite_url: https://kurssi.example/oppi/\nmarkdown_extensions:\n"
    site += "  - admonition\n  - pymdownx.details\n  - pymdownx.superfences\n"
    page_html, _, warnings, path = read(tmp_path, AUDIO, site)
    address = "https://kurssi.example/oppi/osa/media/luento.mp3"  # ../ of osa/sivu/
    assert f'<a href="{address}">luento.mp3</a>' in page_html
    assert "<audio" not in page_html and "<source" not in page_html
    assert warnings == [
        f"{path}:5: <audio> of the site's own '../media/luento.mp3' cannot be shown offline; "
        "shown as a card linking to it on the site"
    ]


def test_without_site_url_the_card_names_the_file(tmp_path):
    page = '# Sivu\n\n<audio controls><source src="../media/luento.mp3"></audio>\n'
    page_html, _, warnings, path = read(tmp_path, page)
    assert "<strong>luento.mp3</strong>" in page_html and "<a " not in page_html
    assert [w.split(": ", 1)[0] for w in warnings] == [f"{path}:3"]
    assert "has no site_url to link to; shown as a card naming it" in warnings[0]


def test_a_video_on_the_web_is_a_card_titled_as_the_page_titles_it(tmp_path):
    page = '# Sivu\n\n<video src="https://video.example/koe.mp4" title="Koe" controls></video>\n'
    page_html, _, warnings, _ = read(tmp_path, page)
    assert '<a href="https://video.example/koe.mp4">Koe</a>' in page_html
    assert warnings == []


def test_a_custom_element_showing_an_image_shows_the_image(tmp_path):
    page = '# Sivu\n\n<gif-player src="pino.gif" speed="1" play></gif-player>\n\nTekstiä.\n'
    gif = animation("GIF")
    page_html, found, warnings, path = read(tmp_path, page, files={"pino.gif": gif})
    [shown] = found.images
    assert Path(shown) == (path.parent / "pino.gif").resolve()
    assert f'src="{html.escape(shown)}"' in page_html
    assert "gif-player" not in page_html
    assert warnings == []


def test_a_custom_element_with_another_file_is_a_card(tmp_path):
    page = '# Sivu\n\n<model-viewer src="https://mallit.example/auto.glb"></model-viewer>\n'
    page_html, _, _, _ = read(tmp_path, page)
    assert '<a href="https://mallit.example/auto.glb">auto.glb</a>' in page_html


def test_a_custom_element_without_an_address_keeps_its_text(tmp_path):
    page_html, _, _, _ = read(tmp_path, "# Sivu\n\n<oma-laatikko>Tärkeä asia</oma-laatikko>\n")
    assert "Tärkeä asia" in page_html and "oma-laatikko" not in page_html
