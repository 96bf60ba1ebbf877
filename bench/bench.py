#!/usr/bin/env python3
"""Build speed and scale, measured against the bare tools and a peer (issue 5).

    make bench                                # the full run: about 8–9 minutes on 2 cores
    .venv/bin/python bench/bench.py --quick   # 3 runs, a 20-lesson course, while developing

Every time is a whole command run as a subprocess, timed with perf_counter from
start to reap, with SOURCE_DATE_EPOCH fixed: the median of several runs, min–max
in brackets. Runs of things that are compared are interleaved (floor, figures,
clean build, no-op, edit; then the next round), so a busy moment on the machine
hits all of them alike. Nothing in the project is modified: the courses live in
a temporary folder, the figure edit is made in a temporary copy of the code,
and the corpus sites (read-only) are built and edited in temporary copies.

- floor: the pipeline's own tool calls for the first lesson, one after another,
  with the inputs the pipeline gives them (the page's HTML from lesson_html and
  the handout's Typst source, made by coursebuild itself, untimed): Pandoc (HTML
  in, with the build's `--metadata=lang=…`) to reveal.js slides, Pandoc to
  Typst, and the Typst compile (the build's own `python -S` Typst child).
- a site's floor: the same three calls for every page of an MkDocs site of the
  corpus (../shared/corpus), summed. The bare tools draw no mermaid diagram; the
  diagrams alone, in one browser session, are a reference row of their own.
- one browser start: a fresh interpreter that imports Playwright, launches the
  project's Chromium and opens a page, as a build does for its layout pass;
  builds that make a deck are compared with the floor plus this.
- figures alone: the five figures in a fresh interpreter, timed inside it, so
  without interpreter start-up: numpy and matplotlib imports, computation,
  drawing, SVG.
- memory: the build's whole process tree (build.py, its lesson workers, the
  figure process and the pandoc and Typst processes) is sampled every 50 ms;
  the number is the peak of the *sum* of the processes' proportional set sizes
  (PSS: pages that forked processes share count once). The largest single
  process (peak RSS, exact, from wait4) is given too.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PYTHON = sys.executable
BUILD = ROOT / "build.py"
EPOCH = "1700000000"
MARP_VERSION = "4.5.1"
MARP_DIR = ROOT / "bench" / ".marp"
MARP = MARP_DIR / "node_modules" / ".bin" / "marp"
CHROMIUM = "/usr/bin/chromium"
CORPUS = ROOT.parent / "shared" / "corpus"  # the instructor's sites, read-only in CI
# The corpus sites, each with the page its text edit changes: one with mermaid diagrams.
SITES = {
    "syvaoppiminen": "docs/aikasarjat/aikasarjat.md",
    "ml-perusteet": "docs/3_puut/puu.md",
}
ENV = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
ENV.pop("PANDOC", None)  # the pipeline and the floor use the same Pandoc
SAMPLE_SECONDS = 0.05
STARTED = time.perf_counter()

# The figures alone, timed inside a fresh interpreter (so without its start-up):
# importing numpy and matplotlib, the network's computation, drawing, SVG.
FIGURES_SNIPPET = """\
import importlib, sys, time
started = time.perf_counter()
from coursebuild.figure_files import render_figure
from figures.catalogue import FIGURES
for spec in FIGURES:
    importlib.import_module(spec.module)  # numpy, matplotlib and the figure code
times = {"imports": time.perf_counter() - started}
for spec in FIGURES:
    begun = time.perf_counter()
    render_figure(spec, sys.argv[1])
    times[spec.name] = time.perf_counter() - begun
print(time.perf_counter() - started)
for name, seconds in times.items():
    print(name, seconds)
"""

# The page read by Python-Markdown alone, timed inside a fresh interpreter once
# the course and page are loaded (as a build has them): importing the reader and
# the extensions, setting the Markdown instance up, converting the page. Then
# the page again, with the instance set up: the conversion alone.
# What a build that makes a deck pays once for its layout pass: Playwright,
# Chromium, one page at the deck's size.
BROWSER_SNIPPET = """\
from coursebuild.browser.chromium import open_browser
with open_browser() as browser:
    browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
"""

MARKDOWN_SNIPPET = """\
import sys, time
from pathlib import Path
from coursebuild.reading.course import open_course
from coursebuild.lesson.make import lesson_html
from coursebuild.reading.lesson_file import load_lesson
course, lesson = open_course(Path(sys.argv[1])), load_lesson(Path(sys.argv[2]))
out = Path(sys.argv[3])
names = {path.stem for path in (out / "images").glob("*.svg")}
arguments = (lesson, course, out / "images", names, out / ".cache" / "mermaid")
started = time.perf_counter()
import coursebuild.reading.html_bridge, coursebuild.markdown_reader
imported = time.perf_counter()
lesson_html(*arguments)
first = time.perf_counter()
lesson_html(*arguments)
print(first - started, imported - started, first - imported, time.perf_counter() - first)
"""

# A site's mermaid diagrams alone, in one browser session, timed inside a fresh
# interpreter: importing Playwright, starting Chromium, rendering, the SVG files.
MERMAID_SNIPPET = """\
import json, sys, time
from pathlib import Path
started = time.perf_counter()
from coursebuild.browser.mermaid import render_diagrams
render_diagrams(json.loads(Path(sys.argv[1]).read_text("utf-8")), Path(sys.argv[2]))
print(time.perf_counter() - started)
"""


# -- running and measuring ------------------------------------------------------


@dataclass
class Run:
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    max_rss_mb: float  # the largest single process of the tree (wait4 ru_maxrss)
    cpu_seconds: float = 0.0  # user + system time of the whole tree
    tree_pss_mb: float | None = None  # peak of the tree's summed PSS, when sampled
    tree_peak: str = ""  # the processes at that peak, when sampled


def process_parents() -> dict[int, int]:
    parents = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stream:
                stat = stream.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and brackets.
        fields = stat[stat.rindex(b")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
    return parents


def tree_pss_kb(root: int) -> list[tuple[str, int]]:
    """(name, PSS in kB) of ``root`` and each of its descendants."""
    children: dict[int, list[int]] = {}
    for pid, parent in process_parents().items():
        children.setdefault(parent, []).append(pid)
    sizes, todo = [], [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as stream:
                program = stream.read().split(b"\0")[0].decode(errors="replace")
            # Chromium rewrites its argv[0] into its whole command line, spaces and all.
            name = os.path.basename(program.split(" ")[0])
            with open(f"/proc/{pid}/smaps_rollup", "rb") as stream:
                for line in stream:
                    if line.startswith(b"Pss:"):
                        sizes.append((name, int(line.split()[1])))
                        break
        except OSError:
            continue
    return sizes


class TreeMemory(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.peak_sizes: list[tuple[str, int]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            sizes = tree_pss_kb(self.pid)
            total = sum(size for _, size in sizes)
            if total > self.peak_kb:
                self.peak_kb, self.peak_sizes = total, sizes
            self.stopped.wait(SAMPLE_SECONDS)


def run(
    command: list[str],
    *,
    cwd: Path | None = None,
    stdin: Path | None = None,
    memory: bool = False,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> Run:
    """Run ``command`` to completion; time it from start to reap."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        open(stdin, "rb") if stdin else nullcontext(subprocess.DEVNULL) as source,
    ):
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=env or ENV, stdin=source, stdout=out, stderr=err
        )
        sampler = TreeMemory(process.pid) if memory else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if sampler:
            sampler.stopped.set()
            sampler.join()
        out.seek(0)
        err.seek(0)
        result = Run(
            seconds,
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss / 1024,
            usage.ru_utime + usage.ru_stime,
        )
    if sampler:
        result.tree_pss_mb = sampler.peak_kb / 1024
        result.tree_peak = " + ".join(
            f"{name or '?'} {size / 1024:.0f}" for name, size in sampler.peak_sizes
        )
    if check and result.returncode != 0:
        raise SystemExit(
            f"bench: failed ({result.returncode}): {' '.join(map(str, command))}\n{result.stderr}"
        )
    return result


