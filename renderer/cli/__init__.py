"""The ``thumbkit`` command line (``python -m renderer.cli``). Only this package prints and exits."""

from .commands import main, run

__all__ = ["main", "run"]
