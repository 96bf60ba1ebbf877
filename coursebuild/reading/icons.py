"""Material's icons (``:material-…:``, ``:fontawesome-…:``, ``:octicons-…:``, ``:simple-…:``,
a site's ``custom_icons``) as the SVG files Material itself carries.

Material's emoji index adds every file under its ``.icons`` folder, the path's
``/`` read as ``-`` (``fontawesome/solid/paper-plane.svg`` is
``:fontawesome-solid-paper-plane:``). Listing its 14,000 files would cost every
build; a name is looked up when a page uses it instead. The name comes from the
page, but the emoji syntax allows only letters, digits, ``_``, ``+`` and ``-``:
no path can leave the icon folders.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path


@cache
def material_icons() -> Path | None:
    """The mkdocs-material package's icon folder, found without importing the package."""
    spec = importlib.util.find_spec("material")
    for folder in (spec and spec.submodule_search_locations) or ():
        icons = Path(folder) / "templates" / ".icons"
        if icons.is_dir():
            return icons
    return None


def custom_icon_folders(config: dict, site_root: Path) -> tuple[Path, ...]:
    """A site's ``custom_icons`` folders (pymdownx.emoji's options), those inside the site."""
    options = config.get("options") if isinstance(config.get("options"), dict) else {}
    names = options.get("custom_icons") or []
    root = site_root.resolve()
    folders = []
    for name in names if isinstance(names, list) else []:
        folder = (root / str(name)).resolve()
        if folder.is_relative_to(root) and folder.is_dir():
            folders.append(folder)
    return tuple(folders)


class IconIndex:
    """The Twemoji index's shortcodes, and any icon of the folders, found when asked for.

    pymdownx.emoji only calls ``get``; the Twemoji entries are shared, not copied.
    """

    def __init__(self, emoji: dict, folders: tuple[Path, ...]) -> None:
        self.emoji = emoji
        self.folders = tuple(folder.resolve() for folder in folders)

    def get(self, shortname, default=None):
        found = self.emoji.get(shortname)
        if found is not None:
            return found
        path = self.icon_file(shortname)
        if path is None:
            return default
        return {"name": shortname, "path": str(path)}

    def icon_file(self, shortname: str) -> Path | None:
        parts = shortname.strip(":").split("-")
        if not all(part and all(c.isalnum() or c in "_+" for c in part) for part in parts):
            return None
        for folder in self.folders:
            # "a-b-c" is a/b-c.svg, a/b/c.svg or a-b-c.svg: the first that is there.
            for split in range(len(parts)):
                candidate = folder.joinpath(*parts[:split], "-".join(parts[split:]) + ".svg")
                if candidate.is_file() and candidate.resolve().is_relative_to(folder):
                    return candidate
        return None