@dataclass
class Timing:
    runs: list[Run] = field(default_factory=list)

    @property
    def seconds(self) -> list[float]:
        return [run.seconds for run in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def text(self) -> str:
        if len(self.runs) == 1:
            return f"{self.median:.3f} s (1 run)"
        low, high = min(self.seconds), max(self.seconds)
        return f"{self.median:.3f} s ({low:.3f}–{high:.3f}, {len(self.runs)} runs)"


def measure(times: int, command: list[str], before=None, **options) -> Timing:
    """Run ``command`` ``times`` times; ``before()`` (untimed) prepares each run."""
    timing = Timing()
    for attempt in range(times):
        if before:
            before(attempt)
        timing.runs.append(run(command, **options))
    return timing


def build_command(course: Path, out: Path, *extra: str) -> list[str]:
    return [PYTHON, str(BUILD), "--course", str(course), "--out", str(out), "-q", *extra]


def snapshot(out: Path) -> dict[str, tuple[int, int]]:
    """Each output's (inode, mtime): the build replaces a file it writes."""
    files = {}
    for path in out.rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            stat = path.stat()
            files[str(path.relative_to(out))] = (stat.st_ino, stat.st_mtime_ns)
    return files


def changed(before: dict, after: dict) -> set[str]:
    return {name for name, key in after.items() if before.get(name) != key}


# -- courses --------------------------------------------------------------------


def first_lesson() -> Path:
    from coursebuild.reading.course import load_course
    from coursebuild.reading.lesson_file import find_lessons

    return find_lessons(load_course(ROOT / "course.toml").lessons_dir)[0]


def make_course(folder: Path, lessons: dict[str, str]) -> Path:
    """course.toml and slides/models.toml from the project, and the given pages."""
    (folder / "slides").mkdir(parents=True)
    shutil.copy(ROOT / "course.toml", folder / "course.toml")
    models = first_lesson().parent / "models.toml"
    if models.exists():
        shutil.copy(models, folder / "slides" / "models.toml")
    for name, text in lessons.items():
        (folder / "slides" / name).write_text(text, encoding="utf-8")
    return folder


TITLE_LINE = re.compile(r"^#[ ]+(.+?)[ ]*$", re.MULTILINE)
PRIORITY = re.compile(r"^priority:.*$", re.MULTILINE)


def with_paragraph(page: str, paragraph: str) -> str:
    """The page with ``paragraph`` right after its '# Title' line."""
    match = TITLE_LINE.search(page)
    return page[: match.end()] + "\n\n" + paragraph + page[match.end() :]


def synthetic_lesson(page: str, number: int, words: list[str]) -> str:
    """The first lesson with its own title, priority and an introduction of its own."""
    rng = random.Random(number)
    sentences = []
    for _ in range(rng.randint(3, 6)):
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(6, 14)))
        sentences.append(sentence.capitalize() + ".")
    introduction = f"Oppitunti {number}. " + " ".join(sentences)
    page = PRIORITY.sub(f"priority: {number}", page, count=1)
    page = TITLE_LINE.sub(lambda m: f"# {m.group(1)}, osa {number}", page, count=1)
    return with_paragraph(page, introduction)


def synthetic_course(folder: Path, count: int) -> Path:
    page = first_lesson().read_text(encoding="utf-8")
    words = sorted(set(re.findall(r"(?<![\w{])[a-zäöå]{4,}(?![\w}])", page)))
    lessons = {
        f"{number:03d}_oppitunti.md": synthetic_lesson(page, number, words)
        for number in range(1, count + 1)
    }
    return make_course(folder, lessons)


def without_figure(page: str, figure: str) -> str:
    """The page with the image of ``figure`` and its caption paragraph taken out."""
    pattern = rf"!\[[^\]]*\]\([^)]*{re.escape(figure)}\.svg\)\n+(\*\*Kuva[^\n]*\n(?:[^\n]+\n)*)?"
    return re.sub(pattern, "", page)


class TextEdit:
    """Each call changes a paragraph under the lesson's title (untimed preparation)."""

    def __init__(self, page: Path) -> None:
        self.page = page
        self.original = page.read_text(encoding="utf-8")
        self.count = 0

    def __call__(self, _attempt: int = 0) -> None:
        self.count += 1
        paragraph = f"Muokkaus {self.count}: opettaja tarkensi tätä kappaletta luennolle."
        self.page.write_text(with_paragraph(self.original, paragraph), encoding="utf-8")


class FigureEdit:
    """Each call changes what a figure module draws (untimed preparation)."""

    def __init__(self, module: Path) -> None:
        self.module = module
        self.original = module.read_text(encoding="utf-8")
        self.count = 0

    def __call__(self, _attempt: int = 0) -> None:
        self.count += 1
        self.module.write_text(
            self.original + f"\n\n_bench_make_figure = make_figure  # bench edit {self.count}\n\n\n"
            "def make_figure(lang='fi'):\n"
            "    figure = _bench_make_figure(lang)\n"
            f"    figure.text(0.01, 0.01, 'v{self.count}', fontsize=6)\n"
            "    return figure\n",
            encoding="utf-8",
        )


