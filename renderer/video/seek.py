"""Find the exact frame shown at given times: seek to the keyframe before, then decode forward.

The frame at ``T`` is the one ``ffmpeg -ss T -i VIDEO -frames:v 1`` outputs: the first frame whose
pts is at least ``T`` (``T`` in whole microseconds, rounded to the nearest stream tick, see
``StreamTiming.first_shown_ticks``), so a time between two frames gives the later one. Past the
last frame's pts (but within the duration) ffmpeg outputs nothing; here it is the last frame.
Times come from pts, never from a frame index × frame rate, so variable frame rate videos work.
Several times are served by one pass in time order: from one target to the next the decoder keeps
going, unless a keyframe lies in between and seeking to it is cheaper.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import av
import numpy as np

from ..errors import InputError
from .anchors import decode_anchors
from .seek_types import PTS_TOLERANCE_S, DecodedFrame
from .skipping import decode_for_targets
from .source import OpenVideo
from .timecode import format_time_s

__all__ = ["PTS_TOLERANCE_S", "DecodedFrame", "decode_all", "decode_at", "indexed_keyframe_times"]

# Without a keyframe index, keep decoding forward rather than seeking when the next time is this close.
_CONTINUE_WITHOUT_INDEX_S = 1.0
# A seek that may have landed after the frame wanted is retried this much earlier, doubling.
_SEEK_BACKOFF_S = 1.0
_BEFORE_START_S = -1.0
# At the end of the stream, a time this far past the last frame's end means frames are missing.
_TRUNCATION_SLACK_S = 0.25


def decode_at(video: OpenVideo, times_s: Sequence[float], *, anchors_only: bool = False) -> list[DecodedFrame]:
    """The frame shown at each time (seconds from the start, already range-checked), in input order.

    ``anchors_only``: decode I- and P-frames alone (``anchors``); exact only where ``anchors_are_exact``
    and every time is an anchor frame's own pts, as the samples of an anchors-only pass are.
    """
    keyframes_s = indexed_keyframe_times(video) if len(set(times_s)) > 1 else None
    targets_s = sorted(set(times_s))
    cursor = _Cursor(video, targets_s, anchors_only=anchors_only)
    found: dict[float, DecodedFrame] = {}
    for target_s in targets_s:
        first_ticks = video.timing.first_shown_ticks(target_s)
        if cursor.should_seek(target_s, first_ticks, keyframes_s):
            cursor.seek_before(target_s, first_ticks)
        else:
            cursor.advance_to(first_ticks)
        found[target_s] = cursor.shown_at(target_s, first_ticks)
    return [found[time_s] for time_s in times_s]


class _Cursor:
    """Decodes forward from the last seek, stopping at the first frame at or after each target."""

    def __init__(self, video: OpenVideo, targets_s: Sequence[float], *, anchors_only: bool) -> None:
        self._video = video
        self._targets_s = targets_s
        self._anchors_only = anchors_only
        self._frames: Iterator[DecodedFrame] | None = None
        self.newest: DecodedFrame | None = None  # the last frame decoded
        self.passed_earlier = False  # since the seek, a frame before the current target was decoded
        self.at_end = False

    def should_seek(self, target_s: float, first_ticks: int, keyframes_s: np.ndarray | None) -> bool:
        newest = self.newest
        if self._frames is None or newest is None:
            return True
        if self.at_end or newest.pts >= first_ticks:
            return False  # nothing more to decode, or the newest frame is already the one
        if keyframes_s is None:
            return target_s - newest.pts_s > _CONTINUE_WITHOUT_INDEX_S
        # Seek only when a keyframe lies between the decoder's position and the target.
        index = int(np.searchsorted(keyframes_s, target_s + PTS_TOLERANCE_S, side="right")) - 1
        return index >= 0 and keyframes_s[index] > newest.pts_s + PTS_TOLERANCE_S

    def seek_before(self, target_s: float, first_ticks: int) -> None:
        """Seek so that decoding starts before the frame shown at ``target_s``, then decode up to it.

        Demuxers seek on decode timestamps, an index or a bisection by timestamps (MPEG-TS) and can
        land on the keyframe after the target (B-frame delay, edit lists). The landing is proven
        early enough when a frame before the target came out first (or the first frame is exactly
        at it); otherwise seek again earlier, finally to before the start, which every demuxer
        answers with the first keyframe: the first frame then is the one, whatever its time.
        """
        seek_s, backoff_s = target_s, _SEEK_BACKOFF_S
        while True:
            self._seek(seek_s)
            self.advance_to(first_ticks)
            exact = self.newest is not None and self.newest.pts == first_ticks
            if self.passed_earlier or exact or seek_s < 0:
                return
            seek_s = seek_s - backoff_s if seek_s - backoff_s > 0 else _BEFORE_START_S
            backoff_s *= 2

    def advance_to(self, first_ticks: int) -> None:
        """Decode until the first frame with pts ``>= first_ticks``, or the end of the stream."""
        if self.newest is not None and self.newest.pts >= first_ticks:
            return
        if self.at_end or self._frames is None:
            return
        for decoded in self._frames:
            self.newest = decoded
            if decoded.pts >= first_ticks:
                return
            self.passed_earlier = True
        self.at_end = True

    def shown_at(self, target_s: float, first_ticks: int) -> DecodedFrame:
        shown = self.newest
        if shown is None:
            raise InputError(f"{self._video.name} has no decodable video frames", field="video")
        if shown.pts < first_ticks:  # past the last frame: it stays shown until its end
            end_s = shown.pts_s + _frame_length_s(self._video, shown.frame)
            if target_s > end_s + _TRUNCATION_SLACK_S:
                raise InputError(
                    f"{self._video.name} is truncated or damaged: its frames end at {end_s:.3f} s "
                    f"({format_time_s(end_s)}), so there is no frame at {target_s:.3f} s",
                    field="video",
                )
        return shown

    def _seek(self, seek_s: float) -> None:
        video = self._video
        video.container.seek(video.timing.ticks(seek_s), stream=video.stream, backward=True)
        self._frames = decode_anchors(video) if self._anchors_only else decode_for_targets(video, self._targets_s)
        self.newest = None
        self.passed_earlier = self.at_end = False


def decode_all(video: OpenVideo) -> Iterator[DecodedFrame]:
    """Every decodable frame from the current position, with its time; frames without pts are skipped."""
    timing = video.timing
    for frame in video.container.decode(video.stream):
        if frame.pts is not None:
            yield DecodedFrame(frame=frame, pts=frame.pts, pts_s=timing.seconds(frame.pts))


def _frame_length_s(video: OpenVideo, frame: av.VideoFrame) -> float:
    if frame.duration:
        return float(frame.duration * video.timing.time_base)
    return 1.0 / video.timing.frame_rate if video.timing.frame_rate else 0.0


def indexed_keyframe_times(video: OpenVideo) -> np.ndarray | None:
    """Keyframe times from the container's index (mp4, mkv), sorted; None when it has none."""
    entries = video.stream.index_entries
    if not entries:
        return None
    timing = video.timing
    times = sorted(timing.seconds(entry.timestamp) for entry in entries if entry.is_keyframe)
    return np.array(times) if times else None
