"""Compile one handout in a short-lived process: its root and source on stdin, PDF on stdout.

Run by coursebuild.convert as ``python -S typst_child.py TIMESTAMP [--warm]``,
with only the typst package on the path. typst-py memoises its last ten
compilations for as long as its process lives (~45 MB), which in a lesson
worker would stay for the whole build; a child gives it back at once.

Stdin is the root folder as a JSON string on the first line, then the source.
Typst reads nothing outside that root: it is the handout's own folder, holding
only the images the handout shows (coursebuild/handout_guard.py). The root
comes with the source, so a child started early (``--warm``) needs no folder yet.
On a Typst error the last line of stderr is JSON with the message and diagnostic.

Every handout is PDF/UA-1 (``PDF_STANDARDS``): Typst tags its structure and
refuses a document a screen reader could not read (no title, an image or a
formula without alt text, a skipped heading level). The build gives what it
needs (templates/handout.typ.j2, filters/handout.lua, filters/typst_math.lua).
"""

import json
import sys

import typst

TYPST_FAILED = 3
PDF_STANDARDS = ["ua-1"]


def main() -> int:
    timestamp = int(sys.argv[1])
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
