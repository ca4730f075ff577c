"""The cutout model: the bundled u2netp (``models/``) or one already in rembg's folder, md5-verified,
never downloaded, and the rembg session that loads it."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import AssetError

BUNDLED_MODELS_DIR = Path(__file__).resolve().parent / "models"
BUNDLED_MODEL = "u2netp"

#: md5 of every model thumbkit accepts: the bundled u2netp, and better ones a user may already
#: have in rembg's model folder (rembg pins these same sums). None is ever downloaded.
MODEL_MD5: dict[str, str] = {
    "u2netp": "8e83ca70e441ab06c318d82300c84806",
    "u2net": "60024c5c889badc19c04ad937298a77b",
    "u2net_human_seg": "c09ddc2e0104f800e3e1bb4652583d1f",
    "silueta": "55e59e0d8062d2f5d013f4725ee84782",
    "isnet-general-use": "fc16ebd8b0c10d971d3513d564d01e29",
}


def model_path(model: str) -> Path:
    """The verified ONNX file of ``model``: bundled for u2netp, else from rembg's model folder."""
    if model not in MODEL_MD5:
        raise AssetError(
            f"unknown cutout model {model!r}; thumbkit can use: {', '.join(MODEL_MD5)}"
        )
    if model == BUNDLED_MODEL:
        path = BUNDLED_MODELS_DIR / f"{model}.onnx"
        remedy = "reinstall thumbkit"
    else:
        path = _rembg_model_file(model)
        remedy = f"delete it and fetch it again with `rembg d {model}`"
    return _verified(str(path), MODEL_MD5[model], remedy)


def _rembg_sessions() -> dict[str, Any]:
    """rembg's session classes by model name; an AssetError if rembg can't be imported.

    onnxruntime is checked first: without it, importing rembg prints and calls ``sys.exit``.
    """
    try:
        import onnxruntime  # noqa: F401
        from rembg.sessions import sessions
    except ImportError as exc:
        raise AssetError(
            f"the face cutout needs rembg and onnxruntime, which are not installed ({exc}); "
            "install them with thumbkit's cutout dependencies"
        ) from exc
    found: dict[str, Any] = sessions
    return found


def _rembg_model_file(model: str) -> Path:
    session_class = _rembg_sessions()[model]
    found = session_class.resolve_existing(f"{model}.onnx")
    if found is None:
        raise AssetError(
            f"cutout model {model!r} is not in rembg's model folder ({session_class.model_dir()}); "
            f"thumbkit never downloads models: fetch it once with `rembg d {model}`, or use the "
            f"bundled {BUNDLED_MODEL!r}"
        )
    return Path(found)


@cache
def _verified(path: str, md5: str, remedy: str) -> Path:
    """``path`` once its md5 matched: checked once a process per file (failures aren't cached)."""
    try:
        with open(path, "rb") as handle:
            digest = hashlib.file_digest(handle, "md5").hexdigest()
    except OSError as exc:
        raise AssetError(
            f"cutout model file {path} is missing or unreadable ({exc.strerror}); {remedy}"
        ) from exc
    if digest != md5:
        raise AssetError(
            f"cutout model file {path} is corrupt (md5 {digest}, expected {md5}); {remedy}"
        )
    return Path(path)


def new_rembg_session(model: str) -> Any:
    """A rembg session of ``model`` that loads our verified file and can't download anything.

    rembg's session classes find their file with the ``download_models`` classmethod; a subclass
    overriding it hands rembg the verified path without touching ``U2NET_HOME`` or the network.
    """
    path = model_path(model)
    rembg_class = _rembg_sessions()[model]
    import onnxruntime as ort

    class LocalModelSession(rembg_class):  # type: ignore[misc, valid-type]
        @classmethod
        def download_models(cls, *args: Any, **kwargs: Any) -> str:
            return str(path)

    try:
        return LocalModelSession(model, ort.SessionOptions())
    except Exception as exc:  # onnxruntime rejects the file: treat like a corrupt asset
        raise AssetError(f"cutout model {model!r} ({path}) could not be loaded: {exc}") from exc
