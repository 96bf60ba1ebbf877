#!/usr/bin/env python3
"""Build speed and scale, measured against the bare tools and a peer (issue 5).

    make bench                                # the full run: about 3–4 minutes on 2 cores
    .venv/bin/python bench/bench.py --quick   # 3 runs, a 20-lesson course, while developing

Every time is a whole command run as a subprocess, timed with perf_counter from
start to reap, with SOURCE_DATE_EPOCH fixed: the median of several runs, min–max
in brackets. Runs of things that are compared are interleaved (floor, figures,
clean build, no-op, edit; then the next round), so a busy moment on the machine
hits all of them alike. Nothing in the project is modified: the courses live in
a temporary folder, and the figure edit is made in a temporary copy of the code.

- floor: the pipeline's own tool calls for the first lesson, one after another,
  with the inputs the pipeline gives them (its Markdown and Typst source, made
  by coursebuild itself): Pandoc to reveal.js slides, Pandoc to Typst, and the
  Typst compile (`python -S -c`, typst.compile: the command the build runs).
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
ENV = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
ENV.pop("PANDOC", None)  # the pipeline and the floor use the same Pandoc
SAMPLE_SECONDS = 0.05

# The figures alone, timed inside a fresh interpreter (so without its start-up):
# importing numpy and matplotlib, the network's computation, drawing, SVG.
FIGURES_SNIPPET = """\
import importlib, sys, time
started = time.perf_counter()
from coursebuild.figure_stage import render_figure
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
                name = os.path.basename(stream.read().split(b"\0")[0].decode(errors="replace"))
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
    from coursebuild.config import load_course
    from coursebuild.lessons import find_lessons

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


def floor_inputs(course_dir: Path, out: Path, work: Path) -> tuple[Path, Path]:
    """The first lesson as the pipeline hands it to the tools: its Markdown and Typst source.

    Made in-process with the pipeline's own functions (untimed), after a build
    of ``course_dir`` into ``out`` has drawn the figures the handout includes.
    """
    from coursebuild.config import load_course
    from coursebuild.convert import HANDOUT_ARGUMENTS, run_pandoc
    from coursebuild.lesson_build import lesson_markdown, resolve_images, template_context
    from coursebuild.lessons import find_lessons, load_lesson
    from coursebuild.render import render_template
    from figures.catalogue import FIGURES

    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    course = load_course(course_dir / "course.toml")
    lesson = load_lesson(find_lessons(course.lessons_dir)[0])
    images = resolve_images(lesson, course, out / "images", {spec.name for spec in FIGURES})
    markdown = lesson_markdown(lesson, course, images)
    markdown_path = work / "lesson.md"
    markdown_path.write_text(markdown, encoding="utf-8")
    body, _ = run_pandoc(markdown, HANDOUT_ARGUMENTS, lesson.source, "")
    context = {**template_context(course, lesson), "body": body}
    typst_path = work / "handout.typ"
    typst_path.write_text(render_template("handout.typ.j2", context, autoescape=False), "utf-8")
    return markdown_path, typst_path


def floor_commands(markdown: Path, typst_source: Path, work: Path) -> dict[str, dict]:
    """The bare tool calls, with the pipeline's own command lines (coursebuild.convert)."""
    from coursebuild.convert import DECK_ARGUMENTS, HANDOUT_ARGUMENTS, pandoc_command, typst_command
    from coursebuild.deck import reveal_dir

    typst, environment = typst_command(int(EPOCH))

    single_file = ("--standalone", "--embed-resources", f"--variable=revealjs-url={reveal_dir()}")
    return {
        "deck": {
            "command": [*pandoc_command(DECK_ARGUMENTS), "-o", str(work / "slides.html")],
            "stdin": markdown,
        },
        "handout": {
            "command": [*pandoc_command(HANDOUT_ARGUMENTS), "-o", str(work / "body.typ")],
            "stdin": markdown,
        },
        "typst": {"command": typst, "stdin": typst_source, "env": {**ENV, **environment}},
        # For reference only: Pandoc making a single-file deck itself.
        "single": {
            "command": [
                *pandoc_command((*DECK_ARGUMENTS, *single_file)),
                "-o",
                str(work / "single.html"),
            ],
            "stdin": markdown,
        },
    }


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
    """Marp gets the lesson as Pandoc gets it, with a slide at each heading down to ###."""
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
    print(f"\n== {title}", flush=True)


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
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.runs, arguments.large_runs, arguments.lessons = 3, 1, 20
    return arguments


