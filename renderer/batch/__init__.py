"""CSV batch mode: a CSV of titles in, a folder of thumbnails out, resumable after any crash.

    >>> from renderer.batch import run_batch
"""

from .run import BatchSummary, RowDefaults, RowEvent, run_batch

__all__ = ["BatchSummary", "RowDefaults", "RowEvent", "run_batch"]
