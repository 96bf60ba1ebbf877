"""BibTeX citations as the mkdocs-bibtex plugin shows them: ``[@key]`` a numbered note.

The plugin turns each citation into a footnote holding the formatted
reference from the site's ``.bib`` file; so does this, before the page is
read, and the build's footnotes then do the rest (the "Lähteet" slide, the
handout's notes). The ``.bib`` file is the site's, so untrusted: it is read
with pybtex (no TeX is run) in the page's child, under its limits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# [@key], [@a; @b], [@a, @b]: the forms the plugin reads.
CITATION = re.compile(r"\[(@[\w:./+-]+(?:\s*[;,]\s*@[\w:./+-]+)*)\]")
KEY = re.compile(r"@([\w:./+-]+)")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


@dataclass
class Citations:
    """A page's citations, made footnotes from the references in ``bib_files``."""

    bib_files: tuple[Path, ...]
    cited: list[str] = field(default_factory=list)  # keys, in the order first cited
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (line, key)

    def as_footnotes(self, body: str, first_line: int) -> str:
        """``body`` with each known citation a footnote reference, the notes at its end."""
        if "[@" not in body:
            return body
        entries = self.entries()
        lines, fence = body.split("\n"), None
        for number, line in enumerate(lines):
            opening = FENCE.match(line)
            if opening and (fence is None or opening.group(1)[0] == fence[0]):
                fence = None if fence else opening.group(1)
                continue
            if fence is None and "[@" in line:
                lines[number] = CITATION.sub(
                    lambda match, at=first_line + number: self.references(match, entries, at), line
                )
        notes = [f"[^{note_label(key)}]: {format_entry(entries[key])}" for key in self.cited]
        return "\n".join(lines) + ("\n\n" + "\n\n".join(notes) + "\n" if notes else "")

    def references(self, match: re.Match[str], entries: dict, line: int) -> str:
        keys = KEY.findall(match.group(1))
        missing = [key for key in keys if key not in entries]
        if missing:
            self.unknown += [(line, key) for key in missing]
            return match.group(0)  # shown as written, as the plugin leaves it
        for key in keys:
            if key not in self.cited:
                self.cited.append(key)
        return "".join(f"[^{note_label(key)}]" for key in keys)

    def entries(self) -> dict:
        # Imported here: pybtex loads only for a page that cites.
        from pybtex.database import parse_string

        found: dict = {}
        for path in self.bib_files:
            data = parse_string(path.read_text(encoding="utf-8", errors="replace"), "bibtex")
            for key, entry in data.entries.items():
                found.setdefault(key, entry)
        return found


def note_label(key: str) -> str:
    return "cite-" + re.sub(r"[^\w-]", "-", key)


def format_entry(entry) -> str:
    """The reference as the plugin's default style writes it (pybtex's "plain"), as text."""
    from pybtex.plugin import find_plugin

    try:
        style = find_plugin("pybtex.style.formatting", "plain")()
        [formatted] = style.format_entries([entry])
        text = formatted.text.render_as("text")
    except Exception:  # a field the style needs is missing: the plainest form
        fields = entry.fields
        text = ". ".join(part for part in (fields.get("title"), fields.get("year")) if part) or str(
            entry.key
        )
    # Markdown reads the note: its characters stay characters.
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", " ".join(text.split()))
