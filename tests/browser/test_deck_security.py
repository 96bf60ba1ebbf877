"""No lesson-supplied script in a deck: every payload through the real build, shown in Chromium.

Two walls (issue 10): the allow-list every page passes (sanitize.py) and the
deck's Content-Security-Policy (deck.py). The payload page is built by the
real build.py; its deck is opened from file:// in the project's Chromium with
the network open, every slide shown, every element's event handlers fired and
the speaker view opened. The evidence: no dialog, no request but the deck's own
file and data: URLs (a local server records every hit), no marker set, no
policy violation. The policy alone is shown to stop the payloads too, and
shown to matter: the same payloads without it run and fetch.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pypdf
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from coursebuild.browser.chromium import open_browser
from coursebuild.core.words import words_for
from coursebuild.deck.draft import render_deck, speaker_view_scripts
from tests.support.course_factory import (
    PROJECT_ROOT,
    make_course,
    mkdocs_yml,
    run_build,
)
from tests.support.deck_slides import slides

CORPUS_PAGE = (
    PROJECT_ROOT.parent / "shared/corpus/syvaoppiminen/docs/neuroverkot/neuroverkot_101.md"
)
# The corpus page's two YouTube embeds, exactly as the instructor wrote them.
CORPUS_IFRAMES = [
    line
    for line in CORPUS_PAGE.read_text(encoding="utf-8").splitlines()
    if line.startswith("<iframe")
]
VIDEOS = [
    "https://www.youtube.com/watch?v=v0A8zNek68o",
    "https://www.youtube.com/watch?v=H0oEr40YhrQ",
]
MKDOCS_YML = mkdocs_yml("attr_list", "tables")
TITLE = "Hyökkäys </title><script>window.pwned = 'title'; alert('title')</script>"
# Every payload of the issue, each setting its own marker; SERVER is the local server.
PAGE = f"""\
---
priority: 1
---

# {TITLE}

## Osio

### Skriptit

<script>window.pwned = "script"; alert("script")</script>

Kuva <img src="kuva.svg" alt="kuva" onerror="window.pwned = 'onerror'" \
onload="window.pwned = 'onload'"> ja <svg onload="window.pwned = 'svg'"><circle r="4"/></svg> \
tässä.

<iframe src="javascript:parent.pwned = 'iframe'"></iframe>

<iframe srcdoc="<script>parent.pwned = 'srcdoc'</script>"></iframe>

