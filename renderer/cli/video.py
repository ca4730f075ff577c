"""``thumbkit frame`` and ``thumbkit moments``: video frames from the command line.

Only this module prints; the library raises. A ``UserError`` becomes one line on stderr and exit
status 2, without a traceback.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import msgspec.structs

from ..errors import UserError
from ..files import write_atomic

_EXTENSIONS = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".webp": "webp"}
_SUFFIXES = {"jpeg": ".jpg", "png": ".png", "webp": ".webp"}
F = TypeVar("F", bound=Callable[..., Any])


class VideoCommandError(click.ClickException):
    """A user error as one line on stderr, exit status 2, no traceback."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"thumbkit: {self.format_message()}", err=True)


def _fail_on_user_error(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UserError as error:
            raise VideoCommandError(" ".join(str(error).split())) from None
        except OSError as error:
            where = f" {error.filename}" if error.filename else ""
            raise VideoCommandError(f"cannot write{where}: {error.strerror or error}") from None

    return wrapper  # type: ignore[return-value]


@click.command("frame")
@click.argument("video", type=click.Path(path_type=Path))
@click.option("--at", "time", required=True, help='time: seconds (17.5) or "HH:MM:SS.mmm"')
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("frame.jpg"),
              show_default=True, help="output file; its extension picks the encoding")
@click.option("--output-format", type=click.Choice(["jpeg", "png", "webp"]), default=None,
              help="encoding, when the file extension does not say")
@click.option("--width", type=int, default=None, help="width in pixels (alone: keep the aspect ratio)")
@click.option("--height", type=int, default=None, help="height in pixels (alone: keep the aspect ratio)")
@click.option("--fit", type=click.Choice(["cover", "contain", "fill"]), default="cover", show_default=True,
              help="with width and height: crop, letterbox or stretch")
@click.option("--background", default="#000000", show_default=True, help="letterbox colour for --fit contain")
@click.option("--quality", type=int, default=None, help="JPEG/WebP quality 1-100 (default 88 JPEG, 82 WebP)")
@_fail_on_user_error
def frame_command(video: Path, time: str, output: Path, output_format: str | None, width: int | None,
                  height: int | None, fit: str, background: str, quality: int | None) -> None:
    """Save the frame of VIDEO shown at --at."""
    from ..video import frame

    encoding = output_format or _EXTENSIONS.get(output.suffix.lower(), "jpeg")
    shot = frame(video, _number_or_text(time), width=width, height=height, fit=fit, output_format=encoding,
                 background=background, quality=quality)
    write_atomic(output, shot.data)
    click.echo(f"{output} ({shot.width_px}x{shot.height_px}, frame at {shot.pts_s:.3f} s, "
               f"{len(shot.data) / 1024:.1f} KiB)")


@click.command("moments")
@click.argument("video", type=click.Path(path_type=Path))
@click.option("-n", "--count", type=int, default=5, show_default=True, help="how many moments at most")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("moments"),
              show_default=True, help="folder for the frames and moments.json")
@click.option("--output-format", type=click.Choice(["jpeg", "png", "webp"]), default="webp", show_default=True,
              help="encoding of the frames")
@_fail_on_user_error
def moments_command(video: Path, count: int, out_dir: Path, output_format: str) -> None:
    """Find the best moments of VIDEO for a thumbnail; write their frames and moments.json."""
    from ..video import format_time_s, moments

    found = moments(video, count=count, output_format=output_format)
    out_dir.mkdir(parents=True, exist_ok=True)
    records = []
    for rank, moment in enumerate(found, start=1):
        timecode = format_time_s(moment.timestamp_s)
        name = f"moment-{rank:02d}-{timecode.replace(':', '-')}{_SUFFIXES[output_format]}"
        if moment.frame is not None:
            write_atomic(out_dir / name, moment.frame.data)
        records.append({
            "rank": rank,
            "timestamp_s": round(moment.timestamp_s, 6),
            "timecode": timecode,
            "score": moment.score,
            "reason": moment.reason,
            "file": name,
            "shot_index": moment.shot_index,
            "scores": {key: round(value, 4) if isinstance(value, float) else value
                       for key, value in msgspec.structs.asdict(moment.scores).items()},
        })
        click.echo(f"{rank}. {timecode}  score {moment.score:.2f}  {moment.reason}  -> {out_dir / name}")
    payload = {"video": str(video), "count": len(records), "moments": records}
    write_atomic(out_dir / "moments.json", (json.dumps(payload, indent=2) + "\n").encode("utf-8"))
    if not records:
        click.echo("no acceptable moments found (the video may be blank or too short)", err=True)


def _number_or_text(time: str) -> float | str:
    try:
        return float(time)
    except ValueError:
        return time


