"""An MkDocs site as a course: each construct of the sites' dialect on a slide and on paper.

The site is the instructor's dialect in miniature (the extension list of
../shared/corpus/*/mkdocs.yml); every test reads what the build wrote.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pypdf
import pytest

from tests.support.course_factory import (
    ARITHMATEX,
    EMOJI,
    MERMAID_FENCE,
    PROJECT_ROOT,
    before_summary,
    make_course,
    mkdocs_yml,
    run_build,
)
from tests.support.deck_slides import slide_titled, slides, text_of

MKDOCS_YML = mkdocs_yml(
    "pymdownx.highlight:\n    anchor_linenums: true\n    line_spans: __span\n"
    "    pygments_lang_class: true",
    "pymdownx.inlinehilite",
    "pymdownx.snippets",
    "pymdownx.superfences",
    "attr_list",
    EMOJI,
    MERMAID_FENCE,
    "pymdownx.keys",
    "pymdownx.mark",
    "admonition",
    "pymdownx.details",
    "footnotes",
    "pymdownx.tasklist:\n    custom_checkbox: true",
    "pymdownx.tabbed:\n    alternate_style: true",
    ARITHMATEX,
    rest="plugins:\n  - awesome-nav\ncopyright: |\n"
    '  Copyright &copy; 2026 <a href="https://example.org">Testikoulu Oy</a>.\n',
)

NAV = 'nav:\n  - index.md\n  - "1. Luku": luku\n  - tehtavat.md\n'

PAGE = """\
---
priority: 100
---

# Murteen sivu

## Laatikot

??? "Tyypitön otsikko"

    Piilotettu runko.

???+ tip "Auki oleva"

    Auki.

    !!! warning
        Sisäkkäinen varoitus.

- Listan kohta

    !!! note "Listan sisällä"
        Listan laatikko.

## Koodi

```python title="IPython"
x = 1  # (1)!
y = 2
```

1. Selitys *ykköselle*.

=== "Välilehti A"

    Ensimmäinen sisältö.

=== "Välilehti B"

    Toinen sisältö.

## Merkit

- Käärme :snake: ja numero :one:
- Kopioi ++ctrl+c++ ja aja `#!python print(x)`
- [x] tehty
- [ ] tekemättä

Proosassa SGD:lle: on suomea ja ==korostettu lause tässä==.

$$
a \\odot b = \\mathbf{c}
$$

Alaviite[^a] ja puuttuva[^puuttuu].

[^a]: Lähde A.

--8<-- "docs/katkelma.md"

## Kuvat

![Kissa](../images/kissa.png){ width="300" }

**Kuva 1**: *Kuvateksti $D_k$ tässä.* Toinen lause.

```mermaid
graph LR
  A[Syöte] --> B[Tuloste]
```

**Kuvio 2.** Kaavio.

<iframe width="560" height="315" src="https://www.youtube.com/embed/abc" \
title="YouTube video player"></iframe>
"""


def png_bytes() -> bytes:
    """A real PNG to show: a figure baseline."""
    return next((PROJECT_ROOT / "tests" / "unit" / "baseline").glob("*ReLU-fi.png")).read_bytes()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The miniature site and its build; the deck's and the handout's text."""
    root = tmp_path_factory.mktemp("site")
    make_course(
        root,
        {
            "mkdocs.yml": MKDOCS_YML,
            "docs/.nav.yml": NAV,
            "docs/index.md": "# Etusivu\n\nTervetuloa.\n",
            "docs/tehtavat.md": "# Tehtäväkooste\n\n- [ ] Tehtävä\n",
            "docs/katkelma.md": "Katkelma tiedostosta.\n",
            "docs/luku/sivu.md": PAGE,
            "docs/images/kissa.png": png_bytes(),
        },
    )
    (root / "course.toml").unlink()  # the site is the course
    out = root / "out"
    result = run_build(root, "--out", str(out))
    assert result.returncode == 0, result.stderr
    pdf = subprocess.run(
        ["pdftotext", "-layout", str(out / "sivu.pdf"), "-"], capture_output=True, text=True
    )
    handout = " ".join(pdf.stdout.split())
    return out, result, handout


