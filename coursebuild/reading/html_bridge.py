"""Reshape Python-Markdown's HTML into the forms Pandoc's HTML reader maps onto its AST.

The page is read by the site's own extensions (markdown_reader.py); their HTML
is made for a browser with Material's CSS and JavaScript. Pandoc reads most of
it as it is. What it would lose is rewritten here, structurally where the
element tree still holds it, textually where an extension stashed its output
as finished HTML (math, highlighted code, diagrams, raw HTML):

- admonition titles and ``<details>`` become ``div.admonition`` with a
  ``div.admonition-title``; content tabs become ``div.tab`` with a ``div.tab-title``;
- footnotes take the form Pandoc's own HTML writer uses, so they become notes;
- math becomes ``span.math`` with the TeX in ``data-tex`` (filters/mkdocs.lua
  makes it Pandoc math); Pygments' highlighted code becomes plain ``<pre>``
  with its title, line numbers and highlighted lines as attributes;
- images get the file the build resolved; emoji become Twemoji images;
- mermaid fences become image placeholders the build fills with SVG;
- an ``<iframe>`` becomes a link card (Pandoc would try to fetch it).

Last, the whole page passes the allow-list of sanitize.py: a lesson is
untrusted, and its raw HTML must not put script into a deck.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from markdown import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from coursebuild.core import limits
from coursebuild.core.emoji import EMOJI, VARIATION_SELECTOR, twemoji_file
from coursebuild.core.errors import BuildError, line_of
from coursebuild.reading.hidden_html import drop_hidden_elements, without_hidden
from coursebuild.reading.sanitize import dropped_text, sanitize_html, unclosed_opening

MERMAID_PLACEHOLDER = "mermaid-diagram-{}"
UNDEFINED_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")


@dataclass
class PageContext:
    """What one page's conversion needs from the build, and what it finds."""

    resolve_image: Callable[[str], str]  # the page's src -> the file to use
    emoji_dir: Path | None
    diagram_label: str = "Kaavio"
    page: Path | None = None  # the lesson file, and its text, for errors' lines
    source: str = ""
    images: list[str] = field(default_factory=list)
    emoji: list[str] = field(default_factory=list)  # Twemoji files shown
    diagrams: list[str] = field(default_factory=list)  # mermaid sources, in order
    undefined_footnotes: list[str] = field(default_factory=list)
    # href -> a PageLink, the path of a page that is not there, or None (links.resolve)
    resolve_link: Callable[[str], object] = lambda href: None
    dead_links: list[str] = field(default_factory=list)  # hrefs to .md files that are no page
    image_failures: list[str] = field(default_factory=list)  # "address: why not shown"
    missing_files: list[str] = field(default_factory=list)  # images looked for, not there
    missing_snippets: list[str] = field(default_factory=list)  # --8<-- paths not found
    # "line<TAB>warning": what a plugin would make (macros, mkdocstrings) kept plainer
    kept_as_written: list[str] = field(default_factory=list)
    included: list[str] = field(default_factory=list)  # files include-markdown put in
    page_address: str | None = None  # the page's own address on the web, when site_url is set

    def found(self) -> dict[str, list[str]]:
        """What reading the page found, as data: it comes back from a child process."""
        return {name: getattr(self, name) for name in FOUND}

    def take(self, found: dict[str, list[str]]) -> None:
        """What a reading of the page in a child process found (``found()`` there)."""
        for name in FOUND:
            setattr(self, name, list(found[name]))


FOUND = (
    "images", "emoji", "diagrams", "undefined_footnotes", "dead_links", "image_failures",
    "missing_files", "missing_snippets", "kept_as_written", "included",
)  # fmt: skip


# -- emoji ----------------------------------------------------------------------


