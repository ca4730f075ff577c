"""The kinds of job ``POST /v1/jobs`` accepts. A kind is one async function registered by name::

    @job_kind("frame", check=parse_frame_input)
    async def run_frame(context: JobContext, input: dict) -> list[dict]:
        frame = await context.run_sync(grab_frame, input)          # blocking work: off the event loop
        image = await context.run_sync(partial(context.render.store.save, frame.data, ...))
        return [image_output(image)]          # the outputs; raise UserError to fail the job

``check(input, context)`` runs when the job is submitted, in a worker thread: it raises
``InputError`` (answered 422) and returns the input to store. ``run`` runs later in the dispatcher; outputs with ``"type":
"image"`` and an ``id`` from the image store get a ``url`` when the job is read back. Modules that
define kinds are listed in ``KIND_MODULES`` so the registry is complete before the first request.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from msgspec import Struct
from msgspec.structs import replace

from ..errors import InputError
from ..request import parse_request
from .rendering import RenderService
from .settings import ServerSettings
from .store import StoredImage

T = TypeVar("T")
KIND_MODULES: tuple[str, ...] = ("renderer.server.job_video",)


class JobContext(Struct, frozen=True):
    """What a running job may use. ``run`` coroutines run on the event loop: CPU or blocking work
    goes through ``run_sync``, which shares the render threads' bound. ``owner`` gets the images the
    job stores in its listings."""

    settings: ServerSettings
    render: RenderService
    owner: str | None = None  # the fingerprint of the key that submitted the running job

    def for_owner(self, owner: str) -> JobContext:
        return replace(self, owner=owner)

    async def run_sync(self, func: Callable[..., T], *args: Any) -> T:
        return await self.render.run_sync(func, *args)


JobInput = dict[str, Any]
JobOutputs = list[dict[str, Any]]
Runner = Callable[[JobContext, JobInput], Awaitable[JobOutputs]]
Checker = Callable[[JobInput, JobContext], JobInput]


class JobKind(Struct, frozen=True):
    name: str
    run: Runner
    check: Checker


_KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, check: Checker | None = None) -> Callable[[Runner], Runner]:
    """Register the decorated function as the job kind ``name``."""

    def register(run: Runner) -> Runner:
        if name in _KINDS and _KINDS[name].run is not run:
            raise ValueError(f"job kind {name!r} is registered twice")
        _KINDS[name] = JobKind(name, run, check or (lambda value, context: value))
        return run

    return register


def unregister_job_kind(name: str) -> None:
    _KINDS.pop(name, None)


def kind_names() -> tuple[str, ...]:
    _load_kind_modules()
    return tuple(sorted(_KINDS))


def get_kind(name: object) -> JobKind:
    _load_kind_modules()
    if name is None:
        raise InputError("kind is required", field="kind")
    if not isinstance(name, str) or name not in _KINDS:
        raise InputError(f"kind must be one of: {', '.join(sorted(_KINDS))}", field="kind")
    return _KINDS[name]


def _load_kind_modules() -> None:
    for module in KIND_MODULES:
        importlib.import_module(module)


def image_output(image: StoredImage) -> dict[str, Any]:
    return {"type": "image", "id": image.id, **image.thumbapi_fields(), "mediaType": image.media_type}


# -- generate: ThumbAPI's body, rendered and stored ------------------------------------------------
def _check_generate(input: JobInput, context: JobContext) -> JobInput:
    """Everything ``/v1/generate`` refuses with a 422 is refused when the job is submitted too."""
    request = parse_request(input)
    context.render.renderer.check_request(request, background=context.render.background(request))
    return input


@job_kind("generate", check=_check_generate)
async def run_generate(context: JobContext, input: JobInput) -> JobOutputs:
    result = await context.render.generate(input, owner=context.owner)
    return [image_output(result.image), *(image_output(variant.image) for variant in result.variants[1:])]
