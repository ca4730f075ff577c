"""A spec file's data with the position of every key and item (what :mod:`.yaml_source` reads),
so that problems found later are reported like compiler diagnostics. Needs no YAML parser: a
compiled catalog keeps these."""

from __future__ import annotations

from typing import Any

from msgspec import Struct

from ..errors import SpecProblem

PathKey = tuple[str | int, ...]


class SourceDoc(Struct, frozen=True):
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


__all__ = ["PathKey", "SourceDoc", "dotted"]
