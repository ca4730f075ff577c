"""``python -m renderer.cli``: the ``thumbkit`` command."""

from .commands import run

run()