def emoji_image(index, shortname, alias, uc, alt, title, category, options, md):
    """pymdownx.emoji generator: the Twemoji SVG the site shows, from the local copy."""
    context: PageContext | None = getattr(md, "page_context", None)
    folder = context.emoji_dir if context else None
    if folder is not None and uc and (folder / f"{uc}.svg").is_file():
        attributes = {"class": "twemoji", "alt": alt, "src": str(folder / f"{uc}.svg")}
        context.emoji.append(attributes["src"])
        if title:
            attributes["title"] = title
        return etree.Element("img", attributes)
    icon = None if uc else md.inlinePatterns["emoji"].emoji_index["emoji"].get(shortname)
    if context is not None and icon and icon.get("path"):
        # A Material icon: drawn in the text's size, named by its shortcode as Material does.
        attributes = {"class": "twemoji icon", "alt": shortname, "src": icon["path"]}
        context.emoji.append(icon["path"])
        return etree.Element("img", attributes)
    return md.htmlStash.store(html.escape(alt))


# Text in these is code or keys: an emoji character in it stays a character.
CODE_TAGS = {"code", "pre", "kbd", "samp", "script", "style"}


def typed_emoji_as_images(element: etree.Element, context: PageContext, in_code=False) -> None:
    """Emoji typed as characters become the Twemoji images their shortcodes get: the
    Chromium that prints the slides has no emoji font, nor has the handout."""
    in_code = in_code or element.tag in CODE_TAGS
    if not in_code and element.text and EMOJI.search(element.text):
        first, images = split_emoji(element.text, context)
        element.text = first
        for position, image in enumerate(images):
            element.insert(position, image)
    for child in list(element):
        typed_emoji_as_images(child, context, in_code)
        if not in_code and child.tail and EMOJI.search(child.tail):
            first, images = split_emoji(child.tail, context)
            child.tail = first
            position = list(element).index(child) + 1
            for offset, image in enumerate(images):
                element.insert(position + offset, image)


def split_emoji(text: str, context: PageContext) -> tuple[str, list[etree.Element]]:
    """``text`` as its part before the first emoji, and an image for each emoji with the
    text after it as its tail."""
    pieces = EMOJI.split(text)
    found = EMOJI.findall(text)
    images = []
    for char, after in zip(found, pieces[1:], strict=True):
        file = twemoji_file(char, context.emoji_dir) if context.emoji_dir else None
        if file is None:  # no image for it: the character stays
            if images:
                images[-1].tail = (images[-1].tail or "") + char + after
            else:
                pieces[0] += char + after
            continue
        image = etree.Element("img", {"class": "twemoji", "alt": char, "src": str(file)})
        image.tail = after.removeprefix(VARIATION_SELECTOR)
        context.emoji.append(str(file))
        images.append(image)
    return pieces[0], images


# -- the element tree -------------------------------------------------------------


def classes(element: etree.Element) -> list[str]:
    return (element.get("class") or "").split()


def is_admonition_kind(name: str) -> bool:
    marks = ("admonition", "collapsible", "collapsed")
    return name not in marks and re.fullmatch(r"[\w-]+", name) is not None


def reshape_admonition(element: etree.Element) -> None:
    for child in element:
        if child.tag == "p" and "admonition-title" in classes(child):
            child.tag = "div"
            break


def reshape_details(element: etree.Element) -> None:
    """``<details class="tip">`` is Material's collapsible admonition; untyped is a note.

    One the site shows closed (``???``, not ``???+``) is marked ``collapsed``.
    """
    kinds = [name for name in classes(element) if is_admonition_kind(name)] or ["note"]
    shut = ["collapsed"] if element.get("open") is None else []
    element.tag = "div"
    element.attrib = {"class": " ".join(["admonition", *kinds, "collapsible", *shut])}
    for child in element:
        if child.tag == "summary":
            child.tag = "div"
            child.attrib = {"class": "admonition-title"}
            break


def tab_parts(tabbed_set: etree.Element) -> list[tuple[etree.Element, etree.Element]]:
    """(label, content) pairs of a tab set, in either of pymdownx.tabbed's styles."""
    labels, blocks = [], []
    for child in tabbed_set:
        names = classes(child)
        if child.tag == "label":
            labels.append(child)
        elif "tabbed-labels" in names:
            labels.extend(item for item in child if item.tag == "label")
        elif "tabbed-content" in names:
            inner = [item for item in child if "tabbed-block" in classes(item)]
            blocks.extend(inner or [child])
    return list(zip(labels, blocks, strict=False))


