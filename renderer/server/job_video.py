"""The ``frame`` and ``moments`` job kinds: exact frames and best moments of a video, stored.

A job finds its video (a path under the media root, checked again now, or an upload), records it in
the video index (probing it the first time), decodes in a worker thread, stores each image in the
image store and lists it for the video. Errors the library raises name the file by its absolute
path; here they name it as the client did (``'talks/a.mp4'``, ``upload upload_…``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from msgspec import Struct

from ..errors import AssetError, InputError, UserError
from ..video import Frame, frame, moments, probe
from .frame_images import store_frame
from .job_kinds import JobContext, JobInput, JobOutputs, Runner, job_kind
from .media import path_video_id, resolve_media_path
from .store import StoredImage
from .video_index import StoredFrame, VideoRecord
from .video_job_input import (
    FrameInput,
    MomentsInput,
    VideoRef,
    check_video_ref,
    read_frame_input,
    read_moments_input,
)
from .video_services import VideoServices, video_services

T = TypeVar("T")


class FoundVideo(Struct, frozen=True):
    """A job's video: where it is, what it is called in messages, and its record."""

    path: Path
    shown: str
    record: VideoRecord

    @property
    def label(self) -> str:
        """How the gallery names it: the path under the media root, or the upload id."""
        return self.record.name or self.record.id


# -- the two kinds: their input checked at submit time (its video found), run in a worker thread ------
class _VideoJob(Protocol):
    @property
    def video(self) -> VideoRef: ...

    def to_json(self) -> dict[str, Any]: ...


J = TypeVar("J", bound=_VideoJob)


def _video_job_kind(name: str, read: Callable[[JobInput], J],
                    make: Callable[[VideoServices, J, str | None], JobOutputs]) -> Runner:
    """Register job kind ``name``: ``read`` checks its input (and the video must be there) when the
    job is submitted; ``make`` does the work in a worker thread when it runs, its images listed to
    the job's owner."""

    def check(input: JobInput, context: JobContext) -> JobInput:
        checked = read(input)
        check_video_ref(checked.video, context.settings.media_root, _services(context).uploads)
        return checked.to_json()

    async def run(context: JobContext, input: JobInput) -> JobOutputs:
        return await context.run_sync(make, _services(context), read(input), context.owner)

    return job_kind(name, check=check)(run)


def _make_frame(services: VideoServices, job: FrameInput, owner: str | None) -> JobOutputs:
    video = _find_video(services, job.video)
    options = job.options
    shot = _named(video.path, video.shown, lambda: frame(
        video.path, job.time_s, width=options.width_px, height=options.height_px, fit=options.fit,
        output_format=options.output_format, background="#{:02x}{:02x}{:02x}".format(*options.background_rgb),
        quality=options.quality,
    ))
    image = store_frame(services.images, services.database, shot, video.label, owner)
    services.index.add_frames([_stored(video, image, shot, "frame", job.time_s)])
    return [_output(video, image, shot, job.time_s)]


def _make_moments(services: VideoServices, job: MomentsInput, owner: str | None) -> JobOutputs:
    video = _find_video(services, job.video)
    found = _named(video.path, video.shown, lambda: moments(
        video.path, count=job.count, output_format=job.options.output_format, quality=job.options.quality,
    ))
    outputs, stored = [], []
    for moment in found:
        assert moment.frame is not None
        image = store_frame(services.images, services.database, moment.frame, video.label, owner)
        stored.append(_stored(video, image, moment.frame, "moments", moment.timestamp_s, moment.score, moment.reason))
        outputs.append({**_output(video, image, moment.frame, moment.timestamp_s),
                        "score": moment.score, "reason": moment.reason})
    services.index.add_frames(stored)
    return outputs


run_frame = _video_job_kind("frame", read_frame_input, _make_frame)
run_moments = _video_job_kind("moments", read_moments_input, _make_moments)


# -- shared --------------------------------------------------------------------------------------------
def _services(context: JobContext) -> VideoServices:
    return video_services(context.settings, context.render.store)


def _find_video(services: VideoServices, ref: VideoRef) -> FoundVideo:
    """The video's file and record; checks the path again (a link may have changed since submit)."""
    if ref.path is not None:
        path = resolve_media_path(services.settings.media_root, ref.path)
        shown = f"'{ref.path}'"
        video_id = path_video_id(path, ref.path)
        source, name = "path", ref.path
    else:
        upload = str(ref.upload)
        found = services.uploads.find(upload)
        if found is None:
            raise AssetError(f"upload {upload} is gone from this server's data folder; upload the video again")
        path, shown, video_id, source, name = found, f"upload {upload}", upload, "upload", ""
    record = services.index.get(video_id)
    if record is None:
        info = _named(path, shown, lambda: probe(path))
        record = services.index.add(VideoRecord(
            id=video_id, source=source, name=name, size_bytes=path.stat().st_size, duration_s=info.duration_s,
            width=info.width_px, height=info.height_px, created_at=time.time(),
        ))
    return FoundVideo(path, shown, record)


def _named(path: Path, shown: str, work: Callable[[], T]) -> T:
    """Run ``work``; a user error naming the file by its real path names it as the client did."""
    try:
        return work()
    except UserError as error:
        message = str(error).replace(f"'{path}'", shown)
        if message == str(error):
            raise
        if isinstance(error, InputError):
            raise InputError(message, field=error.field) from error
        raise AssetError(message) from error


def _stored(video: FoundVideo, image: StoredImage, shot: Frame, kind: str, timestamp_s: float,
            score: float | None = None, reason: str | None = None) -> StoredFrame:
    return StoredFrame(video_id=video.record.id, image_id=image.id, job_kind=kind, timestamp_s=timestamp_s,
                       frame_time_s=shot.pts_s, score=score, reason=reason, created_at=time.time())


def _output(video: FoundVideo, image: StoredImage, shot: Frame, timestamp_s: float) -> dict[str, Any]:
    """An image output (``routes_jobs`` adds its ``url``), with the times and the video it came from."""
    return {
        "type": "image", "id": image.id, "mediaType": image.media_type, "outputFormat": image.output_format,
        "dimensions": {"width": image.width, "height": image.height}, "videoId": video.record.id,
        "timestamp": timestamp_s, "frameTime": shot.pts_s,
    }
