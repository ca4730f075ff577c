"""Parse a time in a video: seconds as a number, or ``"HH:MM:SS(.mmm)"`` / ``"MM:SS(.mmm)"`` text."""

from __future__ import annotations

import math
import re

from ..errors import InputError, shown

TimeValue = int | float | str

_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_HELP = 'use seconds (17 or 17.5) or "HH:MM:SS(.mmm)" / "MM:SS(.mmm)"'


def parse_time_s(value: object, *, field: str = "time") -> float:
    """``value`` in seconds, not yet checked against a duration (so it may be negative).

    ``InputError`` when it is neither a finite number nor a timecode.
    """
    if isinstance(value, bool):  # bool is an int; True seconds is surely a mistake
        raise InputError(f"{field} must be a number of seconds or a timecode; {_HELP}", field=field)
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        seconds = _parse_text(value.strip(), field=field)
    else:
        raise InputError(f"{field} must be a number of seconds or a timecode; {_HELP}", field=field)
    if not math.isfinite(seconds):
        raise InputError(f"{field} must be a finite number of seconds, got {shown(value)}", field=field)
    return seconds


def format_time_s(seconds: float) -> str:
    """Seconds as ``H:MM:SS.mmm`` for messages and file names."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _parse_text(text: str, *, field: str) -> float:
    if _NUMBER.match(text):
        return float(text)
    match = _CLOCK.match(text)
    if not match:
        raise InputError(f"{field} {shown(text)} is not a time; {_HELP}", field=field)
    hours, minutes, seconds = match.groups()
    if (hours is not None and int(minutes) >= 60) or float(seconds) >= 60:
        raise InputError(f"{field} {shown(text)} is not a time: minutes and seconds must be below 60", field=field)
    return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
