"""The card shown where an image cannot be: a dashed frame, a sentence, and the image's address."""

from __future__ import annotations

import html
from pathlib import Path

from coursebuild.core.atomic import write_atomic


def placeholder_svg(address: str, text: str) -> str:
    shown = address if len(address) <= 70 else address[:67] + "…"
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="200" viewBox="0 0 640 200">'
        '<rect x="2" y="2" width="636" height="196" rx="12" fill="#f4f4f4" stroke="#767676" '
        'stroke-width="3" stroke-dasharray="12 8"/>'
        '<text x="320" y="90" font-family="DejaVu Sans, sans-serif" font-size="28" '
        f'text-anchor="middle" fill="#333">{html.escape(text)}</text>'
        '<text x="320" y="140" font-family="DejaVu Sans Mono, monospace" font-size="16" '
        f'text-anchor="middle" fill="#333">{html.escape(shown)}</text></svg>\n'
    )


def write_placeholder(path: Path, address: str, text: str) -> Path:
    """The card for ``address`` saying ``text``, written to ``path`` (an .svg)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, placeholder_svg(address, text).encode("utf-8"))
    return path