def reshape_tabs(tabbed_set: etree.Element) -> None:
    parts = tab_parts(tabbed_set)
    for child in list(tabbed_set):
        tabbed_set.remove(child)
    tabbed_set.attrib = {"class": "tabbed-set"}
    for label, block in parts:
        tab = etree.SubElement(tabbed_set, "div", {"class": "tab"})
        title = etree.SubElement(tab, "div", {"class": "tab-title"})
        title.text = label.text
        title.extend(list(label))
        tab.extend(list(block))
        if block.text and block.text.strip():
            title.tail = block.text


def reshape_footnote_ref(sup: etree.Element) -> etree.Element | None:
    """``<sup><a class="footnote-ref">`` becomes Pandoc's ``<a role="doc-noteref"><sup>``."""
    anchor = next((a for a in sup if a.tag == "a" and "footnote-ref" in classes(a)), None)
    if anchor is None:
        return None
    replacement = etree.Element(
        "a", {"class": "footnote-ref", "href": anchor.get("href", ""), "role": "doc-noteref"}
    )
    number = etree.SubElement(replacement, "sup")
    number.text = anchor.text
    replacement.tail = sup.tail
    return replacement


def reshape_footnotes(element: etree.Element) -> None:
    element.tag = "section"
    element.attrib = {"class": "footnotes", "role": "doc-endnotes"}
    for parent in element.iter():
        for child in list(parent):
            if child.tag == "a" and "footnote-backref" in classes(child):
                if child.tail:
                    previous = list(parent)
                    position = previous.index(child)
                    if position:
                        previous[position - 1].tail = (
                            previous[position - 1].tail or ""
                        ) + child.tail
                    else:
                        parent.text = (parent.text or "") + child.tail
                parent.remove(child)
            elif child.tag == "hr":
                parent.remove(child)
        if parent.tag == "p" and parent.text:
            parent.text = parent.text.rstrip("\xa0")
        for child in parent:
            if child.tail:
                child.tail = child.tail.rstrip("\xa0")


def find_undefined_footnotes(root: etree.Element, found: list[str]) -> None:
    """``[^x]`` left as text: referenced, never defined (the site shows it raw too)."""
    for element in root.iter():
        if element.tag in ("code", "pre"):
            continue
        for text in (element.text, element.tail):
            if text:
                found.extend(UNDEFINED_FOOTNOTE.findall(text))


class TreeBridge(Treeprocessor):
    def __init__(self, md, context_of):
        super().__init__(md)
        self.context_of = context_of

    def run(self, root: etree.Element) -> None:
        context: PageContext = self.context_of()
        drop_hidden_elements(root)  # before their images are looked for
        for parent in list(root.iter()):
            for position, child in enumerate(list(parent)):
                names = classes(child)
                if child.tag == "div" and "admonition" in names:
                    reshape_admonition(child)
                elif child.tag == "details":
                    reshape_details(child)
                elif child.tag == "div" and "tabbed-set" in names:
                    reshape_tabs(child)
                elif child.tag == "div" and "footnote" in names:
                    reshape_footnotes(child)
                elif child.tag == "sup" and (child.get("id") or "").startswith("fnref"):
                    replacement = reshape_footnote_ref(child)
                    if replacement is not None:
                        parent.remove(child)
                        parent.insert(position, replacement)
                elif child.tag == "a" and child.get("href"):
                    link_to_page(parent, position, child, context)
                elif child.tag == "img" and "twemoji" not in names:
                    source = child.get("src", "")
                    resolved = context.resolve_image(source)
                    child.set("src", resolved)
                    context.images.append(resolved)
        find_undefined_footnotes(root, context.undefined_footnotes)
        typed_emoji_as_images(root, context)


