"""The corpus check's entry point (``make corpus``); the check itself is tests/support/corpus/."""

from __future__ import annotations

import sys

from tests.support.corpus.layout import CORPUS, PROJECT_ROOT, SITES, corpus_problem

__all__ = ["CORPUS", "PROJECT_ROOT", "SITES", "corpus_problem"]

if __name__ == "__main__":
    # Imported here, not above: tests that only need CORPUS and SITES (unit, build)
    # import this module, and the check itself imports most of coursebuild.
    from tests.support.corpus.run import main

    sys.exit(main())
