"""Words on the figures in each course language (Finnish first)."""

from __future__ import annotations

LANGUAGES = ("fi", "en")

# Labels shared by several figures.
COMMON = {
    "fi": {
        "input_x": "Syöte, $x$",
        "output": "Tuloste",
        "output_y": "Tuloste, $y$",
    },
    "en": {
        "input_x": "Input, $x$",
        "output": "Output",
        "output_y": "Output, $y$",
    },
}


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return lang


def words(table: dict[str, dict[str, str]], lang: str) -> dict[str, str]:
    """The shared labels merged with a figure's own ``table`` for ``lang``."""
    check_language(lang)
    return {**COMMON[lang], **table.get(lang, {})}
