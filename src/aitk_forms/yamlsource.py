"""YAML reading that keeps the line of every mapping and key, for diagnostics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Diagnostic, message


class LocatedDict(dict):
    """A mapping from YAML that remembers its own line and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    line: int = 0


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LocatedDict:  # type: ignore[override]
        # YAML lets a later key silently replace an earlier one: in content, that hides a text someone edits.
        first: dict[str, int] = {}
        for key, _ in node.value:
            name = str(key.value)
            if name in first:
                problem = f"the key '{name}' appears twice (first at line {first[name]})"
                raise yaml.constructor.ConstructorError(None, None, problem, key.start_mark)
            first[name] = key.start_mark.line + 1
        result = LocatedDict(super().construct_mapping(node, deep=True))
        result.line = node.start_mark.line + 1
        result.key_lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LocatedList:  # type: ignore[override]
        result = LocatedList(super().construct_sequence(node, deep=True))
        result.line = node.start_mark.line + 1
        return result


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    lambda loader, node: loader.construct_mapping(node),
)
_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
    lambda loader, node: loader.construct_sequence(node),
)


def read_yaml(path: Path, label: str, problems: list[Diagnostic]) -> Any:
    """Parse `path`; on a syntax error add a diagnostic naming the line and return None."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        problems.append(Diagnostic(label, 0, f"cannot be read: {error.strerror}"))
        return None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        problems.append(Diagnostic(label, line, message("yaml", error=getattr(error, "problem", error))))
        return None
