"""Incremental builds: what each output was built from, by content hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from coursebuild.atomic import write_atomic

STATE_FILE = ".build-state.json"
FORMAT = 1


def digest(*parts: bytes | str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        # Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def files_digest(paths: list[Path]) -> str:
    return digest(*(part for path in sorted(paths) for part in (path.name, path.read_bytes())))


@dataclass
class BuildState:
    """Per output key: the inputs' digest and the digest of each file written."""

    path: Path
    entries: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, out_dir: Path) -> BuildState:
        path = out_dir / STATE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return cls(path)
        if data.get("format") != FORMAT:
            return cls(path)
        return cls(path, data.get("entries", {}))

    def is_fresh(self, key: str, inputs: str) -> bool:
        """True when ``key`` was built from ``inputs`` and its files are as written."""
        entry = self.entries.get(key)
        if entry is None or entry.get("inputs") != inputs:
            return False
        for name, expected in entry.get("outputs", {}).items():
            output = self.path.parent / name
            if not output.is_file() or digest(output.read_bytes()) != expected:
                return False
        return True

    def output_digest(self, key: str, name: str) -> str | None:
        return self.entries.get(key, {}).get("outputs", {}).get(name)

    def record(self, key: str, inputs: str, outputs: dict[str, bytes]) -> None:
        self.entries[key] = {
            "inputs": inputs,
            "outputs": {name: digest(data) for name, data in outputs.items()},
        }

    def save(self) -> None:
        text = json.dumps({"format": FORMAT, "entries": self.entries}, indent=1, sort_keys=True)
        write_atomic(self.path, text.encode("utf-8"))
