"""Ctrl-C: asyncio's word on the driver's closed loop is not printed, nothing else is lost."""

from __future__ import annotations

import logging

from coursebuild.core.lifetime import not_a_closed_loop_warning


def record(message: str, *args) -> logging.LogRecord:
    return logging.LogRecord("asyncio", logging.WARNING, __file__, 1, message, args, None)


def test_only_the_closed_loop_warning_is_dropped():
    assert not not_a_closed_loop_warning(record("Loop %r that handles pid %r is closed", "L", 7))
    assert not_a_closed_loop_warning(record("Task was destroyed but it is pending!"))
    assert not_a_closed_loop_warning(record("Unknown child process pid %d", 7))
