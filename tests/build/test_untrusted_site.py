"""A site's files are untrusted: its boundary, its YAML, its nav globs and its output names.

Issue 19: ``docs_dir: ../..`` let a page's images out of the site; 2.5 KB of
``mkdocs.yml`` aliases took 4 GB; a ``.nav.yml`` glob backtracked forever;
``index.md`` beside ``index-page.md`` was overwritten by the course index.
Each is now one line naming the file and line, exit 1, nothing written for
the page, and no traceback.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from coursebuild.core import limits
from coursebuild.core.bounded_yaml import YamlLimitError, check_bounds
from coursebuild.core.errors import BuildError
from coursebuild.reading.lesson_file import load_lesson
from coursebuild.reading.mkdocs_config import load_site
from coursebuild.reading.navigation import _pattern
from tests.support.course_factory import (
    FAILED_SUMMARY,
    PROJECT_ROOT,
    before_summary,
    make_course,
    mkdocs_yml,
    run_build,
)

PAGE = "# Sivu\n\n## Osio\n\n### Dia\n\nTeksti.\n\n"  # what follows starts on line 9
SECRET = "SALAINEN-9F3K"
SECRET_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40">'
    f'<text x="5" y="30">{SECRET}</text></svg>\n'
)


def make_site(root: Path, files: dict[str, str | bytes], config: str | None = None) -> Path:
    """A tiny MkDocs site at ``root``: mkdocs.yml and ``files``."""
    make_course(root, {"mkdocs.yml": config or mkdocs_yml("attr_list"), **files})
    (root / "course.toml").unlink()  # the site is the course
    return root


def build(root: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    started = time.monotonic()
    result = run_build(root, "--out", str(root / "out"))
    assert time.monotonic() - started < timeout
    return result


def written(root: Path) -> str:
    """Every file the build wrote, as text."""
    out = root / "out"
    files = sorted(path for path in out.rglob("*") if path.is_file()) if out.exists() else []
    return "\n".join(path.read_bytes().decode("utf-8", "replace") for path in files)


def assert_one_line(result, where: str, message: str) -> None:
    """Exit 1, and one line besides warnings: the file and line, then ``message``; no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    if lines and FAILED_SUMMARY.match(lines[-1]):  # a page failed, not the site
        lines = before_summary(result.stderr).splitlines()
    lines = [line for line in lines if not line.startswith("warning: ")]
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {where}: "), lines[0]
    assert message in lines[0], lines[0]


# -- the site's boundary is the site ----------------------------------------------------------


@pytest.mark.parametrize("docs_dir", ["../..", "/etc", "../outside"])
def test_docs_dir_outside_the_site_folder_is_refused(tmp_path, docs_dir):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "sivu.md").write_text(PAGE, encoding="utf-8")
    config = mkdocs_yml("attr_list", rest=f"docs_dir: {docs_dir}\n")
    root = make_site(tmp_path / "site", {"docs/sivu.md": PAGE}, config)
    result = build(root)
    line = config.splitlines().index(f"docs_dir: {docs_dir}") + 1
    assert_one_line(result, f"{root / 'mkdocs.yml'}:{line}", "docs_dir must be inside it")
    assert written(root) == ""


def test_docs_dir_symlinked_out_of_the_site_is_refused(tmp_path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "sivu.md").write_text(PAGE, encoding="utf-8")
    root = make_site(tmp_path / "site", {})
    (root / "docs").symlink_to(tmp_path / "outside", target_is_directory=True)
    result = build(root)
    assert result.returncode == 1 and "docs_dir must be inside it" in result.stderr


def test_an_image_in_a_sibling_folder_named_like_docs_is_refused(tmp_path):
    # A containment check by string prefix ("/site/docs" is a prefix of
    # "/site/docs-secret/...") would let this through.
    root = make_site(
        tmp_path / "site",
        {
            "docs/sivu.md": PAGE + "![Kuva](../docs-secret/lippu.svg)\n",
            "docs-secret/lippu.svg": SECRET_SVG,
        },
    )
    result = build(root)
    assert_one_line(result, f"{root / 'docs' / 'sivu.md'}:9", "leaves the course folder")
    assert SECRET not in written(root)


def test_an_image_in_a_sibling_folder_named_like_the_course_is_refused(tmp_path):
    # course.toml's layout: the course folder is the boundary; "course-secret" is beside it.
    (tmp_path / "course-secret").mkdir()
    (tmp_path / "course-secret" / "lippu.svg").write_text(SECRET_SVG, encoding="utf-8")
    page = PAGE + "![Kuva](../../course-secret/lippu.svg)\n"
    course = make_course(tmp_path / "course", {"slides/sivu.md": page})
    result = run_build(course, "--out", str(course / "out"))
    assert_one_line(result, f"{course / 'slides' / 'sivu.md'}:9", "leaves the course folder")
    assert SECRET not in written(course)


