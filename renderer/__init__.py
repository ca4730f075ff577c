"""thumbkit: a local, offline renderer that turns a title into a branded thumbnail.

    >>> from renderer import generate
    >>> body = generate("7 Python tricks you didn't know", format="youtube")
    >>> body["dimensions"]
    {'width': 1280, 'height': 720}
"""

from .api import Renderer, Thumbnail, generate
from .batch.run import BatchSummary, RowDefaults, RowEvent, run_batch
from .errors import AssetError, InputError, InternalError, SpecError, SpecProblem, ThumbkitError, UserError
from .formats import FORMAT_NAMES, FORMATS, Format
from .compose.plan import Plan
from .judge import Finding, Quality

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
