"""Assemble a reveal.js deck into one HTML file that works offline."""

from __future__ import annotations

import base64
import html
import os
import re
from pathlib import Path

from markupsafe import Markup

from coursebuild.errors import BuildError
from coursebuild.render import TEMPLATES_DIR, render_template

PROJECT_ROOT = Path(__file__).resolve().parent.parent
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
    return Path(os.environ.get("REVEAL_DIR", PROJECT_ROOT / "node_modules" / "reveal.js"))


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


def data_uri(path: Path) -> str:
    media_type = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{media_type};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def embed_images(fragment: str, images: dict[str, Path]) -> str:
    """Replace each local image source by the file's bytes as a data URI."""
    fragment = str(fragment)  # Markup.replace would escape the new attributes
    for target, path in images.items():
        fragment = fragment.replace(f'src="{html.escape(target)}"', f'src="{data_uri(path)}"')
    return fragment


def describe_images(fragment: str, images: dict[str, Path]) -> str:
    """Give each local image its natural size (data-natural-*), for the layout pass.

    A course figure also gets its smallest text size in pt (recorded in the
    SVG by the figures stage), so the layout pass and the deck check can tell
    how big its text is drawn. An image whose size is not read from its file
    is embedded instead, for the layout pass to load.
    """
    from coursebuild.image_size import natural_size

    fragment = str(fragment)
    for target, path in images.items():
        source = f'src="{html.escape(target)}"'
        size = natural_size(path)
        described = f'src="{data_uri(path)}"' if size is None else source
        if size is not None:
            described += f' data-natural-width="{size[0]:g}" data-natural-height="{size[1]:g}"'
        smallest = min_text_pt(path)
        if smallest:
            described += f' data-min-text-pt="{smallest}"'
        fragment = fragment.replace(source, described)
    return fragment


MIN_TEXT = re.compile(rb'<svg\b[^>]*\sdata-min-text-pt="([0-9.]+)"')


def min_text_pt(path: Path) -> str | None:
    if path.suffix.lower() != ".svg":
        return None
    with path.open("rb") as stream:
        match = MIN_TEXT.search(stream.read(4096))
    return match.group(1).decode("ascii") if match else None


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
    return render_template(
        "deck.html.j2",
        {
            **context,
            "date": context["date_iso"],  # the deck shows the date as text
            **reveal_assets(),
            "theme_css": Markup(theme),
            "slides": Markup(embed_images(slides_fragment, images)),
            "layout_pass": layout_pass,
            "title_size": title_size,
        },
        autoescape=True,
    )
