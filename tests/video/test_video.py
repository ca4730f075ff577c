"""Video frames and best moments, on small videos the fixtures build from scikit-image's photos.

Exactness is checked against an independent oracle: every frame decoded sequentially with PyAV (no
seeking), the frame at T being the one ``ffmpeg -ss T`` gives: the first with pts at or after T
rounded to a stream tick, the last frame past the end (``test_video_ffmpeg.py`` asks ffmpeg itself).
The comparison is exact
(``np.array_equal``): H.264 decoding is bit-exact whatever the seek point or the threads, and both
sides convert YUV to RGB with the same swscale call, so any difference means a different frame.
"""

from __future__ import annotations

import functools
import io
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from renderer.cli.video import frame_command, moments_command
from renderer.errors import AssetError, InputError
from renderer.video import (
    format_time_s,
    frame,
    frames,
    moments,
    parse_time_s,
    probe,
    sampling,
    scoring,
    seek,
    skipping,
)
from renderer.video.sampling import plan_sampling, sample_video
from renderer.video.seek import _Cursor
from renderer.video.shots import find_shots
from renderer.video.source import open_video
from tests import video_fixtures as fx


# ---------------------------------------------------------------------------------------- videos
# ``videos`` (every fixture video, made once a session) is in tests/video/conftest.py.
@pytest.fixture(scope="session")
def references(videos: dict[str, Path]) -> dict[str, list[tuple[float, np.ndarray]]]:
    return {name: fx.reference_frames(videos[name]) for name in ("edit", "long_gop", "rotated", "vfr", "ts")}


def _assert_is_reference(shot, reference, time_s: float) -> None:
    pts_s, pixels = fx.shown_at(reference, time_s)
    assert shot.pts_s == pytest.approx(pts_s, abs=1e-6), f"at {time_s} s got the frame at {shot.pts_s} s"
    assert np.array_equal(np.asarray(shot.image), pixels), f"pixels differ at {time_s} s"


def _probe_times(reference: list[tuple[float, np.ndarray]]) -> list[float]:
    """Exact frame times, times just before and between frames, the start and the end."""
    pts = [p for p, _ in reference]
    between = [(a + b) / 2 for a, b in itertools.pairwise(pts)]
    just_before = [p - 0.0005 for p in pts[1:]]
    picks = pts[::5] + between[2::6] + just_before[3::7] + [0.0, pts[-1]]
    return sorted(set(picks))


# ------------------------------------------------------------------------------------- timecodes
@pytest.mark.parametrize(
    ("value", "seconds"),
    [(17, 17.0), (17.25, 17.25), ("17.5", 17.5), ("01:02", 62.0), ("1:02:03.5", 3723.5), ("00:00:00.040", 0.04)],
)
def test_times_read_as_seconds_or_timecodes(value, seconds) -> None:
    assert parse_time_s(value) == pytest.approx(seconds)


@pytest.mark.parametrize("value", ["abc", "1:2:3:4", "00:61", "1:75:00", "", None, True, [1], float("nan")])
def test_unreadable_times_are_input_errors(value) -> None:
    with pytest.raises(InputError, match="time"):
        parse_time_s(value)


@given(st.floats(min_value=0, max_value=200_000, allow_nan=False))
def test_formatted_times_read_back(seconds: float) -> None:
    assert parse_time_s(format_time_s(seconds)) == pytest.approx(seconds, abs=0.0005)


# ---------------------------------------------------------------------------------- exact frames
@pytest.mark.parametrize("name", ["edit", "long_gop", "vfr", "rotated", "ts"])
def test_frames_are_the_frames_shown_at_each_time(videos, references, name: str) -> None:
    reference = references[name]
    times = _probe_times(reference)
    shots = frames(videos[name], times, output_format="jpeg")
    for time_s, shot in zip(times, shots, strict=True):
        _assert_is_reference(shot, reference, time_s)


@pytest.mark.parametrize("time_s", [0.0, 0.5, 1.15, 1.2, 2.2])
def test_single_frames_from_a_transport_stream(videos, references, time_s: float) -> None:
    # MPEG-TS has no index and its first frame is not at 0 in the file: seeks land late and are redone.
    _assert_is_reference(frame(videos["ts"], time_s), references["ts"], time_s)


