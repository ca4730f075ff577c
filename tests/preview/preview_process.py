"""Run ``thumbkit preview`` in a child process on a free loopback port, and follow its event
stream with httpx: for the preview tests, which edit files and watch the page's state change."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx

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


def states(url: str, *, timeout: float) -> Iterator[dict[str, Any]]:
    """The states the event stream sends, as they come; stops (TimeoutError) when ``timeout``
    seconds pass without an event or a keep-alive."""
    with httpx.Client(timeout=httpx.Timeout(timeout)) as client, client.stream("GET", url + "/events") as response:
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
        event: dict[str, str] = {}
        for line in response.iter_lines():
            if line.startswith("event: "):
                event["event"] = line[7:]
            elif line.startswith("data: "):
                event["data"] = line[6:]
            elif line == "" and event:
                if event.get("event") == "state":
                    yield json.loads(event["data"])
                event = {}


def wait_for(stream: Iterator[dict[str, Any]], accept: Callable[[dict[str, Any]], bool], *, within: float) -> dict[str, Any]:
    """The first state ``accept`` takes, within ``within`` seconds (the stream's read timeout bounds
    each wait too)."""
    deadline = time.monotonic() + within
    seen = []
    for state in stream:
        if accept(state):
            return state
        seen.append({k: state[k] for k in ("revision", "rendering", "error")})
        if time.monotonic() > deadline:
            break
    raise AssertionError(f"no such state within {within} s; saw {seen[-5:]}")