def link_to_page(parent: etree.Element, position: int, link: etree.Element, context) -> None:
    """A link to another page points at its deck, and at its handout for the handout
    (``data-handout-href``, which filters/handout.lua takes); a dead one becomes its text."""
    href = link.get("href")
    target = context.resolve_link(href)
    if target is None:
        return
    if isinstance(target, str):
        context.dead_links.append(href)
        unwrap(parent, position, link)
        return
    link.set("href", target.deck)
    link.set("data-handout-href", target.handout)


def unwrap(parent: etree.Element, position: int, element: etree.Element) -> None:
    """``element`` replaced in ``parent`` by its text and children."""
    span = etree.Element("span")
    span.text, span.tail = element.text, element.tail
    span.extend(list(element))
    parent.remove(element)
    parent.insert(position, span)


# -- finished HTML ------------------------------------------------------------------

ARITHMATEX_INLINE = re.compile(r'<span class="arithmatex">(.*?)</span>', re.DOTALL)
ARITHMATEX_BLOCK = re.compile(r'<div class="arithmatex">(.*?)</div>', re.DOTALL)
# Pygments' block: an optional title, the code (in a table when numbered), then </pre>.
HIGHLIGHT_BLOCK = re.compile(
    r'<div class="(?P<classes>[^"]*\bhighlight\b[^"]*)">(?P<inner>.*?)</code></pre>'
    r"(?:</div></td></tr></table>)?</div>",
    re.DOTALL,
)
INLINE_HIGHLIGHT = re.compile(
    r'<code class="(?P<classes>[^"]*\bhighlight\b[^"]*)">(?P<code>.*?)</code>', re.DOTALL
)
MERMAID_BLOCK = re.compile(r'<pre class="mermaid"><code>(?P<code>.*?)</code></pre>', re.DOTALL)
IFRAME = re.compile(r"<iframe\b[^>]*>.*?</iframe>|<iframe\b[^>]*/?>", re.DOTALL | re.IGNORECASE)
# Sound and video a page plays (the site's narration of a lesson, say): the deck
# plays none of it, and the allow-list would drop it silently. A card, as a frame's.
MEDIA = re.compile(r"<(?P<name>audio|video)\b[^>]*(?:/>|>.*?</(?P=name)\s*>)", re.DOTALL | re.I)
SOURCE_TAG = re.compile(r"<source\b[^>]*>", re.IGNORECASE)
# A custom element's start tag (a web component the site's script defines:
# <gif-player src=…>): with an address, an image's is shown as the image,
# another's as a card. Its end tag and what it holds go to the allow-list.
CUSTOM_ELEMENT = re.compile(r"<(?P<name>[a-z][a-z0-9]*-[a-z0-9-]*)\b(?P<attributes>[^>]*)>", re.I)
IMAGE_SUFFIXES = (".apng", ".avif", ".gif", ".jpeg", ".jpg", ".png", ".svg", ".webp")
TAG = re.compile(r"<[^>]+>")
# The no-break space footnotes put before the back link, which is gone.
FOOTNOTE_SPACE = re.compile(r"(?:&#160;)+(?=</p>\s*</li>)")
HIGHLIGHTED_LINE = re.compile(r'<span class="hll">')
# A start tag as nh3 writes it: attribute values in double quotes, with &quot; inside.
INPUT_TAG = re.compile(r'<input\b((?:[^>"]|"[^"]*")*)>')


def strip_delimiters(tex: str, opening: str, closing: str) -> str:
    tex = tex.strip()
    if tex.startswith(opening) and tex.endswith(closing):
        return tex[len(opening) : -len(closing)].strip()
    return tex


