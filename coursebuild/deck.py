"""Assemble a reveal.js deck into one HTML file that works offline."""

from __future__ import annotations

import base64
import html
import os
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
    for target, path in images.items():
        fragment = fragment.replace(f'src="{html.escape(target)}"', f'src="{data_uri(path)}"')
    return fragment


def render_deck(context: dict, slides_fragment: str, images: dict[str, Path]) -> str:
    theme = (TEMPLATES_DIR / "deck.css").read_text(encoding="utf-8")
    return render_template(
        "deck.html.j2",
        {
            **context,
            "date": context["date_iso"],  # the deck shows the date as text
            **reveal_assets(),
            "theme_css": Markup(theme),
            "slides": Markup(embed_images(slides_fragment, images)),
        },
        autoescape=True,
    )
