"""The key under which a render is remembered: a hash of the parsed request (so equivalent bodies,
legacy fields or extra whitespace in the title, share it) and of everything the bytes depend on:
thumbkit's version, the layouts, and the requested brand kit's spec and files."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import threading
from functools import cache
from pathlib import Path

import msgspec

from ..api import DEFAULT_KIT, Renderer
from ..request import GenerateRequest


@cache
def thumbkit_version() -> str:
    try:
        return importlib.metadata.version("thumbkit")
    except importlib.metadata.PackageNotFoundError:  # running from a source checkout
        return "0+source"


def _sha256_json(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()


def _folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class RequestKeys:
    """Computes request keys for one ``Renderer``; a kit's digest is computed once per process."""

    def __init__(self, renderer: Renderer) -> None:
        self._renderer = renderer
        layouts = {name: layout.source.data for name, layout in sorted(renderer.layouts.items())}
        self._base = _sha256_json({"thumbkit": thumbkit_version(), "layouts": layouts})
        self._kits: dict[str, str] = {}
        self._lock = threading.Lock()

    def _kit_digest(self, kit_id: str) -> str:
        with self._lock:
            known = self._kits.get(kit_id)
        if known is not None:
            return known
        kit = self._renderer.kit(kit_id)  # InputError for an unknown kit, as the render would
        digest = _sha256_json({"spec": kit.spec.model_dump(mode="json"), "files": _folder_digest(kit.folder)})
        with self._lock:
            self._kits[kit_id] = digest
        return digest

    def key(self, request: GenerateRequest) -> str:
        kit_id = request.custom_assets_id or DEFAULT_KIT
        return _sha256_json({"base": self._base, "kit": self._kit_digest(kit_id), "request": msgspec.to_builtins(request)})
