"""thumbkit's one error hierarchy.

Everything thumbkit raises on purpose derives from :class:`ThumbkitError`::

    ThumbkitError                 base: catch this to catch every deliberate thumbkit error
    ├── UserError                 the caller can fix it; the message says what and what is allowed
    │   ├── InputError            a bad request value: title, format, field, image bytes, CSV row ...
    │   ├── SpecError             a layout or brand-kit file is invalid (every problem, file:line:col)
    │   └── AssetError            a font, model, kit or other asset is missing or unreadable
    └── InternalError             a bug in thumbkit: please report it

Any other exception escaping thumbkit is a bug too. The CLI prints a ``UserError`` as one line and
exits 2; the HTTP server maps ``InputError`` to 422 with ThumbAPI's messages and everything that is
not a ``UserError`` to 500 ``Internal server error``.
"""

from __future__ import annotations

from msgspec import Struct


class ThumbkitError(Exception):
    """Base of every error thumbkit raises deliberately."""


class UserError(ThumbkitError):
    """The input, a spec or an asset is wrong; the message says what and what is allowed."""


#: A value a message quotes back is cut to this many characters (a 100,000-character layout name is
#: not sent back in a 100 KB message).
ECHO_MAX_CHARS = 80


def shown(value: object, limit: int = ECHO_MAX_CHARS) -> str:
    """``value`` as an error message quotes it: its ``repr``, cut after ``limit`` characters (then
    ``...``), e.g. ``'xxxx...xxxx'...``."""
    text = value if isinstance(value, str) else str(value)
    return repr(text[:limit]) + "..." if len(text) > limit else repr(text)


class InputError(UserError, ValueError):
    """A request value is invalid. ``field`` names it when one field is to blame."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class SpecProblem(Struct, frozen=True):
    """One problem in a spec file, located like a compiler diagnostic."""

    path: str
    line: int
    column: int
    where: str
    message: str

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        return f"{self.path}:{self.line}:{self.column}: {where}{self.message}"


class SpecError(UserError):
    """One or more spec files (layouts, brand kits) are invalid. ``problems`` lists every one."""

    def __init__(self, problems: list[SpecProblem] | tuple[SpecProblem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class AssetError(UserError):
    """A font, model, brand kit or other asset is missing, corrupt or not allowed."""


class InternalError(ThumbkitError):
    """Something thumbkit should have prevented; a bug to report."""