def print_header(lesson_page: Path, arguments: argparse.Namespace) -> None:
    print(
        f"bench: {lesson_page.name}; {arguments.runs} runs, big builds {arguments.large_runs}; "
        f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}; "
        f"SOURCE_DATE_EPOCH={EPOCH}; load {load()}"
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
    markdown: Path  # the first lesson as the pipeline hands it to Pandoc
    floor: dict[str, dict]
    edit_one: TextEdit
    table: Table = field(default_factory=Table)
    series: Series = field(default_factory=Series)
    figure_parts: dict[str, list[float]] = field(default_factory=dict)  # seconds, by part
    clean_memory: Run | None = None  # a 1-lesson clean build, its memory sampled

    def floor_seconds(self) -> float:
        return sum(self.series[name].median for name in ("deck", "handout", "typst"))


def prepare(work: Path, lesson_page: Path, arguments: argparse.Namespace) -> Bench:
    """The 1-lesson course, built once (untimed), and the floor's inputs and tool calls."""
    one = make_course(work / "one", {lesson_page.name: lesson_page.read_text("utf-8")})
    out_one = work / "out-one"
    run(build_command(one, out_one))  # untimed: the figures the floor's handout needs
    markdown, typst_source = floor_inputs(one, out_one, work)
    return Bench(
        runs=arguments.runs,
        large=arguments.large_runs,
        count=arguments.lessons,
        work=work,
        lesson_page=lesson_page,
        one=one,
        out_one=out_one,
        markdown=markdown,
        floor=floor_commands(markdown, typst_source, work),
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


def first_lesson_rounds(bench: Bench, lang: str) -> tuple[bool, bool]:
    """The interleaved rounds; whether the no-op wrote nothing, the edit only the lesson."""
    series, one, out_one = bench.series, bench.one, bench.out_one
    stem = bench.lesson_page.stem
    lesson_files = {f"{stem}.html", f"{stem}.pdf"}
    noop_untouched, edit_rebuilt = True, True
    for _ in range(bench.runs):
        series.run("python", [PYTHON, "-c", "pass"])
        for name in ("deck", "handout", "typst"):
            series.run(name, **bench.floor[name])
        time_figures(bench, lang)
        shutil.rmtree(out_one)
        series.run("clean", build_command(one, out_one))
        before = snapshot(out_one)
        series.run("noop", build_command(one, out_one))
        noop_untouched &= not changed(before, snapshot(out_one))
        bench.edit_one()
        before = snapshot(out_one)
        series.run("edit", build_command(one, out_one))
        edit_rebuilt &= changed(before, snapshot(out_one)) - {"index.html"} == lesson_files
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


def report_first_builds(
    bench: Bench, noop_untouched: bool, edit_rebuilt: bool, no_matplotlib: bool
) -> None:
    """The rows of the 1-lesson builds: clean, no-op and text edit, against the floor."""
    table, series = bench.table, bench.series
    floor_seconds = bench.floor_seconds()
    ratio = series["clean"].median / (floor_seconds + series["figures"].median)
    table.add(
        "clean build, first lesson (figures, deck, handout, index)",
        series["clean"].text(),
        f"{ratio:.2f} × (floor + figures)",
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
    ratio = series["edit"].median / floor_seconds
    table.add(
        "text edit, 1-lesson course",
        series["edit"].text(),
        f"{ratio:.2f} × floor",
        "≤ 1.2 ×, rebuilds only the lesson",
        ratio <= 1.2 and edit_rebuilt,
    )
    print(f"  CPU: clean {cpu(series['clean'])}, edit {cpu(series['edit'])}")


def bench_first_lesson(bench: Bench) -> None:
    """Sections 1–4: the floor, the figures, and a clean, no-op and text-edit build."""
    from coursebuild.config import load_course

    section("1–4. the first lesson: floor, figures, clean build, no-op, text edit")
    lang = load_course(ROOT / "course.toml").language
    noop_untouched, edit_rebuilt = first_lesson_rounds(bench, lang)
    single = measure(max(1, bench.runs // 2), **bench.floor["single"])
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
    expected = {f"images/{spec.name}.svg", "a_uses.html", "a_uses.pdf"}
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
    middle_files = {f"{middle.stem}.html", f"{middle.stem}.pdf"}
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
    marp = marp_commands(bench.markdown, bench.work)
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
    started = time.perf_counter()
    lesson_page = first_lesson()
    print_header(lesson_page, arguments)
    with tempfile.TemporaryDirectory(prefix="bench-") as temporary:
        bench = prepare(Path(temporary), lesson_page, arguments)
        bench_first_lesson(bench)
        bench_figure_edit(bench)
        bench_scale(bench)
        if not arguments.no_marp:
            bench_marp(bench)
    print_table(bench.table, started, arguments.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
