"""What makes a frame a good thumbnail, as 0..1 scores, and a short reason that says so.

Scores come from the measures of a ~160 px analysis frame and, for shortlisted frames, faces:

* sharpness: variance of the Laplacian on a log scale (10 → 0, ~400 → 1);
* exposure: mean luma near the middle, enough contrast, little crushed black or blown white;
* colourfulness: Hasler & Süsstrunk, 90 (beyond "highly colourful") → 1;
* face: a frontal face, more for a bigger one (a close-up fills a third of the frame height).
"""

from __future__ import annotations

import math

from msgspec import Struct

from .faces import Faces
from .measures import Measures

WEIGHTS = {"sharpness": 0.30, "exposure": 0.30, "colourfulness": 0.15, "face": 0.25}
SHARP = 0.6  # at or above: "sharp"
SOFT = 0.35  # below: "soft"
WELL_EXPOSED = 0.7
COLOURFUL = 0.6
MUTED = 0.25
CLOSE_UP_FRACTION = 0.3  # face height over frame height


class MomentScores(Struct, frozen=True):
    sharpness: float
    exposure: float
    colourfulness: float
    face: float
    faces: int
    face_height_fraction: float
    mean_luma: float

    @property
    def quality(self) -> float:
        return float(sum(weight * getattr(self, name) for name, weight in WEIGHTS.items()))


def score(measures: Measures, faces: Faces) -> MomentScores:
    return MomentScores(
        sharpness=sharpness_score(measures.laplacian_variance),
        exposure=exposure_score(measures),
        colourfulness=_clip(measures.colourfulness / 90),
        face=_face_score(faces),
        faces=faces.count,
        face_height_fraction=faces.largest_height_fraction,
        mean_luma=measures.mean_luma,
    )


def sharpness_score(laplacian_variance: float) -> float:
    return _clip((math.log10(laplacian_variance + 1) - 1.0) / 1.6)


def exposure_score(measures: Measures) -> float:
    level = _clip(1 - (abs(measures.mean_luma - 0.5) - 0.15) / 0.3)  # 1 from 0.35 to 0.65
    contrast = _clip(measures.std_luma / 0.15)
    clipped = _clip((measures.dark_fraction + measures.bright_fraction - 0.05) / 0.4)
    return level * (0.5 + 0.5 * contrast) * (1 - clipped)


def reason(scores: MomentScores) -> str:
    """A short description true to the scores, e.g. "sharp close-up of a face, well lit"."""
    if scores.faces and scores.face_height_fraction >= CLOSE_UP_FRACTION:
        subject = "close-up of a face"
    elif scores.faces:
        subject = "shot with a face" if scores.faces == 1 else f"shot with {scores.faces} faces"
    else:
        subject = "shot"
    if scores.sharpness >= SHARP:
        subject = f"sharp {subject}"
    elif scores.sharpness < SOFT:
        subject = f"soft {subject}"
    parts = [subject]
    if scores.colourfulness >= COLOURFUL:
        parts.append("colourful")
    elif scores.colourfulness < MUTED:
        parts.append("muted colours")
    if scores.exposure >= WELL_EXPOSED:
        parts.append("well lit" if scores.faces else "well exposed")
    elif scores.mean_luma < 0.35:
        parts.append("a little dark")
    elif scores.mean_luma > 0.65:
        parts.append("a little bright")
    else:
        parts.append("flat contrast")
    return ", ".join(parts)


def _face_score(faces: Faces) -> float:
    if not faces.count:
        return 0.0
    return 0.5 + 0.5 * _clip(faces.largest_height_fraction / CLOSE_UP_FRACTION)


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))
