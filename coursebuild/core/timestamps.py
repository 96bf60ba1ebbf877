"""The build's one clock: SOURCE_DATE_EPOCH, read and checked in one place."""

from __future__ import annotations

import os
import re

from coursebuild.core.errors import BuildError

VARIABLE = "SOURCE_DATE_EPOCH"
# 9999-12-31 23:59:59 UTC: dates are printed with four-digit years.
LATEST = 253_402_300_799


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as seconds since 1970, None when unset or empty.

    Anything but ASCII digits is an error, not quietly the file's time:
    str.isdigit() would take "１２３" (full-width) or "²".
    """
    value = os.environ.get(VARIABLE, "")
    if not value:
        return None
    if not re.fullmatch(r"[0-9]+", value, re.ASCII):
        raise BuildError(f"{VARIABLE}={value!r} is not a whole number of seconds since 1970")
    seconds = int(value)
    if seconds > LATEST:
        raise BuildError(f"{VARIABLE}={value} is past the year 9999")
    return seconds
