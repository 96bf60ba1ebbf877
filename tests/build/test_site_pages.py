"""A site builds every page it can: a page's errors fail that page alone."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.course_factory import make_course, outputs, run_build
from tests.support.images import png

SITE = "site_name: Sivukurssi\ntheme:\n  name: material\n  language: fi\n"
GOOD = "# Hyvä {n}\n\n## Osio\n\nProosaa {n}.\n"
# Its image is damaged (no image header): an error. A missing one would be a card.
BROKEN = "# Rikki\n\n## Osio\n\n![Kuvaus](kuva.png)\n\n**Kuva 1:** Kuvaus.\n"
DAMAGED = b"ei kuva"
NOT_YAML = "---\ntitle: [auki\n---\n\n# Ei luettu\n"
SUMMARY = re.compile(r"^(\d+) built, (\d+) failed, (\d+) warnings; ")


def site(root: Path, pages: dict[str, str]) -> Path:
    course = make_course(root, {"mkdocs.yml": SITE, **pages})
    (course / "course.toml").unlink()  # the site is the course
    return course


def lesson_outputs(out: Path, slug: str) -> dict[str, bytes]:
    return {name: data for name, data in outputs(out).items() if name.startswith(slug + ".")}


def index_entry(out: Path, title: str) -> str:
    """The index's list item for the page titled ``title``."""
    page = (out / "index.html").read_text(encoding="utf-8")
    items = page.split('<li class="lesson">')[1:]
    found = [item.split("</ol>")[0] for item in items if f">{title}</h" in item]
    assert len(found) == 1, (title, items)
    return found[0]


def test_a_broken_page_fails_alone_lists_its_error_and_the_others_are_written(tmp_path):
    course = site(
        tmp_path / "kurssi",
        {
            "docs/a.md": GOOD.format(n=1),
            "docs/b.md": BROKEN,
            "docs/kuva.png": DAMAGED,
            "docs/c.md": GOOD.format(n=3),
        },
    )
    out = tmp_path / "out"
    result = run_build(course, "--out", str(out))
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert errors[0].startswith(f"error: {course / 'docs' / 'b.md'}:5: ")
    assert "kuva.png" in errors[0] and "no size in its header" in errors[0]
    assert SUMMARY.match(errors[-1]).groups() == ("2", "1", "0"), errors[-1]
    assert len(errors) == 2, errors
    built = outputs(out)
    assert {"a.html", "a.pdf", "c.html", "c.pdf", "index.html"} <= set(built)
    assert not lesson_outputs(out, "b")
    # The index lists it, unavailable, without links; the others with theirs.
    broken = index_entry(out, "Rikki")
    assert 'class="unavailable"' in broken and "<a " not in broken
    good = index_entry(out, "Hyvä 1")
    assert 'href="a.html"' in good and 'class="unavailable"' not in good


def test_a_page_that_breaks_keeps_its_last_good_outputs(tmp_path):
    course = site(tmp_path / "kurssi", {"docs/a.md": GOOD.format(n=1), "docs/b.md": BROKEN})
    out = tmp_path / "out"
    (course / "docs" / "kuva.png").write_bytes(png(40, 30))
    first = run_build(course, "--out", str(out))
    assert first.returncode == 0, first.stderr
    assert first.stdout.rstrip().endswith(": 2 built, 0 failed, 0 warnings")
    good_b = lesson_outputs(out, "b")
    assert set(good_b) == {"b.html", "b.pdf"}

    (course / "docs" / "kuva.png").write_bytes(DAMAGED)
    (course / "docs" / "a.md").write_text(GOOD.format(n=11), encoding="utf-8")
    second = run_build(course, "--out", str(out))
    assert second.returncode == 1
    assert lesson_outputs(out, "b") == good_b  # kept, not removed as gone
    assert "Hyvä 11" in (out / "a.html").read_text(encoding="utf-8")
    assert 'class="unavailable"' in index_entry(out, "Rikki")

    # Fixed again: built, and the index shows its files.
    (course / "docs" / "b.md").write_text(GOOD.format(n=2), encoding="utf-8")
    third = run_build(course, "--out", str(out))
    assert third.returncode == 0, third.stderr
    assert 'href="b.html"' in index_entry(out, "Hyvä 2")


def test_a_page_that_cannot_be_read_is_listed_by_its_file_name(tmp_path):
    course = site(
        tmp_path / "kurssi", {"docs/a.md": GOOD.format(n=1), "docs/ei_luettu.md": NOT_YAML}
    )
    out = tmp_path / "out"
    result = run_build(course, "--out", str(out))
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert errors[0].startswith(f"error: {course / 'docs' / 'ei_luettu.md'}:3: front matter")
    assert SUMMARY.match(errors[-1]).groups() == ("1", "1", "0")
    assert 'class="unavailable"' in index_entry(out, "Ei luettu")  # as MkDocs titles it
    assert set(lesson_outputs(out, "a")) == {"a.html", "a.pdf"}


def test_strict_fails_the_pages_with_warnings_only(tmp_path):
    todo = "# Kesken\n\n## Osio\n\nProosaa.\n\n## Myöhemmin\n\nTODO\n"
    course = site(tmp_path / "kurssi", {"docs/a.md": GOOD.format(n=1), "docs/kesken.md": todo})
    out = tmp_path / "out"
    relaxed = run_build(course, "--out", str(tmp_path / "relaxed"))
    assert relaxed.returncode == 0, relaxed.stderr
    assert relaxed.stderr.count("warning: ") == 1
    assert relaxed.stdout.rstrip().endswith(": 2 built, 0 failed, 1 warnings")
    strict = run_build(course, "--out", str(out), "--strict")
    assert strict.returncode == 1
    lines = strict.stderr.strip().splitlines()
    assert lines[0].startswith("warning: ") and "kesken.md:7" in lines[0]
    assert "--strict" in lines[1] and "kesken.md" in lines[1]
    assert SUMMARY.match(lines[-1]).groups() == ("1", "1", "1")
    assert set(lesson_outputs(out, "a")) == {"a.html", "a.pdf"}
    assert not lesson_outputs(out, "kesken")


def test_a_site_root_image_path_is_found_in_the_docs_folder_and_never_outside_it(tmp_path):
    page = "# Juuri\n\n## Osa\n\n![Kaavio](/assets/x.png)\n\n**Kuva 1:** Kaavio.\n"
    course = site(tmp_path / "kurssi", {"docs/osa/sivu.md": page, "docs/assets/x.png": png(30, 20)})
    out = tmp_path / "out"
    result = run_build(course, "--out", str(out))
    assert result.returncode == 0, result.stderr
    deck = (out / "sivu.html").read_text(encoding="utf-8")
    assert deck.count("data:image/png;base64,") == 1  # the image, embedded
    # The site's root is its docs folder: "/.." leads out of it, and is refused.
    (tmp_path / "kurssi" / "salainen.png").write_bytes(png(30, 20))
    escaping = page.replace("/assets/x.png", "/../salainen.png")
    (course / "docs" / "osa" / "sivu.md").write_text(escaping, encoding="utf-8")
    refused = run_build(course, "--out", str(out))
    assert refused.returncode == 1
    assert "sivu.md:5: image /../salainen.png leaves the course folder" in refused.stderr