def test_site_pages_index_and_chapters(site):
    out, _, _ = site
    assert (out / "sivu.html").is_file() and (out / "sivu.pdf").is_file()
    # index.md is a page of the site; the course index keeps index.html.
    assert (out / "index-page.html").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>Testisivusto</title>" in index
    chapter = index.index('<h2 class="chapter">1. Luku</h2>')
    assert index.index("Murteen sivu") > chapter > index.index("Etusivu")
    # The site shows none of the course figures, so none is drawn.
    assert not list(out.glob("images/*.svg"))
    # The top-level page last in the nav stays last, after the chapter.
    assert index.index("Tehtäväkooste") > index.index("Murteen sivu")


def test_collapsible_admonitions_typed_untyped_open_and_nested(site):
    out, _, handout = site
    slide = slide_titled(out / "sivu.html", "Laatikot")
    # Closed on the site (???), closed on the slide: its title the summary to click.
    assert re.search(
        r'<details class="admonition note collapsible">\s*<summary class="admonition-title">'
        r"\s*Tyypitön otsikko</summary>\s*<p>Piilotettu runko.</p>\s*</details>",
        slide.shown,
    )
    # A nested admonition without a title gets its kind's Finnish name.
    nested = slide.shown[slide.shown.index("Auki oleva") :]
    assert re.search(
        r'class="admonition warning">\s*<div class="admonition-title">\s*Varoitus', nested
    )
    assert re.search(
        r"<li>.*Listan kohta.*Listan sisällä.*Listan laatikko.*</li>", slide.shown, re.DOTALL
    )
    assert "???" not in slide.text + slide.notes_text and "!!!" not in slide.text
    for text in (
        "Tyypitön otsikko Piilotettu runko.",
        "Varoitus Sisäkkäinen varoitus.",
        "Listan sisällä Listan laatikko.",
    ):
        assert text in handout
    assert "???" not in handout and "!!!" not in handout


def test_code_title_and_annotations(site):
    out, _, handout = site
    slide = slide_titled(out / "sivu.html", "Koodi")
    assert re.search(r'<div class="sourceCode"[^>]*title="IPython"', slide.shown)
    assert "(1)!" not in slide.shown and "(1)!" not in handout
    code = slide.shown[slide.shown.index("<pre") : slide.shown.index("</pre>")]
    assert "# (1)" in " ".join(re.sub("<[^>]+>", "", code).split())
    annotations = re.search(r'<div class="code-annotations">(.*?)</div>', slide.shown, re.DOTALL)
    assert annotations and "Selitys" in annotations.group(1)
    assert "IPython x = 1 # (1) y = 2 1. Selitys ykköselle." in handout
    assert "```" not in slide.text and "title=" not in handout


def test_tabs_first_open_on_the_slide_the_others_closed_all_open_in_the_handout(site):
    out, _, handout = site
    slide = slide_titled(out / "sivu.html", "Koodi")
    text = slide.text
    assert "Välilehti A Ensimmäinen sisältö. Välilehti B Toinen sisältö." in text
    # As on the site: the first tab shows, the next is its label until opened.
    closed = re.findall(
        r"<details([^>]*)>\s*<summary[^>]*>(.*?)</summary>(.*?)</details>", slide.shown, re.DOTALL
    )
    assert [(text_of(label), text_of(body)) for _, label, body in closed] == [
        ("Välilehti B", "Toinen sisältö.")
    ]
    assert "open" not in closed[0][0] and 'class="tab"' in closed[0][0]
    assert "Ensimmäinen sisältö." in slide.shown[: slide.shown.index("<details")]
    assert "Välilehti A Ensimmäinen sisältö. Välilehti B Toinen sisältö." in handout
    assert "===" not in text + handout


def test_emoji_keys_and_task_list(site):
    out, _, handout = site
    slide = slide_titled(out / "sivu.html", "Merkit")
    emoji = re.findall(r"<img\b[^>]*class=\"twemoji\"[^>]*>", slide.shown)
    assert len(emoji) == 2
    assert all('src="data:image/svg+xml;base64,' in tag for tag in emoji)
    assert 'alt="🐍"' in emoji[0]
    assert re.search(r"<kbd[^>]*>Ctrl</kbd>.*<kbd[^>]*>C</kbd>", slide.shown, re.DOTALL)
    # As Pandoc writes them, or as the layout pass's browser writes them back.
    assert re.search(r'<input type="checkbox" checked=""\s*/?>\s*tehty', slide.shown)
    assert re.search(r'<input type="checkbox"\s*/?>\s*tekemättä', slide.shown)
    # "SGD:lle:" is Finnish, not an emoji; the prose is in the notes.
    assert "SGD:lle:" in slide.notes_text
    for raw in (":snake:", ":one:", "++"):
        assert raw not in slide.text + slide.notes_text and raw not in handout
    assert "Kopioi Ctrl + C ja aja print(x)" in handout
    assert "☒ tehty" in handout and "☐ tekemättä" in handout


