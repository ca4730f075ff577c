"""Following a running preview from Python: its states as the event stream sends them (for the
tests and ``thumbkit bench --preview``, which save files and wait for the page to change)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx


def states(url: str, *, timeout: float) -> Iterator[dict[str, Any]]:
    """The states ``GET {url}/events`` sends, as they come; ``httpx.ReadTimeout`` when ``timeout``
    seconds pass without a line (the stream sends a keep-alive every 15 s)."""
    with httpx.Client(timeout=httpx.Timeout(timeout)) as client, client.stream("GET", url + "/events") as response:
        response.raise_for_status()
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
    """The first state ``accept`` takes; ``TimeoutError`` when none came within ``within`` seconds
    (checked as states arrive; the stream's own timeout bounds a silent wait)."""
    deadline = time.monotonic() + within
    seen = []
    for state in stream:
        if accept(state):
            return state
        seen.append({key: state[key] for key in ("revision", "rendering", "error")})
        if time.monotonic() > deadline:
            break
    raise TimeoutError(f"no such state within {within} s; the last ones: {seen[-5:]}")


def rendered(generation: int) -> Callable[[dict[str, Any]], bool]:
    """Accepts the state of a finished render number ``generation``."""
    return lambda state: not state["rendering"] and state["render"] is not None and state["render"]["generation"] == generation


__all__ = ["rendered", "states", "wait_for"]
