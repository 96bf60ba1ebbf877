"""Figures drawn once are copied by later builds into other folders, never trusted blindly."""

from __future__ import annotations

import json
from pathlib import Path

from coursebuild.figure_cache import CACHE_ENV
from figures.catalogue import FIGURES
from tests.support.course_factory import PROJECT_ROOT, outputs, run_build


def build_figures(out: Path, cache: str) -> tuple[dict[str, bytes], bool]:
    """The figures built into ``out`` with the cache at ``cache``; and whether matplotlib loaded."""
    result = run_build(
        PROJECT_ROOT,
        "figures",
        "--out",
        str(out),
        env={CACHE_ENV: cache, "PYTHONPROFILEIMPORTTIME": "1"},
    )
    assert result.returncode == 0, result.stderr
    figures = {name: data for name, data in outputs(out).items() if name.startswith("images/")}
    return figures, "matplotlib.figure" in result.stderr


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "figures").glob("*.json"))


def test_a_new_folder_copies_the_figures_and_a_damaged_entry_is_drawn_again(tmp_path):
    cache = tmp_path / "cache"
    drawn, loaded = build_figures(tmp_path / "first", str(cache))
    assert loaded and len(drawn) == 5 + sum(spec.slide_steps for spec in FIGURES)
    assert len(entries(cache)) == len(FIGURES)

    copied, loaded = build_figures(tmp_path / "second", str(cache))
    assert not loaded, "a figure in the cache was drawn again"
    assert copied == drawn

    # One SVG changed on disk (its recorded digest no longer matches): drawn again.
    damaged = entries(cache)[0]
    entry = json.loads(damaged.read_text(encoding="utf-8"))
    entry["svgs"][0] = entry["svgs"][0].replace("<svg", "<svg onload='x()'", 1)
    damaged.write_text(json.dumps(entry), encoding="utf-8")
    again, loaded = build_figures(tmp_path / "third", str(cache))
    assert loaded and again == drawn
    assert json.loads(damaged.read_text(encoding="utf-8"))["svgs"][0].startswith("<?xml")


def test_off_or_unwritable_the_build_draws_and_succeeds(tmp_path):
    reference, _ = build_figures(tmp_path / "reference", str(tmp_path / "cache"))
    off, loaded = build_figures(tmp_path / "off", "off")
    assert loaded and off == reference
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    unwritable, loaded = build_figures(tmp_path / "unwritable", str(blocked))
    assert loaded and unwritable == reference
    assert blocked.read_text(encoding="utf-8") == "not a folder"
