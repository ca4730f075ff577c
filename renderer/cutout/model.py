"""The cutout model: the bundled u2netp (``models/``) or one already in rembg's folder, md5-verified,
never downloaded, and the session that runs it (:class:`ModelSession`: rembg's arithmetic on
onnxruntime, without importing rembg or keeping onnxruntime's memory arena)."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image

from ..errors import AssetError
from ..memory import heavy_step, release_free_memory

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
    """rembg's session classes by model name (to find a model in rembg's folder); an AssetError
    if rembg can't be imported.

    onnxruntime is checked first: without it, importing rembg prints and calls ``sys.exit``.
    """
    _onnxruntime()
    try:
        from rembg.sessions import sessions
    except ImportError as exc:
        raise _missing_runtime(exc) from exc
    found: dict[str, Any] = sessions
    return found


def _onnxruntime() -> Any:
    try:
        import onnxruntime
    except ImportError as exc:
        raise _missing_runtime(exc) from exc
    return onnxruntime


def _missing_runtime(exc: ImportError) -> AssetError:
    return AssetError(
        f"the face cutout needs rembg and onnxruntime, which are not installed ({exc}); "
        "install them with thumbkit's cutout dependencies"
    )


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


#: What each model takes (rembg's values, from its session classes): a square of this side,
#: normalised with this mean and standard deviation per channel.
_IMAGENET = ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
_MODEL_INPUT: dict[str, tuple[int, tuple[tuple[float, float, float], tuple[float, float, float]]]] = {
    "u2netp": (320, _IMAGENET),
    "u2net": (320, _IMAGENET),
    "u2net_human_seg": (320, _IMAGENET),
    "silueta": (320, _IMAGENET),
    "isnet-general-use": (1024, ((0.5, 0.5, 0.5), (1.0, 1.0, 1.0))),
}


class ModelSession:
    """rembg's ``predict`` for thumbkit's models, with rembg's arithmetic step for step (so the
    masks are the same to the bit), on an onnxruntime session of the verified model file.

    Not rembg's own session, for memory: importing the ``rembg`` package costs ~150 MB a process
    (pymatting, numba) that a cutout never uses, and onnxruntime's CPU memory arena kept the
    ~250 MB an inference needs for good, growing on the second run. Without the arena the
    inference's buffers go back when it ends, for the same speed. :func:`session_options` also
    lowers the inference's peak from ~270 to ~190 MB (measured, ``python -m renderer.bench.soak``).
    """

    def __init__(self, model: str, path: Path) -> None:
        ort = _onnxruntime()
        options = session_options(ort)
        self.model = model
        self.side_px, (self._mean, self._std) = _MODEL_INPUT[model]
        try:
            self._session = ort.InferenceSession(str(path), options, providers=_providers(ort))
        except Exception as exc:  # onnxruntime rejects the file: treat like a corrupt asset
            raise AssetError(f"cutout model {model!r} ({path}) could not be loaded: {exc}") from exc
        self._input_name = self._session.get_inputs()[0].name

    def predict(self, image: Image.Image) -> list[Image.Image]:
        """The model's mask of ``image`` (mode L, ``image``'s size), as ``rembg``'s sessions give it."""
        import numpy as np

        batch = self._model_input(image)  # the photo's full-size RGB copy is gone before the inference
        with heavy_step:  # ~190 MB for u2netp: one inference at a time per process
            release_free_memory()  # start it from the least memory held
            prediction = self._session.run(None, {self._input_name: batch})[0][:, 0, :, :]
        release_free_memory()
        low, high = np.min(prediction), np.max(prediction)
        prediction = np.squeeze((prediction - low) / (high - low))
        mask = Image.fromarray((prediction * 255).astype("uint8"), mode="L")
        return [mask.resize(image.size, Image.Resampling.LANCZOS)]

    def _model_input(self, image: Image.Image) -> Any:
        """rembg's input tensor: ``image`` as RGB, resized to the model's square, normalised."""
        import numpy as np

        rgb = image if image.mode == "RGB" else image.convert("RGB")  # an RGB image is not copied
        small = np.array(rgb.resize((self.side_px,) * 2, Image.Resampling.LANCZOS))
        scaled = small / max(np.max(small), 1e-6)
        normalised = (scaled - np.array(self._mean)) / np.array(self._std)
        return np.expand_dims(normalised.transpose((2, 0, 1)), 0).astype(np.float32)


def session_options(ort: Any) -> Any:
    """onnxruntime's options for a cutout session, chosen for memory (u2netp at 320x320 px):

    - no CPU memory arena: an inference's buffers go back to the system when it ends;
    - no memory pattern: each tensor is freed after its last use, not kept in one block planned
      for the whole graph;
    - graph optimisations up to "extended", not "all": the last level converts convolutions to a
      blocked layout, which adds a reordered copy of the decoder's largest tensor (128 x 320 x 320
      floats, 52 MB) next to the original. Its sums are added in another order: a mask differs
      from rembg's default one by 1 level of 255 in a few dozen pixels (tests/cutout).
    """
    options = ort.SessionOptions()
    options.enable_cpu_mem_arena = False
    options.enable_mem_pattern = False
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    return options


def _providers(ort: Any) -> list[str]:
    """rembg's choice: CUDA or ROCm on a GPU build, else OpenVINO when installed, else the CPU."""
    available = ort.get_available_providers()
    gpu = ort.get_device().startswith("GPU")
    for provider, needs_gpu in (("CUDAExecutionProvider", True), ("ROCMExecutionProvider", True),
                                ("OpenVINOExecutionProvider", False)):
        if provider in available and (gpu or not needs_gpu):
            return [provider, "CPUExecutionProvider"]
    return ["CPUExecutionProvider"]
