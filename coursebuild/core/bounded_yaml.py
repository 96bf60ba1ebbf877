"""YAML from untrusted files (mkdocs.yml, .nav.yml, front matter), checked before it is built.

Aliases let a few hundred bytes stand for billions of values (0.4 KB of
``.nav.yml`` once took 4 GB and 47 s), and libyaml's composer recurses once a
nesting level (100 000 ``[`` crash the interpreter). So the text's events are
walked first, in one pass and constant stack: its size, its nesting depth and
the number of values it holds once every alias is expanded are each bounded
(limits.py), and an alias inside its own anchor (data that holds itself) is
refused. Only then is it loaded, by the caller's safe loader.
"""

from __future__ import annotations

import yaml

from coursebuild.core import limits


class YamlLimitError(yaml.MarkedYAMLError):
    """A YAML text over one of the limits; ``problem_mark`` is where it went over."""


def check_bounds(text: str, loader_class: type) -> None:
    """Raise YamlLimitError if ``text`` is too long, too deep or expands to too many values.

    Syntax errors are left to the loader that reads the text afterwards.
    """
    if len(text) > limits.MAX_YAML_CHARACTERS:
        raise YamlLimitError(
            problem=f"{len(text):,} characters, more than {limits.MAX_YAML_CHARACTERS:,}"
        )
    loader = loader_class(text)
    try:
        walk_events(loader)
    except YamlLimitError:
        raise
    except yaml.YAMLError:
        pass  # a syntax error: the loader reports it, with its line
    finally:
        loader.dispose()


def walk_events(loader) -> None:
    """Count the values the text holds, aliases expanded, as the parser's events come."""
    open_collections: list[list] = []  # [anchor, values it holds so far], innermost last
    anchor_sizes: dict[str, int] = {}  # the values an anchored node stands for
    total = 0

    def count(values: int, mark) -> None:
        nonlocal total
        total += values
        if total > limits.MAX_YAML_NODES:
            problem = f"aliases expand it to more than {limits.MAX_YAML_NODES:,} values"
            raise YamlLimitError(problem=problem, problem_mark=mark)

    def holds(values: int) -> None:
        if open_collections:
            open_collections[-1][1] += values

    while loader.check_event():
        event = loader.get_event()
        if isinstance(event, yaml.AliasEvent):
            if any(anchor == event.anchor for anchor, _ in open_collections):
                problem = f"the alias *{event.anchor} is inside its own anchor"
                raise YamlLimitError(problem=problem, problem_mark=event.start_mark)
            values = anchor_sizes.get(event.anchor, 1)
            count(values, event.start_mark)
            holds(values)
        elif isinstance(event, yaml.ScalarEvent):
            count(1, event.start_mark)
            holds(1)
            if event.anchor is not None:
                anchor_sizes[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            count(1, event.start_mark)
            open_collections.append([event.anchor, 1])
            if len(open_collections) > limits.MAX_YAML_DEPTH:
                problem = f"nested more than {limits.MAX_YAML_DEPTH} levels deep"
                raise YamlLimitError(problem=problem, problem_mark=event.start_mark)
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, values = open_collections.pop()
            if anchor is not None:
                anchor_sizes[anchor] = values
            holds(values)
