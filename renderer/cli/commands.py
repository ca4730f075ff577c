"""The ``thumbkit`` command line. Only this module prints and exits; the library raises.

Subcommands load lazily so that ``thumbkit render`` does not import the server, video or batch
machinery (or rembg) it does not use.
"""

from __future__ import annotations

import functools
import gc
import importlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, ParamSpec, TypeVar

import click

from ..errors import UserError

P = ParamSpec("P")
R = TypeVar("R")

# name -> "module:attribute" of a click command, imported only when that command runs
_LAZY_COMMANDS = {
    "batch": "renderer.cli.batch:batch_command",
    "serve": "renderer.cli.serve:serve_command",
    "frame": "renderer.cli.video:frame_command",
    "moments": "renderer.cli.video:moments_command",
    "kit": "renderer.cli.kit:kit_command",
    "layout": "renderer.cli.layout:layout_command",
    "preview": "renderer.cli.preview:preview_command",
    "bench": "renderer.bench.render:bench_command",
    "samples": "renderer.cli.samples:samples_command",
    "schema": "renderer.cli.schema:schema_command",
    "sheet": "renderer.cli.sheet:sheet_command",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *(n for n in _LAZY_COMMANDS if _available(n))})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is not None or name not in _LAZY_COMMANDS:
            return command
        module_name, attribute = _LAZY_COMMANDS[name].split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None
            raise
        command = getattr(module, attribute)
        assert isinstance(command, click.Command), _LAZY_COMMANDS[name]
        return command


#: Commands that run briefly and exit: their process collects garbage rarely (see :func:`run`).
ONE_SHOT_COMMANDS = frozenset({"render", "formats", "layouts", "schema"})
_PYTHON_GC_THRESHOLD = gc.get_threshold()
_ONE_SHOT_GC_THRESHOLD = (50_000, 20, 20)


def one_shot_gc(on: bool) -> None:
    """Collect cyclic garbage rarely (``on``) or as Python usually does."""
    gc.set_threshold(*(_ONE_SHOT_GC_THRESHOLD if on else _PYTHON_GC_THRESHOLD))


def run() -> None:
    """The ``thumbkit`` program (``main`` with its process's garbage collection tuned).

    A one-shot ``thumbkit render`` allocates a few hundred thousand objects, nearly none of them
    garbage in cycles: Python's usual thresholds run ~80 collections that find nothing (~10 ms of
    ~170), and tearing the process down collects everything once more (~15 ms). So the collector
    runs rarely until the command is known (long-running commands get the usual thresholds back, in
    ``main``), and at exit every object is frozen (``gc.freeze``) so the interpreter's final
    collections skip them: files are written and closed before that, and the standard streams are
    flushed by the interpreter as always. Tests call ``main`` with click's runner and keep Python's
    usual collection.
    """
    one_shot_gc(True)
    try:
        main()
    finally:
        gc.freeze()


def _available(name: str) -> bool:
    module_name = _LAZY_COMMANDS[name].split(":")[0]
    return importlib.util.find_spec(module_name) is not None


