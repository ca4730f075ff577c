"""The best moments of a video for a thumbnail: sharp, well exposed, colourful, ideally a face.

A low-resolution look at the video (``analysis``: one sampling pass, over the I- and P-frames alone
for long GOPs, or keyframes first and then only the promising stretches) measures frames along it; ``shots`` finds cuts, fades and blank
frames; ``scoring`` rates each sample. Picks avoid blank frames and fades, are penalised next to
cuts, and must be reasonably good against the video's own best (a blurred stretch is not a moment).
They are spread over shots (one per shot while unpicked shots have acceptable frames) and never
near-duplicates of each other. Faces are looked for only on a shortlist, keeping cost bounded.
The chosen frames are then extracted exactly, at full resolution.
"""

from __future__ import annotations

import numpy as np
from msgspec import Struct

from ..errors import InputError
from .analysis import Analysis, Strategy, analyse
from .faces import NO_FACES, find_faces
from .frames import Frame, render_decoded
from .measures import looks_alike
from .picture import output_options
from .sampling import Sample
from .scoring import MomentScores, reason, score
from .shots import Timeline
from .source import VideoInput, open_video

MAX_COUNT = 50
NEAR_CUT_FACTOR = 0.6
MIN_SCORE_VS_BEST = 0.4  # a pick scores at least this share of the best sample's score
MIN_SHARPNESS_VS_TYPICAL = 0.5  # ... and is at least this sharp relative to the video's sharp frames
_SHORTLIST_PER_SHOT = 2
_SHORTLIST_MIN = 12
_MIN_GAP_IN_SHOT_S = 1.0


class Moment(Struct, frozen=True):
    """A frame worth a thumbnail. ``score`` is 0..1; ``reason`` says why in a few words."""

    timestamp_s: float  # the frame's own pts: frame(video, timestamp_s) returns exactly it
    score: float
    reason: str
    frame: Frame | None
    shot_index: int
    scores: MomentScores


class _Candidate(Struct, frozen=True):
    index: int
    score: float
    scores: MomentScores


def moments(
    video: VideoInput,
    *,
    count: int = 5,
    output_format: str = "webp",
    quality: int | None = None,
    with_frames: bool = True,
) -> list[Moment]:
    """Up to ``count`` best moments, best first, each with its full-resolution frame.

    Fewer come back when the video has fewer distinct, acceptable moments (e.g. a single static
    shot yields one). ``with_frames=False`` skips extracting the frames (``frame`` is then None).
    """
    found, _ = _moments(
        video, count=count, output_format=output_format, quality=quality, with_frames=with_frames, strategy="auto"
    )
    return found


