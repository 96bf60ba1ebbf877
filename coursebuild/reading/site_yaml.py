"""MkDocs' YAML: its tags (!ENV, !relative, python/name) as data, bounded, errors at a line."""

from __future__ import annotations

from pathlib import Path

import yaml

from coursebuild.core.bounded_yaml import YamlLimitError, check_bounds
from coursebuild.core.errors import BuildError

PYTHON_TAG_PREFIX = "tag:yaml.org,2002:python/"


class PythonTag(str):
    """A `!!python/...` value from a YAML file, kept as its text ("python/name:x.y"); never run."""

    __slots__ = ()


class _Text(str):
    """A YAML string that remembers its line, so that errors can point at it."""

    line: int | None = None


def _construct_text(loader, node) -> _Text:
    text = _Text(loader.construct_scalar(node))
    text.line = node.start_mark.line + 1
    return text


def _construct_python_tag(loader, suffix: str, node) -> PythonTag:
    # Lesson sites are untrusted input: the name is kept as text, nothing is imported.
    return PythonTag("python/" + suffix)


def _construct_env(loader, node):
    """`!ENV NAME` as None, `!ENV [NAME, ..., default]` as the default: builds do not read env."""
    if isinstance(node, yaml.SequenceNode) and len(node.value) > 1:
        return loader.construct_object(node.value[-1], deep=True)
    return None


def _construct_relative(loader, node) -> str:
    """MkDocs' `!relative` path tag, kept as its text."""
    return loader.construct_scalar(node)


def _site_loader(base: type) -> type:
    """A safe YAML loader for MkDocs files: strings with lines, MkDocs' tags as plain data."""
    loader = type("SiteLoader", (base,), {})
    loader.add_constructor("tag:yaml.org,2002:str", _construct_text)
    loader.add_multi_constructor(PYTHON_TAG_PREFIX, _construct_python_tag)
    loader.add_constructor("!ENV", _construct_env)
    loader.add_constructor("!relative", _construct_relative)
    return loader


# libyaml's parser when PyYAML has it; the Python one reads a broken file again for its message.
_FAST_LOADER = _site_loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader))


_CHECKING_LOADER = _site_loader(yaml.SafeLoader)


def load_site_yaml(text: str, path: Path):
    """A YAML file's data; a syntax error or one over the limits is a BuildError naming the line."""
    try:
        check_bounds(text, _FAST_LOADER)
    except YamlLimitError as error:
        raise yaml_error(error, path, first_line=1) from None
    try:
        return yaml.load(text, Loader=_FAST_LOADER)  # a SafeLoader: safe
    except yaml.YAMLError:
        pass
    try:
        return yaml.load(text, Loader=_CHECKING_LOADER)  # a SafeLoader: safe
    except yaml.YAMLError as error:
        raise yaml_error(error, path, first_line=1) from None


def yaml_error(error: yaml.YAMLError, path: Path, first_line: int) -> BuildError:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + first_line if mark is not None else None
    problem = getattr(error, "problem", None) or str(error)
    what = "refused" if isinstance(error, YamlLimitError) else "not valid YAML"
    return BuildError(f"{what}: {problem}", path, line)


def yaml_line(value) -> int | None:
    """The line of a YAML string, or of a one-key mapping's key."""
    if isinstance(value, dict) and value:
        value = next(iter(value))
    return getattr(value, "line", None)


def plain_yaml(value):
    """YAML data with the line-carrying strings turned back into plain str."""
    if isinstance(value, dict):
        return {plain_yaml(key): plain_yaml(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_yaml(item) for item in value]
    if isinstance(value, _Text):
        return str(value)
    return value


def config_error(data: dict, key: str, message: str, path: Path) -> BuildError:
    """An error at the setting's line, in the file it came from (mkdocs.yml or its INHERIT)."""
    line = next((yaml_line(name) for name in data if name == key), None)
    path = getattr(data, "origins", {}).get(key, path)
    return BuildError(f"Config value '{key}': {message}", path, line)
