"""The allow-list a page's HTML passes (sanitize.py, html_bridge.py): script out, content in."""

from __future__ import annotations

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from coursebuild.core.errors import BuildError
from coursebuild.pandoc.run import pandoc_command
from coursebuild.reading import html_bridge
from coursebuild.reading.course import DEFAULT_EXTENSIONS, open_course
from coursebuild.reading.html_bridge import PageContext
from coursebuild.reading.images import FigureSet
from coursebuild.reading.lesson_file import load_lesson
from coursebuild.reading.markdown_reader import page_to_html
from coursebuild.reading.read_page import read_page
from coursebuild.reading.sanitize import sanitize_html
from figures.catalogue import FIGURES
from tests.support.course_factory import PROJECT_ROOT

CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"

# Each payload, and what of it may be left: none of its markers.
PAYLOADS = {
    "script": '<script>alert("pwned")</script>',
    "onerror": '<img src="kuva.png" onerror="alert(1)">',
    "svg onload": '<svg onload="alert(1)"><circle r="2"/></svg>',
    "iframe javascript:": '<iframe src="javascript:alert(1)"></iframe>',
    "iframe srcdoc": '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    "a javascript:": '<a href="javascript:alert(1)">x</a>',
    "a tab in javascript:": '<a href="java&#x09;script:alert(1)">x</a>',
    "a upper-case JAVASCRIPT:": '<a href=" JaVaScRiPt:alert(1)">x</a>',
    "a data:": '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>',
    "a vbscript:": '<a href="vbscript:msgbox(1)">x</a>',
    "object": '<object data="javascript:alert(1)"></object>',
    "embed": '<embed src="javascript:alert(1)">',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base": '<base href="http://127.0.0.1:9/">',
    "link": '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
    "style element": "<style>@import url(http://127.0.0.1:9/x.css);</style>",
    "style attribute": '<p style="background:url(http://127.0.0.1:9/x.png)">x</p>',
    "form": '<form action="http://127.0.0.1:9/"><input name="q"><button>x</button></form>',
    "formaction": '<button formaction="javascript:alert(1)">x</button>',
    "details ontoggle": '<details open ontoggle="alert(1)"><summary>s</summary>x</details>',
    "input onfocus": '<input type="checkbox" autofocus onfocus="alert(1)">',
    "reveal.js background frame": '<div data-background-iframe="http://127.0.0.1:9/">x</div>',
    "template": "<template><img src=x onerror=alert(1)></template>",
    "math href": '<math href="javascript:alert(1)"><mi>x</mi></math>',
}
# What none of the cleaned payloads may contain (none of them has a link to keep).
FORBIDDEN = re.compile(
    r"<(script|svg|iframe|object|embed|meta|base|link|style|form|button|template|math)\b"
    r"|\bon\w+=|javascript|vbscript|data:|http://127|style=|autofocus|formaction|data-background"
    r"|\bhref=",
    re.IGNORECASE,
)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_every_payload_is_cleaned(payload):
    cleaned = sanitize_html(f"<p>ennen</p>{payload}<p>jälkeen</p>")
    assert not FORBIDDEN.search(cleaned), cleaned
    assert cleaned.startswith("<p>ennen</p>") and cleaned.endswith("<p>jälkeen</p>")


def test_the_forbidden_pattern_sees_every_payload_as_written():
    # Otherwise a payload that matched nothing would pass the test above untouched.
    for name, payload in PAYLOADS.items():
        assert FORBIDDEN.search(payload), name


# What pages legitimately write, by hand or through an extension: kept as it is.
KEPT = [
    "<p>Paina <kbd>Ctrl</kbd>+<kbd>C</kbd>, x<sup>2</sup> ja H<sub>2</sub>O<br>uusi rivi</p>",
    '<details class="tip" open=""><summary>Vinkki</summary><p>Sisältö</p></details>',
    '<figure><img src="kuva.png" alt="Kissa" width="300" height="200">'
    "<figcaption>Kuva 1</figcaption></figure>",
    '<p><span class="keys"><kbd class="key-ctrl">Ctrl</kbd></span> <mark>tärkeä</mark></p>',
    '<p><a href="https://example.org/x?a=1&amp;b=2" title="t">ulos</a> '
    '<a href="../toinen.md#osa">sisään</a> <a href="mailto:a@example.org">posti</a></p>',
    '<table><thead><tr><th style="text-align: left;">a</th><th align="right">b</th></tr>'
    '</thead><tbody><tr><td style="text-align: center;">1</td><td>2</td></tr></tbody></table>',
    '<ol start="3" type="a"><li value="4">kohta</li></ol>',
    '<p><span class="math inline" data-tex="a &lt; b &amp;&amp; \\frac{1}{2}"></span></p>',
    '<pre class="python" data-title="esim.py" data-linenums="1" data-hl-lines="2">'
    "<code>x = 1 &lt; 2\n</code></pre>",
    '<div class="link-card" data-href="https://www.youtube.com/watch?v=abc">'
    '<p><a href="https://www.youtube.com/watch?v=abc">Video</a><br>'
    '<span class="link-address">youtube.com/watch?v=abc</span></p></div>',
    '<p><a class="footnote-ref" href="#fn:1" role="doc-noteref"><sup>1</sup></a></p>'
    '<section class="footnotes" role="doc-endnotes"><ol><li id="fn:1"><p>Lähde</p></li></ol>'
    "</section>",
    '<label class="task-list-control"><input type="checkbox" disabled="" checked="">'
    '<span class="task-list-indicator"></span></label>',
    '<p><abbr title="HyperText Markup Language">HTML</abbr> <del>pois</del> <ins>lisää</ins></p>',
]


