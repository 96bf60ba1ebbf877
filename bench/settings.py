"""What every part of the benchmark shares: the project's paths, the fixed epoch, the corpus."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from coursebuild.figure_cache import CACHE_ENV

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BUILD = ROOT / "build.py"
# The build's code: what a figure edit copies, and what must not change during a run.
CODE = ("build.py", "coursebuild", "figures")
EPOCH = "1700000000"
CHROMIUM = "/usr/bin/chromium"
CORPUS = ROOT.parent / "shared" / "corpus"  # the instructor's sites, read-only in CI
# The corpus sites, each with the page its text edit changes: one with mermaid diagrams.
SITES = {
    "syvaoppiminen": "docs/aikasarjat/aikasarjat.md",
    "ml-perusteet": "docs/3_puut/puu.md",
}
ENV = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
ENV.pop("PANDOC", None)  # the pipeline and the floor use the same Pandoc
# Builds draw their figures, as on a machine that never built them, not copy
# them from an earlier run (coursebuild/figure_cache.py).
ENV[CACHE_ENV] = "off"
