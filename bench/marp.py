"""The peer: Marp CLI, installed into bench/.marp, and its commands for the same lesson."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bench.settings import CHROMIUM, ENV, ROOT

MARP_VERSION = "4.5.1"
MARP_DIR = ROOT / "bench" / ".marp"
MARP = MARP_DIR / "node_modules" / ".bin" / "marp"


def marp_env() -> dict[str, str]:
    return {
        **ENV,
        "CHROME_PATH": CHROMIUM,
        "CHROME_NO_SANDBOX": "1",  # Chromium refuses its sandbox as root
        "PUPPETEER_SKIP_DOWNLOAD": "1",  # never download a browser
    }


def install_marp() -> None:
    package = MARP_DIR / "node_modules" / "@marp-team" / "marp-cli" / "package.json"
    if package.exists() and f'"version": "{MARP_VERSION}"' in package.read_text("utf-8"):
        return
    print(f"bench: installing @marp-team/marp-cli@{MARP_VERSION} into {MARP_DIR}", flush=True)
    subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(MARP_DIR),
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            f"@marp-team/marp-cli@{MARP_VERSION}",
        ],
        env=marp_env(),
        check=True,
    )


def marp_page(course_dir: Path, out: Path, work: Path) -> Path:
    """The first lesson's Markdown for Marp: Jinja filled, TODO sections out, images resolved
    (after a build of ``course_dir`` into ``out`` has drawn the figures it shows)."""
    from bench.stages import built_figures
    from coursebuild.reading import dialect
    from coursebuild.reading.course import load_course
    from coursebuild.reading.images import resolve_page_image
    from coursebuild.reading.jinja_fill import render_lesson
    from coursebuild.reading.lesson_file import find_lessons, load_lesson
    from coursebuild.reading.template_data import lesson_context

    course = load_course(course_dir / "course.toml")
    lesson = load_lesson(find_lessons(course.lessons_dir)[0])
    figures = built_figures(out)
    body = render_lesson(lesson.body, lesson.body_first_line, lesson.source, lesson_context(course))
    body = dialect.drop_placeholder_sections(body)
    source = lesson.raw.decode("utf-8")
    for target in {reference.target for reference in dialect.image_references(body)}:
        path = resolve_page_image(
            target, lesson.source, source, course.docs_dir, figures.folder, set(figures.names)
        )
        body = body.replace(f"]({target}", f"]({path}")
    page = work / "lesson.md"
    page.write_text(body, encoding="utf-8")
    return page


def marp_commands(markdown: Path, work: Path) -> dict[str, dict]:
    """Marp gets the lesson's Markdown (marp_page), with a slide at each heading down to ###."""
    page = work / "marp.md"
    text = markdown.read_text(encoding="utf-8")
    page.write_text("---\nmarp: true\nheadingDivider: 3\n---\n\n" + text, encoding="utf-8")
    marp = [str(MARP), "--no-config-file", str(page)]
    # Marp leaves a Chromium profile in the temporary folder: keep it in ours.
    (work / "marp-tmp").mkdir()
    env = {**marp_env(), "TMPDIR": str(work / "marp-tmp")}
    return {
        "html": {"command": [*marp, "-o", str(work / "marp.html")], "env": env},
        "pdf": {
            "command": [*marp, "--pdf", "--allow-local-files", "-o", str(work / "marp.pdf")],
            "env": env,
        },
    }


def marp_many_command(markdown: Path, work: Path, count: int) -> dict:
    """Marp converting ``count`` copies of the lesson to PDF in one run (``--input-dir``):
    the peer of a clean build of a ``count``-lesson course, for its memory."""
    (work / "one").mkdir(parents=True)
    single = marp_commands(markdown, work / "one")
    text = (work / "one" / "marp.md").read_text(encoding="utf-8")
    decks, out = work / "decks", work / "out"
    decks.mkdir(parents=True)
    for number in range(count):
        (decks / f"lesson-{number:03d}.md").write_text(text, encoding="utf-8")
    marp = [str(MARP), "--no-config-file", "--input-dir", str(decks)]
    return {
        "command": [*marp, "--pdf", "--allow-local-files", "-o", str(out / "pdf")],
        "env": single["pdf"]["env"],
    }
