"""Render mermaid diagrams to SVG files at build time, offline, in Debian's Chromium.

The SVGs serve both outputs: the reveal.js decks and the Typst handouts. Typst
ignores <foreignObject>, so every label is drawn as SVG <text> (htmlLabels off).
Rendered files are cached by content hash; a build where every diagram is
cached neither imports Playwright nor starts a browser.
"""

from __future__ import annotations

import hashlib
import json
import os
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from pathlib import Path

from coursebuild.browser.chromium import DeckReport, block_network, open_browser
from coursebuild.core import limits
from coursebuild.core.atomic import write_atomic
from coursebuild.core.errors import BuildError
from coursebuild.core.paths import node_modules

BUNDLE = "dist/mermaid.min.js"  # the self-contained IIFE build: no chunks to load

# Bump when MERMAID_CONFIG or the post-processing in RENDER_ALL changes the
# output, so that cached SVGs made with the old settings are not reused.
RENDER_SETTINGS_VERSION = "2"
# A diagram's text is read from the slide at this size at least (the course's
# own figures: 18 px); the SVG records it beside its smallest text.
DIAGRAM_TEXT_GOAL_PX = 16
# Typst draws no <foreignObject>: a diagram with one would lose its labels in
# the handout, so it is an error rather than a silently blank drawing.
HTML_LABEL = "<foreignObject"
HTML_LABEL_ERROR = "this diagram type draws its labels in HTML, which the PDF handout cannot show"
FIXED_TIME = "2000-01-01T00:00:00Z"
FONT_FAMILY = "DejaVu Sans, Arial, sans-serif"
MERMAID_CONFIG = {
    "startOnLoad": False,
    "securityLevel": "strict",
    "deterministicIds": True,
    "theme": "neutral",
    "fontFamily": FONT_FAMILY,
    # Root-level htmlLabels wins in mermaid 11+; the per-diagram ones are the
    # older spelling, kept off too so no diagram type falls back to HTML.
    "htmlLabels": False,
    "flowchart": {"htmlLabels": False},
    "class": {"htmlLabels": False},
    # A diagram is untrusted input, and mermaid lays it out in one blocking
    # call: its own size limits are what bounds that (it refuses a bigger one).
    "maxTextSize": limits.MAX_DIAGRAM_CHARACTERS,
    "maxEdges": limits.MAX_DIAGRAM_EDGES,
}

