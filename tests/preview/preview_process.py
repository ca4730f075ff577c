"""Run ``thumbkit preview`` in a child process on a free loopback port (its event stream is
followed with renderer.preview.events)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Mapping

from renderer.server.launcher import PROJECT_ROOT, ServerProcess


def start_preview(args: list[str], *, env: Mapping[str, str] | None = None, timeout: float = 60.0) -> ServerProcess:
    """``thumbkit preview ARGS --port 0`` in a child process, once it has printed its address
    (``url``, without a final slash); stopped like a server (``ServerProcess.stop``)."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("THUMBKIT_")}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), environment.get("PYTHONPATH")]))
    environment["PYTHONUNBUFFERED"] = "1"
    environment.update(env or {})
    command = [sys.executable, "-m", "renderer.cli", "preview", *args, "--host", "127.0.0.1", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment,
                               cwd=PROJECT_ROOT)
    preview = ServerProcess(process, PROJECT_ROOT)
    threading.Thread(target=preview._read, daemon=True, name="thumbkit-preview-output").start()
    if not preview._started.wait(timeout) or not preview.url:
        preview.kill()
        raise RuntimeError(f"the preview did not start:\n{preview.output()}")
    return preview
