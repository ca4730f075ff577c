"""Frame and moments jobs, uploads and frame listings, over HTTP to the real server in a child process
on a loopback port, with a media root of small videos the fixtures build."""

from __future__ import annotations

import ctypes
import hashlib
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

from renderer.server.launcher import ServerProcess, start_server
from renderer.video import frame
from tests import video_fixtures as fx

pytestmark = pytest.mark.slow  # a real server process decoding real videos

KEY = "video-key"
MAX_VIDEO_BYTES = 1024 * 1024


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A media root (talks/edit.mp4, notes.mp4, links out of it) and a folder outside it."""
    base = tmp_path_factory.mktemp("media")
    root, outside = base / "root", base / "outside"
    (root / "talks").mkdir(parents=True)
    outside.mkdir()
    fx.edit_video(root / "talks" / "edit.mp4")
    (root / "notes.mp4").write_text("these are notes, not a video\n")
    fx.vfr_video(outside / "secret.mp4")  # a real video: reading it would succeed
    (root / "escape.mp4").symlink_to(outside / "secret.mp4")
    (root / "elsewhere").symlink_to(outside, target_is_directory=True)
    return {"root": root, "outside": outside, "edit": root / "talks" / "edit.mp4", "secret": outside / "secret.mp4"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def server(media: dict[str, Path], data_dir: Path) -> Iterator[ServerProcess]:
    process = start_server(data_dir, ["--rate-limit", "1000", "--media-root", str(media["root"]),
                                      "--max-video-bytes", str(MAX_VIDEO_BYTES)], env={"THUMBKIT_API_KEYS": KEY})
    yield process
    assert process.stop(), process.output()
    assert "Traceback" not in process.output(), process.output()


@pytest.fixture(scope="module")
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, headers={"x-api-key": KEY}, timeout=60) as http:
        yield http


def submit(client: httpx.Client, kind: str, input: dict) -> dict:
    response = client.post("/v1/jobs", json={"kind": kind, "input": input})
    assert response.status_code == 202, response.text
    return response.json()


def finished(client: httpx.Client, job_id: str, timeout: float = 30.0) -> dict:
    """Poll until the job ends (bounded): the job as last read."""
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed"):
            return job
        assert time.monotonic() < deadline, f"job still {job['status']} after {timeout} s"
        time.sleep(0.05)


def run(client: httpx.Client, kind: str, input: dict) -> dict:
    return finished(client, submit(client, kind, input)["id"])


def pixels(url: str) -> np.ndarray:
    response = httpx.get(url, timeout=30)
    assert response.status_code == 200
    return np.asarray(Image.open(io.BytesIO(response.content)).convert("RGB"))


def refused(client: httpx.Client, kind: str, input: dict) -> str:
    response = client.post("/v1/jobs", json={"kind": kind, "input": input})
    assert response.status_code == 422, response.text
    return response.json()["error"]


# -- frame jobs ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("time_value", [2.52, "00:00:02.52"])
def test_a_frame_by_path_is_the_librarys_frame(client: httpx.Client, media: dict[str, Path], time_value) -> None:
    job = run(client, "frame", {"video": {"path": "talks/edit.mp4"}, "time": time_value, "format": "png"})
    assert job["status"] == "succeeded", job
    assert job["input"] == {"video": {"path": "talks/edit.mp4"}, "time": 2.52, "fit": "cover", "format": "png"}
    [output] = job["outputs"]
    # 2.52 s falls between the frames at 2.50 and 2.55 s: ffmpeg's -ss shows the later one.
    assert (output["timestamp"], output["frameTime"]) == (2.52, pytest.approx(2.55))
    assert output["videoId"].startswith("path_") and output["dimensions"] == {"width": 320, "height": 180}
    expected = frame(media["edit"], 2.52, output_format="png")
    # PNG is lossless: the served file holds exactly the library's pixels.
    assert np.array_equal(pixels(output["url"]), np.asarray(expected.image))
    gallery = {image["id"]: image for image in client.get("/v1/images", params={"limit": 200}).json()["images"]}
    assert (gallery[output["id"]]["format"], gallery[output["id"]]["title"]) == ("frame", "talks/edit.mp4 at 0:00:02.550")


def test_ittybit_options_shape_with_size_and_fit(client: httpx.Client, media: dict[str, Path]) -> None:
    job = run(client, "frame", {"video": {"path": "talks/edit.mp4"},
                                "options": {"start": 4.0, "width": 160, "height": 160, "fit": "contain", "format": "png"}})
    [output] = job["outputs"]
    assert output["dimensions"] == {"width": 160, "height": 160}
    expected = frame(media["edit"], 4.0, width=160, height=160, fit="contain", output_format="png")
    assert np.array_equal(pixels(output["url"]), np.asarray(expected.image))


def test_a_time_outside_the_video_fails_the_job_naming_the_duration(client: httpx.Client) -> None:
    job = run(client, "frame", {"video": {"path": "talks/edit.mp4"}, "time": 12})
    assert job["status"] == "failed" and job["outputs"] == []
    assert job["error"] == ("time 12 s is outside the video: 'talks/edit.mp4' lasts 9.000 s (0:00:09.000); "
                            "use a time from 0 to 9.000 s")


@pytest.mark.parametrize(("path", "message"), [
    ("talks/missing.mp4", "video file 'talks/missing.mp4' not found under the media root"),
    ("notes.mp4", "'notes.mp4' is not a video file FFmpeg can read"),
    ("talks", "video 'talks' is not a file"),
])
def test_missing_files_and_non_videos_fail_the_job(client: httpx.Client, path: str, message: str) -> None:
    job = run(client, "frame", {"video": {"path": path}, "time": 1})
    assert job["status"] == "failed" and job["error"].startswith(message), job


@pytest.mark.parametrize(("input", "message"), [
    ({"video": {"path": "talks/edit.mp4"}, "time": "abc"}, "time 'abc' is not a time"),
    ({"video": {"path": "talks/edit.mp4"}, "time": -1}, "time -1 s is before the start of the video"),
    ({"video": {"path": "talks/edit.mp4"}}, "time is required"),
    ({"video": {"path": "talks/edit.mp4"}, "time": 1, "start": 2}, "give the time once, not as time and start"),
    ({"video": {"path": "talks/edit.mp4"}, "time": 1, "format": "gif"}, "format must be one of: jpeg, png, webp"),
    ({"video": {"path": "talks/edit.mp4"}, "time": 1, "fit": "stretch"}, "fit must be one of: cover, contain, fill"),
    ({"video": {"path": "talks/edit.mp4"}, "time": 1, "colour": "red"}, "unknown field 'colour' in input"),
    ({"video": "talks/edit.mp4", "time": 1}, 'video must be {"path"'),
    ({"video": {"upload": "upload_" + "0" * 64}, "time": 1}, "video.upload 'upload_000"),
    ({"video": {"upload": "../../etc/passwd"}, "time": 1}, "video.upload must be an id from POST /v1/videos"),
])
def test_malformed_frame_inputs_are_refused_at_submit(client: httpx.Client, input: dict, message: str) -> None:
    assert refused(client, "frame", input).startswith(message)


# -- the media root ------------------------------------------------------------------------------------
class OpenWatch:
    """inotify on a folder: did anything open or read a file in it?"""

    IN_ACCESS, IN_OPEN = 0x1, 0x20

    def __init__(self, folder: Path) -> None:
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._fd = self._libc.inotify_init1(os.O_NONBLOCK)
        assert self._fd >= 0, os.strerror(ctypes.get_errno())
        assert self._libc.inotify_add_watch(self._fd, str(folder).encode(), self.IN_ACCESS | self.IN_OPEN) >= 0

    def events(self) -> bytes:
        try:
            return os.read(self._fd, 65536)
        except BlockingIOError:
            return b""

    def close(self) -> None:
        os.close(self._fd)


@pytest.mark.parametrize("kind", ["frame", "moments"])
def test_paths_out_of_the_media_root_are_refused_and_nothing_is_read(
    client: httpx.Client, media: dict[str, Path], kind: str
) -> None:
    extra = {"time": 1} if kind == "frame" else {}
    hostile = {
        "../outside/secret.mp4": "goes up with '..'",
        "talks/../../outside/secret.mp4": "goes up with '..'",
        "/etc/passwd": "is absolute",
        str(media["secret"]): "is absolute",
        "escape.mp4": "leads outside the media root (through a symbolic link)",
        "elsewhere/secret.mp4": "leads outside the media root (through a symbolic link)",
    }
    watch = OpenWatch(media["outside"])
    try:
        for path, message in hostile.items():
            assert message in refused(client, kind, {"video": {"path": path}, **extra}), path
        assert watch.events() == b""  # the video outside was never opened
    finally:
        watch.close()


# -- moments -------------------------------------------------------------------------------------------
def test_a_moments_job_gives_ordered_frames_with_reasons(client: httpx.Client, media: dict[str, Path]) -> None:
    job = run(client, "moments", {"video": {"path": "talks/edit.mp4"}, "count": 3, "format": "png"})
    assert job["status"] == "succeeded", job
    outputs = job["outputs"]
    assert len(outputs) == 3
    scores = [output["score"] for output in outputs]
    assert scores == sorted(scores, reverse=True) and all(0 < score <= 1 for score in scores)
    assert "face" in outputs[0]["reason"]  # the astronaut close-up comes first
    for output in outputs:
        assert output["reason"] and output["timestamp"] == output["frameTime"]  # a moment is a frame's own time
        expected = frame(media["edit"], output["timestamp"], output_format="png")
        assert np.array_equal(pixels(output["url"]), np.asarray(expected.image))


def test_moments_inputs_are_checked(client: httpx.Client) -> None:
    assert refused(client, "moments", {"video": {"path": "talks/edit.mp4"}, "count": 0}).startswith(
        "count must be a whole number from 1 to 50")
    assert refused(client, "moments", {"video": {"path": "talks/edit.mp4"}, "time": 1}).startswith(
        "unknown field 'time' in input")


# -- uploads -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def uploaded(client: httpx.Client, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    video = fx.vfr_video(tmp_path_factory.mktemp("upload") / "vfr.mp4")
    response = client.post("/v1/videos", content=video.read_bytes(), headers={"content-type": "video/mp4"})
    assert response.status_code == 201, response.text
    return response.json(), video


def test_an_upload_answers_its_id_duration_and_size(client: httpx.Client, uploaded: tuple[dict, Path],
                                                    data_dir: Path) -> None:
    body, video = uploaded
    data = video.read_bytes()
    assert body["id"] == "upload_" + hashlib.sha256(data).hexdigest()
    assert (body["width"], body["height"]) == (320, 180) and body["duration_s"] == pytest.approx(2.704)
    stored = list((data_dir / "videos").rglob("*.video"))
    assert [path.read_bytes() == data for path in stored] == [True]
    again = client.post("/v1/videos", files={"file": ("talk.mp4", data, "video/mp4")})  # multipart: same bytes, same id
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    assert client.get(f"/v1/videos/{body['id']}").json()["duration_s"] == body["duration_s"]


def test_a_frame_job_on_an_upload(client: httpx.Client, uploaded: tuple[dict, Path]) -> None:
    body, video = uploaded
    job = run(client, "frame", {"video": {"upload": body["id"]}, "time": 1.0, "format": "png"})
    assert job["status"] == "succeeded", job
    [output] = job["outputs"]
    expected = frame(video, 1.0, output_format="png")
    assert output["videoId"] == body["id"] and output["frameTime"] == pytest.approx(expected.pts_s)
    assert np.array_equal(pixels(output["url"]), np.asarray(expected.image))
    late = run(client, "frame", {"video": {"upload": body["id"]}, "time": 5})
    assert late["status"] == "failed" and f"upload {body['id']} lasts 2.704 s" in late["error"]


def test_uploads_that_are_not_videos_or_too_large_are_refused_and_not_kept(client: httpx.Client,
                                                                          data_dir: Path) -> None:
    before = sorted((data_dir / "videos").rglob("*"))
    not_video = client.post("/v1/videos", content=b"plain text, no video here\n" * 100)
    assert not_video.status_code == 422
    assert not_video.json()["error"].startswith("the uploaded file is not a video file FFmpeg can read")
    too_large = client.post("/v1/videos", content=b"\0" * (MAX_VIDEO_BYTES + 1))
    assert (too_large.status_code, too_large.json()) == (413, {"error": "Video exceeds 1MB cap"})
    empty = client.post("/v1/videos", content=b"")
    assert empty.status_code == 422 and empty.json()["error"].startswith("the upload is empty")
    no_file = client.post("/v1/videos", data={"title": "no file here"}, files={"notes": (None, "x")})
    assert no_file.status_code == 422 and "no file part" in no_file.json()["error"]
    assert sorted((data_dir / "videos").rglob("*")) == before


# -- listing and restart -------------------------------------------------------------------------------
def test_frames_are_listed_for_their_video(client: httpx.Client, uploaded: tuple[dict, Path]) -> None:
    made = run(client, "frame", {"video": {"path": "talks/edit.mp4"}, "time": 6.0})["outputs"][0]
    moments = run(client, "moments", {"video": {"path": "talks/edit.mp4"}, "count": 2})["outputs"]
    listing = client.get(f"/v1/videos/{made['videoId']}/frames").json()
    assert listing["video"]["path"] == "talks/edit.mp4" and listing["video"]["duration_s"] == 9.0
    frames = listing["frames"]
    by_id = {(f["id"], f["kind"]): f for f in frames}
    assert (made["id"], "frame") in by_id and by_id[(made["id"], "frame")]["timestamp"] == 6.0
    for moment in moments:
        listed = by_id[(moment["id"], "moments")]
        assert (listed["reason"], listed["score"]) == (moment["reason"], moment["score"])
    assert [f["frameTime"] for f in frames] == sorted(f["frameTime"] for f in frames)
    assert all(httpx.get(f["url"], timeout=30).status_code == 200 for f in frames)
    upload_frames = client.get(f"/v1/videos/{uploaded[0]['id']}/frames").json()["frames"]
    assert [f["kind"] for f in upload_frames] == ["frame"]
    missing = client.get("/v1/videos/path_nothing/frames")
    assert (missing.status_code, missing.json()) == (404, {"error": "Video not found"})


def test_a_restart_keeps_jobs_and_listings(server: ServerProcess, client: httpx.Client, data_dir: Path) -> None:
    job = run(client, "frame", {"video": {"path": "talks/edit.mp4"}, "time": 7.25})
    video_id = job["outputs"][0]["videoId"]
    listing = client.get(f"/v1/videos/{video_id}/frames").json()
    assert server.stop(), server.output()
    # Started again on the same data, this time without a media root.
    restarted = start_server(data_dir, ["--rate-limit", "1000"], env={"THUMBKIT_API_KEYS": KEY})
    try:
        with httpx.Client(base_url=restarted.url, headers={"x-api-key": KEY}, timeout=60) as again:
            kept = again.get(f"/v1/jobs/{job['id']}").json()
            assert kept["status"] == "succeeded" and kept["outputs"][0]["id"] == job["outputs"][0]["id"]
            relisted = again.get(f"/v1/videos/{video_id}/frames").json()
            assert [f["id"] for f in relisted["frames"]] == [f["id"] for f in listing["frames"]]
            message = refused(again, "frame", {"video": {"path": "talks/edit.mp4"}, "time": 1})
            assert "start the server with --media-root DIR (or set THUMBKIT_MEDIA_ROOT)" in message
    finally:
        assert restarted.stop(), restarted.output()
    assert "Traceback" not in restarted.output(), restarted.output()
