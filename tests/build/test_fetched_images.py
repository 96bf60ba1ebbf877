"""A page's remote images in a real build: embedded when fetched, a placeholder card when not."""

from __future__ import annotations

import base64
import re

import pytest

from tests.support.course_factory import make_course, run_build
from tests.support.deck_slides import slide_titled
from tests.support.image_server import PNG, image_server

PAGE = """\
# Verkkokuvat

## Haettu

![Kaavio palvelimelta]({server}/kuva.png)

**Kuva 1:** Kaavio palvelimelta.

## Metadata

![Ohjattu]({server}/metadata.png)

**Kuva 2:** Ohjattu osoite.

## Ei palvelinta

![Suljettu portti](http://127.0.0.1:{closed}/kuva.png)

**Kuva 3:** Suljettu portti.
"""


@pytest.fixture(scope="module")
def remote_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("etakuvat")
    with image_server() as server:
        course = make_course(
            root / "kurssi",
            {
                "mkdocs.yml": "site_name: Etäkuvat\ntheme:\n  name: material\n  language: fi\n",
                "docs/sivu.md": PAGE.format(server=f"http://{server.host}", closed=1),
            },
        )
        (course / "course.toml").unlink()
        out = root / "out"
        result = run_build(course, "--out", str(out), "--allow-image-host", "127.0.0.1")
        page = course / "docs" / "sivu.md"
        page.write_text(page.read_text(encoding="utf-8") + "\nLisätty.\n", encoding="utf-8")
        edited = run_build(course, "--out", str(out), "--allow-image-host", "127.0.0.1")
        assert edited.returncode == 0, edited.stderr
        requests = dict(server.requests)  # after two builds into one folder
        strict = run_build(
            course, "--out", str(root / "tiukka"), "--allow-image-host", "127.0.0.1", "--strict"
        )
    return course, out, result, strict, requests


def test_the_page_builds_with_a_warning_for_each_image_not_fetched(remote_site):
    course, _, result, _, _ = remote_site
    assert result.returncode == 0, result.stderr
    page = course / "docs" / "sivu.md"
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2, warnings
    assert warnings[0].startswith(f"warning: {page}:11: image http://127.0.0.1:")
    assert "169.254.169.254 is 169.254.169.254, not a public address" in warnings[0]
    assert warnings[1].startswith(f"warning: {page}:17: image http://127.0.0.1:1/kuva.png: ")
    assert "cannot fetch it" in warnings[1]
    assert result.stdout.rstrip().endswith(": 1 built, 0 failed, 2 warnings")


def test_a_fetched_image_is_in_the_deck_and_the_handout(remote_site):
    _, out, _, _, requests = remote_site
    shown = slide_titled(out / "sivu.html", "Haettu").shown
    assert f'src="data:image/png;base64,{base64.b64encode(PNG).decode()}"' in shown
    assert requests["/kuva.png"] == 1  # once: the edited page's build took it from the cache
    assert re.search(rb"/Subtype\s*/Image", (out / "sivu.pdf").read_bytes())


def test_an_image_not_fetched_is_a_card_with_its_address(remote_site):
    _, out, _, _, _ = remote_site
    for title, address in (("Metadata", "/metadata.png"), ("Ei palvelinta", ":1/kuva.png")):
        [source] = [
            part.split('"')[0]
            for part in slide_titled(out / "sivu.html", title).shown.split('src="')[1:]
        ]
        assert source.startswith("data:image/svg+xml;base64,")
        card = base64.b64decode(source.split(",", 1)[1]).decode("utf-8")
        assert "Kuvaa ei voitu hakea" in card and address in card


def test_strict_fails_the_page_for_an_image_not_fetched(remote_site):
    _, _, _, strict, _ = remote_site
    assert strict.returncode == 1
    assert "2 warning(s) and --strict is on" in strict.stderr
