"""What a process imports: ``import renderer`` alone loads no heavy library, and a one-shot render
from a warm compiled catalog loads none of the ones it no longer needs (each import costs the
one-shot ``thumbkit render`` tens of milliseconds; ``thumbkit bench --cold`` measures it). Checked
in a fresh interpreter, since this one has imported everything already."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import renderer

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("PIL", "numpy", "pydantic", "jinja2", "yaml", "fontTools", "click", "budoux", "regex", "scipy", "onnxruntime")
#: not needed to render a Latin title from a warm catalog (Pillow, regex and the CLI's click are)
NOT_FOR_A_WARM_RENDER = ("numpy", "pydantic", "jinja2", "yaml", "fontTools", "budoux", "pyphen", "_hashlib", "scipy",
                         "onnxruntime", "rembg", "fastapi", "av")


def _loaded_after(code: str, env: dict[str, str] | None = None) -> list[str]:
    """The top-level modules of ``HEAVY`` and ``NOT_FOR_A_WARM_RENDER`` loaded by ``code`` in a new interpreter."""
    probe = (f"import sys\n{code}\nimport json\n"
             f"print(json.dumps(sorted(m for m in {sorted({*HEAVY, *NOT_FOR_A_WARM_RENDER})!r} if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", **(env or {})})
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_import_renderer_loads_no_heavy_library():
    assert _loaded_after("import renderer") == []


def test_a_warm_one_shot_render_loads_no_parser_validator_or_font_reader(tmp_path):
    env = {"THUMBKIT_CACHE_DIR": str(tmp_path / "cache"), "THUMBKIT_KITS_DIR": str(tmp_path / "no-kits")}
    cli = ("from renderer.cli import main\n"
           f"try:\n    main(['render', 'Why your code is slow', '-o', {str(tmp_path / 'x.webp')!r}])\n"
           "except SystemExit as exit:\n    assert exit.code in (0, None), exit.code")
    cold = _loaded_after(cli, env)  # builds the catalog
    assert {"yaml", "pydantic", "jinja2", "fontTools"} <= set(cold)
    warm = _loaded_after(cli, env)
    assert (tmp_path / "x.webp").stat().st_size > 1000
    assert not set(warm) & set(NOT_FOR_A_WARM_RENDER), warm


def test_the_lazy_public_names_resolve_and_are_listed():
    assert sorted(renderer.__all__) == sorted(renderer._LAZY)
    for name in renderer.__all__:
        value = getattr(renderer, name)
        assert getattr(value, "__name__", name) == name or name.isupper()
        assert name in dir(renderer)
    with pytest.raises(AttributeError, match="has no attribute 'not_a_name'"):
        renderer.not_a_name  # noqa: B018
