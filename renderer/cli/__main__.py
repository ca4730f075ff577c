"""``python -m renderer.cli``: the ``thumbkit`` command."""

import sys

from .commands import main

sys.exit(main())