@pytest.mark.parametrize("hidden", [".git/config", "notes/.secret.md"])
def test_a_hidden_file_is_no_snippet(tmp_path, hidden):
    config = mkdocs_yml("pymdownx.snippets")
    root = make_site(
        tmp_path / "site",
        {"docs/sivu.md": PAGE + f'--8<-- "{hidden}"\n', hidden: f"token = {SECRET}\n"},
        config,
    )
    result = build(root)
    assert_one_line(result, f"{root / 'docs' / 'sivu.md'}:9", "is a hidden file")
    assert SECRET not in written(root) + result.stderr


def test_a_snippet_beside_docs_in_the_site_folder_is_read(tmp_path):
    # MkDocs' own base path is the site's folder: includes/ beside docs/ is where sites keep them.
    config = mkdocs_yml("pymdownx.snippets")
    root = make_site(
        tmp_path / "site",
        {"docs/sivu.md": PAGE + '--8<-- "includes/lisa.md"\n', "includes/lisa.md": "Lisäys.\n"},
        config,
    )
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert "Lisäys." in (root / "out" / "sivu.html").read_text(encoding="utf-8")


# -- YAML: size, depth and aliases --------------------------------------------------------------

# Nine values, nine times nine, ... : 9**7 (4.8 million) values from 600 characters.
ALIAS_BOMB = "\n".join(
    [
        "a: &a [x, x, x, x, x, x, x, x, x]",
        *(
            f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]"
            for previous, name in zip("abcdef", "bcdefg", strict=True)
        ),
    ]
)


def bomb_under(key: str) -> str:
    """The alias bomb, indented under ``key``."""
    return f"{key}:\n" + "".join(f"  {line}\n" for line in ALIAS_BOMB.splitlines())


def peak_memory_mb(command: list[str]) -> float:
    """The largest resident size of ``command``'s processes, in a process of its own.

    Measured there: this process's children over a whole session include browsers.
    """
    measure = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    result = subprocess.run(
        [sys.executable, "-c", measure, *command], capture_output=True, text=True
    )
    return int(result.stdout) / 1024


def bomb_line(text: str) -> int:
    """The line where the expansion passes the limit: its sixth level (9**6 values)."""
    return next(number for number, line in enumerate(text.splitlines(), 1) if "&f" in line)


def test_an_alias_bomb_in_mkdocs_yml_is_refused_at_its_line(tmp_path):
    options = "".join(f"      {line}\n" for line in bomb_under("pommi").splitlines())
    config = mkdocs_yml("attr_list") + "  - pymdownx.superfences:\n" + options
    root = make_site(tmp_path / "site", {"docs/sivu.md": PAGE}, config)
    result = build(root, timeout=30)
    where = f"{root / 'mkdocs.yml'}:{bomb_line(config)}"
    assert_one_line(result, where, "refused: aliases expand it to more than 100,000 values")
    command = [sys.executable, str(PROJECT_ROOT / "build.py"), "--course", str(root), "-q"]
    assert peak_memory_mb(command) < 500  # it once took 4.1 GB


def test_an_alias_bomb_in_a_nav_file_is_refused_at_its_line(tmp_path):
    config = mkdocs_yml("attr_list", rest="plugins:\n  - awesome-nav\n")
    nav = "nav:\n  - sivu.md\n" + bomb_under("pommi")
    root = make_site(tmp_path / "site", {"docs/sivu.md": PAGE, "docs/.nav.yml": nav}, config)
    result = build(root, timeout=30)
    where = f"{root / 'docs' / '.nav.yml'}:{bomb_line(nav)}"
    assert_one_line(result, where, "refused: aliases expand it to more than 100,000 values")


def test_an_alias_bomb_in_front_matter_is_refused_at_its_line(tmp_path):
    front = "---\n" + bomb_under("pommi") + "---\n"
    root = make_site(tmp_path / "site", {"docs/sivu.md": front + PAGE})
    result = build(root, timeout=30)
    where = f"{root / 'docs' / 'sivu.md'}:{bomb_line(front)}"
    assert_one_line(result, where, "front matter refused: aliases expand it to more than")


def test_yaml_nested_a_hundred_thousand_deep_is_an_error_not_a_crash(tmp_path):
    # libyaml's composer recursed once a level: this crashed the interpreter (SIGSEGV).
    front = "---\npommi: " + "[" * 100_000 + "]" * 100_000 + "\n---\n"
    root = make_site(tmp_path / "site", {"docs/sivu.md": front + PAGE})
    result = build(root, timeout=60)
    where = f"{root / 'docs' / 'sivu.md'}:2"
    assert_one_line(result, where, f"nested more than {limits.MAX_YAML_DEPTH} levels deep")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (ALIAS_BOMB, "aliases expand it to more than 100,000 values"),
        ("a: &a [1, *a]\n", "the alias *a is inside its own anchor"),
        ("a: " + "[" * 101 + "]" * 101, "nested more than 100 levels deep"),
        ("a: '" + "x" * 1_000_001 + "'", "characters, more than 1,000,000"),
    ],
)
def test_yaml_over_a_limit_is_refused_before_it_is_built(text, problem):
    import yaml

    for loader in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        with pytest.raises(YamlLimitError) as caught:
            check_bounds(text, loader)
        assert problem in caught.value.problem


