"""A spec file's data with the position of every key and item (what :mod:`.yaml_source` reads),
so that problems found later are reported like compiler diagnostics. Needs no YAML parser: a
compiled catalog keeps these."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import msgspec
from msgspec import Struct

from ..errors import SpecProblem

PathKey = tuple[str | int, ...]


class Positions(Struct, frozen=True, dict=True):
    """The 1-based line and column of each key and list item of a file, kept encoded until a
    problem asks for one: a compiled catalog of 21 layouts holds ~8,000 of them, which took 4 of
    the 7 ms of reading it back as Python objects, and a render with no problem never looks.
    MessagePack keeps each key's type (a YAML key may be a number, ``true`` or ``.inf``)."""

    encoded: bytes  # msgpack: [[[key or index, ...], line, column], ...]

    @classmethod
    def of(cls, mapping: dict[PathKey, tuple[int, int]]) -> Positions:
        positions = cls(msgspec.msgpack.encode([[list(loc), line, column] for loc, (line, column) in mapping.items()]))
        positions.__dict__["mapping"] = mapping  # what `mapping` would decode: no need to
        return positions

    @cached_property
    def mapping(self) -> dict[PathKey, tuple[int, int]]:
        entries: list[tuple[list[str | int], int, int]] = msgspec.msgpack.decode(self.encoded)
        return {tuple(loc): (line, column) for loc, line, column in entries}


class SourceDoc(Struct, frozen=True):
    path: str  # as shown in messages
    data: Any
    positions: Positions

    def position(self, loc: PathKey) -> tuple[int, int]:
        """The position of ``loc``, or of its nearest ancestor that has one."""
        mapping = self.positions.mapping
        while loc not in mapping and loc:
            loc = loc[:-1]
        return mapping.get(loc, (1, 1))

    def problem(self, loc: PathKey, message: str) -> SpecProblem:
        line, column = self.position(loc)
        return SpecProblem(self.path, line, column, dotted(loc), message)


def dotted(loc: PathKey) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


__all__ = ["PathKey", "Positions", "SourceDoc", "dotted"]
