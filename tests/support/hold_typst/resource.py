"""Holds each Typst child a second as it starts; every other process gets ``resource`` at once.

The fault tests stop a build "while Typst runs", found by looking at its
processes; a Typst child lives ~0.1 s, and on a busy machine a build can
start and finish one between two looks. With this folder first on
PYTHONPATH (a child started ``python -S`` still reads it, before the
standard library), the child's first import, ``resource``, is this module:
it waits, then hands over the real one. Nothing else of the build changes.
"""

import os
import sys
import time

HOLD_SECONDS = 1.0

if sys.argv and sys.argv[0].endswith("typst_child.py"):
    time.sleep(HOLD_SECONDS)

_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != _here]
del sys.modules["resource"]
import resource  # noqa: E402,F401  (the standard library's, now first found)
