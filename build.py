#!/usr/bin/env python3
"""Build the course: figures, a reveal.js deck and a PDF handout per lesson, an index.

    python build.py                    # the whole course (course.toml, slides/*.md)
    python build.py --course SITE      # every page of an MkDocs site (SITE/mkdocs.yml)
    python build.py figures            # only the figures
    python build.py PATH.md [PATH.md]  # these lesson pages, from anywhere (a page
                                       # inside an MkDocs site builds as part of it)
    python build.py preview [PATH.md]  # serve the outputs, build again on every change

The same as the installed ``coursebuild`` command (coursebuild/cli.py), with
this project's own course as the default; the stages are in coursebuild/pipeline.py.
"""

import sys
from pathlib import Path

from coursebuild.cli import main, run_in_utf8_mode

HERE = Path(__file__).resolve()

if __name__ == "__main__":
    run_in_utf8_mode()
    sys.exit(main(home=HERE.parent, relaunch=[str(HERE)]))
