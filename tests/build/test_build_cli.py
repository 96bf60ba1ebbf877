"""`python build.py figures` end to end, in real processes, on copies of the project."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from figures.catalogue import FIGURES, slide_figure_names
from tests.support.course_factory import NO_FIGURE_CACHE, copy_project

SVG = "{http://www.w3.org/2000/svg}"
PROJECT_PARTS = ("build.py", "course.toml", "coursebuild", "figures")


def run_build(project: Path, *arguments: str, env: dict | None = None):
    return subprocess.run(
        [sys.executable, "build.py", *arguments],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def finnish_build(tmp_path_factory) -> Path:
    """One Finnish build of all figures, shared by the read-only tests below."""
    from tests.conftest import PROJECT_ROOT

    out = tmp_path_factory.mktemp("fi")
    result = run_build(PROJECT_ROOT, "figures", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def svg_title(path: Path) -> str:
    root = ElementTree.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    title = root.find(f"{SVG}title")
    assert title is not None, f"{path.name} has no <title>"
    return title.text


def test_help_describes_the_command_line(project_root):
    result = run_build(project_root, "--help")
    assert result.returncode == 0
    for option in ("figures", "--lang", "--out"):
        assert option in result.stdout


def test_unknown_language_is_a_usage_error(project_root, tmp_path):
    result = run_build(project_root, "figures", "--lang", "pt", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "invalid choice: 'pt'" in result.stderr
    assert not (tmp_path / "images").exists()


def test_build_writes_every_figure_as_valid_svg_with_a_finnish_title(finnish_build):
    written = sorted(path.name for path in (finnish_build / "images").iterdir())
    expected = [name for spec in FIGURES for name in (spec.name, *slide_figure_names(spec))]
    assert written == sorted(f"{name}.svg" for name in expected)
    for spec in FIGURES:
        assert svg_title(finnish_build / "images" / f"{spec.name}.svg") == spec.titles["fi"]


def test_svgs_carry_no_date_or_memory_addresses(finnish_build):
    for path in (finnish_build / "images").iterdir():
        text = path.read_text(encoding="utf-8")
        assert "<dc:date>" not in text
        assert "0x7f" not in text  # id(...)-based names would show up as hex addresses


def test_two_builds_give_byte_identical_svgs(project_root, finnish_build, tmp_path):
    result = run_build(project_root, "figures", "--out", str(tmp_path), env=NO_FIGURE_CACHE)
    assert result.returncode == 0, result.stderr
    for spec in FIGURES:
        first = (finnish_build / "images" / f"{spec.name}.svg").read_bytes()
        second = (tmp_path / "images" / f"{spec.name}.svg").read_bytes()
        assert first == second, f"{spec.name}.svg differs between two builds"


def test_english_build_has_english_titles_and_words(project_root, finnish_build, tmp_path):
    result = run_build(project_root, "figures", "--lang", "en", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for spec in FIGURES:
        assert svg_title(tmp_path / "images" / f"{spec.name}.svg") == spec.titles["en"]
    # Figures with words in them must differ between the languages beyond the title.
    for name in ("100_ShallowTerminology", "100_ShallowBuildUp", "100_ShallowApproximate"):
        finnish = (finnish_build / "images" / f"{name}.svg").read_text(encoding="utf-8")
        english = (tmp_path / "images" / f"{name}.svg").read_text(encoding="utf-8")
        assert finnish.split("</metadata>")[1] != english.split("</metadata>")[1], name


def test_failing_figure_names_its_file_and_line_and_keeps_earlier_outputs(project_root, tmp_path):
    project = copy_project(tmp_path / "project", PROJECT_PARTS)
    good = run_build(project, "figures", "--out", "out")
    assert good.returncode == 0, good.stderr
    before = {p.name: p.read_bytes() for p in (project / "out" / "images").iterdir()}

    module = project / "figures" / "shallow_relu.py"
    source = module.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(source, 1) if text.startswith("def make_figure"))
    source.insert(line, '    raise RuntimeError("deliberate fault")')
    module.write_text("\n".join(source) + "\n", encoding="utf-8")

    broken = run_build(project, "figures", "--out", "out")
    assert broken.returncode == 1
    message = broken.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert f"figures/shallow_relu.py:{line + 1}:" in message
    assert "deliberate fault" in message
    after = {p.name: p.read_bytes() for p in (project / "out" / "images").iterdir()}
    assert after == before
