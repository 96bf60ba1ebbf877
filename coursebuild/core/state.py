"""Incremental builds: what each output was built from, by content hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from coursebuild.core.atomic import write_atomic

STATE_FILE = ".build-state.json"
FORMAT = 2  # 2: a lesson's deck and handout are recorded apart


def digest(*parts: bytes | str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        # Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def file_signature(path: Path) -> list[int] | None:
    """Size, modification time and inode: a file rewritten or replaced gets a new one."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


# Digests already computed in this process, by path and file signature: every
# lesson depends on the same code, templates and figures, so a build of many
# lessons reads and hashes each of those files once, not once a lesson.
_known_digests: dict[tuple, str] = {}


def _remembered(key: tuple, compute) -> str:
    if key not in _known_digests:
        _known_digests[key] = compute()
    return _known_digests[key]


def file_digest(path: Path) -> str:
    signature = file_signature(path)
    if signature is None:
        return digest(path.read_bytes())  # raises as reading always did
    return _remembered(("file", str(path), *signature), lambda: digest(path.read_bytes()))


def files_digest(paths: list[Path]) -> str:
    ordered = sorted(paths)
    signatures = [file_signature(path) for path in ordered]

    def compute() -> str:
        return digest(*(part for path in ordered for part in (path.name, path.read_bytes())))

    if None in signatures:
        return compute()
    key = ("files", *(str(path) for path in ordered), *(n for s in signatures for n in s))
    return _remembered(key, compute)


@dataclass
class BuildState:
    """Per output key: the inputs' digest and the digest of each file written."""

    path: Path
    entries: dict[str, dict] = field(default_factory=dict)
    # Why the state file could not be used (everything is then built again).
    problem: str | None = None
    # The file as read: a build that changed nothing does not write it again.
    loaded_text: str | None = field(default=None, repr=False)

    @classmethod
    def load(cls, out_dir: Path) -> BuildState:
        path = out_dir / STATE_FILE
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        except (OSError, UnicodeDecodeError) as error:
            return cls(path, problem=f"cannot read it ({error})")
        try:
            data = json.loads(text)
        except ValueError:
            return cls(path, problem="it is not valid JSON")
        if isinstance(data, dict) and data.get("format") != FORMAT and "format" in data:
            return cls(path)  # another version's state: quietly built again
        if not (isinstance(data, dict) and well_formed(data.get("entries"))):
            return cls(path, problem="it is not in the shape the build writes")
        return cls(path, data["entries"], loaded_text=text)

    def is_fresh(self, key: str, inputs: str) -> bool:
        """True when ``key`` was built from ``inputs`` and its files are as written."""
        entry = self.entries.get(key)
        if entry is None or entry.get("inputs") != inputs:
            return False
        signatures = entry.get("signatures", {})
        for name, expected in entry.get("outputs", {}).items():
            output = self.path.parent / name
            signature = file_signature(output)
            if signature is None or not output.is_file():
                return False
            if signature == signatures.get(name):
                continue  # the very file the build wrote: no need to read and hash it
            if digest(output.read_bytes()) != expected:
                return False
        return True

    def dependencies(self, key: str) -> list[str]:
        """The files ``key``'s last build found it depends on (images a page shows)."""
        found = self.entries.get(key, {}).get("dependencies", [])
        return [path for path in found if isinstance(path, str)]

    def record(
        self,
        key: str,
        inputs: str,
        outputs: dict[str, bytes],
        dependencies: list[str] = (),
        extra: dict | None = None,
    ) -> None:
        """Record outputs and what they were made from; ``extra``: more to keep in the entry."""
        summaries = {name: (digest(data), len(data)) for name, data in outputs.items()}
        self.record_written(key, inputs, summaries, dependencies)
        self.entries[key].update(extra or {})

    def record_written(
        self,
        key: str,
        inputs: str,
        outputs: dict[str, tuple[str, int]],
        dependencies: list[str] = (),
    ) -> None:
        """Record outputs by their digest and size (``{name: (digest, size)}``)."""
        self.entries[key] = {
            "inputs": inputs,
            "dependencies": list(dependencies),
            "outputs": {name: written for name, (written, _) in outputs.items()},
            # Signatures of the files as written, when they hold these bytes,
            # so the next build can skip hashing them.
            "signatures": {
                name: signature
                for name, (_, size) in outputs.items()
                if (signature := file_signature(self.path.parent / name)) and signature[0] == size
            },
        }

    def save(self) -> None:
        """Write the state, unless it is what was read (a no-op writes nothing)."""
        text = json.dumps({"format": FORMAT, "entries": self.entries}, indent=1, sort_keys=True)
        if text != self.loaded_text:
            write_atomic(self.path, text.encode("utf-8"))
            self.loaded_text = text


def well_formed(entries) -> bool:
    """Whether ``entries`` has the shape ``record`` writes."""
    if not isinstance(entries, dict):
        return False
    for key, entry in entries.items():
        if not (isinstance(key, str) and isinstance(entry, dict)):
            return False
        if not isinstance(entry.get("inputs"), str):
            return False
        outputs = entry.get("outputs", {})
        if not (isinstance(outputs, dict) and all(isinstance(v, str) for v in outputs.values())):
            return False
        if not isinstance(entry.get("signatures", {}), dict):
            return False
        if not isinstance(entry.get("dependencies", []), list):
            return False
    return True
