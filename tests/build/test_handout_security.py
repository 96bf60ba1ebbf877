"""Typst sees only what it must: a lesson cannot read files into its handout (issue 10, item 3).

Each payload is a page of a tiny MkDocs site built by the real build.py:
raw Typst, image symlinks out of the course, snippets of outside files. The
evidence is what the build prints and writes: a one-line error naming the
page's line, exit 1, and no foreign content in any message or output
(pdftotext for PDFs). A normal page with every kind of image still builds,
byte for byte the same twice, with its images in the PDF. Below the build,
the Typst compile itself reads only the folder it is given, and the first
filter refuses a raw element that the HTML reader could one day make.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from coursebuild.core.errors import BuildError
from coursebuild.handout.compile import finish_typst, start_typst
from coursebuild.handout.guard import FOLDER_PREFIX, raise_refusals, raw_typst_line
from coursebuild.pandoc.run import HANDOUT_ARGUMENTS, language_arguments, pandoc_executable
from tests.support.course_factory import (
    ARITHMATEX,
    EMOJI,
    MERMAID_FENCE,
    make_course,
    mkdocs_yml,
    run_build,
)
from tests.support.images import png

MKDOCS_YML = mkdocs_yml(
    "pymdownx.snippets",
    "pymdownx.inlinehilite",
    "attr_list",
    "admonition",
    ARITHMATEX,
    EMOJI,
    MERMAID_FENCE,
)
HEAD = "# Sivu\n\n## Osio\n\n### Dia\n\nTeksti.\n\n"  # the payload starts on line 9
PAYLOAD_LINE = 9
MARKER = "VIERAS-SISALTO-7Q2X"  # the content of a file outside the course
PASSWORD_LINE = "root:x:"  # the first line of /etc/passwd

FINNISH = language_arguments("fi")  # a page's language and its words, as the build gives them


def make_site(root: Path, page: str, files: dict[str, str | bytes] | None = None) -> Path:
    make_course(root, {"mkdocs.yml": MKDOCS_YML, "docs/sivu.md": page, **(files or {})})
    (root / "course.toml").unlink()  # the site is the course
    return root


def build(root: Path, *arguments: str, stale: str | None = None) -> subprocess.CompletedProcess:
    """The real build into ``root/out``, with a temporary folder of its own to inspect.

    ``stale``: the name of a handout folder planted there first, as a killed build leaves one.
    """
    # Short: Chromium's socket path in it must stay under 108 characters.
    temporary = Path(tempfile.mkdtemp(prefix="hs-"))
    try:
        if stale:
            (temporary / stale).mkdir()
        result = run_build(
            root, "--out", str(root / "out"), *arguments, env={"TMPDIR": str(temporary)}
        )
        # Built or refused, no handout folder is left behind, nor a stale one.
        assert not list(temporary.glob(f"{FOLDER_PREFIX}*")), "a handout folder is left behind"
    finally:
        shutil.rmtree(temporary)
    return result


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout


def everything_written(root: Path) -> str:
    """The build's messages, every file it wrote, and the text of every PDF, as one string."""
    out = root / "out"
    files = sorted(path for path in out.rglob("*") if path.is_file()) if out.exists() else []
    texts = [path.read_bytes().decode("utf-8", "replace") for path in files]
    texts += [pdf_text(path) for path in files if path.suffix == ".pdf"]
    return "\n".join(texts)


def assert_refused(result, root: Path, message: str, secret: str) -> None:
    """Exit 1, one line naming the page and the payload's line, nothing of ``secret`` anywhere."""
    page = root / "docs" / "sivu.md"
    assert result.returncode == 1, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {page}:{PAYLOAD_LINE}: "), errors
    assert message in errors[0]
    assert secret not in result.stdout + result.stderr
    assert secret not in everything_written(root)
    assert not (root / "out" / "sivu.pdf").exists()


# -- raw Typst ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        '```{=typst}\n#raw(read("/etc/passwd"))\n```\n',
        'Tiedosto: `#raw(read("/etc/passwd"))`{=typst} loppu.\n',
        '~~~ { = typst }\n#raw(read("/etc/passwd"))\n~~~\n',
    ],
    ids=["block", "inline", "tilde-fence"],
)
def test_raw_typst_in_a_lesson_is_refused_at_its_line(tmp_path, payload):
    root = make_site(tmp_path, HEAD + payload)
    result = build(root)
    assert_refused(result, root, "raw Typst ({=typst}) is not allowed in a lesson", "root:")


