"""Where the project and the corpus are: the instructor's two sites, and other authors' three."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus"
SITES = ("syvaoppiminen", "ml-perusteet")
# Course sites by other authors (English and French), in ../shared/corpus/others:
# checked by the same rules (tests/corpus/test_other_sites.py).
OTHER_SITES = ("odak-computational-light", "recode-turing-patterns", "terminale-nsi")


def site_root(name: str) -> Path:
    return CORPUS / name if name in SITES else CORPUS / "others" / name


def corpus_problem(corpus: Path = CORPUS) -> str | None:
    """Why the corpus cannot be checked, or None when both sites are there."""
    missing = [name for name in SITES if not (corpus / name / "mkdocs.yml").is_file()]
    if not missing:
        return None
    return (
        f"the instructor's course sites are missing: {', '.join(missing)} not found under "
        f"{corpus} (the project must sit next to shared/corpus, as in CI)"
    )