@settings(max_examples=15, deadline=None)
@given(time_s=st.floats(min_value=0, max_value=7.96))
def test_a_single_frame_far_from_any_keyframe_is_exact(videos, references, time_s: float) -> None:
    # long_gop has one keyframe, at 0 s: every later time needs seek-then-decode-forward.
    _assert_is_reference(frame(videos["long_gop"], time_s, output_format="jpeg"), references["long_gop"], time_s)


def test_variable_frame_rate_uses_timestamps_not_frame_numbers(videos, references) -> None:
    reference = references["vfr"]
    assert len(reference) / reference[-1][0] != pytest.approx(25, abs=1)  # not the nominal rate
    index = 20
    pts_s = reference[index][0]
    assert pts_s != pytest.approx(index / 25, abs=0.01)  # index × fps would land elsewhere
    _assert_is_reference(frame(videos["vfr"], pts_s, output_format="jpeg"), reference, pts_s)


def test_frames_keep_the_callers_order_and_decode_once(videos, references, monkeypatch) -> None:
    seeks = []
    original = _Cursor._seek
    monkeypatch.setattr(_Cursor, "_seek", lambda self, seconds: (seeks.append(seconds), original(self, seconds)))
    times = [6.5, 0.3, 3.01, 6.5, "00:00:01.250", 7.9]
    shots = frames(videos["long_gop"], times, output_format="jpeg")
    assert [s.timestamp_s for s in shots] == [6.5, 0.3, 3.01, 6.5, 1.25, 7.9]
    for shot in shots:
        _assert_is_reference(shot, references["long_gop"], shot.timestamp_s)
    assert len(seeks) == 1  # one keyframe only: a single pass serves every time


def test_frames_nobody_is_shown_are_not_decoded(videos, references, monkeypatch) -> None:
    decoded = []
    original = skipping.decode_for_targets

    def counting(video, targets_s):
        for item in original(video, targets_s):
            decoded.append(item.pts_s)
            yield item

    monkeypatch.setattr(seek, "decode_for_targets", counting)
    shot = frame(videos["long_gop"], 7.0)
    _assert_is_reference(shot, references["long_gop"], 7.0)  # still exact
    shown_before = sum(1 for pts_s, _ in references["long_gop"] if pts_s <= 7.0)
    assert len(decoded) < 0.8 * shown_before  # the B-frames before 7 s were skipped


def test_rotation_metadata_turns_the_frame_upright(videos, references) -> None:
    shot = frame(videos["rotated"], 0.5, output_format="jpeg")
    assert (shot.width_px, shot.height_px) == (fx.HEIGHT_PX, fx.WIDTH_PX)
    _assert_is_reference(shot, references["rotated"], 0.5)
    # The oracle's rotation comes from PyAV's frame.rotation; a mirror in the matrix mirrors it too.
    flipped = frame(videos["rotated_flipped"], 0.5, output_format="jpeg")
    assert np.array_equal(np.asarray(flipped.image), np.fliplr(np.asarray(shot.image)))
    assert probe(videos["rotated"]).width_px == fx.HEIGHT_PX


def test_bytes_and_file_objects_give_the_same_frame(videos) -> None:
    from_path = frame(videos["edit"], 2.0, output_format="jpeg")
    data = videos["edit"].read_bytes()
    assert frame(data, 2.0, output_format="jpeg").data == from_path.data
    assert frame(io.BytesIO(data), 2.0, output_format="jpeg").data == from_path.data


# ----------------------------------------------------------------------------- sizes and formats
@pytest.mark.parametrize(
    ("options", "size"),
    [
        ({}, (320, 180)),
        ({"width": 160}, (160, 90)),
        ({"height": 90}, (160, 90)),
        ({"width": 100, "height": 100, "fit": "cover"}, (100, 100)),
        ({"width": 100, "height": 100, "fit": "contain"}, (100, 100)),
        ({"width": 100, "height": 100, "fit": "fill"}, (100, 100)),
    ],
)
def test_sizes_and_fits(videos, options, size) -> None:
    shot = frame(videos["edit"], 1.0, **options)
    assert (shot.width_px, shot.height_px) == size == shot.image.size
    assert Image.open(io.BytesIO(shot.data)).size == size