def test_typst_in_code_and_html_classes_stays_text(tmp_path):
    """Code about Typst, and HTML naming it as a class or format, is shown as code, never run."""
    page = HEAD + (
        '````markdown\n```{=typst}\n#read("/etc/hostname")\n```\n````\n\n'
        "Kirjoita `{=typst}` aidan perään.\n\n"
        '<pre class="typst"><code>#raw(read("/etc/passwd"))</code></pre>\n\n'
        '<div class="raw" data-format="typst">#raw(read("/etc/passwd"))</div>\n\n'
        '<p><code class="typst">#read("/etc/passwd")</code></p>\n'
    )
    root = make_site(tmp_path, page)
    result = build(root)
    assert result.returncode == 0, result.stderr
    text = pdf_text(root / "out" / "sivu.pdf")
    assert 'read("/etc/passwd")' in text  # shown as code…
    assert PASSWORD_LINE not in everything_written(root)  # …and not run


def test_typst_code_smuggled_through_math_reads_nothing_outside_the_handout(tmp_path):
    """Typst code that gets through a filter still finds only the handout's own folder.

    typst_math.lua writes all formulas in one Pandoc run, cut apart at a marker
    line; a ``\\text{}`` holding that marker shifts the cuts, and the Typst after
    it is read as code. With the old root ``/`` this printed /etc/passwd.
    """
    cut = r"\text{c// typst_math.lua: next formula}"
    passwd = ",".join(str(byte) for byte in b"/etc/passwd")  # a path without quotes
    page = (
        f"# Sivu\n\n## Osio\n\n${cut}$ w $\\text{{a// typst_math.lua: next formula}} \\; x$"
        f" w $\\text{{#raw(read(str(bytes(({passwd})))))}}$ w ${cut}$\n"
    )
    root = make_site(tmp_path, page)
    result = build(root)
    assert PASSWORD_LINE not in result.stdout + result.stderr + everything_written(root)
    # typst_math.lua sees the marker in a formula and writes formulas one by one:
    # the text is printed as text, and nothing after it turns into code.
    assert result.returncode == 0, result.stderr
    text = pdf_text(root / "out" / "sivu.pdf")
    assert "#raw(read(str(bytes((47,101" in text.replace("\n", "")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a\n\n```{=typst}\nx\n```\n", 3),
        ("a\n\n- kohta\n\n    ```{=TYPST}\n    x\n    ```\n", 5),
        ("!!! note\n    Katso `x`{=typst}.\n", 2),
        ("`a` ja `b\njatkuu`{=typst}\n", 2),
        ("````md\n```{=typst}\nx\n```\n````\n\n`x`{=typst}\n", 7),
        ("Kirjoita `{=typst}` tai `a` ja `{=typst}`.\n", None),
        ("```python\nx = '`a`{=typst}'\n```\n", None),
        ("``koodi`{=typst}`` on koodia\n", None),
    ],
)
def test_raw_typst_line_finds_fences_and_code_spans_only(text, line):
    assert raw_typst_line(text) == line


def test_first_filter_refuses_raw_typst_that_a_reader_makes():
    """mkdocs.lua drops a raw Typst element and marks it; the build raises it at its line.

    Pandoc's HTML reader makes none today, so Pandoc's Markdown reader stands in for
    a reader that would: the filter, not the Python check, refuses it here.
    """
    source = 'Teksti.\n\nToinen `#raw(read("/etc/passwd"))`{=typst} rivi.\n'
    command = [pandoc_executable(), "--from=markdown", *HANDOUT_ARGUMENTS, *FINNISH]
    result = subprocess.run(command, input=source, capture_output=True, text=True, check=True)
    assert "read(" not in result.stdout  # dropped, not written
    warnings = [line for line in result.stderr.splitlines() if line.startswith("[WARNING]")]
    with pytest.raises(BuildError) as raised:
        raise_refusals(warnings, Path("sivu.md"), source)
    assert str(raised.value) == "sivu.md:3: raw Typst is not allowed in a lesson"


