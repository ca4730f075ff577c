"""YAML with positions: load a file into plain data plus the line:column of every key and item,
so that spec problems can be reported like compiler diagnostics."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import SpecProblem

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class SourceDoc:
    path: str  # as shown in messages
    data: Any
    positions: dict[PathKey, tuple[int, int]]  # 1-based line, column of each key / list item

    def position(self, loc: PathKey) -> tuple[int, int]:
        """The position of ``loc``, or of its nearest ancestor that has one."""
        while loc not in self.positions and loc:
            loc = loc[:-1]
        return self.positions.get(loc, (1, 1))

    def problem(self, loc: PathKey, message: str) -> SpecProblem:
        line, column = self.position(loc)
        return SpecProblem(self.path, line, column, dotted(loc), message)


def dotted(loc: PathKey) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_yaml(path: Path, *, shown_as: str | None = None) -> tuple[SourceDoc | None, list[SpecProblem]]:
    """The document and any problems found while reading it (syntax errors, duplicate keys)."""
    shown = shown_as or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [SpecProblem(shown, 1, 1, "", f"not valid UTF-8 ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, [SpecProblem(shown, 1, 1, "", f"cannot read file: {exc.strerror}")]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [SpecProblem(shown, line, column, "", f"invalid YAML: {exc.problem or exc}")]
    if node is None:
        return None, [SpecProblem(shown, 1, 1, "", "the file is empty")]
    positions: dict[PathKey, tuple[int, int]] = {(): (node.start_mark.line + 1, node.start_mark.column + 1)}
    problems: list[SpecProblem] = []
    data = _convert(node, (), positions, problems, shown)
    return SourceDoc(shown, data, positions), problems


def _convert(node: yaml.Node, loc: PathKey, positions: dict, problems: list, shown: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            child = (*loc, key)
            mark = key_node.start_mark
            if key in result:
                problems.append(SpecProblem(shown, mark.line + 1, mark.column + 1, dotted(child), "duplicate key"))
            positions[child] = (mark.line + 1, mark.column + 1)
            result[key] = _convert(value_node, child, positions, problems, shown)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = (*loc, index)
            positions[child] = (item.start_mark.line + 1, item.start_mark.column + 1)
            items.append(_convert(item, child, positions, problems, shown))
        return items
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()