def code_copy(folder: Path) -> Path:
    """The build's code in a temporary folder, so a figure module can be edited."""
    for name in ("coursebuild", "figures", "templates"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(BUILD, folder / "build.py")
    (folder / "node_modules").symlink_to(ROOT / "node_modules")
    return folder


# -- the floor --------------------------------------------------------------------


@dataclass(frozen=True)
class ToolInputs:
    """One page as the pipeline hands it to the tools, and where they write."""

    html: Path  # what Pandoc reads on stdin: lesson_html's HTML
    typst: Path  # the handout's Typst source (written once its body is known)
    language: tuple[str, ...]  # the `--metadata=lang=…` argument build_lesson adds
    folder: Path  # where the tools write their outputs
    # The handout's own Typst root, holding the files it shows under the names the
    # `--metadata=handout-files=…` argument gives them (coursebuild/handout_guard.py).
    typst_root: Path
    handout_files: tuple[str, ...]


def built_figures(out: Path):
    """The FigureSet build.py passes to build_lesson, for the build in ``out``."""
    from coursebuild.lesson.make import FigureSet
    from figures.catalogue import FIGURES

    folder = out / "images"
    names = frozenset(spec.name for spec in FIGURES if (folder / f"{spec.name}.svg").is_file())
    return FigureSet(folder, names, out / ".cache" / "mermaid")


def page_inputs(lesson, course, figures, folder: Path) -> tuple[ToolInputs, list[str]]:
    """The page's HTML as build_lesson makes it (in-process, untimed), and its diagrams.

    Run after a build into the figures' output folder, so the course figures
    exist and every diagram is in its cache: no browser starts here.
    """
    from coursebuild.handout.guard import EMOJI_KEY, handout_names
    from coursebuild.lesson.make import lesson_html

    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    html, context = lesson_html(
        lesson, course, figures.folder, set(figures.names), figures.diagram_cache
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "page.html").write_text(html, encoding="utf-8")
    language = (f"--metadata=lang={course.language}",)
    names = handout_names(context.images + context.emoji, lesson.source)
    root = folder / "typst-root"
    root.mkdir(exist_ok=True)
    for file, name in names.items():
        if not file.startswith(EMOJI_KEY):
            shutil.copyfile(file, root / name)
    handout_files = (f"--metadata=handout-files={json.dumps(names)}",)
    inputs = ToolInputs(
        folder / "page.html", folder / "handout.typ", language, folder, root, handout_files
    )
    return inputs, list(context.diagrams)


def write_typst_source(inputs: ToolInputs, lesson, course, body: str) -> None:
    """What the Typst child reads: its root, then Pandoc's Typst ``body`` in the template."""
    from coursebuild.core.templates import render_template
    from coursebuild.handout.compile import typst_input
    from coursebuild.lesson.make import template_context

    context = {**template_context(course, lesson), "body": body}
    source = render_template("handout.typ.j2", context, autoescape=False)
    inputs.typst.write_bytes(typst_input(source, inputs.typst_root))


def floor_inputs(course_dir: Path, out: Path, work: Path) -> tuple[ToolInputs, Path]:
    """The first lesson as the pipeline hands it to the tools: its HTML and Typst source.

    Made in-process with the pipeline's own functions (untimed), after a build
    of ``course_dir`` into ``out`` has drawn the figures the page shows. Also
    the page's Markdown for Marp.
    """
    from coursebuild.pandoc.run import HANDOUT_ARGUMENTS, run_pandoc
    from coursebuild.reading.course import load_course
    from coursebuild.reading.lesson_file import find_lessons, load_lesson

    course = load_course(course_dir / "course.toml")
    lesson = load_lesson(find_lessons(course.lessons_dir)[0])
    figures = built_figures(out)
    inputs, _ = page_inputs(lesson, course, figures, work)
    html = inputs.html.read_text(encoding="utf-8")
    handout_options = inputs.language + inputs.handout_files
    body, _ = run_pandoc(html, HANDOUT_ARGUMENTS + handout_options, lesson.source, "")
    write_typst_source(inputs, lesson, course, body)
    return inputs, marp_page(lesson, course, figures, work)


def marp_page(lesson, course, figures, work: Path) -> Path:
    """The page's Markdown for Marp: Jinja filled, TODO sections out, images resolved."""
    from coursebuild.reading import dialect
    from coursebuild.reading.images import resolve_page_image
    from coursebuild.reading.jinja_fill import render_lesson
    from coursebuild.reading.template_data import lesson_context

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


def floor_commands(inputs: ToolInputs) -> dict[str, dict]:
    """The bare tool calls, with the pipeline's own command lines (coursebuild.convert)."""
    from coursebuild.handout.compile import typst_command
    from coursebuild.pandoc.run import DECK_ARGUMENTS, HANDOUT_ARGUMENTS, pandoc_command

    typst, environment = typst_command(int(EPOCH))
    folder, html = inputs.folder, inputs.html
    return {
        "deck": {
            "command": [
                *pandoc_command(DECK_ARGUMENTS + inputs.language),
                "-o",
                str(folder / "slides.html"),
            ],
            "stdin": html,
        },
        "handout": {
            "command": [
                *pandoc_command(HANDOUT_ARGUMENTS + inputs.language + inputs.handout_files),
                "-o",
                str(folder / "body.typ"),
            ],
            "stdin": html,
        },
        "typst": {"command": typst, "stdin": inputs.typst, "env": {**ENV, **environment}},
    }


def single_file_command(inputs: ToolInputs) -> dict:
    """For reference only: Pandoc making a single-file deck itself.

    Without the pipeline's --sandbox, which would stop Pandoc reading the
    reveal.js files and images it is to embed (it only warns, and embeds nothing).
    """
    from coursebuild.deck.draft import reveal_dir
    from coursebuild.pandoc.run import DECK_ARGUMENTS, pandoc_command

    single_file = ("--standalone", "--embed-resources", f"--variable=revealjs-url={reveal_dir()}")
    deck = tuple(argument for argument in DECK_ARGUMENTS if argument != "--sandbox")
    arguments = (*deck, *inputs.language, *single_file)
    output = str(inputs.folder / "single.html")
    return {"command": [*pandoc_command(arguments), "-o", output], "stdin": inputs.html}


# -- Marp -------------------------------------------------------------------------


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


# -- the report ---------------------------------------------------------------------


class Series:
    """Timings by name; the rounds interleave them, so that a busy moment hits them all."""

    def __init__(self) -> None:
        self.timings: dict[str, Timing] = {}

    def add(self, name: str, result: Run) -> Run:
        self.timings.setdefault(name, Timing()).runs.append(result)
        return result

    def run(self, name: str, command: list[str], **options) -> Run:
        return self.add(name, run(command, **options))

    def __getitem__(self, name: str) -> Timing:
        return self.timings[name]


@dataclass
class Row:
    what: str
    value: str
    ratio: str = ""
    target: str = ""
    passed: bool | None = None


class Table:
    def __init__(self) -> None:
        self.rows: list[Row] = []

    def add(self, *args, **kwargs) -> None:
        row = Row(*args, **kwargs)
        self.rows.append(row)
        mark = {True: "PASS", False: "MISS", None: ""}[row.passed]
        extra = "  ".join(part for part in (row.ratio, row.target, mark) if part)
        print(f"  {row.what}: {row.value}  {extra}", flush=True)

    def markdown(self) -> str:
        lines = [
            "| measurement | median (min–max) | ratio | target | result |",
            "| --- | --- | --- | --- | --- |",
        ]
        for row in self.rows:
            mark = {True: "PASS", False: "**MISS**", None: ""}[row.passed]
            lines.append(f"| {row.what} | {row.value} | {row.ratio} | {row.target} | {mark} |")
        return "\n".join(lines)


def section(title: str) -> None:
    """A section's title, with the time the benchmark has taken so far."""
    print(f"\n== {title} (at {time.perf_counter() - STARTED:.0f} s, load {load()})", flush=True)


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu(timing: Timing) -> str:
    return f"{statistics.median(run.cpu_seconds for run in timing.runs):.2f} s CPU"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each small measurement")
    parser.add_argument("--large-runs", type=int, default=2, help="runs of each big build")
    parser.add_argument("--lessons", type=int, default=100, help="lessons of the big course")
    parser.add_argument("--quick", action="store_true", help="3 runs, 1 big run, 20 lessons")
    parser.add_argument("--no-marp", action="store_true", help="leave out the Marp comparison")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument(
        "--corpus", type=Path, default=CORPUS, help="the folder of the sites (default: %(default)s)"
    )
    parser.add_argument(
        "--sites", nargs="*", choices=sorted(SITES), default=list(SITES), help="sites to build"
    )
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.runs, arguments.large_runs, arguments.lessons = 3, 1, 20
    return arguments


def code_version() -> str:
    """The commit benchmarked, and whether the build's files differ from it."""
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run([*git, "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    paths = ["build.py", "coursebuild", "figures", "templates"]
    status = subprocess.run([*git, "status", "--porcelain", *paths], capture_output=True, text=True)
    dirty = " (+ uncommitted changes to the build)" if status.stdout.strip() else ""
    return commit.stdout.strip() + dirty


def print_header(lesson_page: Path, arguments: argparse.Namespace) -> None:
    print(
        f"bench: {lesson_page.name}; {arguments.runs} runs, big builds {arguments.large_runs}; "
        f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}; "
        f"SOURCE_DATE_EPOCH={EPOCH}; load {load()}\ncode: {code_version()}"
    )


@dataclass
class Bench:
    """What the sections share: the settings, the 1-lesson course and the results so far."""

    runs: int
    large: int
    count: int
    work: Path  # the temporary folder
    lesson_page: Path
    one: Path  # a course of the first lesson alone
    out_one: Path
    inputs: ToolInputs  # the first lesson as the pipeline hands it to the tools
    marp_page: Path  # the first lesson's Markdown, for Marp
    floor: dict[str, dict]
    edit_one: TextEdit
    table: Table = field(default_factory=Table)
    series: Series = field(default_factory=Series)
    figure_parts: dict[str, list[float]] = field(default_factory=dict)  # seconds, by part
    markdown_parts: dict[str, list[float]] = field(default_factory=dict)  # seconds, by part
    clean_memory: Run | None = None  # a 1-lesson clean build, its memory sampled

    def floor_seconds(self) -> float:
        return sum(self.series[name].median for name in ("deck", "handout", "typst"))


def prepare(work: Path, lesson_page: Path, arguments: argparse.Namespace) -> Bench:
    """The 1-lesson course, built once (untimed), and the floor's inputs and tool calls."""
    one = make_course(work / "one", {lesson_page.name: lesson_page.read_text("utf-8")})
    out_one = work / "out-one"
    run(build_command(one, out_one))  # untimed: the figures the floor's handout needs
    inputs, page = floor_inputs(one, out_one, work)
    return Bench(
        runs=arguments.runs,
        large=arguments.large_runs,
        count=arguments.lessons,
        work=work,
        lesson_page=lesson_page,
        one=one,
        out_one=out_one,
        inputs=inputs,
        marp_page=page,
        floor=floor_commands(inputs),
        edit_one=TextEdit(one / "slides" / lesson_page.name),
    )


# -- the sections -------------------------------------------------------------------


def time_figures(bench: Bench, lang: str) -> None:
    """The figures alone, in a fresh interpreter: the total and each part."""
    result = run([PYTHON, "-c", FIGURES_SNIPPET, lang], cwd=ROOT)
    total, *parts = result.stdout.split("\n")
    bench.series.add("figures", Run(float(total), 0, "", "", result.max_rss_mb))
    for line in filter(None, parts):
        name, seconds = line.split()
        bench.figure_parts.setdefault(name, []).append(float(seconds))


def time_markdown(bench: Bench) -> None:
    """The first lesson read by Python-Markdown alone, in a fresh interpreter."""
    page = bench.one / "slides" / bench.lesson_page.name
    command = [PYTHON, "-c", MARKDOWN_SNIPPET, str(bench.one), str(page), str(bench.out_one)]
    result = run(command, cwd=ROOT)
    total, *parts = (float(value) for value in result.stdout.split())
    bench.series.add("markdown", Run(total, 0, "", "", result.max_rss_mb))
    for name, seconds in zip(("imports", "set-up and page", "page again"), parts, strict=True):
        bench.markdown_parts.setdefault(name, []).append(seconds)


def first_lesson_rounds(bench: Bench, lang: str) -> tuple[bool, bool]:
    """The interleaved rounds; whether the no-op wrote nothing, the edit only the lesson."""
    series, one, out_one = bench.series, bench.one, bench.out_one
    stem = bench.lesson_page.stem
    lesson_files = {f"{stem}.html", f"{stem}.pdf", f"{stem}-slides.pdf"}
    noop_untouched, edit_rebuilt = True, True
    for _ in range(bench.runs):
        series.run("python", [PYTHON, "-c", "pass"])
        for name in ("deck", "handout", "typst"):
            series.run(name, **bench.floor[name])
        series.run("browser", [PYTHON, "-c", BROWSER_SNIPPET], cwd=ROOT)
        time_figures(bench, lang)
        time_markdown(bench)
        shutil.rmtree(out_one)
        series.run("clean", build_command(one, out_one))
        before = snapshot(out_one)
        series.run("noop", build_command(one, out_one))
        noop_untouched &= not changed(before, snapshot(out_one))
        bench.edit_one()
        before = snapshot(out_one)
        series.run("edit", build_command(one, out_one))
        edit_rebuilt &= changed(before, snapshot(out_one)) - {"index.html"} == lesson_files
        # The build the live preview runs: the same edit, no slide PDF printed.
        bench.edit_one()
        series.run("edit no slide PDF", build_command(one, out_one, "--no-slide-pdfs"))
    return noop_untouched, edit_rebuilt


def report_floor(bench: Bench, single: Timing) -> None:
    """The rows of the bare tools: python, the floor's three calls, the figures alone."""
    table, series = bench.table, bench.series
    floor_seconds = bench.floor_seconds()
    table.add("bare `python -c pass`", series["python"].text())
    table.add("floor: pandoc → reveal.js slides (the pipeline's call)", series["deck"].text())
    table.add("floor: pandoc → Typst", series["handout"].text())
    table.add("floor: Typst → PDF (`python -S -c`, typst.compile)", series["typst"].text())
    table.add("floor: the three tool calls, one after another", f"{floor_seconds:.3f} s")
    table.add("one browser start (Playwright, Chromium, a page)", series["browser"].text())
    literal = single.median + series["handout"].median + series["typst"].median
    table.add(
        "(reference) pandoc → single-file deck, `--embed-resources`",
        single.text(),
        f"floor with it: {literal:.3f} s; the text edit below is "
        f"{series['edit'].median / literal:.2f} × that",
    )
    table.add(
        "figures alone: 5 figures, in-process (imports, compute, SVG)", series["figures"].text()
    )
    markdown = series["markdown"].median
    parts = "; ".join(
        f"{name} {statistics.median(values):.3f} s" for name, values in bench.markdown_parts.items()
    )
    table.add(
        "(reference) Python-Markdown alone: first lesson → HTML (lesson_html), in-process",
        series["markdown"].text(),
        f"{parts}; the text edit below is "
        f"{series['edit'].median / (floor_seconds + markdown):.2f} × (floor + it)",
    )


def report_first_builds(
    bench: Bench, noop_untouched: bool, edit_rebuilt: bool, no_matplotlib: bool
) -> None:
    """The rows of the 1-lesson builds: clean, no-op and text edit, against the floor."""
    table, series = bench.table, bench.series
    floor_seconds = bench.floor_seconds()
    browser = series["browser"].median
    ratio = series["clean"].median / (floor_seconds + series["figures"].median + browser)
    table.add(
        "clean build, first lesson (figures, deck, handout, index)",
        series["clean"].text(),
        f"{ratio:.2f} × (floor + figures + browser start)",
        "≤ 1.3 ×",
        ratio <= 1.3,
    )
    noop = series["noop"]
    table.add(
        "no-op build",
        noop.text(),
        f"{noop.median / series['python'].median:.1f} × `python -c pass`",
        "≤ 0.3 s, writes nothing",
        noop.median <= 0.3 and noop_untouched,
    )
    table.add(
        "no-op build imports matplotlib",
        "yes" if not no_matplotlib else "no",
        target="no",
        passed=no_matplotlib,
    )
    # The layout pass lays the deck out in a browser: one start per build.
    ratio = series["edit"].median / (floor_seconds + browser)
    table.add(
        "text edit, 1-lesson course (with the layout pass)",
        series["edit"].text(),
        f"{ratio:.2f} × (floor + browser start)",
        "≤ 1.2 ×, rebuilds only the lesson",
        ratio <= 1.2 and edit_rebuilt,
    )
    print(f"  CPU: clean {cpu(series['clean'])}, edit {cpu(series['edit'])}")


def bench_first_lesson(bench: Bench) -> None:
    """Sections 1–4: the floor, the figures, and a clean, no-op and text-edit build."""
    from coursebuild.reading.course import load_course

    section("1–4. the first lesson: floor, figures, clean build, no-op, text edit")
    lang = load_course(ROOT / "course.toml").language
    noop_untouched, edit_rebuilt = first_lesson_rounds(bench, lang)
    single = measure(max(1, bench.runs // 2), **single_file_command(bench.inputs))
    imports = run([PYTHON, "-X", "importtime", *build_command(bench.one, bench.out_one)[1:]])
    no_matplotlib = not re.search(r"\|\s+matplotlib\b", imports.stderr)
    shutil.rmtree(bench.out_one)
    bench.clean_memory = run(build_command(bench.one, bench.out_one), memory=True)
    report_floor(bench, single)
    report_first_builds(bench, noop_untouched, edit_rebuilt, no_matplotlib)


def figure_edit_setup(bench: Bench, spec) -> tuple[list[str], Path]:
    """A code copy and a course where lesson a shows the figure and b does not, built
    once (untimed): the build command and the figure's module in the copy."""
    code = code_copy(bench.work / "code")
    page = bench.lesson_page.read_text("utf-8")
    figure_course = make_course(
        bench.work / "figure-course",
        {"a_uses.md": page, "b_does_not.md": without_figure(page, spec.name)},
    )
    figure_build = build_command(figure_course, bench.work / "out-figure")
    figure_build[1] = str(code / "build.py")
    run(figure_build)
    return figure_build, code / "figures" / (spec.module.split(".")[-1] + ".py")


def bench_figure_edit(bench: Bench) -> None:
    """Section 5: one figure module changed; only that figure and its lesson rebuild."""
    from figures.catalogue import FIGURES

    section("5. figure edit: one figure module changed, in a copy of the code")
    spec = next((s for s in FIGURES if s.name.endswith("ReLU")), FIGURES[0])
    figure_build, module = figure_edit_setup(bench, spec)
    out_figure = bench.work / "out-figure"
    edit_figure = FigureEdit(module)
    rebuilt: set[str] = set()
    for _ in range(bench.runs):
        edit_figure()
        before = snapshot(out_figure)
        bench.series.run("figure edit", figure_build)
        rebuilt |= changed(before, snapshot(out_figure))
        # As the live preview builds: no slide PDF printed.
        edit_figure()
        bench.series.run("figure edit no slide PDF", [*figure_build, "--no-slide-pdfs"])
    expected = {f"images/{spec.name}.svg", "a_uses.html", "a_uses.pdf", "a_uses-slides.pdf"}
    only_those = rebuilt - {"index.html"} == expected
    parts = {name: statistics.median(values) for name, values in bench.figure_parts.items()}
    reference = parts["imports"] + parts[spec.name] + bench.floor_seconds()
    figure_edit = bench.series["figure edit"]
    bench.table.add(
        f"figure edit ({spec.name}; lesson a shows it, b does not)",
        figure_edit.text(),
        f"{figure_edit.median / reference:.2f} × (figure imports + that figure "
        f"+ lesson floor = {reference:.3f} s)",
        "rebuilds only that figure and lesson a",
        only_those,
    )
    print(f"  rebuilt: {', '.join(sorted(rebuilt))}")


# Edits timed through the live preview, for each of its two rows.
PREVIEW_EDITS = 10
# What the preview may add to the build it runs: noticing the change, telling
# the page, and the page reloading onto the same slide.
PREVIEW_ALLOWANCE = 0.150


def bench_preview(bench: Bench) -> None:
    """Section 5b: the live preview, from the file written to the changed slide on screen;
    against the same edits built by build.py in the same minutes, on unwatched twins."""
    from preview_latency import edit_latencies, running_preview, text_edit

    from figures.catalogue import FIGURES

    section("5b. live preview: an edit on screen, from the file written")
    page_file = bench.one / "slides" / bench.lesson_page.name
    original = page_file.read_text(encoding="utf-8")
    deck = f"{bench.lesson_page.stem}.html"
    twin = twin_course(bench.one, bench.work / "one-twin")
    twin_out = bench.work / "out-one-twin"
    run(build_command(twin, twin_out, "--no-slide-pdfs"))
    twin_edit = text_edit(twin / "slides" / bench.lesson_page.name, "vain viivan")

    edit = text_edit(page_file, "vain viivan")
    with running_preview(BUILD, bench.one, bench.work / "out-preview") as preview:

        def twin_text_build(count: int) -> None:
            # Not beside the preview's next build process importing its libraries.
            preview.wait_until_quiet()
            twin_edit(count)
            command = build_command(twin, twin_out, "--no-slide-pdfs")
            bench.series.run("preview text edit, its build", command)

        seconds = edit_latencies(
            preview.address, deck, "vain viivan", edit, False, PREVIEW_EDITS, twin_text_build
        )
    page_file.write_text(original, encoding="utf-8")
    spec = next((s for s in FIGURES if s.name.endswith("ReLU")), FIGURES[0])
    code = bench.work / "code"  # the code copy and course of section 5
    module = Path("figures") / (spec.module.split(".")[-1] + ".py")
    shutil.copy(ROOT / module, code / module)  # as it was before section 5's edits
    figure_edit = FigureEdit(code / module)
    course = bench.work / "figure-course"
    # The twin has code of its own: the preview watches the first copy's.
    twin_code = code_copy(bench.work / "code-twin")
    twin_figure_course = twin_course(course, bench.work / "figure-course-twin")
    twin_figure_build = build_command(
        twin_figure_course, bench.work / "out-figure-twin", "--no-slide-pdfs"
    )
    twin_figure_build[1] = str(twin_code / "build.py")
    run(twin_figure_build)
    twin_figure_edit = FigureEdit(twin_code / module)

    with running_preview(code / "build.py", course, bench.work / "out-figure-preview") as preview:

        def twin_figure_rebuild(_count: int) -> None:
            preview.wait_until_quiet()
            twin_figure_edit()
            bench.series.run("preview figure edit, its build", twin_figure_build)

        figure_seconds = edit_latencies(
            preview.address,
            "a_uses.html",
            "ReLu-aktivointifunktio",
            figure_edit,
            True,
            PREVIEW_EDITS,
            twin_figure_rebuild,
        )
    rows = (
        ("preview text edit", seconds, "edit", "text edit: the edited list item on its slide"),
        ("preview figure edit", figure_seconds, "figure edit", f"figure edit: {spec.name} redrawn"),
    )
    # The preview's builds print no slide PDF: held to that build, the one it
    # runs, not to the full build, which waits for the print as well. Each
    # edit's build is timed right after the preview showed it, once the preview's
    # processes are idle, with the preview and its page still open: the two see
    # the same machine.
    for name, measured, build, what in rows:
        for value in measured:
            bench.series.add(name, Run(value, 0, "", "", 0.0))
        preview = bench.series[name].median
        built = bench.series[f"{name}, its build"].median
        earlier = bench.series[f"{build} no slide PDF"].median
        full = bench.series[build].median
        bench.table.add(
            f"live preview, {what} on screen (median of {PREVIEW_EDITS})",
            bench.series[name].text(),
            f"{preview / built:.2f} × the same edits' build without slide PDF, timed "
            f"between them ({built:.3f} s): {(preview - built) * 1000:+.0f} ms; against "
            f"that build in section {'5' if build == 'figure edit' else '4'} ({earlier:.3f} s) "
            f"{(preview - earlier) * 1000:+.0f} ms, the full build ({full:.3f} s) "
            f"{(preview - full) * 1000:+.0f} ms",
            f"≤ that build + {PREVIEW_ALLOWANCE * 1000:.0f} ms",
            preview <= built + PREVIEW_ALLOWANCE,
        )


def twin_course(course: Path, twin: Path) -> Path:
    """A copy of ``course`` that no preview watches, for builds timed beside one."""
    shutil.copytree(course, twin, ignore=shutil.ignore_patterns(".*"))
    return twin


def scale_clean_builds(bench: Bench, many: Path, out_many: Path) -> None:
    """Clean builds of the big course with 1 and 2 workers, interleaved."""
    for _ in range(bench.large):
        for jobs in ("1", "2"):
            shutil.rmtree(out_many, ignore_errors=True)
            bench.series.run(f"j{jobs}", build_command(many, out_many, "-j", jobs))
            print(f"  -j {jobs}: {bench.series[f'j{jobs}'].runs[-1].seconds:.1f} s", flush=True)


def scale_edit_rounds(bench: Bench, many: Path, out_many: Path, middle: Path) -> set[str]:
    """No-op and text edit of the big course, interleaved with the same edit in the
    1-lesson course; the files the big course's edits rewrote."""
    series = bench.series
    edit_many = TextEdit(middle)
    many_rebuilt = set()
    for _ in range(bench.runs):
        series.run("noop many", build_command(many, out_many))
        bench.edit_one()
        series.run("edit one", build_command(bench.one, bench.out_one))
        edit_many()
        before = snapshot(out_many)
        series.run("edit many", build_command(many, out_many))
        many_rebuilt |= changed(before, snapshot(out_many))
    return many_rebuilt


def report_scale(bench: Bench, middle: Path, many_rebuilt: set[str]) -> None:
    """The rows of the big course's builds: 1 and 2 workers, no-op, text edit."""
    table, series, count = bench.table, bench.series, bench.count
    serial, parallel = series["j1"], series["j2"]
    table.add(f"clean build, {count} lessons, 1 worker (`-j 1`)", serial.text())
    speedup = serial.median / parallel.median
    table.add(
        f"clean build, {count} lessons, 2 workers (`-j 2`)",
        parallel.text(),
        f"{speedup:.2f} × faster than 1 worker",
        "≥ 1.7 ×",
        speedup >= 1.7,
    )
    print(f"  CPU: -j 1 {cpu(serial)}, -j 2 {cpu(parallel)}")
    table.add(f"no-op build, {count} lessons", series["noop many"].text())
    ratio = series["edit many"].median / series["edit one"].median
    middle_files = {f"{middle.stem}.html", f"{middle.stem}.pdf", f"{middle.stem}-slides.pdf"}
    table.add(
        f"text edit of one lesson, {count}-lesson course",
        series["edit many"].text(),
        f"{ratio:.2f} × the same edit in a 1-lesson course "
        f"({series['edit one'].median:.3f} s, interleaved)",
        "≤ 1.2 ×, rebuilds only that lesson",
        ratio <= 1.2 and many_rebuilt - {"index.html"} == middle_files,
    )


def report_memory(bench: Bench, memory: Run) -> None:
    """The rows of peak memory: the big course's clean build, and the 1-lesson one."""
    clean_memory = bench.clean_memory
    bench.table.add(
        f"peak memory, {bench.count}-lesson clean build, 2 workers",
        f"{memory.tree_pss_mb:.0f} MB",
        f"sum of PSS over the process tree, sampled every {SAMPLE_SECONDS * 1000:.0f} ms; "
        f"largest process {memory.max_rss_mb:.0f} MB RSS",
        "≤ 400 MB",
        memory.tree_pss_mb <= 400,
    )
    print(f"  at the peak (MB PSS): {memory.tree_peak}")
    bench.table.add(
        "(reference) peak memory, 1-lesson clean build",
        f"{clean_memory.tree_pss_mb:.0f} MB",
        f"largest process {clean_memory.max_rss_mb:.0f} MB RSS",
    )


def bench_scale(bench: Bench) -> None:
    """Section 6: a course of many lessons: clean builds, memory, no-op and text edit."""
    section(f"6. scale: {bench.count} lessons")
    many = synthetic_course(bench.work / "many", bench.count)
    out_many = bench.work / "out-many"
    scale_clean_builds(bench, many, out_many)
    shutil.rmtree(out_many)
    memory = run(build_command(many, out_many, "-j", "2"), memory=True)
    middle = sorted((many / "slides").glob("*.md"))[bench.count // 2]
    many_rebuilt = scale_edit_rounds(bench, many, out_many, middle)
    report_scale(bench, middle, many_rebuilt)
    report_memory(bench, memory)


def bench_marp(bench: Bench) -> None:
    """Section 7: the peer, Marp to HTML and PDF, against our text-edit build."""
    series, table = bench.series, bench.table
    section(f"7. peer: Marp CLI {MARP_VERSION} → HTML and PDF (Chromium)")
    install_marp()
    marp = marp_commands(bench.marp_page, bench.work)
    for _ in range(bench.runs):
        series.run("marp html", **marp["html"])
        series.run("marp pdf", **marp["pdf"])
        bench.edit_one()
        series.run("ours", build_command(bench.one, bench.out_one))
    html, pdf, ours = series["marp html"], series["marp pdf"], series["ours"]
    table.add("Marp → HTML", html.text())
    table.add("Marp → PDF", pdf.text())
    peer = html.median + pdf.median
    ratio = ours.median / peer
    table.add(
        "our deck + handout (text-edit build) vs Marp HTML + PDF",
        ours.text(),
        f"{ratio:.2f} × Marp's {peer:.3f} s",
        "≤ 0.4 ×",
        ratio <= 0.4,
    )


# -- the corpus sites ---------------------------------------------------------------


@dataclass
class SitePage:
    """One page of a site: the lesson, its inputs to the tools, and the tool calls."""

    lesson: object  # coursebuild.lessons.Lesson, as build.py loads it
    inputs: ToolInputs
    floor: dict[str, dict]
    diagrams: int  # how many mermaid diagrams the page shows


@dataclass
class Site:
    """A corpus site, copied into the temporary folder, and what its rows need."""

    name: str
    copy: Path  # the site, copied: the corpus is read-only
    out: Path  # the output folder of its last clean build
    edit_page: Path  # the page the text edit changes (one with diagrams), in the copy
    course: object = None  # coursebuild.config.Course, once the site is loaded
    pages: list[SitePage] = field(default_factory=list)
    diagrams: list[str] = field(default_factory=list)  # every page's, in page order
    figures: int = 0  # the course figures the site shows, which its build draws

    @property
    def edited(self) -> SitePage:
        wanted = self.edit_page.resolve()
        return next(page for page in self.pages if page.lesson.source.resolve() == wanted)


def writable_copy(source: Path, target: Path) -> Path:
    """A copy of ``source`` that can be edited and removed (the corpus is read-only)."""
    shutil.copytree(source, target)
    for folder, _, files in os.walk(target):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    return target


def build_script():
    """build.py as a module, for the functions that find and load a site's pages."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_build_script", BUILD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def site_lessons(copy: Path) -> tuple[object, list]:
    """The site's course and its lessons, loaded as build.py loads them."""
    from coursebuild.reading.course import open_course

    script = build_script()
    course = open_course(copy)
    pages = script.lesson_pages(course, script.lesson_paths(course, []))
    return course, script.load_lessons(pages)


def site_inputs(site: Site) -> None:
    """Every page's HTML as the pipeline makes it (after a build: figures, diagrams cached)."""
    site.course, lessons = site_lessons(site.copy)
    figures = built_figures(site.out)
    site.figures = len(figures.names)
    for number, lesson in enumerate(lessons):
        folder = site.copy.parent / f"page-{number}"
        inputs, diagrams = page_inputs(lesson, site.course, figures, folder)
        site.pages.append(SitePage(lesson, inputs, floor_commands(inputs), len(diagrams)))
        site.diagrams += diagrams


def page_floor(page: SitePage, course) -> float:
    """The page's three tool calls, one after another; the seconds they took.

    The handout's Typst source is made from this run's Pandoc output the first
    time (untimed), as the pipeline fills its template with it.
    """
    seconds = 0.0
    for name in ("deck", "handout"):
        seconds += run(**page.floor[name]).seconds
    if not page.inputs.typst.exists():
        body = (page.inputs.folder / "body.typ").read_text(encoding="utf-8")
        write_typst_source(page.inputs, page.lesson, course, body)
    return seconds + run(**page.floor["typst"]).seconds


def site_floor(site: Site) -> Run:
    """The bare tools for every page of the site, summed (no mermaid: the tools draw none)."""
    seconds = sum(page_floor(page, site.course) for page in site.pages)
    return Run(seconds, 0, "", "", 0.0)


def time_mermaid(site: Site) -> Run:
    """The site's diagrams alone, in one browser session, into an empty cache."""
    sources = site.copy.parent / "diagrams.json"
    sources.write_text(json.dumps(site.diagrams), encoding="utf-8")
    cache = site.copy.parent / "mermaid-cache"
    shutil.rmtree(cache, ignore_errors=True)
    result = run([PYTHON, "-c", MERMAID_SNIPPET, str(sources), str(cache)], cwd=ROOT)
    return Run(float(result.stdout.split()[-1]), 0, "", "", result.max_rss_mb)


def site_clean_rounds(bench: Bench, site: Site) -> None:
    """Clean builds at -j 1 and -j 2, each in a fresh --out (so an empty mermaid cache),
    interleaved with the floor and the mermaid reference; the last -j 2 output stays."""
    series, name = bench.series, site.name
    for attempt in range(bench.large):
        for jobs in ("1", "2"):
            shutil.rmtree(site.out, ignore_errors=True)
            series.run(f"{name} j{jobs}", build_command(site.copy, site.out, "-j", jobs))
            print(f"  -j {jobs}: {series[f'{name} j{jobs}'].runs[-1].seconds:.1f} s", flush=True)
            if attempt == 0 and jobs == "1":
                site_inputs(site)
        series.add(f"{name} floor", site_floor(site))
        series.add(f"{name} mermaid", time_mermaid(site))


def cache_times(out: Path) -> dict[str, int]:
    """Each cached diagram's mtime: a diagram drawn again gets a new file."""
    return {path.name: path.stat().st_mtime_ns for path in (out / ".cache" / "mermaid").iterdir()}


def imported(stderr: str, module: str) -> bool:
    """Whether ``-X importtime`` output (``stderr``) shows ``module`` imported."""
    return re.search(rf"\|\s+{re.escape(module)}\b", stderr) is not None


def site_edit_rounds(bench: Bench, site: Site) -> tuple[bool, bool]:
    """No-op builds and text edits of one page, interleaved with that page's floor;
    whether every no-op wrote nothing and every edit rewrote only that page's outputs,
    drawing no diagram again."""
    series, name, page = bench.series, site.name, site.edited
    edit = TextEdit(site.edit_page)
    expected = {f"{page.lesson.slug}.html", f"{page.lesson.slug}.pdf"}
    expected.add(f"{page.lesson.slug}-slides.pdf")
    written, rebuilt, redrawn = set(), set(), False
    for _ in range(bench.runs):
        before = snapshot(site.out)
        series.run(f"{name} noop", build_command(site.copy, site.out))
        written |= changed(before, snapshot(site.out))
        series.add(f"{name} page floor", Run(page_floor(page, site.course), 0, "", "", 0.0))
        edit()
        before, drawn = snapshot(site.out), cache_times(site.out)
        series.run(f"{name} edit", build_command(site.copy, site.out))
        rebuilt |= changed(before, snapshot(site.out))
        redrawn |= cache_times(site.out) != drawn
    print(f"  no-op wrote: {', '.join(sorted(written)) or 'nothing'}")
    print(f"  edit rewrote: {', '.join(sorted(rebuilt))}; diagrams drawn again: {redrawn}")
    return not written, rebuilt - {"index.html"} == expected and not redrawn


def site_import_checks(site: Site) -> tuple[list[str], bool]:
    """What a no-op build imports of matplotlib and Playwright, and whether an edit
    build (of the page with diagrams) imports Playwright: untimed, with -X importtime."""
    command = [PYTHON, "-X", "importtime", *build_command(site.copy, site.out)[1:]]
    noop = run(command)
    found = [module for module in ("matplotlib", "playwright") if imported(noop.stderr, module)]
    TextEdit(site.edit_page)()
    edit = run(command)
    return found, imported(edit.stderr, "playwright")


def report_site_builds(bench: Bench, site: Site) -> None:
    """The rows of a site's floor, mermaid reference and clean builds."""
    table, series, name = bench.table, bench.series, site.name
    floor, mermaid = series[f"{name} floor"], series[f"{name} mermaid"]
    count, drawn = len(site.pages), len(dict.fromkeys(site.diagrams))
    with_diagrams = sum(1 for page in site.pages if page.diagrams)
    table.add(
        f"site {name} ({count} pages): floor, the 3 tool calls of every page, summed",
        floor.text(),
        "pandoc → slides, pandoc → Typst, Typst → PDF a page; no mermaid diagram"
        + (f", nor the {site.figures} course figures the build draws" if site.figures else ""),
    )
    table.add(
        f"(reference) site {name}: mermaid alone, its {drawn} diagrams in one browser session",
        mermaid.text(),
        f"in a fresh interpreter: Playwright import, Chromium, render, SVG; "
        f"{with_diagrams} pages have diagrams",
    )
    reference = floor.median + mermaid.median
    serial = series[f"{name} j1"].median
    for jobs in ("1", "2"):
        clean = series[f"{name} j{jobs}"]
        speedup = f"; {serial / clean.median:.2f} × faster than `-j 1`" if jobs == "2" else ""
        table.add(
            f"clean build, site {name}, `-j {jobs}` (fresh --out: empty mermaid cache)",
            clean.text(),
            f"{clean.median / floor.median:.2f} × floor; "
            f"{clean.median / reference:.2f} × (floor + mermaid = {reference:.3f} s){speedup}",
        )
    print(f"  CPU: -j 1 {cpu(series[f'{name} j1'])}, -j 2 {cpu(series[f'{name} j2'])}")


def report_site_edits(
    bench: Bench, site: Site, checks: tuple[bool, bool], imports: tuple[list[str], bool]
) -> None:
    """The rows of a site's no-op build, its imports, and the text edit of one page."""
    table, series, name = bench.table, bench.series, site.name
    (noop_untouched, edit_rebuilt), (noop_imports, edit_playwright) = checks, imports
    noop = series[f"{name} noop"]
    table.add(
        f"no-op build, site {name}",
        noop.text(),
        f"{noop.median / series['python'].median:.1f} × `python -c pass`",
        "writes nothing",
        noop_untouched,
    )
    table.add(
        f"no-op build, site {name}, imports matplotlib or playwright",
        ", ".join(noop_imports) or "neither",
        target="neither (no browser starts)",
        passed=not noop_imports,
    )
    edit, floor = series[f"{name} edit"], series[f"{name} page floor"]
    page = site.edit_page.relative_to(site.copy)
    diagrams = site.edited.diagrams
    # The edit starts one browser, for the layout pass (not to draw diagrams:
    # their cache files keep their times).
    reference = floor.median + series["browser"].median
    ratio = edit.median / reference
    table.add(
        f"text edit of {page} ({diagrams} diagrams), site {name}, in a copy",
        edit.text(),
        f"{ratio:.2f} × (that page's floor + browser start = {reference:.3f} s); "
        f"playwright imported: {'yes' if edit_playwright else 'no'}",
        "≤ 1.2 ×, rebuilds only that page, no diagram drawn again (cache mtimes)",
        ratio <= 1.2 and edit_rebuilt,
    )


def bench_site(bench: Bench, name: str, corpus: Path, number: int) -> None:
    """Sections 8–9: a real MkDocs site of the corpus: clean builds against the bare tools,
    the mermaid rendering alone, a no-op build, and a text edit of one page."""
    section(f"{number}. site {name}: clean builds, floor, mermaid, no-op, text edit")
    folder = bench.work / f"site-{name}"
    copy = writable_copy(corpus / name, folder / name)
    site = Site(name, copy, folder / "out", copy / SITES[name])
    site_clean_rounds(bench, site)
    checks = site_edit_rounds(bench, site)
    imports = site_import_checks(site)
    report_site_builds(bench, site)
    report_site_edits(bench, site, checks, imports)


def code_state() -> dict[str, tuple[int, int]]:
    """Size and mtime of each file of the build's code: whether it changed during the run."""
    files = {}
    for name in ("build.py", "coursebuild", "figures", "templates"):
        path = ROOT / name
        for file in [path] if path.is_file() else path.rglob("*"):
            if file.is_file() and "__pycache__" not in file.parts:
                stat = file.stat()
                files[str(file.relative_to(ROOT))] = (stat.st_size, stat.st_mtime_ns)
    return files


def check_code(table: Table, before: dict[str, tuple[int, int]]) -> None:
    """A failing row when the build's code changed during the run: the rows mix two builds,
    and a no-op after the change rebuilds everything."""
    after = code_state()
    differ = sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
    if differ:
        table.add(
            "the build's code changed during the run (rows may mix two versions)",
            ", ".join(differ),
            target="unchanged",
            passed=False,
        )


def print_table(table: Table, started: float, markdown: Path | None) -> None:
    """The whole benchmark's time, then the table (also to ``markdown``, if given)."""
    total = time.perf_counter() - started
    table.add("the whole benchmark", f"{total:.0f} s", target="< 600 s", passed=total < 600)
    print(f"\nload average at the end: {load()}\n")
    print(table.markdown())
    if markdown:
        markdown.write_text(table.markdown() + "\n", encoding="utf-8")


def main() -> int:
    arguments = parse_arguments()
    os.environ.pop("PANDOC", None)  # the floor and the builds use the same Pandoc
    started, code = time.perf_counter(), code_state()
    lesson_page = first_lesson()
    print_header(lesson_page, arguments)
    with tempfile.TemporaryDirectory(prefix="bench-") as temporary:
        bench = prepare(Path(temporary), lesson_page, arguments)
        bench_first_lesson(bench)
        bench_figure_edit(bench)
        bench_preview(bench)
        bench_scale(bench)
        if not arguments.no_marp:
            bench_marp(bench)
        for number, name in enumerate(arguments.sites, 8):
            bench_site(bench, name, arguments.corpus, number)
    check_code(bench.table, code)
    print_table(bench.table, started, arguments.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
