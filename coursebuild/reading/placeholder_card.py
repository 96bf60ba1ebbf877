"""The card shown where an image cannot be: a dashed frame, a sentence, and the image's address."""

from __future__ import annotations

import html
import re
from pathlib import Path

from coursebuild.core.atomic import write_atomic

# The address's line: DejaVu Sans Mono's glyphs are all 0.602 em wide, so at
# 16 px this many fit the card's 636 px with a margin each side.
ADDRESS_PX = 16
MAX_ADDRESS_CHARACTERS = int((636 - 2 * 12) / (0.602 * ADDRESS_PX))


def card_address(address: str) -> str:
    """The address as the card shows it: no scheme; if too long, its host, "…" and its
    tail (the file's name says most)."""
    shown = re.sub(r"^[a-z][a-z0-9+.-]*://", "", address, flags=re.IGNORECASE)
    if len(shown) <= MAX_ADDRESS_CHARACTERS:
        return shown
    host, _, path = shown.partition("/")
    host = host[: MAX_ADDRESS_CHARACTERS // 2]
    tail = path[-(MAX_ADDRESS_CHARACTERS - len(host) - 2) :]
    return f"{host}/…{tail}"


def placeholder_svg(address: str, text: str) -> str:
    shown = card_address(address)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="200" viewBox="0 0 640 200">'
        '<rect x="2" y="2" width="636" height="196" rx="12" fill="#f4f4f4" stroke="#767676" '
        'stroke-width="3" stroke-dasharray="12 8"/>'
        '<text x="320" y="90" font-family="DejaVu Sans, sans-serif" font-size="28" '
        f'text-anchor="middle" fill="#333">{html.escape(text)}</text>'
        '<text x="320" y="140" font-family="DejaVu Sans Mono, monospace" '
        f'font-size="{ADDRESS_PX}" '
        f'text-anchor="middle" fill="#333">{html.escape(shown)}</text></svg>\n'
    )


def write_placeholder(path: Path, address: str, text: str) -> Path:
    """The card for ``address`` saying ``text``, written to ``path`` (an .svg)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, placeholder_svg(address, text).encode("utf-8"))
    return path
