"""Where the build finds its own files: its templates, the figure scripts, npm's packages."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
# The figure scripts are a package of their own, installed beside this one.
FIGURES_DIR = PACKAGE_DIR.parent / "figures"


def node_modules() -> Path:
    """npm's folder: a source checkout's, else the current folder's (an installed package)."""
    checkout = PACKAGE_DIR.parent / "node_modules"
    return checkout if checkout.is_dir() else Path.cwd() / "node_modules"


def twemoji_dir() -> Path:
    """Twemoji's SVG files, one an emoji: the images the sites show for emoji."""
    return node_modules() / "@twemoji" / "svg"


# A folder for the build's caches; "off" (or empty) turns them off. Default: the
# user's cache folder ($XDG_CACHE_HOME, else ~/.cache) / coursebuild.
CACHE_ENV = "COURSEBUILD_CACHE"


def cache_root() -> Path | None:
    """Where the build keeps what it may reuse between builds, or None when that is off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return None if chosen.strip() in ("", "off") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "coursebuild"
