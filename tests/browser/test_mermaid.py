"""Mermaid diagrams rendered in Debian's Chromium, then embedded by Typst as a handout would."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import typst
from PIL import Image

from coursebuild.browser import mermaid
from coursebuild.browser.mermaid import DiagramError, diagram_hash, mermaid_version, render_diagrams
from tests.conftest import PROJECT_ROOT

SVG = "{http://www.w3.org/2000/svg}"
# Name: (source, labels the drawing must show). Each type is here for a reason:
# flowchart for mermaid's entity codes (#60; is "<"), class and gitGraph for
# their random numbers (rough.js shapes, commit ids), journey for its labels in
# <switch> with an HTML and an SVG version.
DIAGRAMS = {
    "flowchart": (
        "graph TD\n    A[Nopeus?] -->|#60;20.995| B((Pyörällä))\n    A -->|Kyllä| C[Autolla]\n",
        ["Nopeus?", "<20.995", "Pyörällä", "Kyllä", "Autolla"],
    ),
    "sequence": (
        "sequenceDiagram\n"
        "    Opettaja->>Opiskelija: Tehtävä\n"
        "    Opiskelija-->>Opettaja: Vastaus\n",
        ["Opettaja", "Opiskelija", "Tehtävä", "Vastaus"],
    ),
    "class": (
        "classDiagram\n    class Eläin {\n        +int ikä\n    }\n    Eläin <|-- Koira\n",
        ["Eläin", "ikä", "Koira"],
    ),
    "gitgraph": (
        "gitGraph\n    commit\n    branch kokeilu\n    commit\n    checkout main\n"
        "    merge kokeilu\n",
        ["main", "kokeilu"],
    ),
    "journey": (
        "journey\n    title Päivä\n    section Työ\n      Koodaa: 5: Minä\n",
        ["Päivä", "Työ", "Koodaa"],
    ),
    "pie": (
        'pie title Jako\n    "Opetus" : 70\n    "Testi" : 30\n',
        ["Jako", "Opetus", "Testi"],
    ),
}
BAD = "graph LR\n    A --> B\n    B -->> ]]\n"


def source(name: str) -> str:
    return DIAGRAMS[name][0]


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("mermaid")


@pytest.fixture(scope="module")
def rendered(cache) -> dict[str, Path]:
    """Every diagram, rendered in one call: one browser."""
    paths = render_diagrams([source(name) for name in DIAGRAMS], cache)
    return {name: paths[source(name)] for name in DIAGRAMS}


@pytest.fixture(scope="module")
def second_render(tmp_path_factory) -> tuple[Path, DiagramError]:
    """A later call in an empty cache, in another order, one diagram fewer and one bad."""
    cache = tmp_path_factory.mktemp("mermaid-again")
    sources = [source(name) for name in reversed(DIAGRAMS) if name != "flowchart"]
    with pytest.raises(DiagramError) as caught:
        render_diagrams([*sources, BAD], cache)
    return cache, caught.value


def svg_texts(path: Path) -> list[str]:
    """The text of every SVG <text> element; parsing also proves the file is well-formed XML."""
    root = ET.parse(path).getroot()
    return ["".join(text.itertext()) for text in root.iter(f"{SVG}text")]


def test_every_label_is_svg_text(rendered):
    for name, (_, labels) in DIAGRAMS.items():
        texts = svg_texts(rendered[name])
        for label in labels:
            assert any(label in text for text in texts), f"{name}: no <text> shows {label!r}"


def test_no_label_is_html(rendered):
    for name, path in rendered.items():
        root = ET.parse(path).getroot()
        assert list(root.iter(f"{SVG}foreignObject")) == [], name
        assert "foreignObject" not in path.read_text(encoding="utf-8"), name


def test_svg_has_the_natural_size_of_its_view_box(rendered):
    for name, path in rendered.items():
        root = ET.parse(path).getroot()
        _, _, width, height = map(float, root.get("viewBox").replace(",", " ").split())
        assert float(root.get("width")) == pytest.approx(width, abs=0.01), name
        assert float(root.get("height")) == pytest.approx(height, abs=0.01), name
        assert width > 50 and height > 50, name
        assert "max-width" not in (root.get("style") or ""), name


def test_cache_file_is_named_by_version_settings_and_source(rendered):
    pinned = json.loads((PROJECT_ROOT / "package.json").read_text())["dependencies"]["mermaid"]
    assert mermaid_version() == pinned
    text = source("pie")
    assert rendered["pie"].name == diagram_hash(text, pinned) + ".svg"
    assert diagram_hash(text, pinned) != diagram_hash(text, "0.0.0")
    assert diagram_hash(text, pinned) != diagram_hash(text + " ", pinned)


def no_browser():
    raise AssertionError("a browser was started")


def test_cached_diagrams_start_no_browser(rendered, cache, monkeypatch):
    monkeypatch.setattr(mermaid, "open_browser", no_browser)
    written = {name: path.stat().st_mtime_ns for name, path in rendered.items()}
    again = render_diagrams([source(name) for name in reversed(DIAGRAMS)], cache)
    assert {name: again[source(name)] for name in DIAGRAMS} == rendered
    assert {name: path.stat().st_mtime_ns for name, path in rendered.items()} == written


def test_cached_call_does_not_import_playwright(rendered, cache):
    program = (
        "import json, sys\nfrom pathlib import Path\n"
        "from coursebuild.browser.mermaid import render_diagrams\n"
        "render_diagrams(json.load(sys.stdin), Path(sys.argv[1]))\n"
        "print(sorted(name for name in sys.modules if name.startswith('playwright')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program, str(cache)],
        input=json.dumps([source(name) for name in DIAGRAMS]),
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=True,
    )
    assert result.stdout.strip() == "[]"


def test_new_render_settings_render_again(rendered, cache, monkeypatch):
    monkeypatch.setattr(mermaid, "RENDER_SETTINGS_VERSION", "changed")
    monkeypatch.setattr(mermaid, "open_browser", no_browser)
    with pytest.raises(AssertionError, match="a browser was started"):
        render_diagrams([source("pie")], cache)


def test_rendering_again_gives_the_same_bytes(rendered, second_render):
    cache, _ = second_render
    for name, path in rendered.items():
        if name != "flowchart":
            assert (cache / path.name).read_bytes() == path.read_bytes(), name


def test_bad_diagram_raises_mermaids_own_message(second_render):
    cache, error = second_render
    assert error.source == BAD
    assert error.message.startswith("mermaid: Parse error on line 3:")
    assert "got 'TAGEND'" in error.message
    assert "\n" not in str(error)
    # The good diagrams of the same call are kept.
    assert len(list(cache.glob("*.svg"))) == len(DIAGRAMS) - 1


def test_diagram_that_loads_from_the_web_fails(tmp_path):
    url = "https://example.com/kuva.png"
    image = f'flowchart TD\n    A@{{ img: "{url}", label: "Kuva" }}\n'
    with pytest.raises(DiagramError, match=re.escape(f"loads {url}")) as caught:
        render_diagrams([image], tmp_path)
    assert caught.value.source == image
    assert list(tmp_path.iterdir()) == []


def test_typst_embeds_every_diagram_with_its_labels(rendered, tmp_path):
    pages = "\n#pagebreak()\n".join(f'#image("{rendered[name]}", width: 50%)' for name in DIAGRAMS)
    pdf = tmp_path / "diagrams.pdf"
    document = f"#set page(width: 16cm, height: 12cm)\n{pages}\n"
    pdf.write_bytes(typst.compile(document.encode(), root="/", ignore_system_fonts=True))
    # Typst keeps SVG text as PDF text, one page per diagram.
    for number, (name, (_, labels)) in enumerate(DIAGRAMS.items(), 1):
        command = ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"]
        text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        for label in labels:
            assert label in text, f"{name}: {label!r} not in the PDF's text"
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(DIAGRAMS)
    for name, image in zip(DIAGRAMS, images, strict=True):
        grey = Image.open(image).convert("L")
        ink = sum(grey.histogram()[:200]) / (grey.width * grey.height)
        assert ink > 0.002, f"{name}: the page is (nearly) blank, {ink:.3%} ink"