def math_span(match: re.Match[str], display: bool) -> str:
    tex = html.unescape(match.group(1))
    if not display and tex.strip().startswith("\\["):
        # Display math in the running text (display_dollars.py): a span, not a paragraph.
        tex = display_lines(strip_delimiters(tex, r"\[", r"\]"))
        return f'<span class="math display" data-tex="{html.escape(tex, quote=True)}"></span>'
    tex = strip_delimiters(tex, r"\[", r"\]") if display else strip_delimiters(tex, r"\(", r"\)")
    if display and UNESCAPED_DOLLARS.search(tex):
        # "$$a$$ $$b$$" on lines of one block: two formulas, as mdx_math (and
        # MathJax) show them; TeX itself has no "$$" inside display math.
        formulas = [part.strip() for part in UNESCAPED_DOLLARS.split(tex) if part.strip()]
        return "\n".join(math_span_html(formula, display) for formula in formulas)
    return math_span_html(tex, display)


UNESCAPED_DOLLARS = re.compile(r"(?<!\\)\$\$")


def display_lines(tex: str) -> str:
    """Display math with line breaks (``\\``) outside any group, as MathJax shows it.

    MathJax takes a top-level ``\\`` in display math as a new line, and ignores
    one at the end; Pandoc reads neither. The lines become a ``gathered``
    environment (centred, as MathJax sets them); a closing ``\\`` goes.
    """
    breaks, depth, index = [], 0, 0
    while index < len(tex):
        if tex[index] == "\\":
            word = re.match(r"\\(begin|end)\b", tex[index:])
            if word:
                depth += 1 if word.group(1) == "begin" else -1
            elif tex.startswith("\\\\", index) and depth == 0:
                breaks.append(index)
            index += 2
            continue
        depth += {"{": 1, "}": -1}.get(tex[index], 0)
        index += 1
    if not breaks:
        return tex
    if not tex[breaks[-1] + 2 :].strip():
        tex = tex[: breaks[-1]].rstrip()
        breaks.pop()
    return f"\\begin{{gathered}}{tex}\\end{{gathered}}" if breaks else tex


def math_span_html(tex: str, display: bool) -> str:
    if display:
        tex = display_lines(tex)
    kind = "display" if display else "inline"
    span = f'<span class="math {kind}" data-tex="{html.escape(tex, quote=True)}"></span>'
    return f"<p>{span}</p>" if display else span


MATH_SPAN = re.compile(
    r'(?P<open><p>)?<span class="math (?P<kind>inline|display)" data-tex="(?P<tex>[^"]*)">'
    r"</span>(?(open)</p>)"
)


def math_as_code(text: str, formulas: list[str]) -> str:
    """The page's HTML with these formulas (as Pandoc quoted them) shown as their TeX, as code."""
    wanted = {" ".join(formula.split()) for formula in formulas}

    def replace(match: re.Match[str]) -> str:
        tex = html.unescape(match["tex"])
        if " ".join(tex.split()) not in wanted:
            return match.group()
        code = html.escape(tex, quote=False)
        if match["kind"] == "display":
            return f'<pre class="math-source"><code>{code}</code></pre>'
        return f'<code class="math-source">{code}</code>'

    return MATH_SPAN.sub(replace, text)


def code_language(class_names: str) -> str:
    for name in class_names.split():
        if name.startswith("language-"):
            return name.removeprefix("language-")
    return ""


def highlighted_lines(code_html: str) -> list[int]:
    lines = code_html.split("\n")
    return [number for number, line in enumerate(lines, 1) if HIGHLIGHTED_LINE.search(line)]


def plain_code_block(match: re.Match[str]) -> str:
    """Pygments' spans, anchors and line-number table dropped; what they meant kept."""
    inner = match.group("inner")
    title = re.search(r'<span class="filename">(.*?)</span>', inner, re.DOTALL)
    code_html = inner[inner.rfind("<code>") + len("<code>") :]
    code = TAG.sub("", code_html).rstrip("\n")  # still HTML-escaped, as <pre> wants
    attributes = []
    language = code_language(match.group("classes"))
    if language:
        attributes.append(f'class="{html.escape(language)}"')
    if title:
        attributes.append(f'data-title="{html.escape(TAG.sub("", title.group(1)).strip())}"')
    if 'class="linenos"' in inner or 'class="linenodiv"' in inner:
        start = re.search(r'<span class="normal">(?:<a [^>]*>)?(\d+)', inner)
        attributes.append(f'data-linenums="{start.group(1) if start else 1}"')
    marked = highlighted_lines(code_html)
    if marked:
        attributes.append(f'data-hl-lines="{" ".join(map(str, marked))}"')
    return f"<pre {' '.join(attributes)}><code>{code}</code></pre>"


