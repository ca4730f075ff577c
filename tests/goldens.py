"""Golden images and their plans: compared with a tolerance, written only on purpose
(``pytest --update-goldens``), failures written to tests/_failures/ for a person to look at."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageChops

from renderer.compose.plan import Plan

FAILURE_DIR = Path(__file__).parent / "_failures"

#: Plan numbers (pixels, font sizes, contrast ratios) may differ from the golden plan by this much:
#: another FreeType build moves glyph edges, and so measured widths and ink boxes, by a fraction of
#: a pixel. A different font size step, line break, box, colour or layer exceeds it.
PLAN_TOLERANCE = 1.0


def plan_differences(expected: object, actual: object, where: str = "plan") -> list[str]:
    """Where two plans (as JSON data) differ: strings, booleans, nulls and shapes exactly, numbers
    within ``PLAN_TOLERANCE``."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        if expected.keys() != actual.keys():
            return [f"{where}: keys {sorted(expected)} != {sorted(actual)}"]
        return [d for key in expected for d in plan_differences(expected[key], actual[key], f"{where}.{key}")]
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{where}: {len(expected)} items != {len(actual)}"]
        return [d for i, (e, a) in enumerate(zip(expected, actual)) for d in plan_differences(e, a, f"{where}[{i}]")]
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(actual, numbers) and not isinstance(expected, bool) \
            and not isinstance(actual, bool):
        return [] if math.isclose(expected, actual, abs_tol=PLAN_TOLERANCE) else [f"{where}: {expected} != {actual}"]
    return [] if expected == actual else [f"{where}: {expected!r} != {actual!r}"]


class Golden:
    def __init__(self, update: bool, folder: Path) -> None:
        self.update = update
        self.folder = folder

    def check(self, name: str, data: bytes, *, plan: Plan, mean_tolerance: float, changed_fraction: float) -> None:
        """Compare an encoded image with ``<folder>/<name>.webp`` and its plan with
        ``<folder>/<name>.plan.json``.

        ``mean_tolerance``: mean absolute difference per channel (0-255) allowed;
        ``changed_fraction``: share of pixels allowed to differ by more than 48 in some channel.
        """
        actual = Image.open(io.BytesIO(data)).convert("RGB")
        path = self.folder / f"{name}.webp"
        plan_path = self.folder / f"{name}.plan.json"
        actual_plan = json.loads(plan.to_json())
        if self.update:
            self.folder.mkdir(exist_ok=True)
            actual.save(path, "WEBP", lossless=True, method=3)
            plan_path.write_text(plan.to_json() + "\n", encoding="utf-8")
            return
        assert path.exists(), f"no golden image {path}; create it deliberately with pytest --update-goldens"
        assert plan_path.exists(), f"no golden plan {plan_path}; create it deliberately with pytest --update-goldens"
        expected = Image.open(path).convert("RGB")
        assert actual.size == expected.size, f"{name}: size {actual.size} != golden {expected.size}"
        diff = ImageChops.difference(actual, expected)
        pixels = np.asarray(diff, dtype=np.uint8)
        mean = float(pixels.mean())
        changed = float((pixels.max(axis=2) > 48).mean())
        plan_problems = plan_differences(json.loads(plan_path.read_text(encoding="utf-8")), actual_plan)
        if mean > mean_tolerance or changed > changed_fraction or plan_problems:
            FAILURE_DIR.mkdir(exist_ok=True)
            actual.save(FAILURE_DIR / f"{name}-actual.png")
            expected.save(FAILURE_DIR / f"{name}-expected.png")
            Image.eval(diff, lambda v: min(255, v * 4)).save(FAILURE_DIR / f"{name}-diff.png")
            (FAILURE_DIR / f"{name}-actual.plan.json").write_text(plan.to_json() + "\n", encoding="utf-8")
            pytest.fail(
                f"{name}: differs from its golden (mean {mean:.3f} vs {mean_tolerance}, changed pixels "
                f"{changed:.4%} vs {changed_fraction:.4%}; plan: {'; '.join(plan_problems[:5]) or 'the same'}); "
                f"see {FAILURE_DIR}/{name}-*"
            )
