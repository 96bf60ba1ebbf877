"""Load and validate course.toml; report every problem at once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from coursebuild.errors import BuildError

LANGUAGES = ("fi", "en")
REQUIRED_TEXT = ("title", "author", "licence", "language")


@dataclass(frozen=True)
class Course:
    title: str
    author: str
    licence: str
    language: str
    root: Path  # the folder holding course.toml: the course folder
    lessons_dir: Path
    output_dir: Path

    @property
    def config_path(self) -> Path:
        return self.root / "course.toml"


def load_course(path: Path) -> Course:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BuildError(
            "course.toml not found; run the build from the course folder", path
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BuildError(f"not valid TOML: {error}", path, getattr(error, "lineno", None)) from None

    problems = []
    for key in REQUIRED_TEXT:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"Config value '{key}': a non-empty string is required")
    if data.get("language") not in LANGUAGES and isinstance(data.get("language"), str):
        problems.append(f"Config value 'language': expected one of {', '.join(LANGUAGES)}")
    settings = data.get("build", {})
    if not isinstance(settings, dict):
        problems.append("Config value 'build': expected a table")
        settings = {}
    for key in ("lessons", "output"):
        if not isinstance(settings.get(key, ""), str):
            problems.append(f"Config value 'build.{key}': expected a folder name")
    if problems:
        raise BuildError("; ".join(problems), path)

    root = path.resolve().parent
    return Course(
        title=data["title"],
        author=data["author"],
        licence=data["licence"],
        language=data["language"],
        root=root,
        lessons_dir=root / settings.get("lessons", "slides"),
        output_dir=root / settings.get("output", "build"),
    )