def test_contain_letterboxes_with_the_background_colour(videos) -> None:
    shot = frame(videos["edit"], 1.0, width=200, height=200, fit="contain", background="#ff0000")
    pixels = np.asarray(shot.image)
    assert tuple(pixels[0, 100]) == (255, 0, 0) and tuple(pixels[-1, 100]) == (255, 0, 0)
    assert tuple(pixels[100, 100]) != (255, 0, 0)


def test_cover_crops_the_middle(videos, references) -> None:
    shot = frame(videos["edit"], 1.0, width=180, height=180, fit="cover", output_format="jpeg")
    _, pixels = fx.shown_at(references["edit"], 1.0)
    expected = Image.fromarray(pixels[:, 70:250]).resize((180, 180), Image.Resampling.LANCZOS)
    # Same crop, same filter; only resampling rounding may differ by a level or two.
    assert np.abs(np.asarray(shot.image, dtype=int) - np.asarray(expected, dtype=int)).max() <= 2


@pytest.mark.parametrize(
    ("output_format", "media_type", "magic"),
    [("jpeg", "image/jpeg", b"\xff\xd8\xff"), ("jpg", "image/jpeg", b"\xff\xd8\xff"),
     ("png", "image/png", b"\x89PNG"), ("webp", "image/webp", b"RIFF")],
)
def test_output_formats(videos, output_format, media_type, magic) -> None:
    shot = frame(videos["edit"], 0, output_format=output_format)
    assert shot.media_type == media_type and shot.data.startswith(magic)
    if output_format == "png":  # lossless: the file holds exactly the frame
        assert np.array_equal(np.asarray(Image.open(io.BytesIO(shot.data))), np.asarray(shot.image))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fit": "stretch"}, "fit must be one of: cover, contain, fill"),
        ({"output_format": "gif"}, "output_format must be one of: jpeg, png, webp"),
        ({"width": 0}, "width must be a whole number of pixels"),
        ({"height": 10.5}, "height must be a whole number of pixels"),
        ({"background": "not-a-colour"}, "background 'not-a-colour' is not a colour"),
        ({"quality": 101}, "quality must be a whole number from 1 to 100"),
    ],
)
def test_bad_options_are_input_errors(videos, options, message) -> None:
    with pytest.raises(InputError, match=message):
        frame(videos["edit"], 1.0, **options)


# ------------------------------------------------------------------------------------------ errors
@pytest.mark.parametrize("time", [9.5, -1, "00:00:10", 3600])
def test_a_time_outside_the_video_names_its_duration(videos, time) -> None:
    with pytest.raises(InputError, match=r"outside the video: .* lasts 9\.000 s .*from 0 to 9\.000 s") as error:
        frame(videos["edit"], time)
    assert error.value.field == "time"


def test_the_end_of_the_video_shows_the_last_frame(videos, references) -> None:
    _assert_is_reference(frame(videos["edit"], 9.0, output_format="jpeg"), references["edit"], 9.0)


def test_a_file_that_is_not_a_video(videos) -> None:
    with pytest.raises(InputError, match="is not a video file FFmpeg can read"):
        frame(videos["text"], 0)


def test_an_audio_file_has_no_video_stream(videos) -> None:
    with pytest.raises(InputError, match=r"has no video stream \(it has only audio streams\)"):
        frame(videos["audio"], 0)
    with pytest.raises(InputError, match="has no video stream"):
        moments(videos["audio"])


def test_a_truncated_file_without_its_index(videos) -> None:
    with pytest.raises(InputError, match="is not a video file FFmpeg can read"):
        frame(videos["no_index"], 1)


def test_a_truncated_file_missing_its_end(videos) -> None:
    assert frame(videos["cut_end"], 0.2).pts_s == pytest.approx(0.2)  # the start still decodes
    with pytest.raises(InputError, match="truncated or damaged"):
        frame(videos["cut_end"], 3.5)


