"""Load and check every layout and brand kit: closed schemas, cross-references, templates.

Problems are collected across all files and raised together as one ``SpecError``. What was loaded
is kept in the compiled catalog (:mod:`renderer.compiled`), keyed by the files' bytes, so the next
process takes it from there; an edited file is loaded and checked again.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cached_property
from pathlib import Path
from typing import Any

from msgspec import Struct

from ..compiled import CompiledCache
from ..errors import AssetError, InputError, SpecError, SpecProblem, shown
from ..formats import FORMATS
from ..paths import data_dir
from ..text.fonts import FontBook
from .kit import KitFont, KitSpec
from .layout import (
    BackgroundLayer,
    Layer,
    LayoutSpec,
    LogoLayer,
    PhotoLayer,
    ShapeLayer,
    SidesLayer,
    StackLayer,
    TextLayer,
)
from .source import PathKey, SourceDoc
from .templating import (
    TemplateFillError,
    fill_tree,
    template_names,
    template_problem,
    template_strings,
)

KIT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
KIT_ROLES = ("heading", "body")


class Layout(Struct, frozen=True, dict=True):
    spec: LayoutSpec  # validated with templates unfilled
    source: SourceDoc  # the file's data with every default spelled out, filled per render
    folder: Path
    uses: frozenset[str] = frozenset()  # the context names its templates read (subtitle, badge, ...)

    @cached_property
    def templates(self) -> tuple[tuple[PathKey, str], ...]:
        """Where ``source`` holds a template, and its text (what a render fills)."""
        return tuple(template_strings(self.source.data))


class Kit(Struct, frozen=True):
    id: str
    spec: KitSpec
    folder: Path

    def asset(self, relative: str) -> Path:
        return self.folder / relative


def sample_context(kit: KitSpec, fmt_name: str, width: int, height: int) -> dict[str, Any]:
    from .context import render_context

    return render_context("7 Sample title *words* to check", fmt_name, width, height, kit,
                          subtitle="A sample subtitle", badge="NEW")


def load_layouts(folder: Path, fonts: FontBook, default_kit: KitSpec, *, cache: CompiledCache | None = None) -> dict[str, Layout]:
    """Every layout in ``folder``, or one ``SpecError`` with every problem of every file."""
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise AssetError(f"no layouts found in {folder}")
    parts = _catalog_key(files, fonts, default_kit)
    if parts is None:
        return _load_layouts(files, fonts, default_kit)  # an unreadable file: reported by the loading
    return (cache or CompiledCache(None)).get("layouts", parts, lambda: _load_layouts(files, fonts, default_kit), dict)


def _catalog_key(files: list[Path], fonts: FontBook, default_kit: KitSpec) -> list[bytes | str] | None:
    """What a folder's layouts depend on: each file's name and bytes, the fonts on offer and the
    kit they are checked with; None when a file cannot be read."""
    parts: list[bytes | str] = [fonts.fingerprint, default_kit.model_dump_json()]
    try:
        for path in files:
            parts += [str(path), path.read_bytes()]
    except OSError:
        return None
    return parts


def _load_layouts(files: list[Path], fonts: FontBook, default_kit: KitSpec) -> dict[str, Layout]:
    layouts: dict[str, Layout] = {}
    problems: list[SpecProblem] = []
    for path in files:
        layout, file_problems = load_layout_file(path, fonts, default_kit)
        problems.extend(file_problems)
        if layout is not None and layout.spec.name in layouts:
            problems.append(layout.source.problem(("name",), f"layout name {layout.spec.name!r} is used twice"))
        elif layout is not None:
            layouts[layout.spec.name] = layout
    if problems:
        raise SpecError(problems)
    return layouts


def load_layout_file(path: Path, fonts: FontBook, default_kit: KitSpec) -> tuple[Layout | None, list[SpecProblem]]:
    """The layout in ``path`` (None when it has problems) and its problems, located: its schema,
    templates, format and size, boxes, fonts (``default_kit``'s for the heading and body roles)."""
    from .diagnostics import validate_doc
    from .yaml_source import load_yaml

    doc, problems = load_yaml(path, shown_as=_shown(path))
    if doc is None:
        return None, problems
    spec, spec_problems = validate_doc(LayoutSpec, doc)
    problems = problems + spec_problems
    if spec is None:
        return None, problems + _template_problems(doc)
    problems += _check_layout(spec, doc, path, fonts, default_kit)
    if problems:
        return None, problems
    source = _with_defaults(spec, doc)
    return Layout(spec, source, path.parent, template_names(source.data)), problems


class UserLayouts(Struct, frozen=True):
    """The layouts of the user's folder: the good ones, and each broken file's ``SpecError`` by its
    name (raised when that layout is asked for, as a broken user kit is when it is used)."""

    layouts: dict[str, Layout]
    broken: dict[str, SpecError]


def load_user_layouts(folder: Path, fonts: FontBook, default_kit: KitSpec, *, taken: Collection[str],
                      cache: CompiledCache | None = None) -> UserLayouts:
    """The layouts in the user's folder (``thumbkit layout new`` writes there). A broken file does
    not stop the others; a file named as one of ``taken`` (the bundled layouts) is never used."""
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    parts = _catalog_key(files, fonts, default_kit) if files else None
    if parts is None:
        return _load_user_layouts(files, fonts, default_kit, taken)
    # kept as the problems of each broken file (an exception is not kept in the catalog)
    layouts, broken = (cache or CompiledCache(None)).get(
        "user-layouts", [*parts, *sorted(taken)], lambda: _plain(_load_user_layouts(files, fonts, default_kit, taken)), tuple)
    return UserLayouts(layouts, {name: SpecError(problems) for name, problems in broken.items()})


def _plain(user: UserLayouts) -> tuple[dict[str, Layout], dict[str, list[SpecProblem]]]:
    return user.layouts, {name: list(error.problems) for name, error in user.broken.items()}


def _load_user_layouts(files: list[Path], fonts: FontBook, default_kit: KitSpec, taken: Collection[str]) -> UserLayouts:
    layouts: dict[str, Layout] = {}
    broken: dict[str, SpecError] = {}
    for path in files:
        if path.stem in taken:
            message = f"layout name {path.stem!r} is a bundled layout, which hides this file; rename it (and its name:)"
            broken[path.stem] = SpecError([SpecProblem(_shown(path), 1, 1, "", message)])
            continue
        layout, problems = load_layout_file(path, fonts, default_kit)
        if layout is None:
            broken[path.stem] = SpecError(problems)
        else:
            layouts[layout.spec.name] = layout
    return UserLayouts(layouts, broken)


def _with_defaults(spec: LayoutSpec, doc: SourceDoc) -> SourceDoc:
    """Defaults may be templates too (a text colour of ``{{ palette.text }}``): spell them out."""
    return SourceDoc(doc.path, spec.model_dump(mode="json"), doc.positions)


def _shown(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _template_problems(doc: SourceDoc) -> list[SpecProblem]:
    return [doc.problem(loc, msg) for loc, source in template_strings(doc.data) if (msg := template_problem(source))]


def _check_layout(spec: LayoutSpec, doc: SourceDoc, path: Path, fonts: FontBook, kit: KitSpec) -> list[SpecProblem]:
    problems = _template_problems(doc)
    if spec.name != path.stem:
        problems.append(doc.problem(("name",), f"name {spec.name!r} must match the file name {path.stem!r}"))
    fmt = FORMATS.get(spec.format)
    if fmt is None:
        problems.append(doc.problem(("format",), f"expected one of {' | '.join(FORMATS)}, got {spec.format!r}"))
    elif (spec.size.width, spec.size.height) != (fmt.width_px, fmt.height_px):
        problems.append(
            doc.problem(
                ("size",),
                f"{spec.format} is {fmt.width_px}x{fmt.height_px}, the layout says {spec.size.width}x{spec.size.height}",
            )
        )
    if not any(isinstance(layer, (TextLayer, StackLayer, SidesLayer)) for layer in spec.layers):
        problems.append(doc.problem(("layers",), "a layout needs at least one text, stack or sides layer"))
    for index, keepout in enumerate(spec.keepout):
        if keepout.x < 0 or keepout.y < 0 or keepout.rect().right > spec.size.width or keepout.rect().bottom > spec.size.height:
            problems.append(doc.problem(("keepout", index), f"keep-out box {keepout.x},{keepout.y} {keepout.width}x{keepout.height} "
                                                            f"leaves the {spec.size.width}x{spec.size.height} canvas"))
    for index, layer in enumerate(spec.layers):
        box = getattr(layer, "box", None)
        if box is not None and not isinstance(layer, ShapeLayer) and (box.x < 0 or box.y < 0 or box.rect().right > spec.size.width or box.rect().bottom > spec.size.height):
            problems.append(doc.problem(("layers", index, "box"), f"box {box.x},{box.y} {box.width}x{box.height} leaves the {spec.size.width}x{spec.size.height} canvas"))
        for where, font, weight in _fonts_of(layer):
            problem = font_problem(font, weight, fonts, kit)
            if problem:
                problems.append(doc.problem(("layers", index, *where), problem))
        if isinstance(layer, (PhotoLayer, LogoLayer)) and sum(isinstance(l, type(layer)) for l in spec.layers) > 1:
            problems.append(doc.problem(("layers", index), f"only one {layer.kind} layer is allowed"))
        if isinstance(layer, BackgroundLayer) and layer.picture is not None:
            problems += _picture_problems(spec, doc, index, layer)
    if problems:
        return problems
    # Fill the templates with a sample context: undefined names and bad colours show up now.
    context = sample_context(kit, spec.format, spec.size.width, spec.size.height)
    doc = _with_defaults(spec, doc)
    try:
        filled = fill_tree(doc.data, context)
    except TemplateFillError as exc:
        return [doc.problem(getattr(exc, "loc", ()), exc.message)]
    filled_doc = SourceDoc(doc.path, filled, doc.positions)
    from .diagnostics import validate_doc

    _, filled_problems = validate_doc(LayoutSpec, filled_doc)
    return filled_problems


def _picture_problems(spec: LayoutSpec, doc: SourceDoc, index: int, layer: BackgroundLayer) -> list[SpecProblem]:
    """A picture block: on the first background layer, positions on the canvas, and text drawn in
    the first position's box (it is moved from there to the position chosen)."""
    assert layer.picture is not None
    loc = ("layers", index, "picture")
    first_background = next(i for i, other in enumerate(spec.layers) if isinstance(other, BackgroundLayer))
    if index != first_background:
        return [doc.problem(loc, "only the first background layer may take a picture")]
    problems = []
    for number, position in enumerate(layer.picture.positions):
        box = position.box
        if box.x < 0 or box.y < 0 or box.rect().right > spec.size.width or box.rect().bottom > spec.size.height:
            problems.append(doc.problem((*loc, "positions", number, "box"),
                                        f"box {box.x},{box.y} {box.width}x{box.height} leaves the {spec.size.width}x{spec.size.height} canvas"))
    reference = layer.picture.positions[0]
    if not any(isinstance(other, (TextLayer, StackLayer)) and reference.box.rect().contains(other.box.rect())
               for other in spec.layers):
        problems.append(doc.problem((*loc, "positions", 0, "box"),
                                    f"no text layer lies inside the first position's box ({reference.at}): the text layers "
                                    "are drawn there and moved to the position chosen"))
    return problems


FontUse = tuple[tuple[str | int, ...], str, str | None]  # where in the layer, font, weight


def _fonts_of(layer: Layer) -> list[FontUse]:
    """(where in the layer, font, weight) for every font a layer names."""
    if isinstance(layer, TextLayer):
        return [(("font",), layer.font, layer.weight)]
    if isinstance(layer, StackLayer):
        return [(("items", i, "font"), item.font, item.weight) for i, item in enumerate(layer.items)]
    if isinstance(layer, SidesLayer):
        found: list[FontUse] = [(("text", "font"), layer.text.font, layer.text.weight)]
        if layer.divider is not None:
            found.append((("divider", "font"), layer.divider.font, layer.divider.weight))
        return found
    return []


def font_problem(font: str, weight: str | None, fonts: FontBook, kit: KitSpec) -> str | None:
    if font in KIT_ROLES:
        chosen = getattr(kit.fonts, font)
        return fonts.describe(chosen.family, weight or chosen.weight)
    if font not in fonts.families:
        return f"expected a kit role ({' | '.join(KIT_ROLES)}) or a bundled family ({' | '.join(sorted(fonts.families))}), got {font!r}"
    return fonts.describe(font, weight or "bold")


class KitStore:
    """Brand kits by id, from the bundled folder and user folders; loaded once, on first use."""

    def __init__(self, roots: tuple[Path, ...], fonts: FontBook, *, cache: CompiledCache | None = None) -> None:
        self.roots = roots
        self._fonts = fonts
        self._cache = cache
        self._kits: dict[str, Kit] = {}
        #: what a kit's ``layouts:`` may name; None: the bundled layouts (a ``Renderer`` adds its own)
        self.layout_names: frozenset[str] | None = None

    @classmethod
    def default(cls, fonts: FontBook, extra_roots: tuple[Path, ...] = (), *, cache: CompiledCache | None = None) -> "KitStore":
        return cls((data_dir("brand_kits"), *extra_roots), fonts, cache=cache)

    def ids(self) -> list[str]:
        found: set[str] = set()
        for root in self.roots:
            if root.is_dir():
                found.update(p.parent.name for p in root.glob("*/kit.yaml") if KIT_ID.fullmatch(p.parent.name))
        return sorted(found)

    def get(self, kit_id: object) -> Kit:
        if not isinstance(kit_id, str) or not KIT_ID.fullmatch(kit_id):  # fullmatch: "$" would let "id\n" through
            raise InputError(
                f"customAssetsId must be a kit id (lowercase letters, digits, '-' and '_', at most 64), got {shown(kit_id)}",
                field="customAssetsId",
            )
        kit = self._kits.get(kit_id)
        if kit is None:
            kit = self._load(kit_id)
            self._kits[kit_id] = kit
        return kit

    def _load(self, kit_id: str) -> Kit:
        for root in self.roots:
            folder = root / kit_id
            kit_file = folder / "kit.yaml"
            if kit_file.is_file():
                return load_kit(kit_id, folder, self._fonts, layout_names=self.layout_names, cache=self._cache)
        known = ", ".join(self.ids()) or "none"
        raise InputError(f"unknown customAssetsId {shown(kit_id)}; known kits: {known}", field="customAssetsId")


def bundled_layout_names() -> frozenset[str]:
    """The names of the bundled layouts (a layout's name is its file name, checked on load)."""
    return frozenset(path.stem for path in data_dir("layouts").glob("*.yaml"))


def load_kit(kit_id: str, folder: Path, fonts: FontBook, *, layout_names: Collection[str] | None = None,
             cache: CompiledCache | None = None) -> Kit:
    """The kit in ``folder``, or a ``SpecError`` with every problem of its ``kit.yaml`` at once:
    the schema's, its fonts, its preferred layouts (``layout_names``, default the bundled ones)
    and its asset files, each checked wherever the value is there to check. From the compiled
    ``cache``, only the asset files are checked again (they are not part of its key)."""
    known_layouts = bundled_layout_names() if layout_names is None else layout_names
    try:
        raw = (folder / "kit.yaml").read_bytes()
    except OSError:
        return _load_kit(kit_id, folder, fonts, known_layouts)[0]  # reported by the loading
    parts: list[bytes | str] = [str(folder), kit_id, raw, fonts.fingerprint, *sorted(known_layouts)]
    kit, doc = (cache or CompiledCache(None)).get("kit", parts, lambda: _load_kit(kit_id, folder, fonts, known_layouts), tuple)
    problems = _kit_reference_problems(doc, folder, fonts, known_layouts)
    if problems:
        raise SpecError(sorted(problems, key=lambda p: (p.line, p.column)))
    assert isinstance(kit, Kit)
    return kit


def _load_kit(kit_id: str, folder: Path, fonts: FontBook, known_layouts: Collection[str]) -> tuple[Kit, SourceDoc]:
    from .diagnostics import validate_doc
    from .yaml_source import load_yaml

    path = folder / "kit.yaml"
    shown_path = f"{folder.parent.name}/{kit_id}/kit.yaml"
    doc, problems = load_yaml(path, shown_as=shown_path)
    if doc is None:
        raise SpecError(problems)
    spec, spec_problems = validate_doc(KitSpec, doc)
    problems += spec_problems
    problems += _kit_reference_problems(doc, folder, fonts, known_layouts)
    if problems:
        raise SpecError(sorted(problems, key=lambda p: (p.line, p.column)))
    return Kit(kit_id, spec, folder), doc


def _kit_reference_problems(doc: SourceDoc, folder: Path, fonts: FontBook, layout_names: Collection[str]) -> list[SpecProblem]:
    """What the schema cannot know: fonts, layouts and files that must exist. Read from the raw
    data, so they are reported with the schema's problems, not after them; a value of the wrong
    type is left to the schema's message."""
    data = doc.data if isinstance(doc.data, dict) else {}
    problems: list[SpecProblem] = []
    font_roles = data.get("fonts")
    for role in KIT_ROLES:
        font = font_roles.get(role) if isinstance(font_roles, dict) else None
        if not isinstance(font, dict) or not isinstance(font.get("family"), str):
            continue
        family, weight = font["family"], font.get("weight", KitFont.model_fields["weight"].default)
        if family not in fonts.families:
            problems.append(doc.problem(("fonts", role, "family"), fonts.describe(family, "") or f"unknown font family {family!r}"))
        elif isinstance(weight, str) and (problem := fonts.describe(family, weight)):
            problems.append(doc.problem(("fonts", role, "weight"), problem))
    layouts = data.get("layouts")
    for index, name in enumerate(layouts if isinstance(layouts, list) else ()):
        if isinstance(name, str) and name not in layout_names:
            problems.append(doc.problem(("layouts", index), f"unknown layout {name!r}; known: {', '.join(sorted(layout_names))}"))
    shown_dir = doc.path.rsplit("/", 1)[0]
    backgrounds = data.get("backgrounds")
    files: list[tuple[tuple[str | int, ...], object]] = []
    for role, key in (("logo", "file"), ("logo", "file_dark"), ("photo", "file")):
        section = data.get(role)
        files.append(((role, key), section.get(key) if isinstance(section, dict) else None))
    files += [(("backgrounds", index), name) for index, name in enumerate(backgrounds if isinstance(backgrounds, list) else ())]
    for loc, relative in files:
        if not isinstance(relative, str):
            continue
        target = (folder / relative).resolve()
        if not target.is_relative_to(folder.resolve()):
            problems.append(doc.problem(loc, f"{relative!r} leaves the kit folder; assets must be inside it"))
        elif not target.is_file():
            problems.append(doc.problem(loc, f"file not found: {relative!r} (relative to {shown_dir}/)"))
    return problems