def test_math_renders_on_the_slide_and_in_the_handout(site):
    out, _, handout = site
    slide = slide_titled(out / "sivu.html", "Merkit")
    math = re.search(r'<math display="block".*?</math>', slide.shown, re.DOTALL).group(0)
    assert "<mo>⊙</mo>" in math and re.search(r'mathvariant="bold[^"]*">[^<]+</mi>', math)
    assert "⊙" in handout and "$$" not in handout + slide.text


def test_footnotes_sources_snippet_and_undefined_footnote_warning(site):
    out, result, handout = site
    assert re.search(
        r"sivu\.md:\d+: footnote \[\^puuttuu\] is used but never defined",
        result.stdout + result.stderr,
    )
    assert "Lähde A." in slide_titled(out / "sivu.html", "Lähteet").text
    assert "Katkelma tiedostosta." in slide_titled(out / "sivu.html", "Merkit").notes_text
    assert "Katkelma tiedostosta." in handout


def test_images_captions_diagrams_and_link_cards(site):
    out, _, handout = site
    deck = out / "sivu.html"
    figure = slide_titled(deck, "Kuvat").shown
    assert re.search(r'<img[^>]*data-src="data:image/png;base64,[^"]*"[^>]*width="300"', figure)
    caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, re.DOTALL).group(1)
    assert "<strong>Kuva 1:</strong>" in caption and "<msub><mi>D</mi><mi>k</mi></msub>" in caption
    # The second figure begins a slide of its own under the same title.
    later = [slide for slide in slides(deck) if slide.title == "Kuvat"][1].shown
    assert re.search(
        r'<img[^>]*data-src="data:image/svg\+xml;base64,[^"]*"[^>]*class="mermaid"', later
    )
    assert "<strong>Kuva 2:</strong> Kaavio." in later
    assert not any("<iframe" in slide.shown + slide.notes for slide in slides(deck))
    # The card links to the video's own page and shows its title and address.
    card = " ".join(re.search(r"<div class=.link-card.*?</div>", later, re.DOTALL).group(0).split())
    assert 'href="https://www.youtube.com/watch?v=abc"' in card
    assert "YouTube video player" in card and "youtube.com/watch?v=abc" in card
    assert "Kuva 1: Kuvateksti 𝐷𝑘 tässä. Toinen lause." in handout
    assert "Syöte Tuloste Kuva 2: Kaavio." in handout
    assert "Video: https://www.youtube.com/watch?v=abc" in handout
    assert len(list((out / ".cache" / "mermaid").glob("*.svg"))) == 1


def test_a_page_inside_a_site_finds_its_site(site, tmp_path):
    out, _, _ = site
    page = out.parent / "docs" / "luku" / "sivu.md"
    # No --course: the page's own site (the nearest mkdocs.yml upwards) is the course.
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "build.py"), str(page), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"},
    )
    assert result.returncode == 0, result.stderr
    deck = tmp_path / "sivu.html"
    assert '<p class="deck-course">Testisivusto</p>' in deck.read_text(encoding="utf-8")
    titles = [slide.title for slide in slides(deck) if not slide.title.endswith(" (jatkuu)")]
    assert titles[1:3] == ["Laatikot", "Koodi"]


SITE_WITHOUT_MATH = """\
site_name: Ilman kaavoja
theme:
  language: fi
markdown_extensions:
  - admonition
  - markdown_include.include
"""


def test_dollar_is_a_dollar_without_arithmatex_and_unknown_extension_warns(tmp_path):
    make_course(
        tmp_path,
        {
            "mkdocs.yml": SITE_WITHOUT_MATH,
            "docs/hinnat.md": "# Hinnat\n\n## Osio\n\n- Kahvi $5 ja tee $10\n",
        },
    )
    (tmp_path / "course.toml").unlink()
    result = run_build(tmp_path, "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "markdown extension 'markdown_include.include' is not one the build knows" in (
        result.stdout + result.stderr
    )
    slide = slide_titled(tmp_path / "out" / "hinnat.html", "Osio")
    assert "Kahvi $5 ja tee $10" in slide.text and "<math" not in slide.shown
    text = " ".join(
        pypdf.PdfReader(tmp_path / "out" / "hinnat.pdf").pages[0].extract_text().split()
    )
    assert "Kahvi $5 ja tee $10" in text


