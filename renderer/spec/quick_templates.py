"""The templates layouts use, filled without Jinja2 (importing it costs a one-shot render ~40 ms).

A strict subset of Jinja2's expression language, evaluated with Jinja2's semantics: text around
``{{ ... }}`` expressions made of context names, dotted keys of mappings (``palette.accent``),
plain string and number literals, filters among thumbkit's own (``alpha``, ``mix``, ``glow``) and
``upper``/``lower``, and ``or``. Anything else (a ``{%``/``{#`` tag, whitespace control, another
operator or filter, an escape in a string, a name not in the context, a key a mapping lacks, a
filter that fails) gives None: the caller then fills with Jinja2, which gives the same result or
the error message. ``tests/spec`` checks both agree on every bundled layout and kit.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Callable
from typing import Any, Union

from .templating import FILTERS

_EXPRESSION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_TOKEN = re.compile(r"""\s*(?:(?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?![\w.]))|(?P<string>'[^'\\]*'|"[^"\\]*")"""
                    r"""|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[.|(),]))""")
#: Jinja2's keywords and constants: not names here (``or`` is the one operator understood)
_RESERVED = frozenset({"and", "or", "not", "in", "is", "if", "else", "true", "false", "none", "True", "False", "None"})
_FILTERS: dict[str, Callable[..., Any]] = {**FILTERS, "upper": lambda value: str(value).upper(), "lower": lambda value: str(value).lower()}

# An expression: ("literal", value) | ("name", name) | ("key", expr, name) | ("filter", expr, name, args) | ("or", a, b)
Node = tuple[Any, ...]
Part = Union[str, Node]


class _Unsupported(Exception):
    """Outside the subset: Jinja2 decides."""


def fill_quick(source: str, context: dict[str, Any]) -> str | None:
    """``source`` filled as Jinja2 would fill it, or None when Jinja2 must do it."""
    parts = _parsed(source)
    if parts is None:
        return None
    try:
        return "".join(part if isinstance(part, str) else str(_evaluate(part, context)) for part in parts)
    except Exception:  # _Unsupported, or a filter's error: Jinja2 fills it, or words the error
        return None


@lru_cache(maxsize=4096)
def _parsed(source: str) -> tuple[Part, ...] | None:
    # Jinja2 drops one trailing newline and normalises line ends; tags and comments are not values
    if "{%" in source or "{#" in source or source.endswith("\n") or "\r" in source:
        return None
    parts: list[Part] = []
    position = 0
    for match in _EXPRESSION.finditer(source):
        if match.start() > position:
            parts.append(source[position:match.start()])
        inner = match.group(1)
        if inner.startswith(("-", "+")) or inner.endswith(("-", "+")):  # whitespace control
            return None
        try:
            parts.append(_Parser(inner).expression())
        except _Unsupported:
            return None
        position = match.end()
    rest = source[position:]
    if "{{" in rest:  # an unclosed expression: Jinja2's syntax error
        return None
    if rest:
        parts.append(rest)
    return tuple(parts)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        position = 0
        while text[position:].strip():
            match = _TOKEN.match(text, position)
            if match is None or match.lastgroup is None:
                raise _Unsupported(text)
            self.tokens.append((match.lastgroup, match.group(match.lastgroup)))
            position = match.end()
        self.index = 0

    def expression(self) -> Node:
        node = self._or()
        if self.index != len(self.tokens):
            raise _Unsupported("trailing tokens")
        return node

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _take(self, value: str) -> bool:
        token = self._peek()
        if token is not None and token[1] == value and token[0] in ("op", "name"):
            self.index += 1
            return True
        return False

    def _or(self) -> Node:
        node = self._filtered()
        while self._take("or"):
            node = ("or", node, self._filtered())
        return node

    def _filtered(self) -> Node:
        node = self._primary()
        while self._take("|"):
            name = self._name()
            if name not in _FILTERS:
                raise _Unsupported(name)
            args: list[Node] = []
            if self._take("("):
                if not self._take(")"):
                    args.append(self._or())
                    while self._take(","):
                        args.append(self._or())
                    if not self._take(")"):
                        raise _Unsupported("unclosed call")
            node = ("filter", node, name, tuple(args))
        return node

    def _primary(self) -> Node:
        token = self._peek()
        if token is None:
            raise _Unsupported("empty")
        kind, text = token
        if kind == "number":
            self.index += 1
            return ("literal", float(text) if "." in text else int(text))
        if kind == "string":
            self.index += 1
            return ("literal", text[1:-1])
        node: Node = ("name", self._name())
        while self._take("."):
            node = ("key", node, self._name())
        return node

    def _name(self) -> str:
        token = self._peek()
        if token is None or token[0] != "name" or token[1] in _RESERVED:
            raise _Unsupported(str(token))
        self.index += 1
        return token[1]


def _evaluate(node: Node, context: dict[str, Any]) -> Any:
    kind = node[0]
    if kind == "literal":
        return node[1]
    if kind == "name":
        if node[1] not in context:
            raise _Unsupported(node[1])  # Jinja2 raises its UndefinedError, with its message
        return context[node[1]]
    if kind == "key":
        mapping = _evaluate(node[1], context)
        # Jinja2 looks an attribute up before a key: only keys no dict attribute shadows are plain
        if not isinstance(mapping, dict) or node[2] not in mapping or hasattr(mapping, node[2]):
            raise _Unsupported(node[2])
        return mapping[node[2]]
    if kind == "filter":
        return _FILTERS[node[2]](_evaluate(node[1], context), *(_evaluate(arg, context) for arg in node[3]))
    if kind == "or":
        return _evaluate(node[1], context) or _evaluate(node[2], context)
    raise _Unsupported(kind)


__all__ = ["fill_quick"]