def test_missing_files_and_empty_uploads(videos, tmp_path) -> None:
    with pytest.raises(AssetError, match="not found"):
        frame(tmp_path / "missing.mp4", 0)
    with pytest.raises(AssetError, match="is not a file"):
        frame(tmp_path, 0)
    with pytest.raises(InputError, match="the uploaded video is empty"):
        frame(b"", 0)


# ------------------------------------------------------------------------------------- moments
@pytest.fixture(scope="module")
def edit_moments(videos):
    return moments(videos["edit"], count=8)


@functools.cache
def _edit_spans() -> list[tuple[float, float, fx.Segment]]:
    return fx.segment_spans(fx.edit_segments())


def _segment_at(time_s: float) -> fx.Segment:
    for start, end, segment in _edit_spans():
        if start <= time_s < end:
            return segment
    raise AssertionError(f"{time_s} s is past the edit")


def test_shots_fades_and_blank_frames_are_found(videos) -> None:
    with open_video(videos["edit"]) as opened:
        sampled = sample_video(opened, plan_sampling(opened))
    samples = sampled.samples
    times = np.array([s.pts_s for s in samples])
    timeline = find_shots(times, [s.measures for s in samples], interval_s=sampled.interval_s)
    assert timeline.cut_times_s == pytest.approx([1.45, 6.45], abs=0.06)  # between samples 1.4/1.5 s, 6.4/6.5 s
    assert timeline.blank[(times > 3.5) & (times < 4.5)].all()
    assert timeline.in_fade[(times > 3.05) & (times < 3.45)].all()
    assert timeline.in_fade[(times > 4.55) & (times < 4.95)].all()
    assert not timeline.in_fade[(times > 0.1) & (times < 2.9)].any()
    # astronaut, coffee (and its fade), rocket (after black), chelsea blurred and sharp (no colour cut)
    assert timeline.shot_count == 4


def test_moments_avoid_black_fades_and_blur_and_spread_over_shots(edit_moments) -> None:
    segments = [_segment_at(m.timestamp_s) for m in edit_moments]
    assert all(s.kind == "shot" for s in segments), [(m.timestamp_s, s.kind) for m, s in zip(edit_moments, segments)]
    # Four shots worth a thumbnail; the others would be near-duplicates of the picks.
    assert sorted(s.label for s in segments) == ["astronaut", "chelsea", "coffee", "rocket"]
    assert len({m.shot_index for m in edit_moments}) == len(edit_moments)
    # Not right next to a cut either.
    for moment in edit_moments:
        assert min(abs(moment.timestamp_s - cut) for cut in (1.5, 6.5, 7.5)) > 0.25


def test_moments_are_best_first_and_the_face_wins(edit_moments) -> None:
    scores = [m.score for m in edit_moments]
    assert scores == sorted(scores, reverse=True)
    best = edit_moments[0]
    assert _segment_at(best.timestamp_s).label == "astronaut"
    assert best.scores.faces == 1 and "face" in best.reason


def test_reasons_say_what_the_scores_say(edit_moments) -> None:
    for moment in edit_moments:
        scores, reason = moment.scores, moment.reason
        assert ("face" in reason) == (scores.faces > 0), reason
        assert reason.startswith("sharp") == (scores.sharpness >= scoring.SHARP), reason
        assert ("colourful" in reason) == (scores.colourfulness >= scoring.COLOURFUL), reason
        assert ("well" in reason) == (scores.exposure >= scoring.WELL_EXPOSED), reason
    by_label = {_segment_at(m.timestamp_s).label: m.reason for m in edit_moments}
    assert by_label["coffee"] == "sharp shot, colourful, well exposed"
    assert "dark" in by_label["rocket"]  # the night launch pad


def test_moment_frames_are_exact_full_resolution_frames(edit_moments, references) -> None:
    for moment in edit_moments:
        assert moment.frame is not None and moment.frame.media_type == "image/webp"
        assert (moment.frame.width_px, moment.frame.height_px) == (fx.WIDTH_PX, fx.HEIGHT_PX)
        _assert_is_reference(moment.frame, references["edit"], moment.timestamp_s)