@pytest.mark.parametrize("html", KEPT)
def test_what_pages_legitimately_write_is_kept(html):
    assert sanitize_html(html) == html


def test_an_image_source_is_what_the_callback_gives_and_none_drops_it():
    seen = []

    def image_source(src):
        seen.append(src)
        return None if src == "pois.png" else f"/löydetty/{src}"

    cleaned = sanitize_html(
        '<img src="kuva.png" alt="a"><img src="pois.png" alt="b">', image_source
    )
    assert cleaned == '<img src="/löydetty/kuva.png" alt="a"><img alt="b">'
    assert seen == ["kuva.png", "pois.png"]


# -- through the site's own parser and html_bridge.py ---------------------------------


def page_html(text: str, folder: Path) -> tuple[str, PageContext]:
    """``text`` as the build reads a page in ``folder``; images must exist there."""

    def resolve(src: str) -> str:
        path = folder / src
        if ":" in src or not path.is_file():
            raise BuildError(f"image {src} not found", folder / "sivu.md", 1)
        return str(path)

    context = PageContext(resolve_image=resolve, emoji_dir=None)
    return page_to_html(text, list(DEFAULT_EXTENSIONS), folder, context), context


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](<java\tscript:alert(1)>)",
        "[x](data:text/html,<script>alert(1)</script>)",
        "[x](vbscript:msgbox(1))",
        "<javascript:alert(1)>",
        '[x](https://example.org/){ onclick="alert(1)" }',
        "[viite][x]\n\n[x]: javascript:alert(1)\n",
    ],
)
def test_a_markdown_link_keeps_no_script(link, tmp_path):
    html, _ = page_html(f"Teksti {link} loppu.\n", tmp_path)
    assert not re.search(r"javascript|vbscript|data:|onclick", html, re.IGNORECASE), html
    assert "Teksti" in html and "loppu." in html


def test_attribute_lists_set_no_handler_and_no_reveal_js_data(tmp_path):
    page = (
        '### Dia { data-background-iframe="http://127.0.0.1:9/" onclick="alert(1)" #dia .oma }\n\n'
        'Kappale.\n{ style="background:url(http://127.0.0.1:9/)" data-markdown="" }\n'
    )
    html, _ = page_html(page, tmp_path)
    assert html == '<h3 class="oma" id="dia">Dia</h3>\n<p>Kappale.</p>'


def test_a_raw_image_is_found_like_a_markdown_image_and_loses_its_handlers(tmp_path):
    (tmp_path / "kuva.png").write_bytes(b"png")
    html, context = page_html(
        'Kuva: <img src="kuva.png" width="200" onerror="alert(1)">\n', tmp_path
    )
    assert f'<img src="{tmp_path / "kuva.png"}" width="200">' in html
    assert context.images == [str(tmp_path / "kuva.png")]


@pytest.mark.parametrize("src", ["x", "http://127.0.0.1:9/x.png"])
def test_a_raw_image_the_build_cannot_find_is_an_error(src, tmp_path):
    with pytest.raises(BuildError, match=re.escape(f"image {src} not found")):
        page_html(f'<img src="{src}" onerror="alert(1)">\n', tmp_path)


def test_the_builds_own_images_pass_as_they_are(tmp_path):
    (tmp_path / "kuva.png").write_bytes(b"png")
    page = "![Kissa](kuva.png)\n\n```mermaid\ngraph LR\n  A --> B\n```\n"
    html, context = page_html(page, tmp_path)
    assert f'<img alt="Kissa" src="{tmp_path / "kuva.png"}">' in html
    assert '<img class="mermaid" alt="Kaavio" src="mermaid-diagram-0">' in html
    assert context.images == [str(tmp_path / "kuva.png")]


def pandoc_native(*documents: str) -> list[str]:
    """Pandoc's AST of each HTML document, the documents read side by side."""
    command = pandoc_command(("--sandbox", "--to=native"))

    def native(document: str) -> str:
        run = subprocess.run(command, input=document, capture_output=True, text=True, check=True)
        return run.stdout

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(native, documents))


def test_a_task_list_stays_a_list_of_check_boxes_for_pandoc(tmp_path):
    # Pandoc reads an <input> not closed with "/>" as an open element: the list is lost.
    html, _ = page_html("- [x] tehty\n- [ ] tekemättä\n", tmp_path)
    [native] = pandoc_native(html)
    assert native.startswith("[ BulletList") and "\\9746" in native and "\\9744" in native


def corpus_pages_html() -> list[str]:
    """Every page of the instructor's sites as the build reads it, one string a page."""
    figure_names = frozenset(spec.name for spec in FIGURES)
    pages = []
    for site in sorted(CORPUS.iterdir()):
        if not (site / "mkdocs.yml").is_file():
            continue
        course = open_course(site)
        for page in sorted(course.docs_dir.rglob("*.md")):
            figures = FigureSet(site / "figures", figure_names, site / "mermaid")
            html, _ = read_page(load_lesson(page), course, figures)
            pages.append(html)
    return pages


def test_the_corpus_reads_the_same_with_and_without_the_allow_list(monkeypatch):
    cleaned = corpus_pages_html()
    monkeypatch.setattr(html_bridge, "sanitize_html", lambda html, image_source: html)
    raw = corpus_pages_html()
    assert len(cleaned) >= 40 and cleaned != raw  # the allow-list does rewrite the HTML
    # ...but Pandoc makes the same document of it: every page, all in one run a side.
    after, before = pandoc_native("<hr>".join(cleaned), "<hr>".join(raw))
    assert after == before
