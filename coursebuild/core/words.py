"""Words the build adds to a lesson's outputs, in the course's language."""

from __future__ import annotations

# A diagram's name in its alt text and caption, e.g. "Kaavio: Syöte → Piilokerros".
DIAGRAM_LABELS = {"fi": "Kaavio", "en": "Diagram"}