<a href="javascript:window.pwned = 'a'">html-linkki</a>, \
[md-linkki](javascript:window.pwned='md'), \
[data-linkki](data:text/html,<script>alert('data')</script>), \
[vb-linkki](vbscript:msgbox(1)) ja [oikea linkki](https://example.org/).

### Upotukset

<object data="javascript:window.pwned = 'object'"></object>

<embed src="javascript:window.pwned = 'embed'">

<meta http-equiv="refresh" content="0;url=javascript:window.pwned = 'refresh'">

<base href="SERVER/base/">

<link rel="stylesheet" href="SERVER/link.css">

<style>@import url(SERVER/import.css); body {{ background: url(SERVER/style.png); }}</style>

<img src="SERVER/image.png" alt="etä">

<p style="background: url(SERVER/attribute.png)">Taustakuva.</p>

<form action="SERVER/form"><input name="q" autofocus onfocus="window.pwned = 'onfocus'">\
<button formaction="javascript:window.pwned = 'formaction'">Lähetä</button></form>

<details open ontoggle="document.title = 'pwned'"><summary>Avaa</summary>Paina <kbd>Ctrl</kbd>
</details>

### Attribuutit {{ data-background-iframe="SERVER/background" onclick="window.pwned = 'h3'" }}

Kappale, jonka attribuutit tulevat sivulta.
{{ onmouseover="window.pwned = 'mouseover'" style="background: url(SERVER/attr-list.png)" }}

### Videot

{CORPUS_IFRAMES[0]}

{CORPUS_IFRAMES[1]}
"""
# A remote image is refused by the build, as a Markdown one is: tested on its own.
REMOTE_IMAGE = '<img src="SERVER/image.png" alt="etä">\n\n'
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40">'
    b'<rect width="80" height="40"/></svg>'
)


class Recorder(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self):  # http.server's name for it
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"")

    do_POST = do_GET

    def log_message(self, *arguments):
        pass


@contextmanager
def recording_server() -> Iterator[SimpleNamespace]:
    """A local web server that records the path of every request made to it."""
    handler = type("Handler", (Recorder,), {"hits": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield SimpleNamespace(url=f"http://127.0.0.1:{httpd.server_port}", hits=handler.hits)
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def server():
    with recording_server() as recording:
        yield recording


def payload_site(root: Path, server_url: str, page: str = PAGE) -> Path:
    return make_course(
        root,
        {
            "mkdocs.yml": MKDOCS_YML,
            "docs/hyokkays.md": page.replace("SERVER", server_url),
            "docs/kuva.svg": SVG,
        },
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory, server) -> Path:
    """The payload page built by the real build; its output folder."""
    site = payload_site(
        tmp_path_factory.mktemp("hyokkays"), server.url, PAGE.replace(REMOTE_IMAGE, "")
    )
    out = site / "out"
    result = run_build(site, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def browser():
    with open_browser() as chromium:
        yield chromium


# -- the first wall: what the build writes ------------------------------------------------


def test_the_deck_keeps_the_content_and_none_of_the_payload(built, server):
    deck = (built / "hyokkays.html").read_text(encoding="utf-8")
    found = slides(built / "hyokkays.html")
    # The title slide shows the template's own drawing; its notes are the page's.
    html = found[0].notes + "".join(slide.shown + slide.notes for slide in found[1:])
    assert not re.search(
        r"<(script|svg|iframe|object|embed|meta|base|link|style|form|input|button)\b", html
    )
    assert not re.search(r"\son\w+=|javascript:|vbscript:|data:text|style=|data-background", html)
    assert server.url not in deck and "pwned" not in html
    # What the page means stays: the image, the key, the real link, the videos as cards.
    assert re.search(r'<img[^>]*data-src="data:image/svg\+xml;base64,[^"]+"[^>]*alt="kuva"', html)
    assert "<kbd>Ctrl</kbd>" in html and 'href="https://example.org/"' in html
    cards = re.findall(r'<div class="link-card" data-href="([^"]+)"', html)
    assert cards == VIDEOS
    assert len(deck_parts(deck).scripts) == 3  # reveal.js, its notes plugin, the start


def test_the_heading_is_text_in_the_title_the_title_slide_and_the_index(built):
    escaped = TITLE.replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")
    deck = (built / "hyokkays.html").read_text(encoding="utf-8")
    assert f"<title>{escaped} – Testisivusto</title>" in deck
    assert f">{escaped}</h1>" in deck
    index = (built / "index.html").read_text(encoding="utf-8")
    assert escaped in index and "<script" not in index


def test_the_handout_links_the_videos_and_shows_no_payload(built):
    reader = pypdf.PdfReader(built / "hyokkays.pdf")
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for video in VIDEOS:
        assert f"Video: {video}" in text
    assert not re.search(r"javascript|vbscript|onerror|onload|127\.0\.0\.1", text)


def test_a_remote_raw_image_at_a_private_address_is_never_requested(tmp_path, server):
    """The build fetches a page's remote images, but never from a private address (the
    local server is one): the page builds with a placeholder and a warning, no request made."""
    site = payload_site(tmp_path, server.url, "# Sivu\n\n" + REMOTE_IMAGE)
    result = run_build(site, "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    page = site / "docs" / "hyokkays.md"
    assert result.stderr.splitlines()[0] == (
        f"warning: {page}:3: image {server.url}/image.png: 127.0.0.1 is 127.0.0.1, "
        "not a public address; shown as a placeholder"
    )
    assert server.hits == []
    assert server.url not in (tmp_path / "out" / "hyokkays.html").read_text(encoding="utf-8")


# -- the deck in Chromium -----------------------------------------------------------------

# Every inline handler a payload could have left, fired on every element of the slides.
FIRE_HANDLERS = """() => {
  for (const element of document.querySelectorAll(".slides *")) {
    for (const type of ["load", "error", "mouseover", "focus", "toggle", "click"]) {
      // A click follows a link: only one to another page or a place in this one is spared.
      const link = element.closest("a[href]");
      if (type === "click" && link && /^(https?|mailto|file):/.test(link.href)) continue;
      element.dispatchEvent(type === "click" ? new MouseEvent(type) : new Event(type));
    }
  }
}"""
# Recorded from the first script on: the policy's violations.
RECORD_VIOLATIONS = """
window.violations = [];
document.addEventListener("securitypolicyviolation", (event) =>
  window.violations.push(event.violatedDirective + " " + event.blockedURI));
