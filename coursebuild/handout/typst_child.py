"""Compile one handout in a short-lived process: its root and source on stdin, PDF on stdout.

Run by coursebuild.convert as
``python -S typst_child.py TIMESTAMP MEMORY_MB CPU_SECONDS [--warm]``,
with only the typst package on the path. typst-py memoises its last ten
compilations for as long as its process lives (~45 MB), which in a lesson
worker would stay for the whole build; a child gives it back at once.

Stdin is the root folder as a JSON string on the first line, then the source.
Typst reads nothing outside that root: it is the handout's own folder, holding
only the images the handout shows (coursebuild/handout_guard.py). The root
comes with the source, so a child started early (``--warm``) needs no folder yet.
On a Typst error the last line of stderr is JSON with the message and diagnostic.

A handout is untrusted input (a page can show a huge image or formula): the
child limits its own memory (RLIMIT_DATA, which counts what Typst allocates,
not the address space its threads reserve) and CPU time before it reads
anything, and coursebuild/limits.py holds the numbers.

Every handout is PDF/UA-1 (``PDF_STANDARDS``): Typst tags its structure and
refuses a document a screen reader could not read (no title, an image or a
formula without alt text, a skipped heading level). The build gives what it
needs (templates/handout.typ.j2, filters/handout.lua, filters/typst_math.lua).
"""

import json
import resource
import sys

import typst

TYPST_FAILED = 3
PDF_STANDARDS = ["ua-1"]
MEBIBYTE = 1024 * 1024


def limit_resources(memory_mb: int, cpu_seconds: int) -> None:
    """At most ``memory_mb`` of data and ``cpu_seconds`` of CPU (SIGXCPU, then SIGKILL)."""
    resource.setrlimit(resource.RLIMIT_DATA, (memory_mb * MEBIBYTE, memory_mb * MEBIBYTE))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def main() -> int:
    timestamp, memory_mb, cpu_seconds = (int(argument) for argument in sys.argv[1:4])
    limit_resources(memory_mb, cpu_seconds)
    if "--warm" in sys.argv:
        # Started ahead of its source: load the default fonts while waiting.
        typst.compile(b"x $x$ `x`", ignore_system_fonts=True)
    header, _, source = sys.stdin.buffer.read().partition(b"\n")
    root = json.loads(header)
    try:
        pdf = typst.compile(
            source,
            root=root,  # the source names its images relative to it
            ignore_system_fonts=True,  # only Typst's embedded fonts: the same PDF everywhere
            timestamp=timestamp,
            pdf_standards=PDF_STANDARDS,
        )
    except typst.TypstError as error:
        details = {"message": str(error.message), "diagnostic": str(error.diagnostic)}
        sys.stderr.write("\n" + json.dumps(details) + "\n")
        return TYPST_FAILED
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