def test_fewer_moments_than_asked_are_the_best_ones(videos, edit_moments) -> None:
    two = moments(videos["edit"], count=2, with_frames=False)
    assert [m.timestamp_s for m in two] == [m.timestamp_s for m in edit_moments[:2]]
    assert all(m.frame is None for m in two)


def test_a_static_video_has_one_moment_not_duplicates(videos) -> None:
    found = moments(videos["still"], count=5, output_format="jpeg")
    assert len(found) == 1 and found[0].frame.media_type == "image/jpeg"


def test_moments_of_a_rotated_video_are_upright(videos) -> None:
    found = moments(videos["rotated"], count=1)
    assert (found[0].frame.width_px, found[0].frame.height_px) == (fx.HEIGHT_PX, fx.WIDTH_PX)


def test_sampling_memory_stays_bounded(videos, monkeypatch) -> None:
    # As if the header had said nothing: 0.1 s apart, 90 samples would come; 16 may be kept.
    monkeypatch.setattr(sampling, "MAX_SAMPLES", 16)
    with open_video(videos["edit"]) as opened:
        sampled = sample_video(opened, sampling.SamplingPlan(interval_s=0.1, skip_frame="DEFAULT"))
    assert len(sampled.samples) < 16 and sampled.interval_s == pytest.approx(0.8)  # doubled three times
    gaps = np.diff([s.pts_s for s in sampled.samples])
    assert gaps.min() >= sampled.interval_s - 0.051  # one frame (50 ms) of slack


@pytest.mark.parametrize("count", [0, 51, 2.5, True])
def test_moment_count_is_checked(videos, count) -> None:
    with pytest.raises(InputError, match="count must be a whole number from 1 to 50"):
        moments(videos["edit"], count=count)


# ----------------------------------------------------------------------------------------- CLI
def test_cli_frame_writes_the_file(videos, tmp_path) -> None:
    output = tmp_path / "frame.png"
    result = CliRunner().invoke(frame_command, [str(videos["edit"]), "--at", "00:01.5", "-o", str(output),
                                                "--width", "160"])
    assert result.exit_code == 0, result.output
    with Image.open(output) as image:
        assert image.size == (160, 90)
    assert "frame at 1.500 s" in result.stdout


def test_cli_user_errors_are_one_line_and_exit_2(videos, tmp_path) -> None:
    result = CliRunner().invoke(frame_command, [str(videos["edit"]), "--at", "12", "-o", str(tmp_path / "f.jpg")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "lasts 9.000 s" in result.stderr
    assert "Traceback" not in result.output
    missing = CliRunner().invoke(moments_command, [str(tmp_path / "missing.mp4")])
    assert missing.exit_code == 2 and missing.stderr.startswith("thumbkit: video file")


def test_cli_moments_writes_frames_and_json(videos, tmp_path) -> None:
    result = CliRunner().invoke(moments_command, [str(videos["edit"]), "--count", "3", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    listing = json.loads((tmp_path / "moments.json").read_text())
    assert listing["count"] == 3
    for record in listing["moments"]:
        assert (tmp_path / record["file"]).read_bytes().startswith(b"RIFF")
        assert record["reason"] and 0 < record["score"] <= 1


def test_frames_are_equal_by_their_encoded_bytes_not_their_decoded_picture():
    from PIL import Image

    from renderer.video.frames import Frame

    one = Frame(b"jpeg bytes", "image/jpeg", 2, 2, 1.0, 0.98, Image.new("RGB", (2, 2), "red"))
    same = Frame(b"jpeg bytes", "image/jpeg", 2, 2, 1.0, 0.98, Image.new("RGB", (2, 2), "blue"))
    later = Frame(b"jpeg bytes", "image/jpeg", 2, 2, 2.0, 1.98, Image.new("RGB", (2, 2), "red"))
    assert one == same and hash(one) == hash(same) and one != later
    assert repr(one) == "Frame(image/jpeg, 2x2, timestamp_s=1.0, pts_s=0.98, 10 bytes)"