# Runs in the page: renders each diagram in turn and gives back an SVG string
# or mermaid's error message for each. See finish() for what is done to
# mermaid's output.
RENDER_ALL = r"""
async ({config, diagrams, goal}) => {
  const parser = new DOMParser();
  // The smallest text of the drawing, in pt at its natural size (as the
  // course's figures record it), and the px it should reach on a slide.
  const withTextSize = (markup) => {
    const holder = document.body.appendChild(document.createElement('div'));
    holder.innerHTML = markup;
    const sizes = [...holder.querySelectorAll('text')]
      .filter((text) => text.textContent.trim())
      .map((text) => parseFloat(getComputedStyle(text).fontSize))
      .filter((size) => size > 0);
    holder.remove();
    if (!sizes.length) return markup;
    const pt = Math.round(Math.min(...sizes) * 75) / 100;
    return markup.replace(/^<svg\b/, `<svg data-min-text-pt="${pt}" data-text-goal-px="${goal}"`);
  };
  // With SVG labels mermaid leaves its entity codes (#60; for <) as the text
  // "&#60;"; its HTML labels would show "<". Decode them the same way.
  const reference = /&(#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);/gi;
  const decode = (text) =>
    text.replace(reference, (ref) => parser.parseFromString(ref, 'text/html').body.textContent);
  const finish = (markup) => {
    // mermaid's markup is HTML-serialised (e.g. <br>): reparse, write out as XML.
    const svg = parser.parseFromString(markup, 'text/html').querySelector('svg');
    for (const node of svg.querySelectorAll('text, tspan')) {
      for (const child of node.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) child.data = decode(child.data);
      }
    }
    // Some diagram types (journey) put each label in a <switch> of HTML and an
    // SVG <text> fallback; keep only the fallback, which Typst can draw. The
    // HTML took the diagram's text colour, but some fallbacks are coloured like
    // their box (journey's sections) and would vanish: give them the same.
    for (const html of svg.querySelectorAll('switch > foreignObject')) {
      const fallback = html.parentNode.querySelector(':scope > text');
      if (!fallback) continue;
      html.remove();
      fallback.style.setProperty('fill', 'inherit');
    }
    // width="100%" and a max-width style become the viewBox's size in px, so
    // the file has a natural size in a browser and in Typst.
    const box = (svg.getAttribute('viewBox') || '').trim().split(/[\s,]+/).map(Number);
    if (box.length === 4 && box[2] > 0 && box[3] > 0) {
      svg.setAttribute('width', String(Math.round(box[2] * 100) / 100));
      svg.setAttribute('height', String(Math.round(box[3] * 100) / 100));
      svg.style.removeProperty('max-width');
      if (!svg.getAttribute('style')) svg.removeAttribute('style');
    }
    return renameIcons(new XMLSerializer().serializeToString(svg), svg.id);
  };
  // Icon ids (architecture diagrams) carry a page-wide counter, so they depend
  // on what was rendered before: number them within the diagram instead.
  const renameIcons = (markup, id) => {
    const names = new Map();
    return markup.replace(/IconifyId[0-9a-z]+/gi, (name) => {
      if (!names.has(name)) names.set(name, `${id}-icon-${names.size}`);
      return names.get(name);
    });
  };
  // Some diagram types draw with Math.random (rough.js shapes, gitGraph commit
  // ids): a PRNG seeded by the diagram's hash makes every render the same.
  const seeded = (seed) => {
    let state = parseInt(seed.slice(0, 8), 16) >>> 0;
    return () => {  // mulberry32
      state = (state + 0x6d2b79f5) >>> 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  };
  const results = [];
  for (const {id, seed, source} of diagrams) {
    // Set afresh for each diagram: nothing one diagram does leaks into the next.
    Math.random = seeded(seed);
    mermaid.initialize({...config, deterministicIDSeed: seed});
    try {
      const {svg} = await mermaid.render(id, source);
      results.push({svg: withTextSize(finish(svg))});
    } catch (error) {
      results.push({error: String((error && error.message) || error)});
    }
  }
  return results;
}
"""


class DiagramError(BuildError):
    """An invalid diagram; ``source`` tells the caller which one, to name its file and line."""

    def __init__(
        self, message: str, source: str, path: Path | str | None = None, line: int | None = None
    ):
        super().__init__(message, path, line)
        self.source = source

    def __reduce__(self):
        return (type(self), (self.message, self.source, self.path, self.line))


def mermaid_dir() -> Path:
    """MERMAID_DIR overrides the copy npm installs into node_modules/."""
    return Path(os.environ.get("MERMAID_DIR", node_modules() / "mermaid"))


def mermaid_version() -> str:
    """The installed mermaid's version, from its package.json."""
    manifest = mermaid_dir() / "package.json"
    if not manifest.is_file():
        raise BuildError(f"mermaid is missing ({manifest}); run `make` to install it with npm")
    return json.loads(manifest.read_text(encoding="utf-8"))["version"]


def diagram_hash(source: str, version: str) -> str:
    """The cache key of one diagram: mermaid's version, the render settings and the source."""
    key = "\n".join((version, RENDER_SETTINGS_VERSION, source))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def render_diagrams(sources: list[str], cache_dir: Path) -> dict[str, Path]:
    """SVG file for each mermaid source; renders only the ones not in cache_dir yet."""
    if not sources:
        return {}  # a course without diagrams needs no mermaid installed
    version = mermaid_version()
    paths = {source: cache_dir / f"{diagram_hash(source, version)}.svg" for source in sources}
    missing = {paths[source].stem: source for source in sources if not paths[source].is_file()}
    if missing:
        save_all(render_in_browser(missing), missing, cache_dir)
    return paths


