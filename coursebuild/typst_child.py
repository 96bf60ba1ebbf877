"""Compile one handout in a short-lived process: Typst source on stdin, PDF on stdout.

Run by coursebuild.convert as ``python -S typst_child.py TIMESTAMP [--warm]``,
with only the typst package on the path. typst-py memoises its last ten
compilations for as long as its process lives (~45 MB), which in a lesson
worker would stay for the whole build; a child gives it back at once.
On a Typst error the last line of stderr is JSON with the message and diagnostic.
"""

import json
import sys

import typst

TYPST_FAILED = 3


def main() -> int:
    timestamp = int(sys.argv[1])
    if "--warm" in sys.argv:
        # Started ahead of its source: load the default fonts while waiting.
        typst.compile(b"x $x$ `x`", ignore_system_fonts=True)
    try:
        pdf = typst.compile(
            sys.stdin.buffer.read(),
            root="/",  # image paths in the source are absolute
            ignore_system_fonts=True,  # only Typst's embedded fonts: the same PDF everywhere
            timestamp=timestamp,
        )
    except typst.TypstError as error:
        details = {"message": str(error.message), "diagnostic": str(error.diagnostic)}
        sys.stderr.write("\n" + json.dumps(details) + "\n")
        return TYPST_FAILED
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
