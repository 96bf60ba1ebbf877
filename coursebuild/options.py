"""What one build is asked to do: the command line, as a typed value."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BuildOptions:
    # 'figures' for the figures only, lesson pages (.md), or none: the whole course.
    targets: tuple[str, ...] = ()
    lang: str | None = None  # the figures' language; default: the course's
    out: Path | None = None  # the output folder; default: the course's
    course: Path | None = None  # an MkDocs site or a folder with course.toml
    jobs: int = os.cpu_count() or 1
    strict: bool = False  # warnings are errors
    check: bool = False  # every deck shown in Chromium; a slide that overflows fails
    screenshots: bool = False  # a PNG of every slide (implies check)
    slide_notes: bool = False  # speaker notes under each slide in the slide PDFs
    slide_pdfs: bool = True  # False: the slide PDFs are left for the next build
    # Hosts ("host" or "host:port") whose remote images may be fetched from any address.
    image_hosts: frozenset[str] = frozenset()
    quiet: bool = False
    port: int | None = None  # preview only
    host: str = "127.0.0.1"  # preview only

    @property
    def only_figures(self) -> bool:
        return self.targets == ("figures",)

    @property
    def whole_course(self) -> bool:
        """No pages named: every lesson of the course, its index, and nothing gone left."""
        return not self.targets