def save_all(results: dict[str, dict], sources: dict[str, str], cache_dir: Path) -> None:
    """Write each good SVG to the cache, then raise for the first bad diagram, if any."""
    # The good diagrams are kept even when another one fails: fixing one typo
    # then re-renders only that diagram.
    failures = []
    for digest, result in results.items():
        svg = result.get("svg")
        if svg is not None and HTML_LABEL not in svg:
            write_atomic(cache_dir / f"{digest}.svg", svg.encode("utf-8"))
        else:
            message = HTML_LABEL_ERROR if svg is not None else error_summary(result["error"])
            failures.append(DiagramError(f"mermaid: {message}", sources[digest]))
    if failures:
        raise failures[0]


def render_in_browser(sources: dict[str, str]) -> dict[str, dict]:
    """{"svg": ...} or {"error": ...} for each source (keyed by its hash), in one page."""
    bundle = mermaid_bundle()
    diagrams = [
        # The id names the SVG's CSS scope: unique per diagram, so several
        # diagrams can be inlined into one HTML page without clashing.
        {"id": f"mermaid-{digest[:16]}", "seed": digest, "source": source}
        for digest, source in sources.items()
    ]
    blocked = DeckReport(Path("mermaid"))
    with open_browser() as browser:
        context = browser.new_context()
        block_network(context, blocked.blocked_requests.append)
        page = context.new_page()
        # Icon ids and gantt's "today" line come from the clock: stop it.
        page.clock.set_fixed_time(FIXED_TIME)
        page.goto("about:blank")
        page.add_script_tag(content=bundle)
        results = page.evaluate(
            RENDER_ALL,
            {"config": MERMAID_CONFIG, "diagrams": diagrams, "goal": DIAGRAM_TEXT_GOAL_PX},
        )
        context.close()
    if blocked.blocked_requests:
        raise network_error(blocked.blocked_requests[0], sources.values())
    return dict(zip(sources, results, strict=True))


def network_error(url: str, sources: Iterable[str]) -> BuildError:
    """The error for a diagram that wanted ``url`` (an image node, say): builds are offline."""
    message = f"mermaid: the diagram loads {url}; use no web addresses, the build is offline"
    # Name the diagram when its source has the address, so the caller can point at it.
    source = next((source for source in sources if url in source), None)
    return BuildError(message) if source is None else DiagramError(message, source)


def mermaid_bundle() -> str:
    """The text of mermaid's browser bundle."""
    path = mermaid_dir() / BUNDLE
    if not path.is_file():
        raise BuildError(f"mermaid is missing ({path}); run `make` to install it with npm")
    return path.read_text(encoding="utf-8")


def error_summary(message: str) -> str:
    """mermaid's message on one line: its first line, and what it expected if it says."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if not lines:
        return "invalid diagram"
    # A parse error's middle lines quote the source with a caret under the
    # fault; only the first ("Parse error on line 3:") and last ("Expecting
    # ..., got ...") lines make sense on one line.
    expecting = [line for line in lines[1:] if line.startswith("Expecting")]
    return " ".join([lines[0], *expecting[-1:]])


SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
MAX_NAME_LABELS = 20  # a name is read in one go: a huge diagram's first labels


def diagram_text(path: Path) -> str:
    """What a drawn diagram says, for its name: its accTitle and accDescr, else its labels.

    The labels (node and edge texts, in drawing order, each once) tell a
    screen reader what the diagram is about when the page gave it no caption.
    """
    try:
        root = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError):
        return ""
    own = [
        " ".join("".join(node.itertext()).split())
        for tag in ("title", "desc")
        for node in root.findall(f"{SVG_NAMESPACE}{tag}")
    ]
    if any(own):
        return ". ".join(text for text in own if text)
    labels = (
        " ".join(" ".join(node.itertext()).split()) for node in root.iter(f"{SVG_NAMESPACE}text")
    )
    unique = list(dict.fromkeys(label for label in labels if label))
    return ", ".join(unique[:MAX_NAME_LABELS])