class UserFacingError(click.ClickException):
    """A user error as one line on stderr, exit status 2, no traceback."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"thumbkit: {self.format_message()}", err=True)


def fail_on_user_error(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator for commands: ``UserError`` becomes a one-line message and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except UserError as exc:
            raise UserFacingError(str(exc)) from None

    return wrapper


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="thumbkit", prog_name="thumbkit")
@click.pass_context
def main(ctx: click.Context) -> None:
    """thumbkit: turn a title into a branded thumbnail, offline."""
    if ctx.invoked_subcommand not in ONE_SHOT_COMMANDS:
        one_shot_gc(False)  # a server, batch or preview runs for long: Python's usual collection


@main.command()
@click.argument("title")
@click.option("-f", "--format", "format_name", default="youtube", show_default=True, help="youtube, instagram, x, blogpost or linkedin")
@click.option("-l", "--layout", default="auto", show_default=True, help="a layout name (see `thumbkit layouts`) or auto")
@click.option("-b", "--brand", default="default", show_default=True, help="brand kit id (customAssetsId)")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="output file; its extension picks the encoding (default thumb.webp)")
@click.option("--output-format", type=click.Choice(["webp", "png", "jpeg"]), default=None, help="encoding, when the file extension does not say")
@click.option("--hd", is_flag=True, help="twice the resolution (ThumbAPI's model=hd)")
@click.option("--debug", is_flag=True, help="draw the layout boxes and text lines")
@click.option("--plan", "plan_path", type=click.Path(dir_okay=False, path_type=Path), default=None, help="also write the render plan as JSON")
@click.option("--photo", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None, help="a photo of the presenter to cut out")
@click.option("--logo", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None, help="a logo (PNG/WebP with transparency)")
@click.option("--use-photo", is_flag=True, help="use the brand kit's photo")
@click.option("--use-logo", is_flag=True, help="use the brand kit's logo")
@click.option("--video", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None, help="put the title over a frame of this video")
@click.option("--at", "at", default="auto", show_default=True, help="with --video: seconds, HH:MM:SS.mmm or auto (the best moment)")
@click.option("--video-as", type=click.Choice(["background", "photo"]), default="background", show_default=True, help="the frame as the background or as the photo to cut out")
@click.option("--background", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="put the title over this picture (JPEG, PNG or WebP, at most 5 MB), where it leaves room")
@click.option("--kits-dir", "kit_dirs", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="a folder of brand kits (repeatable; the user kit folder of `thumbkit kit new` is always searched)")
@click.option("--headline", default=None, help="a shorter text to draw instead of the title, or auto (shortened only when the title would be illegible)")
@click.option("--language", default="auto", show_default=True, help="hyphenation language of long words (de, en-GB, ...) or auto (from the script)")
@click.option("--variants", type=click.IntRange(1, 6), default=1, show_default=True,
              help="render this many visibly different thumbnails, the best first: OUT-1.webp, OUT-2.webp, ...")
@click.option("--subtitle", default=None, help="a kicker, tagline or speaker, where the layout has room (at most 120 characters)")
@click.option("--badge", default=None, help='a short label such as "NEW" or "EP 14" (at most 12 characters)')
@click.option("--quality", "show_quality", is_flag=True,
              help="print the quality report: score and findings (legibility at feed size, contrast, safe zones ...)")
@fail_on_user_error
def render(title: str, format_name: str, layout: str, brand: str, output: Path | None, output_format: str | None,
           hd: bool, debug: bool, plan_path: Path | None, photo: Path | None, logo: Path | None, use_photo: bool,
           use_logo: bool, video: Path | None, at: str, video_as: str, background: Path | None, kit_dirs: tuple[Path, ...],
           headline: str | None, language: str, variants: int, subtitle: str | None, badge: str | None,
           show_quality: bool) -> None:
    """Render TITLE into a thumbnail file (with --variants, several: OUT-1, OUT-2, ...)."""
    from ..api import Renderer

    output = output or Path("thumb.webp")
    encoding = output_format or {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}.get(output.suffix.lower(), "webp")
    time: float | str = at
    if at != "auto":
        try:
            time = float(at)
        except ValueError:
            time = at  # HH:MM:SS.mmm, parsed and checked by the video module
    renderer = Renderer(kit_dirs=kit_dirs)
    thumbnails = renderer.variants(
        title, count=variants, format=format_name, layout=layout, brand=brand, output_format=encoding, hd=hd,
        debug=debug, photo=photo, logo=logo, use_photo=use_photo, use_logo=use_logo, video=video, time=time,
        video_use=video_as, headline=headline, language=language,
        background=background, subtitle=subtitle, badge=badge)  # one, with --variants 1: what render() gives
    outputs = [(thumbnails[0], output, plan_path)] if variants == 1 else [
        (thumbnail, numbered(output, index), plan_path and numbered(plan_path, index))
        for index, thumbnail in enumerate(thumbnails, start=1)]
    for thumbnail, path, plan_file in outputs:
        thumbnail.save(path)
        if plan_file is not None:
            from ..files import write_atomic

            write_atomic(plan_file, thumbnail.plan.to_json().encode("utf-8"))
        for warning in thumbnail.warnings:
            click.echo(f"warning: {warning}", err=True)
        click.echo(f"{path} ({thumbnail.width_px}x{thumbnail.height_px}, {thumbnail.layout}, score {thumbnail.quality.score}, "
                   f"{len(thumbnail.data) / 1024:.1f} KiB)")
        if show_quality:
            click.echo(thumbnail.quality.describe())


def numbered(path: Path, number: int) -> Path:
    """``out.webp`` -> ``out-2.webp``: the name of variant ``number``."""
    return path.with_name(f"{path.stem}-{number}{path.suffix}")


@main.command()
@click.option("-f", "--format", "format_name", default=None, help="only this format")
@fail_on_user_error
def layouts(format_name: str | None) -> None:
    """List the layouts per format; yours (`thumbkit layout new`) with their file, or as invalid."""
    from ..api import Renderer
    from ..paths import user_layouts_dir

    renderer = Renderer()
    user_dir = user_layouts_dir()
    for name in renderer.layout_names(format_name):
        layout = renderer.layouts[name]
        spec = layout.spec
        mine = f"  [{user_dir / (name + '.yaml')}]" if layout.folder == user_dir else ""
        click.echo(f"{spec.format:<10} {name:<22} [{', '.join(spec.picks)}] {spec.description}{mine}")
    for name, error in sorted(renderer.broken_layouts.items()) if format_name is None else ():
        first, *more = str(error).splitlines()
        rest = f"; and {len(more)} more problem{'s' if len(more) != 1 else ''}" if more else ""
        click.echo(f"{'?':<10} {name:<22} (invalid: {first}{rest})  [{user_dir / (name + '.yaml')}]")


@main.command()
def formats() -> None:
    """List the formats and their sizes."""
    from ..formats import FORMATS

    for fmt in FORMATS.values():
        click.echo(f"{fmt.name:<10} {fmt.width_px}x{fmt.height_px}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