def plain_inline_code(match: re.Match[str]) -> str:
    language = code_language(match.group("classes"))
    code = TAG.sub("", match.group("code"))
    attribute = f' class="{html.escape(language)}"' if language else ""
    return f"<code{attribute}>{code}</code>"


class TagAttributes(HTMLParser):
    """The attributes of the first start tag fed in."""

    def __init__(self) -> None:
        super().__init__()
        self.attributes: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if not self.attributes:
            self.attributes = {name: value or "" for name, value in attrs}


YOUTUBE_EMBED = re.compile(r"^https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)")


def watch_address(source: str) -> str:
    """Where a student opens an embedded video: a YouTube embed's watch page."""
    video = YOUTUBE_EMBED.match(source)
    return f"https://www.youtube.com/watch?v={video.group(1)}" if video else source


def link_card(match: re.Match[str], context: PageContext) -> str:
    """An embedded frame becomes a card linking to what it showed: its title and address.

    A frame of the site's own (a local HTML chart) cannot be in an offline
    deck: its card links to it on the site when the site's address is known,
    else names it; a warning each, as the page loses what it showed.
    """
    attributes = tag_attributes(match.group(0))
    return card_for(attributes.get("src", ""), attributes.get("title"), "<iframe>", context)


def media_card(match: re.Match[str], context: PageContext) -> str:
    """An ``<audio>`` or ``<video>`` becomes a card linking to its file (its own, or its
    first ``<source>``'s), titled by the file's name, as a frame does."""
    attributes = tag_attributes(match.group(0))
    source = attributes.get("src", "")
    if not source.strip():
        first_source = SOURCE_TAG.search(match.group(0))
        source = tag_attributes(first_source.group(0)).get("src", "") if first_source else ""
    element = f"<{match.group('name').lower()}>"
    return card_for(source, attributes.get("title") or file_name(source), element, context)


def custom_element(match: re.Match[str], context: PageContext) -> str:
    """A custom element's start tag with an address: its image as an ``<img>``, another
    file as a card. One without an address is left to the allow-list."""
    attributes = tag_attributes(f"<x {match.group('attributes')}>")
    source = attributes.get("src", "").strip()
    if not source:
        return match.group(0)
    if urlsplit(source).path.lower().endswith(IMAGE_SUFFIXES):
        alt = attributes.get("alt") or attributes.get("title") or ""
        return f'<img src="{html.escape(source)}" alt="{html.escape(alt)}" />'
    element = f"<{match.group('name').lower()}>"
    return card_for(source, attributes.get("title") or file_name(source), element, context)


def card_for(source: str, title: str | None, element: str, context: PageContext) -> str:
    """A card linking to ``source``, which ``element`` of the page embeds; "" without one."""
    source = source.strip()
    parts = urlsplit(source)
    if parts.netloc and not parts.scheme:
        source = "https:" + source
    elif not parts.scheme and parts.path:
        return local_frame_card(source, title, context, element)
    if not source.startswith(("https://", "http://")):
        return ""
    address = watch_address(source)
    return card_linking_to(address, title or shown_address(address))


def tag_attributes(markup: str) -> dict[str, str]:
    """The attributes of the first start tag in ``markup``."""
    parser = TagAttributes()
    parser.feed(markup)
    return parser.attributes


def file_name(source: str) -> str | None:
    return unquote(urlsplit(source.strip()).path.rstrip("/").rsplit("/", 1)[-1]) or None


# A card's address is read, not typed: an address past this many characters
# loses its query and fragment (an embed's whole program, say), then its tail.
MAX_SHOWN_ADDRESS = 60


