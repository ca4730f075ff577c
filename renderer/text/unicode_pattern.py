"""Unicode patterns for the text stage: the ``regex`` module's (``\\p{Script=Han}``, ``\\X``,
line-break classes, emoji properties), compiled on first use, each with a stdlib ``re`` twin that
answers for ASCII-only text.

Most titles are ASCII, and for ASCII every property is a short, fixed set of characters (Latin
letters are ``[A-Za-z]``, no character is Han or an emoji, ``\\X`` is a character or ``\\r\\n``).
Importing ``regex`` and compiling its patterns is ~100 M instructions, an eighth of a one-shot
``thumbkit render``; an ASCII title now never imports it. The twins are written out beside their
patterns and checked against ``regex`` by the tests, character by character over all of ASCII and
on generated ASCII strings (tests/text/test_unicode_pattern.py), so the two answer alike or the
suite fails.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

_LOCK = threading.Lock()
_MADE: list[UnicodePattern] = []  # every pattern, for the tests that hold each twin to its pattern


class UnicodePattern:
    """A ``regex`` pattern with its ``re`` twin for ASCII text (``ascii=None``: nothing in ASCII
    matches). Has the methods of a compiled pattern that the text stage uses."""

    __slots__ = ("_ascii_compiled", "_compiled", "ascii", "pattern")

    def __init__(self, pattern: str, *, ascii: str | None) -> None:
        self.pattern = pattern
        self.ascii = ascii
        self._compiled: Any = None
        self._ascii_compiled: re.Pattern[str] | None = None
        _MADE.append(self)

    def __repr__(self) -> str:
        return f"UnicodePattern({self.pattern!r}, ascii={self.ascii!r})"

    def full(self) -> Any:
        """The ``regex`` pattern (imports and compiles it the first time)."""
        if self._compiled is None:
            with _LOCK:
                if self._compiled is None:
                    import regex

                    self._compiled = regex.compile(self.pattern)
        return self._compiled

    def ascii_twin(self) -> re.Pattern[str] | None:
        """The ``re`` pattern that answers for ASCII text, or None when no ASCII text matches."""
        if self._ascii_compiled is None and self.ascii is not None:
            self._ascii_compiled = re.compile(self.ascii)
        return self._ascii_compiled

    def _for(self, text: str) -> Any:
        return self.ascii_twin() if text.isascii() else self.full()

    def match(self, text: str) -> Any:
        pattern = self._for(text)
        return None if pattern is None else pattern.match(text)

    def search(self, text: str) -> Any:
        pattern = self._for(text)
        return None if pattern is None else pattern.search(text)

    def findall(self, text: str) -> list[Any]:
        pattern = self._for(text)
        return [] if pattern is None else list(pattern.findall(text))

    def finditer(self, text: str) -> Iterator[Any]:
        pattern = self._for(text)
        return iter(()) if pattern is None else iter(pattern.finditer(text))

    def sub(self, replacement: str, text: str) -> str:
        pattern = self._for(text)
        return text if pattern is None else str(pattern.sub(replacement, text))


def every_pattern() -> tuple[UnicodePattern, ...]:
    """Every pattern made so far (those of the modules imported)."""
    return tuple(_MADE)


__all__ = ["UnicodePattern", "every_pattern"]
