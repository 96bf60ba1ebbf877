"""Where the project and the instructor's corpus are, and which two sites it holds."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus"
SITES = ("syvaoppiminen", "ml-perusteet")


def corpus_problem(corpus: Path = CORPUS) -> str | None:
    """Why the corpus cannot be checked, or None when both sites are there."""
    missing = [name for name in SITES if not (corpus / name / "mkdocs.yml").is_file()]
    if not missing:
        return None
    return (
        f"the instructor's course sites are missing: {', '.join(missing)} not found under "
        f"{corpus} (the project must sit next to shared/corpus, as in CI)"
    )
