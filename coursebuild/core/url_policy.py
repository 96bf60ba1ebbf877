"""The one list of addresses a lesson may link to or show, in the deck and the handout alike.

A page is untrusted: a ``javascript:`` link runs script in a student's
browser and a ``file:`` link in a PDF opens the reader's own files. Allowed:
http(s), mailto, and addresses without a scheme (relative ones, and the
build's own image paths). sanitize.py applies it to the page's HTML, every
attribute that holds an address included (``data-href``); the first Lua
filter, which both media share, applies it again to what Pandoc reads.
"""

from __future__ import annotations

import re

URL_SCHEMES = frozenset({"http", "https", "mailto"})
# A scheme as a browser finds it: letters first, ignoring leading spaces and control characters.
SCHEME = re.compile(r"^[\x00-\x20]*([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Characters a browser drops from an address before it reads the scheme ("java\tscript:").
IGNORED_IN_SCHEME = re.compile(r"[\t\n\r]")


def is_allowed_url(url: str) -> bool:
    """Whether ``url`` may be a link or an image in a deck or a handout."""
    match = SCHEME.match(IGNORED_IN_SCHEME.sub("", url))
    return match is None or match.group(1).lower() in URL_SCHEMES


def pandoc_metadata() -> str:
    """The policy as a Pandoc option, for filters/mkdocs.lua."""
    return "--metadata=url-schemes=" + ",".join(sorted(URL_SCHEMES))