def shown_address(address: str) -> str:
    """The address as a card shows it: no scheme, no www., at most MAX_SHOWN_ADDRESS characters."""
    shown = re.sub(r"^https?://(www\.)?", "", address)
    if len(shown) <= MAX_SHOWN_ADDRESS:
        return shown
    parts = urlsplit(address)
    base = re.sub(r"^www\.", "", parts.netloc) + parts.path
    if len(base) > MAX_SHOWN_ADDRESS - 1:
        base = base[: MAX_SHOWN_ADDRESS - 1]
    return base + "…"


def card_linking_to(address: str, title: str) -> str:
    """A card: the title as a link to ``address``, the address under it unless it is the title."""
    shown = shown_address(address)
    under = ""
    if title != shown:
        under = f'<br /><span class="link-address">{html.escape(shown)}</span>'
    return (
        f'<div class="link-card" data-href="{html.escape(address)}">'
        f'<p><a href="{html.escape(address)}">{html.escape(title)}</a>{under}</p></div>'
    )


def local_frame_card(
    source: str, title: str | None, context: PageContext, element: str = "<iframe>"
) -> str:
    title = title or file_name(source) or source
    line = line_of(f'"{source}"', context.source, 1) or line_of(source, context.source, 1)
    if context.page_address is None:
        context.kept_as_written.append(
            f"{line}\t{element} of the site's own '{source}' cannot be shown offline and the "
            "site has no site_url to link to; shown as a card naming it"
        )
        return (
            f'<div class="link-card"><p><strong>{html.escape(title)}</strong><br />'
            f'<span class="link-address">{html.escape(source)}</span></p></div>'
        )
    context.kept_as_written.append(
        f"{line}\t{element} of the site's own '{source}' cannot be shown offline; "
        "shown as a card linking to it on the site"
    )
    # The browser resolves it against the page's address: MkDocs leaves raw HTML as written.
    return card_linking_to(urljoin(context.page_address, source), title)


class HtmlBridge(Postprocessor):
    def __init__(self, md, context_of):
        super().__init__(md)
        self.context_of = context_of

    def mermaid_placeholder(self, match: re.Match[str]) -> str:
        context: PageContext = self.context_of()
        source = html.unescape(match.group("code"))
        if len(context.diagrams) == limits.MAX_DIAGRAMS_PER_PAGE:
            message = f"more than {limits.MAX_DIAGRAMS_PER_PAGE} mermaid diagrams on one page"
            first = source.strip().split("\n")[0]
            same = sum(diagram.strip().split("\n")[0] == first for diagram in context.diagrams)
            raise BuildError(message, context.page, nth_line(first, same, context.source))
        context.diagrams.append(source)
        name = MERMAID_PLACEHOLDER.format(len(context.diagrams) - 1)
        label = html.escape(context.diagram_label)
        return f'<p><img class="mermaid" alt="{label}" src="{name}" /></p>'

    def run(self, text: str) -> str:
        text = without_hidden(text)
        check_math_bounds(text, self.context_of())
        text = ARITHMATEX_BLOCK.sub(lambda m: math_span(m, display=True), text)
        text = ARITHMATEX_INLINE.sub(lambda m: math_span(m, display=False), text)
        text = MERMAID_BLOCK.sub(self.mermaid_placeholder, text)
        text = HIGHLIGHT_BLOCK.sub(plain_code_block, text)
        text = INLINE_HIGHLIGHT.sub(plain_inline_code, text)
        text = FOOTNOTE_SPACE.sub("", text)
        text = IFRAME.sub(lambda frame: link_card(frame, self.context_of()), text)
        text = MEDIA.sub(lambda media: media_card(media, self.context_of()), text)
        text = CUSTOM_ELEMENT.sub(lambda element: custom_element(element, self.context_of()), text)
        return sanitized(text, self.context_of())


