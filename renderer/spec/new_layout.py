"""``thumbkit layout new``: a copy of a layout under a new name in the user's layout folder, ready
to edit, where every ``Renderer`` finds it (``renderer.paths.user_layouts_dir``).

The copy is the source file's text with two lines changed: its ``name:`` and its first line, which
points an editor at the layout schema (``renderer.spec.schema.modeline``). It is written
atomically; the renderer's loader checks it when it is used, and ``thumbkit preview`` as it is edited.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import InputError, SpecError
from ..files import write_atomic
from ..paths import data_dir, user_layouts_dir
from .schema import MODELINE_PREFIX, modeline
from .yaml_source import load_yaml

LAYOUT_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
LAYOUT_NAME_RULE = "1-64 lowercase letters, digits and '-', starting with a letter or digit"


def create_layout(name: str, *, source: str = "youtube-bold", layouts_dir: str | os.PathLike[str] | None = None,
                  force: bool = False) -> Path:
    """Copy the layout ``source`` (bundled, or one of the user's) to ``<layouts_dir>/<name>.yaml`` with
    its name changed, and return that path. ``layouts_dir`` defaults to the user's layout folder. An
    existing file there is replaced only with ``force``; a bundled layout's name is refused (it would
    hide the new file). ``InputError`` on a bad or taken name or an unknown source."""
    _check_name(name, "name")
    _check_name(source, "from")
    bundled = data_dir("layouts")
    if (bundled / f"{name}.yaml").is_file():
        raise InputError(f"layout name {name!r} is a bundled layout, which would hide yours; choose another name", field="name")
    folder = Path(layouts_dir).expanduser() if layouts_dir is not None else user_layouts_dir()
    target = folder / f"{name}.yaml"
    taken = f"layout {name!r} already exists in {folder}; use --force to replace it"
    if (target.exists() or target.is_symlink()) and not force:
        raise InputError(taken, field="name")
    origin = next((path for path in (bundled / f"{source}.yaml", folder / f"{source}.yaml") if path.is_file()), None)
    if origin is None:
        known = sorted({p.stem for p in bundled.glob("*.yaml")} | {p.stem for p in folder.glob("*.yaml")})
        raise InputError(f"unknown layout {source!r} to copy (--from); known: {', '.join(known)}", field="from")
    text = renamed(origin, name, schema_line=modeline("layout", target))
    try:
        return write_atomic(target, text.encode("utf-8"), exclusive=not force)
    except FileExistsError:
        raise InputError(taken, field="name") from None


def renamed(origin: Path, name: str, *, schema_line: str) -> str:
    """``origin``'s text with its ``name:`` line set to ``name`` and ``schema_line`` first (in place
    of the modeline it had): comments, order and formatting are kept."""
    doc, problems = load_yaml(origin)
    if doc is None:
        raise SpecError(problems)
    if not isinstance(doc.data, dict) or "name" not in doc.data:
        raise SpecError([doc.problem(("name",), "required key is missing")])
    lines = origin.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[doc.position(("name",))[0] - 1] = f"name: {name}\n"
    if lines[0].startswith(MODELINE_PREFIX):
        lines[0] = schema_line + "\n"
    else:
        lines.insert(0, schema_line + "\n")
    return "".join(lines)


def _check_name(value: object, field: str) -> None:
    if not isinstance(value, str) or not LAYOUT_NAME.fullmatch(value):
        what = "layout name" if field == "name" else "--from"
        raise InputError(f"{what} must be {LAYOUT_NAME_RULE}; got {str(value)[:80]!r}", field=field)


__all__ = ["LAYOUT_NAME", "LAYOUT_NAME_RULE", "create_layout", "renamed"]
