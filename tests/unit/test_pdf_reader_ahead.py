"""pypdf imported ahead on a thread of its own, which the interpreter waits for at exit.

A daemon thread stopped mid-import at exit is unwound by force; through a
Rust extension's frames (cryptography's, which pypdf imports when it is
installed) that aborted a build that failed early ("FATAL: exception not
rethrown", exit -6, once in a whole test run; once in 61 exits timed across the
import here).
"""

from __future__ import annotations

import sys

from coursebuild.course_index import import_pdf_reader_ahead


def test_the_import_thread_is_waited_for_at_exit():
    thread = import_pdf_reader_ahead.__wrapped__()
    assert not thread.daemon
    thread.join()
    assert "pypdf" in sys.modules
