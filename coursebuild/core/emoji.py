"""Emoji typed as characters (✅, not :white_check_mark:), and the Twemoji image of each.

Characters a browser shows as colour emoji (Unicode's Emoji_Presentation):
no font of the handout has them (PDF/UA refuses text it cannot show), nor the
Chromium that prints slide PDFs. So they are shown as the Twemoji image a
``:shortcode:`` gets, in the deck and the handout alike.
"""

from __future__ import annotations

import re
from pathlib import Path

from coursebuild.core.paths import twemoji_dir

EMOJI = re.compile(
    "[\u231a\u231b\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615\u2648-\u2653"
    "\u267f\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea"
    "\u26f2\u26f3\u26f5\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e"
    "\u2753-\u2755\u2757\u2795-\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55"
    "\U0001f004\U0001f0cf\U0001f18e\U0001f191-\U0001f19a\U0001f200-\U0001faff]"
)
VARIATION_SELECTOR = "\ufe0f"  # "show as emoji": no character of its own
TWEMOJI_DIR = twemoji_dir()


def twemoji_file(char: str, folder: Path = TWEMOJI_DIR) -> Path | None:
    file = folder / f"{ord(char):x}.svg"
    return file if file.is_file() else None


def literal_emoji(text: str, folder: Path = TWEMOJI_DIR) -> dict[str, str]:
    """The Twemoji file of each emoji character written as it is in ``text``."""
    found = {}
    for char in sorted(set(EMOJI.findall(text))):
        file = twemoji_file(char, folder)
        if file is not None:
            found[char] = str(file)
    return found
