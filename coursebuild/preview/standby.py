"""A build started before it is needed: the live preview's next build, waiting.

    python -P coursebuild/preview/standby.py BUILD_SCRIPT [ARGUMENT ...]
    python -P coursebuild/preview/standby.py -m MODULE [ARGUMENT ...]

It imports the libraries a build loads (Markdown and its extensions, Jinja,
Playwright, numpy, matplotlib) and then waits. A line on standard input runs
BUILD_SCRIPT (or MODULE) with the arguments, exactly as ``python BUILD_SCRIPT ...``
(``python -m MODULE ...``) would;
the end of input ends it without building. The preview starts the next one
as soon as a build ends, so a save does not wait for Python and its imports:
about 0.45 s less for a figure edit, whose figure process is forked from here.

Nothing of the project (coursebuild, figures, build.py) is imported before
the line comes, and nothing of the course is read: an edit to a lesson, a
figure module or the build's own code made while it waits is still seen.
Only installed libraries, which no edit changes, are loaded ahead.

``-P`` keeps this file's folder, coursebuild/preview/, off the import path, where its
modules (server.py, watch.py) could stand in for a library's; the build
script's folder goes first instead, where Python puts it for a script it runs.
"""

from __future__ import annotations

import importlib
import runpy
import select
import sys
from pathlib import Path

# What a build imports from installed packages: first what every build that
# makes a deck needs, then what drawing a figure needs. A name a build would
# not import costs only memory, in a process that waits anyway.
LIBRARIES = (
    "asyncio",
    "urllib.request",
    "markdown",
    *(
        f"markdown.extensions.{name}"
        for name in (
            *("abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html"),
            *("meta", "sane_lists", "smarty", "tables", "toc"),
        )
    ),
    *(
        f"pymdownx.{name}"
        for name in (
            *("arithmatex", "betterem", "caret", "critic", "details", "emoji", "highlight"),
            *("inlinehilite", "keys", "magiclink", "mark", "smartsymbols", "snippets"),
            *("superfences", "tabbed", "tasklist", "tilde", "twemoji_db"),
        )
    ),
    "jinja2",
    "jinja2.sandbox",
    "nh3",
    "yaml",
    "typst",
    "pypandoc",
    "concurrent.futures.process",
    # In steps of at most about 0.15 s: a change that comes meanwhile waits for one.
    "numpy",
    "matplotlib",
    "matplotlib.text",
    "matplotlib.axes",
    "matplotlib.figure",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_svg",
)


def told(stream) -> bool:
    """Whether a line (or the end of input) is waiting on ``stream``."""
    return bool(select.select([stream], [], [], 0)[0])


def main(argv: list[str]) -> int:
    script, *arguments = argv
    try:
        for name in LIBRARIES:
            # A change that comes early is built at once: the rest is
            # imported as the build needs it, as it would be without waiting.
            if told(sys.stdin):
                break
            importlib.import_module(name)
        go = sys.stdin.readline()
    except KeyboardInterrupt:
        return 130
    if not go:
        return 0  # the preview stopped, or will start another
    if script == "-m":  # the installed command: the package is on the path already
        module, *arguments = arguments
        sys.argv = [module, *arguments]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        return 0
    sys.path.insert(0, str(Path(script).resolve().parent))
    sys.argv = [script, *arguments]
    # build.py ends in sys.exit(main()): its exit code is this process's.
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