"""
TWO_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


@dataclass
class Visit:
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    markers: dict[str, object] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    slides_shown: list[dict] = field(default_factory=list)
    speaker_notes: list[tuple[str, str]] = field(default_factory=list)  # (deck's, shown)
    speaker_frames_ready: list[bool] = field(default_factory=list)
    title: str = ""


def watch(page, visit: Visit) -> None:
    page.on("dialog", lambda dialog: (visit.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
    page.on("pageerror", lambda error: visit.console_errors.append(str(error)))


def markers(page) -> dict[str, object]:
    return page.evaluate("() => ({pwned: window.pwned, title: document.title})")


# The current slide's notes as the deck has them, and as the speaker view shows them.
DECK_NOTES = """() => [...Reveal.getCurrentSlide().querySelectorAll("aside.notes")]
  .map((notes) => notes.textContent).join("\\n")"""
SPEAKER_NOTES = "() => document.querySelector('.speaker-controls-notes .value').textContent"
SPEAKER_SHOWS = f"(expected) => ({SPEAKER_NOTES})() === expected"


def wait_quietly(page, predicate: str, arg=None) -> None:
    """Wait for ``predicate``; a timeout is left to the test's assertions to report."""
    with suppress(PlaywrightTimeout):
        page.wait_for_function(predicate, arg=arg, timeout=10_000)


@pytest.fixture(scope="module")
def visit(browser, built) -> Visit:
    """The payload deck shown slide by slide, its handlers fired, the speaker view open."""
    record = Visit()
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_init_script(RECORD_VIOLATIONS)
    context.on("request", lambda request: record.requests.append(request.url))
    page = context.new_page()
    watch(page, record)
    try:
        page.goto((built / "hyokkays.html").as_uri())
        # Predicates as functions: a string would be eval'd, which the policy refuses.
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=15_000)
        with page.expect_popup() as popup:
            page.keyboard.press("s")
        speaker = popup.value
        watch(speaker, record)
        wait_quietly(speaker, "() => document.querySelectorAll('iframe').length == 2")
        for indices in page.evaluate("Reveal.getSlides().map((s) => Reveal.getIndices(s))"):
            page.evaluate("([h, v]) => Reveal.slide(h, v)", [indices["h"], indices.get("v") or 0])
            page.evaluate(TWO_FRAMES)
            page.evaluate(FIRE_HANDLERS)
            record.slides_shown.append(page.evaluate("Reveal.getIndices()"))
            # The speaker view hears of the slide by message, and shows its notes.
            notes = page.evaluate(DECK_NOTES)
            if notes:
                wait_quietly(speaker, SPEAKER_SHOWS, notes)
                record.speaker_notes.append((notes, speaker.evaluate(SPEAKER_NOTES)))
        record.speaker_frames_ready = [
            frame.evaluate("!!(window.Reveal && Reveal.isReady())") for frame in speaker.frames[1:]
        ]
        record.markers = {"deck": markers(page), "speaker": markers(speaker)}
        record.markers.update({f"frame {n}": markers(f) for n, f in enumerate(speaker.frames[1:])})
        record.violations = page.evaluate("window.violations")
        record.title = page.title()
    finally:
        context.close()
    return record


