"""Find the exact frame shown at given times: seek to the keyframe before, then decode forward.

The frame shown at ``T`` is the last frame whose presentation time is ``<= T`` (the first frame when
``T`` comes before it). Times come from pts, never from a frame index × frame rate, so variable
frame rate videos work. Several times are served by one pass in time order: from one target to the
next the decoder keeps going, unless a keyframe lies in between and seeking to it is cheaper.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import av
import numpy as np

from ..errors import InputError
from .seek_types import PTS_TOLERANCE_S, DecodedFrame
from .skipping import decode_for_targets
from .source import OpenVideo
from .timecode import format_time_s

__all__ = ["PTS_TOLERANCE_S", "DecodedFrame", "decode_all", "decode_at"]

# Without a keyframe index, keep decoding forward rather than seeking when the next time is this close.
_CONTINUE_WITHOUT_INDEX_S = 1.0
# A seek whose first frame comes out after the target is retried this much earlier, doubling.
_SEEK_BACKOFF_S = 1.0
_BEFORE_START_S = -1.0
# At the end of the stream, a time this far past the last frame's end means frames are missing.
_TRUNCATION_SLACK_S = 0.25


def decode_at(video: OpenVideo, times_s: Sequence[float]) -> list[DecodedFrame]:
    """The frame shown at each time (seconds from the start, already range-checked), in input order."""
    keyframes_s = _keyframe_times(video) if len(set(times_s)) > 1 else None
    cursor = _Cursor(video, sorted(set(times_s)))
    found: dict[float, DecodedFrame] = {}
    for target_s in sorted(set(times_s)):
        if cursor.should_seek(target_s, keyframes_s):
            cursor.seek_before(target_s)
        else:
            cursor.advance_to(target_s)
        found[target_s] = cursor.shown_at(target_s)
    return [found[time_s] for time_s in times_s]


class _Cursor:
    """Decodes forward from the last seek, keeping the frame shown so far and one frame of lookahead."""

    def __init__(self, video: OpenVideo, targets_s: Sequence[float]) -> None:
        self._video = video
        self._targets_s = targets_s
        self._frames: Iterator[DecodedFrame] | None = None
        self.shown: DecodedFrame | None = None  # last frame with pts <= the latest target
        self.ahead: DecodedFrame | None = None  # the frame after it, once decoded
        self.at_end = False

    def should_seek(self, target_s: float, keyframes_s: np.ndarray | None) -> bool:
        if self._frames is None:
            return True
        if self.at_end or self.ahead is not None and self.ahead.pts_s > target_s + PTS_TOLERANCE_S:
            return False  # nothing more to decode, or the frame already shown is still the one
        newest = self.ahead or self.shown
        if newest is None:
            return True
        if keyframes_s is None:
            return target_s - newest.pts_s > _CONTINUE_WITHOUT_INDEX_S
        # Seek only when a keyframe lies between the decoder's position and the target.
        index = int(np.searchsorted(keyframes_s, target_s + PTS_TOLERANCE_S, side="right")) - 1
        return index >= 0 and keyframes_s[index] > newest.pts_s + PTS_TOLERANCE_S

    def seek_before(self, target_s: float) -> None:
        """Seek so that decoding starts at or before ``target_s``, then decode up to it.

        Demuxers seek on decode timestamps, an index or a bisection by timestamps (MPEG-TS) and can
        land on the keyframe after the target (B-frame delay, edit lists): when the first frame
        comes out late, seek again earlier, finally to before the start, which every demuxer
        answers with the first keyframe. Still late then, the target precedes the first frame.
        """
        seek_s, backoff_s = target_s, _SEEK_BACKOFF_S
        while True:
            self._seek(seek_s)
            self.advance_to(target_s)
            if self.shown is not None or seek_s < 0:
                return
            seek_s = seek_s - backoff_s if seek_s - backoff_s > 0 else _BEFORE_START_S
            backoff_s *= 2

    def advance_to(self, target_s: float) -> None:
        """Decode until the first frame after ``target_s``, or the end of the stream."""
        if self.ahead is not None:
            if self.ahead.pts_s > target_s + PTS_TOLERANCE_S:
                return
            self.shown, self.ahead = self.ahead, None
        if self.at_end or self._frames is None:
            return
        for decoded in self._frames:
            if decoded.pts_s <= target_s + PTS_TOLERANCE_S:
                self.shown = decoded
            else:
                self.ahead = decoded
                return
        self.at_end = True

    def shown_at(self, target_s: float) -> DecodedFrame:
        shown = self.shown or self.ahead  # a time before the first frame shows the first frame
        if shown is None:
            raise InputError(f"{self._video.name} has no decodable video frames", field="video")
        if self.at_end and self.ahead is None:
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
        self._frames = decode_for_targets(video, self._targets_s)
        self.shown = self.ahead = None
        self.at_end = False


def decode_all(video: OpenVideo) -> Iterator[DecodedFrame]:
    """Every decodable frame from the current position, with its time; frames without pts are skipped."""
    timing = video.timing
    for frame in video.container.decode(video.stream):
        if frame.pts is not None:
            yield DecodedFrame(frame=frame, pts_s=timing.seconds(frame.pts))


def _frame_length_s(video: OpenVideo, frame: av.VideoFrame) -> float:
    if frame.duration:
        return float(frame.duration * video.timing.time_base)
    return 1.0 / video.timing.frame_rate if video.timing.frame_rate else 0.0


def _keyframe_times(video: OpenVideo) -> np.ndarray | None:
    """Keyframe times from the container's index (mp4, mkv), sorted; None when it has none."""
    entries = video.stream.index_entries
    if not entries:
        return None
    timing = video.timing
    times = sorted(timing.seconds(entry.timestamp) for entry in entries if entry.is_keyframe)
    return np.array(times) if times else None