def test_snippet_outside_the_site_is_an_error_naming_the_line(tmp_path):
    make_course(
        tmp_path,
        {
            "mkdocs.yml": SITE_WITHOUT_MATH.replace(
                "  - markdown_include.include\n", "  - pymdownx.snippets\n"
            ),
            "docs/vuoto.md": '# Vuoto\n\nTeksti.\n\n--8<-- "/etc/hostname"\n',
        },
    )
    (tmp_path / "course.toml").unlink()
    result = run_build(tmp_path, "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert re.search(
        r"vuoto\.md:5: cannot read the page: snippet '/etc/hostname' leads outside the site",
        result.stderr,
    )
    assert not (tmp_path / "out" / "vuoto.html").exists()


def imported_modules(result: subprocess.CompletedProcess) -> set[str]:
    """Top-level modules a build imported, from its -X importtime report."""
    names = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s+(\S+)", result.stderr, re.MULTILINE)
    return {name.split(".")[0] for name in names}


def test_no_op_reads_no_page_and_an_edit_keeps_its_cached_diagram(site, tmp_path):
    out, _, _ = site
    copy = tmp_path / "site"
    shutil.copytree(out.parent, copy, ignore=shutil.ignore_patterns("out"))
    shutil.copytree(out, copy / "out")  # the state file names the old paths: rebuilt once
    environment = {"PYTHONPROFILEIMPORTTIME": "1"}

    def build():
        result = run_build(copy, "--out", str(copy / "out"), env=environment)
        assert result.returncode == 0, result.stderr
        return result

    build()
    diagrams = {path: path.stat().st_mtime_ns for path in (copy / "out").glob(".cache/*/*.svg")}
    no_op = build()
    assert "lesson  " not in no_op.stdout and "skip     " in no_op.stdout
    assert "coursebuild" in imported_modules(no_op)  # the report is read
    # Nor the browser's client, whose asyncio alone is ~15 ms of a no-op's ~0.3 s,
    # nor Jinja, the image reader or the image fetcher's network (~70 ms).
    unneeded = {"markdown", "pymdownx", "playwright", "matplotlib", "asyncio", "websockets"}
    unneeded |= {"jinja2", "imagesize", "ssl"}
    assert not unneeded & imported_modules(no_op)

    page = copy / "docs" / "luku" / "sivu.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Auki.", "Auki nyt."), "utf-8")
    edit = build()
    assert re.search(r"^lesson\s+\S*sivu\.md", edit.stdout, re.MULTILINE)
    assert "markdown" in imported_modules(edit)
    # The browser starts for the layout pass; the diagram came from the cache.
    assert diagrams == {
        path: path.stat().st_mtime_ns for path in (copy / "out").glob(".cache/*/*.svg")
    }
    assert "Auki nyt." in slide_titled(copy / "out" / "sivu.html", "Laatikot").text


def test_a_broken_diagram_or_a_broken_image_names_the_page_and_line(tmp_path):
    make_course(
        tmp_path,
        {
            "mkdocs.yml": MKDOCS_YML,
            "docs/kaavio.md": "# Kaavio\n\nTeksti.\n\n```mermaid\ngraph LR\n  A --> \n```\n",
            "docs/kuva.md": "# Kuva\n\nTeksti.\n\n![Rikki](images/rikki.png)\n",
            "docs/images/rikki.png": "ei kuva",
        },
    )
    (tmp_path / "course.toml").unlink()
    for page, pattern in (
        ("kaavio.md", r"kaavio\.md:6: mermaid diagram: .*Parse error"),
        ("kuva.md", r"kuva\.md:5: image images/rikki\.png: no size in its header"),
    ):
        result = run_build(tmp_path, str(tmp_path / "docs" / page), "--out", str(tmp_path / "out"))
        assert result.returncode == 1
        assert re.search(pattern, result.stderr), result.stderr
        stderr = before_summary(result.stderr)
        errors = [line for line in stderr.splitlines() if not line.startswith("warning:")]
        assert len(errors) == 1, result.stderr  # one line, no traceback
