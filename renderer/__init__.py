"""thumbkit: a local, offline renderer that turns a title into a branded thumbnail.

    >>> from renderer import generate
    >>> body = generate("7 Python tricks you didn't know", format="youtube")
    >>> body["dimensions"]
    {'width': 1280, 'height': 720}

The names below are imported on first use (``import renderer`` alone loads none of Pillow, numpy,
pydantic, Jinja2, PyYAML or fontTools), so a command or a worker pays only for what it uses.
"""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:  # what the lazy names are, for type checkers
    from .api import Renderer, Thumbnail, generate
    from .batch.run import BatchSummary, RowDefaults, RowEvent, run_batch
    from .compose.plan import Plan
    from .errors import AssetError, InputError, InternalError, SpecError, SpecProblem, ThumbkitError, UserError
    from .formats import FORMAT_NAMES, FORMATS, Format
    from .judge import Finding, Quality

#: public name -> the module that defines it
_LAZY = {
    "Renderer": ".api", "Thumbnail": ".api", "generate": ".api",
    "BatchSummary": ".batch.run", "RowDefaults": ".batch.run", "RowEvent": ".batch.run", "run_batch": ".batch.run",
    "Plan": ".compose.plan",
    "AssetError": ".errors", "InputError": ".errors", "InternalError": ".errors", "SpecError": ".errors",
    "SpecProblem": ".errors", "ThumbkitError": ".errors", "UserError": ".errors",
    "FORMAT_NAMES": ".formats", "FORMATS": ".formats", "Format": ".formats",
    "Finding": ".judge", "Quality": ".judge",
}


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(module, __name__), name)
    globals()[name] = value  # the next look-up is a plain one
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})  # the lazy names too, as if they were bound


__all__ = [
    "AssetError",
    "BatchSummary",
    "FORMATS",
    "FORMAT_NAMES",
    "Finding",
    "Format",
    "InputError",
    "InternalError",
    "Plan",
    "Quality",
    "Renderer",
    "RowDefaults",
    "RowEvent",
    "SpecError",
    "SpecProblem",
    "ThumbkitError",
    "Thumbnail",
    "UserError",
    "generate",
    "run_batch",
]