def test_no_payload_opens_a_dialog(visit):
    assert visit.dialogs == []


def test_no_payload_sets_its_marker_or_the_title(visit):
    for where, found in visit.markers.items():
        assert found["pwned"] is None, where
    assert visit.title == TITLE + " – Testisivusto"
    assert visit.markers["speaker"]["title"] != "pwned"


def test_nothing_is_fetched_but_the_deck_itself(visit, built, server):
    deck = (built / "hyokkays.html").as_uri()
    others = [
        url
        for url in visit.requests
        if url.split("?")[0].split("#")[0] != deck and not url.startswith(("data:", "about:blank"))
    ]
    assert others == [] and server.hits == []
    # The deck, and the speaker view's two frames of it.
    assert len(visit.requests) >= 3


def test_the_deck_runs_under_its_policy_with_nothing_refused(visit):
    # Every slide shown, one after the other: reveal.js runs. The title slide,
    # the section's divider and its four slides.
    assert len({(s["h"], s["v"]) for s in visit.slides_shown}) == len(visit.slides_shown) == 6
    assert visit.violations == []
    assert visit.console_errors == []


def test_the_speaker_view_runs_under_the_policy(visit):
    # Its own script runs (by its hash): it shows each slide's notes and both
    # previews, frames of the deck, run reveal.js.
    assert visit.speaker_frames_ready == [True, True]
    # The notes of the title slide and of three slides (the divider and the
    # videos' slide have none), each as the deck has it.
    assert len(visit.speaker_notes) == 4
    assert [shown for _, shown in visit.speaker_notes] == [deck for deck, _ in visit.speaker_notes]
    assert visit.speaker_notes[0][1].startswith("Puhujan muistiinpanot")


# -- the second wall: the policy ------------------------------------------------------------


class DeckParts(HTMLParser):
    """The CSP meta (and whether it is first in <head>) and each inline script's text."""

    def __init__(self) -> None:
        super().__init__()
        self.head_children: list[str] = []
        self.in_head = False
        self.policy = ""
        self.scripts: list[str] = []
        self.script: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif self.in_head:
            self.head_children.append(tag)
        if tag == "meta" and attributes.get("http-equiv") == "Content-Security-Policy":
            self.policy = attributes["content"]
        if tag == "script":
            self.script = []

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False
        if tag == "script" and self.script is not None:
            self.scripts.append("".join(self.script))
            self.script = None

    def handle_data(self, data):
        if self.script is not None:
            self.script.append(data)


def deck_parts(html: str) -> DeckParts:
    parts = DeckParts()
    parts.feed(html)
    return parts