def test_yaml_within_the_limits_is_left_to_the_loader():
    import yaml

    # 99 nested levels, 10 aliases of a 9-value list (100 values): all allowed.
    ok = (
        "a: " + "[" * 99 + "]" * 99 + "\nb: &b [1, 2, 3, 4, 5, 6, 7, 8]\nc: [" + "*b, " * 10 + "]\n"
    )
    check_bounds(ok, yaml.SafeLoader)
    check_bounds("a: [\n", yaml.SafeLoader)  # a syntax error: the loader reports it


def test_a_page_over_the_size_limit_is_refused(tmp_path):
    page = tmp_path / "iso.md"
    page.write_text(PAGE + "x" * limits.MAX_PAGE_BYTES, encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        load_lesson(page)
    assert caught.value.path == page and "larger than 1,000,000 bytes" in caught.value.message


def test_a_settings_file_over_the_size_limit_is_refused(tmp_path):
    config = mkdocs_yml("attr_list") + "#" * limits.MAX_SETTINGS_BYTES + "\n"
    root = make_site(tmp_path / "site", {"docs/sivu.md": PAGE}, config)
    with pytest.raises(BuildError) as caught:
        load_site(root)
    assert caught.value.path == root / "mkdocs.yml" and "larger than" in caught.value.message


# -- nav globs in linear time -------------------------------------------------------------------


def test_a_backtracking_glob_is_matched_in_linear_time():
    pattern = _pattern("osa", "*a*a*a*a*a*a*a*a*a*a*a*a*a*b", None, None)
    name = "osa/" + "a" * 40 + ".md"
    # In a child with a wall clock: a backtracking matcher never answers, and is killed.
    answer = limits.run_limited(
        lambda: str(pattern.matches(name, False)), cpu_seconds=10, memory_mb=256, wall_seconds=10
    )
    assert answer == "False"
    assert pattern.matches("osa/" + "a" * 40 + "b", False)


def test_a_backtracking_glob_in_a_nav_file_builds_in_seconds(tmp_path):
    config = mkdocs_yml("attr_list", rest="plugins:\n  - awesome-nav\n")
    nav = 'nav:\n  - sivu.md\n  - "*a*a*a*a*a*a*a*a*a*a*a*a*a*b"\n'
    name = "a" * 40 + ".md"
    files = {"docs/sivu.md": PAGE, f"docs/{name}": PAGE, "docs/.nav.yml": nav}
    root = make_site(tmp_path / "site", files, config)
    result = build(root, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (root / "out" / "sivu.html").exists()


def test_a_glob_over_the_length_limit_is_refused_at_its_line(tmp_path):
    config = mkdocs_yml("attr_list", rest="plugins:\n  - awesome-nav\n")
    nav = 'nav:\n  - sivu.md\n  - "' + "*a" * 600 + '"\n'
    root = make_site(tmp_path / "site", {"docs/sivu.md": PAGE, "docs/.nav.yml": nav}, config)
    result = build(root)
    assert_one_line(result, f"{root / 'docs' / '.nav.yml'}:3", "more than 1,000")


# -- output names never collide -----------------------------------------------------------------


def test_index_md_beside_index_page_md_is_refused_naming_both(tmp_path):
    root = make_site(
        tmp_path / "site",
        {"docs/index.md": PAGE, "docs/index-page.md": PAGE.replace("Sivu", "Toinen")},
    )
    result = build(root)
    first, second = root / "docs" / "index.md", root / "docs" / "index-page.md"
    assert_one_line(result, str(second), f"index-page.html would overwrite that of {first}")
    assert not (root / "out" / "index.html").exists()


def test_index_md_is_never_the_course_index(tmp_path):
    root = make_site(
        tmp_path / "site",
        {"docs/index.md": PAGE.replace("Sivu", "Etusivu"), "docs/osa/index.md": PAGE},
    )
    result = build(root)
    assert result.returncode == 0, result.stderr
    out = root / "out"
    assert {"index-page.html", "osa-index.html"} <= {path.name for path in out.iterdir()}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="index-page.html"' in index and "reveal" not in index


def test_no_page_may_take_the_course_indexs_file(tmp_path):
    # The names given to pages never make "index" (above); this is the wall behind that.
    from coursebuild.lesson.outputs import check_output_names

    page = tmp_path / "sivu.md"
    page.write_text(PAGE, encoding="utf-8")
    lesson = load_lesson(page, slug="index")
    with pytest.raises(BuildError) as caught:
        check_output_names([lesson])
    assert caught.value.path == page
    assert caught.value.message.startswith(
        "its output index.html would overwrite that of the course index"
    )