def test_handout_filter_refuses_an_image_the_build_did_not_check():
    """An image outside the build's map of checked files (raw HTML <img>) never reaches Typst."""
    page = '<p><img src="/etc/hostname" alt="x"></p>\n<p><img src="/kuvat/ok.png" alt="y"></p>\n'
    names = '--metadata=handout-files={"/kuvat/ok.png": "img-1.png"}'
    command = [pandoc_executable(), "--from=html", *HANDOUT_ARGUMENTS, *FINNISH, names]
    result = subprocess.run(command, input=page, capture_output=True, text=True, check=True)
    assert "/etc/hostname" not in result.stdout
    # A checked one by its name in the folder, with its alt text (PDF/UA).
    assert 'image("img-1.png", alt: "y")' in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.startswith("[WARNING]")]
    with pytest.raises(BuildError, match=r"^sivu.md:1: image /etc/hostname is not one"):
        raise_refusals(warnings, Path("sivu.md"), page)


# -- the compile's root -------------------------------------------------------------


def compile_in(root: Path, source: str) -> bytes:
    return finish_typst(start_typst(0), source, Path("sivu.md"), root)


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ('#read("/etc/hostname")', "file not found (searched at /etc/hostname)"),
        ('#read("../../../../etc/hostname")', "would escape the project root"),
        ('#image("/etc/hostname")', "file not found (searched at /etc/hostname)"),
    ],
)
def test_typst_reads_nothing_outside_its_root(tmp_path, source, reason):
    with pytest.raises(BuildError) as raised:
        compile_in(tmp_path, source)
    message = str(raised.value)
    assert message.startswith("sivu.md: Typst cannot typeset the handout:"), message
    assert reason in message
    assert str(tmp_path) not in message  # the temporary root is not named


def test_typst_reads_a_file_inside_its_root(tmp_path):
    """The control: the folder given is the root, so its files are what Typst reads."""
    (tmp_path / "sisalla.txt").write_text("Sisalla42", encoding="utf-8")
    pdf = tmp_path / "out.pdf"
    source = '#set document(title: "t")\n#read("sisalla.txt") #read("/sisalla.txt")'
    pdf.write_bytes(compile_in(tmp_path, source))
    assert pdf_text(pdf).split() == ["Sisalla42", "Sisalla42"]


# -- files the page points at -----------------------------------------------------------


@pytest.fixture
def outside_file(tmp_path_factory) -> Path:
    """A file outside the course, holding the marker (an SVG that would show it)."""
    folder = tmp_path_factory.mktemp("outside")
    path = folder / "vieras.svg"
    path.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40">'
        f'<text x="5" y="30">{MARKER}</text></svg>\n',
        encoding="utf-8",
    )
    return path


def test_image_symlink_out_of_the_course_is_refused(tmp_path, outside_file):
    root = make_site(tmp_path / "site", HEAD + "![](images/kuva.svg)\n\n**Kuva 1:** Kuva.\n")
    (root / "docs" / "images").mkdir()
    (root / "docs" / "images" / "kuva.svg").symlink_to(outside_file)
    result = build(root)
    assert_refused(result, root, "image images/kuva.svg leaves the course folder", MARKER)


def test_image_symlink_to_the_password_file_is_refused_without_its_content(tmp_path):
    root = make_site(tmp_path, HEAD + "![](images/salasanat.svg)\n\n**Kuva 1:** Kuva.\n")
    (root / "docs" / "images").mkdir()
    (root / "docs" / "images" / "salasanat.svg").symlink_to("/etc/passwd")
    result = build(root)
    assert_refused(result, root, "image images/salasanat.svg leaves the course folder", "root:")


def test_symlinked_folder_out_of_the_course_is_refused(tmp_path, outside_file):
    root = make_site(tmp_path / "site", HEAD + "![](images/vieras.svg)\n\n**Kuva 1:** Kuva.\n")
    (root / "docs" / "images").symlink_to(outside_file.parent, target_is_directory=True)
    result = build(root)
    assert_refused(result, root, "leaves the course folder", MARKER)


def test_raw_html_image_of_an_outside_file_is_refused(tmp_path, outside_file):
    page = tmp_path / "site" / "docs" / "sivu.md"
    relative = os.path.relpath(outside_file, page.parent)
    root = make_site(tmp_path / "site", HEAD + f'<img src="{relative}" alt="x">\n')
    result = build(root)
    assert_refused(result, root, f"image {relative} leaves the course folder", MARKER)


def test_raw_html_image_of_an_absolute_path_is_looked_for_in_the_site_only(tmp_path, outside_file):
    """``/x`` is the site's root, as the site served shows it: a card, never the file at /x."""
    root = make_site(tmp_path / "site", HEAD + f'<img src="{outside_file}" alt="x">\n')
    result = build(root)
    assert result.returncode == 0, result.stderr
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert f"image {outside_file}: not found" in warning
    assert f"no file {root / 'docs' / str(outside_file).lstrip('/')}" in warning
    assert MARKER not in everything_written(root)