def directives(policy: str) -> dict[str, list[str]]:
    found = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        found[name] = values
    return found


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_policy_is_first_and_allows_exactly_the_decks_own_scripts(built):
    parts = deck_parts((built / "hyokkays.html").read_text(encoding="utf-8"))
    assert parts.head_children[0] == "meta" and parts.policy
    policy = directives(parts.policy)
    own = [*parts.scripts, *speaker_view_scripts(parts.scripts[1])]
    assert len(parts.scripts) == 3 and len(own) == 4
    assert policy.pop("script-src") == [sha256_source(script) for script in own]
    assert policy == {
        "default-src": ["'none'"],
        "style-src": ["'unsafe-inline'"],
        "img-src": ["data:"],
        "font-src": ["data:"],
        "media-src": ["data:"],
        "frame-src": ["'self'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
    }


def test_a_changed_script_without_its_hash_does_not_run(browser, built, tmp_path):
    deck = (built / "hyokkays.html").read_text(encoding="utf-8")
    changed = tmp_path / "changed.html"
    changed.write_text(deck.replace("maxScale: 2.0", "maxScale: 2.5", 1), encoding="utf-8")
    assert changed.read_text(encoding="utf-8") != deck
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    try:
        page = context.new_page()
        page.goto(changed.as_uri())
        page.wait_for_function("() => window.violations.length > 0")
        assert page.evaluate("window.violations") == ["script-src-elem inline"]
        # reveal.js itself loaded (its hash holds) but was never started.
        assert page.evaluate("typeof Reveal.initialize") == "function"
        assert page.evaluate("Reveal.isReady()") is False
    finally:
        context.close()


# What render_deck needs of a lesson, for decks rendered straight from a fragment.
RENDER_CONTEXT = {
    "course": {
        "title": "Kurssi",
        "author": "A",
        "licence": "CC",
        "language": "fi",
        "own_drawing": True,
    },
    "logo": None,
    "lesson": {"title": "Tunti", "slug": "tunti"},
    "date_iso": "2026-01-01",
    "date_text": "1.1.2026",
    "words": words_for("fi"),
}


def test_the_layout_pass_page_carries_the_policy_and_runs_no_script():
    fragment = "<section><h3>Dia</h3></section>"
    parts = deck_parts(render_deck(RENDER_CONTEXT, fragment, {}, layout_pass=True))
    assert parts.head_children[0] == "meta" and parts.scripts == []
    assert directives(parts.policy)["script-src"] == ["'none'"]


# Past the allow-list (rendered straight into a deck): what the policy alone must stop.
UNSANITIZED = """\
<section id="lapi" class="slide level3"><h3>Läpi</h3>
<base href="SERVER/base/">
<script>window.pwned = "script"; alert("script")</script>
<img src="x" onerror="window.pwned = 'onerror'">
<img src="SERVER/image.png">
<p style="background: url(SERVER/style.png)">tausta</p>
<link rel="stylesheet" href="SERVER/link.css">
<iframe src="SERVER/frame"></iframe>
<a id="linkki" href="javascript:void(window.pwned = 'link')">linkki</a>
</section>"""


REFUSED = "() => new Set(window.violations.map((v) => v.split(' ')[0])).size >= 6"
RAN = "() => window.pwned === 'link'"


def open_unsanitized(browser, path: Path, settled: str) -> dict:
    """The deck opened, its link clicked; what happened once ``settled`` holds."""
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    dialogs = []
    try:
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(path.as_uri())
        page.evaluate("document.getElementById('linkki').click()")
        page.wait_for_function(settled, timeout=10_000)
        return {
            "dialogs": dialogs,
            "pwned": page.evaluate("window.pwned"),
            "violations": page.evaluate("window.violations"),
        }
    finally:
        context.close()


def wait_for_hits(server, paths: set[str], seconds: float = 10) -> set[str]:
    deadline = time.monotonic() + seconds
    while not paths <= set(server.hits) and time.monotonic() < deadline:
        time.sleep(0.05)
    return set(server.hits)


def test_the_policy_alone_stops_what_passes_the_allow_list_and_matters(browser, tmp_path):
    with recording_server() as server:
        deck = render_deck(RENDER_CONTEXT, UNSANITIZED.replace("SERVER", server.url), {})
        guarded, bare = tmp_path / "guarded.html", tmp_path / "bare.html"
        guarded.write_text(deck, encoding="utf-8")
        seen = open_unsanitized(browser, guarded, REFUSED)
        assert seen["dialogs"] == [] and seen["pwned"] is None and server.hits == []
        # Each payload refused by its directive: the script, the handler and the
        # javascript: link, the stylesheet, the images (the style's too), the
        # frame, the base.
        refused = {violation.split()[0] for violation in seen["violations"]}
        assert refused == {
            "script-src-elem",
            "script-src-attr",
            "style-src-elem",
            "img-src",
            "frame-src",
            "base-uri",
        }
        # The same deck without its policy: the payloads run and fetch.
        without = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", deck, count=1)
        bare.write_text(without, encoding="utf-8")
        seen = open_unsanitized(browser, bare, RAN)
        assert seen["dialogs"] == ["script"] and seen["violations"] == []
        fetched = {"/image.png", "/style.png", "/link.css", "/frame", "/base/x"}
        assert wait_for_hits(server, fetched) >= fetched
