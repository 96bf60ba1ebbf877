"""Material's icons and a site's custom icons, as the SVG files Material itself carries."""

from __future__ import annotations

import re

from coursebuild.core.emoji import TWEMOJI_DIR
from coursebuild.reading.html_bridge import PageContext
from coursebuild.reading.icons import IconIndex, material_icons
from coursebuild.reading.markdown_reader import page_to_html

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M0 0h24v24H0z"/></svg>'


def test_the_material_package_carries_its_icon_sets():
    icons = material_icons()
    assert icons is not None
    for file in ("material/check.svg", "octicons/file-code-16.svg",
                 "fontawesome/solid/paper-plane.svg", "simple/python.svg"):  # fmt: skip
        assert (icons / file).is_file(), file


def test_a_shortcode_finds_its_file_with_dashes_read_as_folders(tmp_path):
    (tmp_path / "kurssi" / "ikoni").mkdir(parents=True)
    (tmp_path / "kurssi" / "ikoni" / "oma-merkki.svg").write_text(SVG, encoding="utf-8")
    index = IconIndex({}, (tmp_path, material_icons()))
    assert index.get(":kurssi-ikoni-oma-merkki:")["path"] == str(
        tmp_path / "kurssi" / "ikoni" / "oma-merkki.svg"
    )
    assert index.get(":fontawesome-solid-paper-plane:")["path"].endswith(
        "fontawesome/solid/paper-plane.svg"
    )
    assert index.get(":material-ei-ole-olemassa:") is None
    for name in (":..-..-etc-passwd:", ":kurssi/../x:", "::", ":-:"):
        assert index.get(name) is None


def test_a_page_shows_icons_as_images_and_a_sites_own_icons_first(tmp_path):
    custom = tmp_path / "overrides" / ".icons" / "material"
    custom.mkdir(parents=True)
    (custom / "check.svg").write_text(SVG, encoding="utf-8")  # the site's own, over Material's
    extensions = [("pymdownx.emoji", {"options": {"custom_icons": ["overrides/.icons"]}})]
    context = PageContext(resolve_image=str, emoji_dir=TWEMOJI_DIR)
    html = page_to_html(
        "Valmis :material-check: ja :octicons-file-code-16: ja :smile: ja :ei-mikaan:.\n",
        extensions,
        tmp_path,
        context,
    )
    sources = re.findall(r'<img alt="([^"]+)" class="(twemoji[^"]*)" src="([^"]+)"', html)
    assert [(alt, kind) for alt, kind, _ in sources] == [
        (":material-check:", "twemoji icon"),
        (":octicons-file-code-16:", "twemoji icon"),
        ("😄", "twemoji"),
    ]
    assert sources[0][2] == str(custom / "check.svg")
    assert sources[1][2] == str((material_icons() / "octicons" / "file-code-16.svg").resolve())
    assert ":ei-mikaan:" in html  # no such icon: the text as written
