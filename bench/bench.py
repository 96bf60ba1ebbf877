#!/usr/bin/env python3
"""Build speed and scale, measured against the bare tools and a peer (issue 5).

    make bench                                     # the full run: 3 runs, one of each big build
    .venv/bin/python bench/bench.py --quick        # 3 runs, a 20-lesson course, while developing
    .venv/bin/python bench/bench.py --first-only   # only the first lesson's rows (sections 1–4)

Every time is a whole command run as a subprocess, timed with perf_counter from
start to reap, with SOURCE_DATE_EPOCH fixed: the median of several runs, min–max
in brackets. Runs of things that are compared are interleaved (floor, figures,
clean build, no-op, edit; then the next round), so a busy moment on the machine
hits all of them alike. Nothing in the project is modified: the courses live in
a temporary folder, the figure edit is made in a temporary copy of the code,
and the corpus sites (read-only) are built and edited in temporary copies.

- floor: the pipeline's own tool calls for the first lesson, one after another,
  with the inputs and arguments the build's own functions give them, taken
  untimed (bench/stages.py): the page's HTML from read_lesson, Pandoc's
  arguments as draft_deck and make_handout pass them, the Typst child's input
  as make_handout writes it: Pandoc to reveal.js slides, Pandoc to Typst, and
  the Typst compile (the build's own `python -S` Typst child).
- a site's floor (with --site-floors): the same three calls for every page of
  an MkDocs site of the corpus (../shared/corpus), summed. The bare tools draw
  no mermaid diagram; the diagrams alone, in one browser session, are a
  reference row of their own.
- one browser start: a fresh interpreter that imports Playwright, launches the
  project's Chromium and opens a page, as a build does for its layout pass
  (a reference now).
- bare browser work: a fresh interpreter, Playwright alone (nothing of the
  build's): the project's Chromium started, the first lesson's deck as built
  loaded from its file, and printed by Chromium's own print to a PDF. Builds
  that make a deck are compared with the floor plus this; the old ratio
  (floor plus a browser start) is printed beside it.
- figures alone: the five figures in a fresh interpreter, timed inside it, so
  without interpreter start-up: numpy and matplotlib imports, computation,
  drawing, SVG.
- memory: the build's whole process tree (build.py, its lesson workers, the
  figure process and the pandoc and Typst processes) is sampled every 50 ms;
  the number is the peak of the *sum* of the processes' proportional set sizes
  (PSS: pages that forked processes share count once). The largest single
  process (peak RSS, exact, from wait4) is given too.

The parts are the package bench/, one job a module (bench/__init__.py lists
them); this script runs bench.main.
"""

import sys
from pathlib import Path

# The project's root, not bench/, first on the path: bench is then the package,
# and its modules' names shadow nothing.
ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
else:
    sys.path.insert(0, str(ROOT))

from bench.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
