"""Run ``thumbkit serve`` in a child process on a free loopback port: for the tests and the load
benchmark, which talk real HTTP to a real server.

``start_server`` returns once ``/health`` answers; ``ServerProcess.stop`` sends SIGTERM (a graceful
stop) and waits. Standard library only.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from pathlib import Path

from msgspec import Struct, field

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SERVING = re.compile(r"serving on (http://\S+)")
CREATED_KEY = re.compile(r"API key: (\S+)")


class ServerProcess(Struct):
    process: subprocess.Popen[str]
    data_dir: Path
    url: str = ""
    created_key: str | None = None  # printed when the server made a key on first start
    lines: list[str] = field(default_factory=list)
    _started: threading.Event = field(default_factory=threading.Event)

    def output(self) -> str:
        return "".join(self.lines)

    def health(self) -> dict[str, object]:
        with urllib.request.urlopen(f"{self.url}/health", timeout=5) as response:
            answer: dict[str, object] = json.loads(response.read())
            return answer

    def stop(self, timeout: float = 30.0) -> bool:
        """SIGTERM, then wait; SIGKILL if it does not stop in time. True when it stopped cleanly:
        exit status 0, or killed by the SIGTERM it re-raises after its graceful shutdown (uvicorn)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
                raise RuntimeError(f"the server did not stop within {timeout} s after SIGTERM:\n{self.output()}") from None
        return self.process.returncode in (0, -signal.SIGTERM)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.process.stdout:  # closed once the process has ended and its output is read
            for line in self.process.stdout:
                self.lines.append(line)
                if (match := CREATED_KEY.search(line)) is not None:
                    self.created_key = match.group(1)
                if not self.url and (match := SERVING.search(line)) is not None:
                    self.url = match.group(1)
                    self._started.set()
        self._started.set()  # the process ended: stop waiting


def start_server(data_dir: Path, args: Iterable[str] = (), *, env: Mapping[str, str] | None = None,
                 timeout: float = 60.0) -> ServerProcess:
    """``thumbkit serve --port 0 --data-dir DATA_DIR ARGS`` in a child process, ready to use."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("THUMBKIT_")}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), environment.get("PYTHONPATH")]))
    environment["PYTHONUNBUFFERED"] = "1"
    environment.update(env or {})
    command = [sys.executable, "-m", "renderer.cli", "serve", "--host", "127.0.0.1", "--port", "0",
               "--data-dir", str(data_dir), *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment,
                               cwd=PROJECT_ROOT)
    server = ServerProcess(process, data_dir)
    threading.Thread(target=server._read, daemon=True, name="thumbkit-server-output").start()
    deadline = time.monotonic() + timeout
    if not server._started.wait(timeout) or not server.url:
        server.kill()
        raise RuntimeError(f"the server did not start:\n{server.output()}")
    while True:
        try:
            server.health()
            return server
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            if process.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"the server did not answer /health ({exc}):\n{server.output()}") from None
            time.sleep(0.05)