def sanitized(text: str, context: PageContext) -> str:
    """The page through the allow-list; a raw ``<img>`` is found as a Markdown image is."""
    diagrams = (MERMAID_PLACEHOLDER.format(number) for number in range(len(context.diagrams)))
    known = {*context.images, *context.emoji, *diagrams}
    errors: list[BuildError] = []

    def image_source(source: str) -> str | None:
        if source in known:
            return source
        try:
            resolved = context.resolve_image(source)
        except BuildError as error:  # nh3 would swallow it: raised when the page is done
            errors.append(error)
            return None
        context.images.append(resolved)
        known.add(resolved)
        return resolved

    clean = sanitize_html(text, image_source)
    if errors:
        raise errors[0]
    lost = dropped_text(text, clean)
    if lost:
        raise lost_text_error(text, lost, context)
    text = clean
    # Pandoc's reader takes an <input> without "/>" for an open element, and
    # the task list it stands in is lost; the page wrote it closed.
    return INPUT_TAG.sub(r"<input\1 />", text)


def check_math_bounds(text: str, context: PageContext) -> None:
    """Refuse more math than a lesson has: every stage's work grows with it (a 100×100
    matrix took the layout pass alone 8 s, 20 000 formulas the build 86 s)."""
    formulas = [
        html.unescape(match.group(1))
        for pattern in (ARITHMATEX_BLOCK, ARITHMATEX_INLINE)
        for match in pattern.finditer(text)
    ]
    if len(formulas) > limits.MAX_FORMULAS_PER_PAGE:
        message = f"more than {limits.MAX_FORMULAS_PER_PAGE:,} formulas on one page"
        raise BuildError(message, context.page)
    for tex in formulas:
        if len(tex) > limits.MAX_FORMULA_CHARACTERS:
            message = f"a formula of {len(tex):,} characters, more than "
            message += f"{limits.MAX_FORMULA_CHARACTERS:,}"
            line = line_of(strip_math_delimiters(tex), context.source, 1)
            raise BuildError(message, context.page, line)
    if sum(map(len, formulas)) > limits.MAX_MATH_CHARACTERS_PER_PAGE:
        message = (
            f"more than {limits.MAX_MATH_CHARACTERS_PER_PAGE:,} characters of math on one page"
        )
        raise BuildError(message, context.page)


def strip_math_delimiters(tex: str) -> str:
    for opening, closing in ((r"\[", r"\]"), (r"\(", r"\)")):
        tex = strip_delimiters(tex, opening, closing)
    return tex


def lost_text_error(markup: str, lost: list[str], context: PageContext) -> BuildError:
    """The page's text was cut short where its HTML was read: say where, and by what."""
    shown = " ".join(lost[:8])
    unclosed = unclosed_opening(markup)
    if unclosed is None:
        line = line_of_words(lost, context.source)
        return BuildError(f"the page's HTML loses text: '{shown}'", context.page, line)
    opening, occurrence = unclosed
    message = f"{opening}… is never closed, and hides the rest of the page ('{shown}' …)"
    return BuildError(message, context.page, nth_line(opening, occurrence, context.source))


def nth_line(text: str, occurrence: int, source: str) -> int | None:
    """The line of the ``occurrence``-th ``text`` in ``source`` (the last one if fewer)."""
    position, source, text = -1, source.lower(), text.lower()
    for _ in range(occurrence + 1):
        found = source.find(text, position + 1)
        if found < 0:
            break
        position = found
    return source.count("\n", 0, position) + 1 if position >= 0 else None


def line_of_words(words: list[str], source: str) -> int | None:
    """The line where the first of ``words`` stands in ``source``."""
    match = re.search(rf"\b{re.escape(words[0])}\b", source)
    return source.count("\n", 0, match.start()) + 1 if match else None


class PandocBridge(Extension):
    """Registers the two reshaping steps; the page's context is set on ``md.page_context``."""

    def extendMarkdown(self, md):
        def context_of() -> PageContext:
            return md.page_context

        # After every extension's tree work (footnotes 50, inline 20, attr_list 8).
        md.treeprocessors.register(TreeBridge(md, context_of), "pandoc-bridge-tree", 1)
        # After the stashed HTML (math, code, raw HTML) is back in place (raw_html 30).
        md.postprocessors.register(HtmlBridge(md, context_of), "pandoc-bridge-html", 5)
