"""The pipeline's rooms: each package of coursebuild/ imports only the stages before it.

Each package is imported whole in a fresh interpreter, and what it pulled in
is compared with the packages it may use; a static walk finds import cycles,
the function-local imports included.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.course_factory import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "coursebuild"
# The modules at the top of coursebuild/ (the command line, the pipeline, the
# figure files, the course index) are the build itself: they may use every stage.
BUILD = "(build)"
MAY_IMPORT = {
    "core": set(),
    "reading": {"core"},
    "browser": {"core"},
    "pandoc": {"core"},
    "deck": {"core", "reading", "browser", "pandoc"},
    "handout": {"core", "reading", "pandoc"},
    "lesson": {"core", "reading", "browser", "pandoc", "deck", "handout"},
    "preview": {"core", "reading"},
}


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts).removesuffix(".__init__")


def room(module: str) -> str:
    """The package of coursebuild/ a module is in, or BUILD for a top-level module."""
    parts = module.split(".")
    return parts[1] if (PACKAGE / parts[1]).is_dir() else BUILD


def imported_rooms(package: str) -> dict[str, list[str]]:
    """The modules loaded, by room, by importing all of ``package`` in a fresh interpreter."""
    names = [module_name(path) for path in sorted((PACKAGE / package).rglob("*.py"))]
    script = (
        "import importlib, json, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('coursebuild.'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    loaded: dict[str, list[str]] = {}
    for module in json.loads(result.stdout):
        loaded.setdefault(room(module), []).append(module)
    return loaded


def test_every_package_is_in_the_table():
    packages = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert packages == set(MAY_IMPORT)


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_a_package_imports_no_later_stage(package):
    loaded = imported_rooms(package)
    assert package in loaded  # the check ran on the package's own modules
    later = {name: modules for name, modules in loaded.items() if name != package}
    allowed = MAY_IMPORT[package]
    assert {name: later[name] for name in later if name not in allowed} == {}


def static_imports(path: Path) -> set[str]:
    """The coursebuild modules a file imports anywhere in it, function-local imports too."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("coursebuild"):
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                is_module = (PROJECT_ROOT / Path(*submodule.split("."))).with_suffix(".py")
                found.add(submodule if is_module.exists() else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("coursebuild"))
    return found


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    visiting, done, cycles = [], set(), []

    def visit(module: str) -> None:
        visiting.append(module)
        for target in sorted(graph.get(module, ())):
            if target in visiting:
                cycles.append([*visiting[visiting.index(target) :], target])
            elif target not in done and target in graph:
                visit(target)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            visit(module)
    return cycles


def test_no_import_cycle():
    graph = {module_name(path): static_imports(path) for path in PACKAGE.rglob("*.py")}
    assert len(graph) > 50
    assert find_cycles(graph) == []


def test_the_cycle_check_sees_a_cycle_and_local_imports(tmp_path):
    # The checks above must not pass by reading nothing.
    first = tmp_path / "first.py"
    first.write_text("def later():\n    from coursebuild.lesson import make\n")
    assert static_imports(first) == {"coursebuild.lesson.make"}
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c", "a"]]
    assert room("coursebuild.deck.layout") == "deck"
    assert room("coursebuild.pipeline") == BUILD


def test_the_readmes_layout_names_every_folder_and_top_module():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    folders = {path.name for path in PACKAGE.iterdir() if path.is_dir() and path.name[0] != "_"}
    top = {path.name for path in PACKAGE.glob("*.py") if not path.name.startswith("_")}
    named = set(re.findall(r"\b([a-z_]+)/", layout)) | set(re.findall(r"\b([a-z_]+\.py)\b", layout))
    assert folders - named == set()
    assert top - named == set()
    # And no folder it names under coursebuild/ is gone.
    listed = set(re.findall(r"^  ([a-z_]+)/", layout, re.MULTILINE))
    assert listed == folders