def test_snippet_symlink_out_of_the_site_is_refused(tmp_path, outside_file):
    root = make_site(tmp_path / "site", HEAD + '--8<-- "muistiinpanot.md"\n')
    (root / "muistiinpanot.md").symlink_to(outside_file)
    result = build(root)
    assert_refused(result, root, "snippet 'muistiinpanot.md' leads outside the site folder", MARKER)


def test_snippet_of_an_absolute_outside_path_is_refused(tmp_path):
    root = make_site(tmp_path, HEAD + '--8<-- "/etc/passwd"\n')
    result = build(root)
    assert_refused(result, root, "'/etc/passwd' leads outside the site folder", "root:")


# -- a normal page ------------------------------------------------------------------------

NORMAL_PAGE = (
    HEAD
    + """\
Käärme :snake: ja hymy :smile:.

![](images/leveä kuva.png)

**Kuva 1:** Leveä punainen.

![](images/kapea.png)

**Kuva 2:** Kapea punainen.

![](../images/100_ShallowReLU.svg)

**Kuva 3:** ReLU.

```mermaid
graph LR
  Alfasolmu --> Beetasolmu
```

!!! note "Sama kuva uudestaan"
    ![Kapea punainen kuva](images/kapea.png)
"""
)


@pytest.fixture(scope="module")
def normal_site(tmp_path_factory):
    """A page with every kind of image, built twice (the second time with one process)."""
    root = make_site(
        tmp_path_factory.mktemp("normal"),
        NORMAL_PAGE,
        {"docs/images/leveä kuva.png": png(64, 24), "docs/images/kapea.png": png(12, 30)},
    )
    first = build(root, stale=f"{FOLDER_PREFIX}{2**22 + 7}-vanha")  # of a process long gone
    assert first.returncode == 0, first.stderr
    pdf = (root / "out" / "sivu.pdf").read_bytes()
    (root / "out").rename(root / "first")
    # The diagram from the first build's cache (drawing it is Chromium's work, not Typst's).
    shutil.copytree(root / "first" / ".cache", root / "out" / ".cache")
    second = build(root, "-j", "1")
    assert second.returncode == 0, second.stderr
    return root, pdf, (root / "out" / "sivu.pdf").read_bytes()


def test_normal_page_shows_its_images_figure_diagram_and_emoji(normal_site):
    root, _, _ = normal_site
    listing = subprocess.run(
        ["pdfimages", "-list", str(root / "out" / "sivu.pdf")], capture_output=True, text=True
    ).stdout
    sizes = sorted(tuple(map(int, line.split()[3:5])) for line in listing.splitlines()[2:])
    assert sizes == [(12, 30), (12, 30), (64, 24)]  # each PNG, the narrow one twice
    text = pdf_text(root / "out" / "sivu.pdf")
    assert "Alfasolmu" in text and "Beetasolmu" in text  # the diagram's SVG
    for caption in ("Kuva 1: Leveä punainen.", "Kuva 2: Kapea punainen.", "Kuva 3: ReLU."):
        assert caption in " ".join(text.split())


def test_normal_page_builds_byte_identical_twice(normal_site):
    _, first, second = normal_site
    assert first == second


def test_handout_folder_holds_only_what_the_page_shows(tmp_path, monkeypatch):
    """Copies under neutral names in order of first use; the folder goes when the block ends."""
    from coursebuild.handout.guard import handout_folder

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    (tmp_path / "a b.PNG").write_bytes(png(2, 2))
    (tmp_path / "kuva.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "salainen.txt").write_text(MARKER, encoding="utf-8")
    files = [str(tmp_path / "kuva.svg"), str(tmp_path / "a b.PNG"), str(tmp_path / "kuva.svg")]
    with handout_folder(files, Path("sivu.md")) as (folder, names):
        assert names == {files[0]: "img-1.svg", files[1]: "img-2.png"}
        assert sorted(path.name for path in folder.iterdir()) == ["img-1.svg", "img-2.png"]
        assert (folder / "img-2.png").read_bytes() == png(2, 2)
        assert folder.stat().st_mode & 0o077 == 0  # private to the build's user
    assert not folder.exists()
    assert re.fullmatch(rf"{FOLDER_PREFIX}{os.getpid()}-\w+", folder.name)
