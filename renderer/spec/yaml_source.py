"""YAML with positions: load a file into plain data plus the line:column of every key and item,
so that spec problems can be reported like compiler diagnostics.

The file is first read as a stream of parser events, where anchors (``&name``) and aliases
(``*name``) are refused and nesting is bounded, before any node is built: an alias that contains
itself or a "billion laughs" file is a located problem, not a RecursionError or a minute of work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import SpecProblem
from .source import PathKey, Positions, SourceDoc, dotted

#: Thumbkit files nest a few levels (a layer's box in a layout's list); more is no thumbkit file.
MAX_DEPTH = 32
#: libyaml's C parser when PyYAML was built with it (10x faster, the same events, nodes and marks)
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ALIAS_MESSAGE = "YAML aliases (*name) are not allowed in thumbkit files; write the value out"
ANCHOR_MESSAGE = "YAML anchors (&name) are not allowed in thumbkit files; write the value out"


def load_yaml(path: Path, *, shown_as: str | None = None) -> tuple[SourceDoc | None, list[SpecProblem]]:
    """The document and any problems found while reading it (syntax errors, duplicate keys, anchors
    and aliases, too deep nesting, keys that are not plain names, unknown tags)."""
    shown = shown_as or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [SpecProblem(shown, 1, 1, "", f"not valid UTF-8 ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, [SpecProblem(shown, 1, 1, "", f"cannot read file: {exc.strerror}")]
    try:
        problems = _event_problems(text, shown, _LOADER)
        if problems:
            return None, problems
        node = yaml.compose(text, Loader=_LOADER)  # no aliases: every node is built once
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(shown, _pure_python_error(text) or exc)]
    if node is None:
        return None, [SpecProblem(shown, 1, 1, "", "the file is empty")]
    positions: dict[PathKey, tuple[int, int]] = {(): (node.start_mark.line + 1, node.start_mark.column + 1)}
    data = _convert(node, (), positions, problems, shown, yaml.constructor.SafeConstructor())
    return SourceDoc(shown, data, Positions.of(positions)), problems


def _pure_python_error(text: str) -> yaml.MarkedYAMLError | None:
    """The syntax error as PyYAML's own parser words it (libyaml's messages are terser: "found
    character that cannot start any token" without the character); only on the error path."""
    try:
        _event_problems(text, "", yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        return exc
    return None


def _syntax_problem(shown: str, exc: yaml.MarkedYAMLError) -> SpecProblem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return SpecProblem(shown, line, column, "", f"invalid YAML: {exc.problem or exc}")


class _Frame:
    """An open mapping or sequence while reading events: where it is and where its next node goes."""

    __slots__ = ("expect_key", "index", "is_mapping", "key", "loc")

    def __init__(self, loc: PathKey, is_mapping: bool) -> None:
        self.loc = loc
        self.is_mapping = is_mapping
        self.expect_key = True
        self.key: str | int = "?"
        self.index = 0

    def next_loc(self) -> PathKey:
        if not self.is_mapping:
            return (*self.loc, self.index)
        return self.loc if self.expect_key else (*self.loc, self.key)

    def node_done(self, scalar: str | None) -> None:
        if not self.is_mapping:
            self.index += 1
        elif self.expect_key:
            self.key, self.expect_key = (scalar if scalar is not None else "?"), False
        else:
            self.expect_key = True


def _event_problems(text: str, shown: str, loader: type[yaml.SafeLoader]) -> list[SpecProblem]:
    """Anchors, aliases and too deep nesting, found from the parser's events (nothing is built).
    A syntax error raises ``yaml.MarkedYAMLError``."""
    problems: list[SpecProblem] = []
    stack: list[_Frame] = []
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.NodeEvent):  # a scalar, an alias or the start of a collection
            loc = stack[-1].next_loc() if stack else ()
            mark = event.start_mark
            assert mark is not None  # the parser marks every event it emits
            if isinstance(event, yaml.AliasEvent):
                problems.append(SpecProblem(shown, mark.line + 1, mark.column + 1, dotted(loc), ALIAS_MESSAGE))
            elif event.anchor is not None:
                problems.append(SpecProblem(shown, mark.line + 1, mark.column + 1, dotted(loc), ANCHOR_MESSAGE))
            if isinstance(event, yaml.CollectionStartEvent):
                if len(stack) >= MAX_DEPTH:
                    problems.append(SpecProblem(shown, mark.line + 1, mark.column + 1, dotted(loc),
                                                f"nested too deeply; thumbkit files nest at most {MAX_DEPTH} levels"))
                    return problems
                stack.append(_Frame(loc, isinstance(event, yaml.MappingStartEvent)))
            elif stack:
                stack[-1].node_done(event.value if isinstance(event, yaml.ScalarEvent) else None)
        elif isinstance(event, yaml.CollectionEndEvent):
            stack.pop()
            if stack:
                stack[-1].node_done(None)
    return problems


def _convert(node: yaml.Node, loc: PathKey, positions: dict[PathKey, tuple[int, int]], problems: list[SpecProblem],
             shown: str, constructor: yaml.constructor.SafeConstructor) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(SpecProblem(shown, mark.line + 1, mark.column + 1, dotted(loc),
                                            "a key must be a plain name, not a list or mapping"))
                continue
            key = _scalar(key_node, loc, problems, shown, constructor)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                key = str(key_node.value)  # a date or binary key: keep its text (the schema refuses it)
            child = (*loc, key)
            if key in result:
                problems.append(SpecProblem(shown, mark.line + 1, mark.column + 1, dotted(child), "duplicate key"))
            positions[child] = (mark.line + 1, mark.column + 1)
            result[key] = _convert(value_node, child, positions, problems, shown, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = (*loc, index)
            positions[child] = (item.start_mark.line + 1, item.start_mark.column + 1)
            items.append(_convert(item, child, positions, problems, shown, constructor))
        return items
    return _scalar(node, loc, problems, shown, constructor)


def _scalar(node: yaml.Node, loc: PathKey, problems: list[SpecProblem], shown: str,
            constructor: yaml.constructor.SafeConstructor) -> Any:
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:  # an unknown tag (!!python/object ...)
        mark = exc.problem_mark or node.start_mark
        problems.append(SpecProblem(shown, mark.line + 1, mark.column + 1, dotted(loc), f"invalid YAML: {exc.problem or exc}"))
        return None
    except (ValueError, TypeError, AttributeError, OverflowError):  # a tag its text does not fit: !!int x, !!timestamp z
        mark = node.start_mark
        problems.append(SpecProblem(shown, mark.line + 1, mark.column + 1, dotted(loc),
                                    f"invalid YAML: {node.value!r} is not a valid {node.tag.rsplit(':', 1)[-1]}"))
        return None