def _moments(
    video: VideoInput,
    *,
    count: int,
    output_format: str,
    quality: int | None,
    with_frames: bool,
    strategy: Strategy,
) -> tuple[list[Moment], Analysis]:
    """``moments`` with the analysis chosen, and that analysis (what it decoded): ``"full"`` is the
    reference the benchmark and tests compare the two-pass ``"fast"`` one with; ``"auto"`` picks one."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise InputError(f"count must be a whole number from 1 to {MAX_COUNT}", field="count")
    options = output_options(
        width=None, height=None, fit="cover", output_format=output_format, background="#000000", quality=quality
    )
    if hasattr(video, "read"):
        video = video.read()  # read more than once: analysis, then extraction
    analysis = analyse(video, looks=shortlist_size(count), strategy=strategy)
    samples, timeline = analysis.samples, analysis.timeline
    if not samples:
        raise InputError("the video has no decodable frames", field="video")
    picks = _select(samples, timeline, _shortlist(analysis, count), count)
    frames: list[Frame | None] = [None] * len(picks)
    if with_frames and picks:
        with open_video(video) as opened:  # a fresh decoder: the analysis skipped frames
            # Extracted by the exact decoder even after an anchors-only pass (every pick is an
            # anchor frame, but the check that skipping B-frames is exact saw only two stretches
            # of the video): ~0.3 s more on 10 minutes, for frames that are always right.
            frames = list(render_decoded(opened, [samples[p.index].pts_s for p in picks], options))
    found = [
        Moment(
            timestamp_s=samples[pick.index].pts_s,
            score=round(pick.score, 4),
            reason=reason(pick.scores),
            frame=frame,
            shot_index=int(timeline.shot_ids[pick.index]),
            scores=pick.scores,
        )
        for pick, frame in zip(picks, frames, strict=True)
    ]
    return found, analysis


def shortlist_size(count: int) -> int:
    """How many distinct looks get a face search, hence how many the analysis must look at closely."""
    return max(_SHORTLIST_MIN, 3 * count)


def _shortlist(analysis: Analysis, count: int) -> list[_Candidate]:
    """Acceptable samples worth a face search: the best few of each shot, best shots first.

    The video's best score and typical sharpness come from every sample; candidates only from those
    the analysis looked at closely (all of them after a full pass).
    """
    samples, timeline = analysis.samples, analysis.timeline
    base = [_candidate(i, samples[i], timeline) for i in range(len(samples))]
    usable = [c for c in base if c.score > 0]
    if not usable:
        return []
    best = max(c.score for c in usable)
    typical_sharpness = float(np.percentile([c.scores.sharpness for c in usable], 90))
    acceptable = [
        c
        for c in usable
        if analysis.pickable[c.index]
        and c.score >= MIN_SCORE_VS_BEST * best and c.scores.sharpness >= MIN_SHARPNESS_VS_TYPICAL * typical_sharpness
    ]
    by_shot: dict[int, list[_Candidate]] = {}
    for candidate in sorted(acceptable, key=lambda c: -c.score):
        by_shot.setdefault(int(timeline.shot_ids[candidate.index]), []).append(candidate)
    # Each shot's best first, then each shot's second best...; within a rank, the higher score first.
    ranked = [
        candidate
        for _, _, candidate in sorted(
            ((rank, -c.score, c) for group in by_shot.values() for rank, c in enumerate(group[:_SHORTLIST_PER_SHOT])),
            key=lambda item: item[:2],
        )
    ]
    # Distinct pictures only: a recurring shot (an intro, a repeated angle) must not fill the list.
    shortlist: list[_Candidate] = []
    for candidate in ranked:
        if len(shortlist) == shortlist_size(count):
            break
        if not any(looks_alike(samples[candidate.index].measures, samples[o.index].measures) for o in shortlist):
            shortlist.append(candidate)
    return [_candidate(c.index, samples[c.index], timeline, with_faces=True) for c in shortlist]


def _candidate(index: int, sample: Sample, timeline: Timeline, *, with_faces: bool = False) -> _Candidate:
    faces = find_faces(sample.preview()) if with_faces else NO_FACES
    scores = score(sample.measures, faces)
    if timeline.blank[index] or timeline.in_fade[index] or timeline.shot_ids[index] < 0:
        return _Candidate(index, 0.0, scores)
    penalty = NEAR_CUT_FACTOR if timeline.near_cut[index] else 1.0
    return _Candidate(index, scores.quality * penalty, scores)


def _select(samples: list[Sample], timeline: Timeline, shortlist: list[_Candidate], count: int) -> list[_Candidate]:
    """Best first; one per shot while other shots remain, then more, never near-duplicates."""
    ordered = sorted(shortlist, key=lambda c: -c.score)
    picks: list[_Candidate] = []
    picked_shots: set[int] = set()
    for one_per_shot in (True, False):
        for candidate in ordered:
            if len(picks) == count:
                break
            shot = int(timeline.shot_ids[candidate.index])
            if candidate in picks or one_per_shot and shot in picked_shots:
                continue
            if any(_too_close(samples, timeline, candidate.index, pick.index) for pick in picks):
                continue
            picks.append(candidate)
            picked_shots.add(shot)
    return sorted(picks, key=lambda c: -c.score)


def _too_close(samples: list[Sample], timeline: Timeline, first: int, second: int) -> bool:
    a, b = samples[first], samples[second]
    if looks_alike(a.measures, b.measures):
        return True
    same_shot = timeline.shot_ids[first] == timeline.shot_ids[second]
    return bool(same_shot and abs(a.pts_s - b.pts_s) < _MIN_GAP_IN_SHOT_S)
