"""Assemble a reveal.js deck into one HTML file that works offline.

The deck carries a Content-Security-Policy, first in its <head>: the second
wall behind sanitize.py. Only the deck's own inline scripts run (each allowed
by its SHA-256, computed here when the deck is rendered) and nothing is
fetched, so HTML that slipped past the allow-list could neither run nor
reach the network.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import os
import re
from collections.abc import Iterable
from pathlib import Path

from markupsafe import Markup

from coursebuild.browser.mermaid import diagram_text
from coursebuild.core.errors import BuildError
from coursebuild.core.paths import node_modules
from coursebuild.core.templates import TEMPLATES_DIR, render_template
from coursebuild.core.words import WORDS
from coursebuild.deck.image_size import natural_size
from coursebuild.deck.math_alt import label_math

MEDIA_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg"}
MEDIA_TYPES[".jpeg"] = MEDIA_TYPES[".jpg"]
REVEAL_FILES = {
    "reveal_css": "dist/reveal.css",
    "reset_css": "dist/reset.css",
    "reveal_js": "dist/reveal.js",
    "notes_js": "plugin/notes/notes.js",
}


def reveal_dir() -> Path:
    """REVEAL_DIR overrides the copy npm installs into node_modules/."""
    return Path(os.environ.get("REVEAL_DIR", node_modules() / "reveal.js"))


def reveal_assets() -> dict[str, Markup]:
    folder = reveal_dir()
    assets = {}
    for name, relative in REVEAL_FILES.items():
        path = folder / relative
        if not path.is_file():
            raise BuildError(f"reveal.js is missing ({path}); run `make` to install it with npm")
        # Inlined in <script>/<style>: a literal "</script>" would end the element early.
        text = path.read_text(encoding="utf-8").replace("</script", "<\\/script")
        assets[name] = Markup(text)
    return assets


@functools.cache
def reveal_init() -> Markup:
    """The script that starts reveal.js on the laid-out slides (templates/reveal_init.js)."""
    return Markup((TEMPLATES_DIR / "reveal_init.js").read_text(encoding="utf-8").strip())


def script_source(script: str) -> str:
    """The CSP source that allows exactly this inline script (its text between the tags)."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(scripts: Iterable[str]) -> Markup:
    """The deck's policy: the inline ``scripts`` by hash, nothing fetched.

    Markup: it is fixed text and base64, and its quotes read better unescaped.
    """
    sources = " ".join(dict.fromkeys(script_source(str(script)) for script in scripts))
    sources = sources or "'none'"
    policy = "; ".join(
        (
            "default-src 'none'",
            f"script-src {sources}",
            # The theme and reveal.js's CSS are inline, and reveal.js and the
            # layout pass write style attributes. A style cannot run script,
            # and every fetch one could make is blocked by the sources here.
            "style-src 'unsafe-inline'",
            "img-src data:",
            "font-src data:",
            "media-src data:",
            # The speaker view shows the slides in frames of the deck's own
            # file; a lesson's frames were made link cards by html_bridge.py.
            "frame-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    return Markup(policy)


# The notes plugin writes its speaker view, a page with an inline script,
# into a popup that inherits the deck's policy: that script needs its hash too.
JS_ESCAPE = re.compile(
    r"\\(?:x([0-9a-fA-F]{2})|u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|(\r\n|[\s\S]))"
)
JS_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def js_unescape(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2) or match.group(3)
    if code:
        return chr(int(code, 16))
    character = match.group(4)
    if character in ("\n", "\r", "\r\n", "\u2028", "\u2029"):
        return ""  # a line continuation
    return JS_SIMPLE_ESCAPES.get(character, character)


def is_closing_quote(code: str, index: int) -> bool:
    """Whether ``code[index]`` is a double quote that no backslash escapes."""
    backslashes = 0
    while index - backslashes > 0 and code[index - backslashes - 1] == "\\":
        backslashes += 1
    return code[index] == '"' and backslashes % 2 == 0


def quote_before(code: str, position: int) -> int:
    """The last double quote at or before ``position`` that no backslash escapes."""
    index = code.rfind('"', 0, position + 1)
    while index >= 0 and not is_closing_quote(code, index):
        index = code.rfind('"', 0, index)
    return index


def quote_after(code: str, position: int) -> int:
    """The first double quote at or after ``position`` that no backslash escapes."""
    index = code.find('"', position)
    while index >= 0 and not is_closing_quote(code, index):
        index = code.find('"', index + 1)
    return index


def string_literal_around(code: str, position: int) -> str:
    """The value of the double-quoted JavaScript string literal ``position`` is in."""
    start, end = quote_before(code, position), quote_after(code, position)
    if start < 0 or end < 0:
        raise BuildError("reveal.js's notes plugin changed: its speaker view is not a string")
    value = JS_ESCAPE.sub(js_unescape, code[start + 1 : end])
    return value.encode("utf-16", "surrogatepass").decode("utf-16")  # joins surrogate pairs


@functools.lru_cache(maxsize=2)
def speaker_view_scripts(notes_js: str) -> tuple[str, ...]:
    """The inline scripts of the speaker view, as the notes plugin ``notes_js`` writes it."""
    position = notes_js.find("<script>")
    if position < 0:
        raise BuildError("reveal.js's notes plugin changed: no speaker view script found")
    return tuple(INLINE_SCRIPT.findall(string_literal_around(notes_js, position)))


def data_uri(path: Path) -> str:
    media_type = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{media_type};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def embed_images(fragment: str, images: dict[str, Path]) -> str:
    """Replace each local image source by the file's bytes as a data URI."""
    fragment = str(fragment)  # Markup.replace would escape the new attributes
    for target, path in images.items():
        fragment = fragment.replace(f'src="{html.escape(target)}"', f'src="{data_uri(path)}"')
    return fragment


IMAGE_TAG = re.compile(r"<img\b[^>]*>")
ATTRIBUTE = r'\s{}="(?P<value>[^"]*)"'


def name_diagrams(fragment: str, images: dict[str, Path]) -> str:
    """A diagram the page gave no caption is named by what it says, not "Kaavio" alone.

    Its alt text is then the build's generic word for a diagram; its labels
    (or its own accTitle and accDescr) are added, read from the drawn SVG.
    """

    generic = {words["diagram"] for words in WORDS.values()}

    def named(tag: re.Match[str]) -> str:
        alt = re.search(ATTRIBUTE.format("alt"), tag[0])
        source = re.search(ATTRIBUTE.format("(?:data-)?src"), tag[0])
        classes = re.search(ATTRIBUTE.format("class"), tag[0])
        if not (alt and source and classes) or "mermaid" not in classes["value"].split():
            return tag[0]
        path = images.get(html.unescape(source["value"]))
        text = diagram_text(path) if path and alt["value"] in generic else ""
        if not text:
            return tag[0]
        name = html.escape(f"{alt['value']}: {text}")
        return f'{tag[0][: alt.start()]} alt="{name}"{tag[0][alt.end() :]}'

    return IMAGE_TAG.sub(named, str(fragment))


def describe_images(fragment: str, images: dict[str, Path]) -> str:
    """Give each local image its natural size (data-natural-*), for the layout pass.

    A course figure also gets its smallest text size in pt (recorded in the
    SVG by the figures stage), so the layout pass and the deck check can tell
    how big its text is drawn. An image whose size is not read from its file
    is embedded instead, for the layout pass to load.
    """

    fragment = str(fragment)
    for target, path in images.items():
        source = f'src="{html.escape(target)}"'
        size = natural_size(path)
        described = f'src="{data_uri(path)}"' if size is None else source
        if size is not None:
            described += f' data-natural-width="{size[0]:g}" data-natural-height="{size[1]:g}"'
        smallest, goal = min_text_pt(path)
        if smallest:
            described += f' data-min-text-pt="{smallest}"'
        if goal:
            described += f' data-text-goal-px="{goal}"'
        fragment = fragment.replace(source, described)
    return fragment


MIN_TEXT = re.compile(rb'<svg\b[^>]*\sdata-min-text-pt="([0-9.]+)"')
TEXT_GOAL = re.compile(rb'<svg\b[^>]*\sdata-text-goal-px="([0-9.]+)"')


def min_text_pt(path: Path) -> tuple[str | None, str | None]:
    """An SVG's smallest text in pt, and the px it should reach on a slide when not 18."""
    if path.suffix.lower() != ".svg":
        return None, None
    with path.open("rb") as stream:
        start = stream.read(4096)
    found = [pattern.search(start) for pattern in (MIN_TEXT, TEXT_GOAL)]
    return tuple(match.group(1).decode("ascii") if match else None for match in found)


HEADING = re.compile(r"<h(?P<level>[1-6])\b(?P<attributes>[^>]*)>")


def level_headings(fragment: str, above: int = 1) -> str:
    """A heading that skips a level is read one under the heading before it.

    A "#####" under a "###" slide title, or moved onto a "(jatkuu)" slide by
    the layout pass, tells a screen reader that a part is missing; it gets
    ``aria-level`` one under the heading before it (the title slide's h1 is
    ``above`` the slides) and keeps its tag, so the laid-out slide looks the same.
    """

    def levelled(match: re.Match[str]) -> str:
        nonlocal above
        level = int(match["level"])
        if " aria-level=" in match["attributes"]:
            above = int(re.search(r' aria-level="(\d)"', match["attributes"])[1])
            return match[0]
        if level <= above + 1:
            above = level
            return match[0]
        above += 1
        return f'<h{level}{match["attributes"]} aria-level="{above}">'

    return HEADING.sub(levelled, str(fragment))


# A slide Pandoc writes with nothing in it: the whole of an empty page's
# slides (or two rules in a row).
EMPTY_SLIDE = re.compile(r'<section class="slide level\d">\s*</section>\s*')


def without_empty_slides(fragment: str) -> Markup:
    """Pandoc's slides without those that hold nothing: an empty page is its title slide."""
    return Markup(EMPTY_SLIDE.sub("", fragment))


def title_notes_apart(fragment: str) -> dict[str, Markup]:
    """Split Pandoc's slides into the slides and the title slide's speaker notes.

    slides.lua writes the prose before a lesson's first section as a
    ``div.title-notes`` first in the fragment; Pandoc wraps it in a section of
    its own, which is lifted out whole. Both stay Pandoc's HTML, as Markup.
    Without that div the fragment is the slides and ``title_notes`` is left out,
    so a ``title_notes`` the context gives still reaches the template.
    """
    start, end = '<div class="title-notes">', "</div>"
    fragment = fragment.lstrip()
    section_end = fragment.find("</section>")
    body = fragment[:section_end].partition(">")[2].strip()
    if not (
        fragment.startswith("<section")
        and section_end >= 0
        and body.startswith(start)
        and body.endswith(end)
    ):
        return {"slides": Markup(fragment)}
    return {
        "slides": Markup(fragment[section_end + len("</section>") :].lstrip()),
        "title_notes": Markup(body[len(start) : -len(end)].strip()),
    }


# Pandoc writes a code block it does not highlight (no language, or one it does not know)
# as a bare <pre>, its title an attribute: no box of its own to show the title above.
BARE_TITLED_PRE = re.compile(r'<pre(?P<before>[^>]*?) title="(?P<title>[^"]*)"(?P<after>[^>]*)>')


def titled_code(fragment: str) -> str:
    """A titled code block Pandoc did not highlight, boxed as one it did: the title shown.

    The deck's style shows ``div.sourceCode[title]``'s title above its code,
    and the layout pass splits that box by lines like any code.
    """
    parts, position = [], 0
    for match in BARE_TITLED_PRE.finditer(fragment):
        end = fragment.find("</pre>", match.end())
        if end < 0:
            break
        end += len("</pre>")
        opening = f"<pre{match['before']}{match['after']}>"
        parts += [
            fragment[position : match.start()],
            f'<div class="sourceCode" title="{match["title"]}">{opening}',
            fragment[match.end() : end],
            "</div>",
        ]
        position = end
    return "".join(parts) + fragment[position:]


# A code block Pandoc did not highlight: nothing but its text in <pre><code>.
PLAIN_CODE = re.compile(r"(<pre\b[^>]*>\s*<code\b[^>]*>)([^<]*)(</code>)")


def code_lines(fragment: str) -> str:
    """Each line of code Pandoc did not highlight in a ``span.line``, as Pandoc puts each
    line it highlights in a span: the deck's style wraps a long line and marks it."""

    def in_spans(match: re.Match[str]) -> str:
        text = match[2]
        ending = "\n" if text.endswith("\n") else ""
        lines = text.removesuffix("\n").split("\n")
        spans = "\n".join(f'<span class="line">{line}</span>' for line in lines)
        return match[1] + spans + ending + match[3]

    return PLAIN_CODE.sub(in_spans, fragment)


def accessible(slides: str, images: dict[str, Path]) -> str:
    """The slides with a name for every diagram and formula, and headings in order."""
    return level_headings(label_math(name_diagrams(slides, images)))


def render_deck(
    context: dict,
    slides_fragment: str,
    images: dict[str, Path],
    *,
    layout_pass: bool = False,
    title_size: int | None = None,
) -> str:
    """The deck's HTML; with ``layout_pass``, the page the build's layout pass measures."""
    theme = (TEMPLATES_DIR / "deck.css").read_text(encoding="utf-8")
    assets = reveal_assets()
    # The deck's only scripts, each allowed by its hash and emitted byte for byte as hashed.
    scripts = () if layout_pass else (assets["reveal_js"], assets["notes_js"], reveal_init())
    speaker_view = () if layout_pass else speaker_view_scripts(str(assets["notes_js"]))
    # Every formula named for screen readers, the title slide's notes' too.
    notes = context.get("title_notes")
    title_notes = {} if notes is None else {"title_notes": Markup(label_math(notes))}
    return render_template(
        "deck.html.j2",
        {
            **context,
            **title_notes,
            "date": context["date_iso"],  # the deck shows the date as text
            **assets,
            "theme_css": Markup(theme),
            "slides": Markup(
                embed_images(accessible(code_lines(titled_code(slides_fragment)), images), images)
            ),
            "layout_pass": layout_pass,
            "title_size": title_size,
            "scripts": scripts,
            "content_security_policy": content_security_policy([*scripts, *speaker_view]),
        },
        autoescape=True,
    )
