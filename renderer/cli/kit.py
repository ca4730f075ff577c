"""``thumbkit kit``: make, preview and list brand kits. The only module here that prints."""

from __future__ import annotations

from pathlib import Path

import click

from .commands import fail_on_user_error

_DIR_HELP = "user kit folder (default: $THUMBKIT_KITS_DIR or ~/.local/share/thumbkit/brand_kits)"


@click.group("kit")
def kit_command() -> None:
    """Make, preview and list brand kits."""


@kit_command.command("new")
@click.argument("name")
@click.option("--from", "from_refs", multiple=True, type=click.Path(path_type=Path), metavar="IMAGE",
              help="a reference image (JPEG, PNG or WebP); more may follow as arguments: --from a.jpg b.jpg")
@click.argument("more_refs", nargs=-1, type=click.Path(path_type=Path), metavar="[IMAGE]...")
@click.option("--logo", type=click.Path(path_type=Path), default=None, help="a logo to copy into the kit (PNG with transparency is best)")
@click.option("--photo", type=click.Path(path_type=Path), default=None, help="a personal photo to copy into the kit")
@click.option("--background", "backgrounds", multiple=True, type=click.Path(path_type=Path), metavar="IMAGE",
              help="a picture for faceless thumbnails, copied into the kit (repeatable; chosen per title)")
@click.option("--category", default="auto", show_default=True, help="the kit's ThumbAPI category")
@click.option("--name", "display_name", default=None, help="the kit's display name (default: from NAME)")
@click.option("--dir", "kits_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help=_DIR_HELP)
@click.option("--force", is_flag=True, help="replace an existing kit of that name")
@fail_on_user_error
def new_command(name: str, from_refs: tuple[Path, ...], more_refs: tuple[Path, ...], logo: Path | None, photo: Path | None,
                backgrounds: tuple[Path, ...], category: str, display_name: str | None, kits_dir: Path | None, force: bool) -> None:
    """Make the brand kit NAME from 1 to 6 reference images: palette, fonts and style."""
    from ..kits.new import create_kit, default_kits_dir
    from ..spec.kit import PALETTE_ROLES
    from ..spec.catalog import load_kit
    from ..text.fonts import FontBook

    folder = create_kit(name, (*from_refs, *more_refs), kits_dir=kits_dir or default_kits_dir(), logo=logo, photo=photo,
                        backgrounds=backgrounds, force=force, category=category, display_name=display_name)
    spec = load_kit(name, folder, FontBook()).spec
    click.echo(f"{folder / 'kit.yaml'}")
    for role in PALETTE_ROLES:
        click.echo(f"  {role:<10} {getattr(spec.palette, role)}")
    click.echo(f"  fonts      {spec.fonts.heading.family} {spec.fonts.heading.weight} / {spec.fonts.body.family} {spec.fonts.body.weight}")
    click.echo(f"  style      {spec.style.transform}, emphasis {spec.style.emphasis}")
    if spec.backgrounds:
        click.echo(f"  backgrounds {', '.join(spec.backgrounds)}")
    click.echo(f"preview: thumbkit kit show {name}" + (f" --dir {kits_dir}" if kits_dir else ""))
    click.echo(f"use it:  thumbkit render TITLE --brand {name}" + (f" --kits-dir {kits_dir}" if kits_dir else ""))


@kit_command.command("show")
@click.argument("name")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="the sheet (PNG; default NAME-kit.png)")
@click.option("--dir", "kits_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help=_DIR_HELP)
@fail_on_user_error
def show_command(name: str, output: Path | None, kits_dir: Path | None) -> None:
    """Render a preview sheet of the kit NAME: every format, palette, logo."""
    import io

    from ..api import Renderer
    from ..files import write_atomic
    from ..kits.preview import preview_sheet
    from ..kits.new import default_kits_dir

    renderer = Renderer(kit_dirs=(kits_dir or default_kits_dir(),))
    sheet = preview_sheet(renderer, renderer.kit(name))
    output = output or Path(f"{name}-kit.png")
    buffer = io.BytesIO()
    sheet.save(buffer, "PNG", optimize=True)
    write_atomic(output, buffer.getvalue())
    click.echo(f"{output} ({sheet.width}x{sheet.height})")


@kit_command.command("list")
@click.option("--dir", "kits_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help=_DIR_HELP)
@fail_on_user_error
def list_command(kits_dir: Path | None) -> None:
    """List the kits: id, name, category and where each comes from."""
    from ..spec.catalog import KitStore
    from ..errors import UserError
    from ..text.fonts import FontBook
    from ..kits.new import default_kits_dir
    from ..paths import data_dir

    user_dir = kits_dir or default_kits_dir()
    store = KitStore.default(FontBook(), (user_dir,))
    bundled = data_dir("brand_kits")
    for kit_id in store.ids():
        where = "bundled" if (bundled / kit_id / "kit.yaml").is_file() else str(user_dir / kit_id)
        try:
            spec = store.get(kit_id).spec
        except UserError as exc:  # one broken kit is listed as such; the others still are
            first, *more = str(exc).splitlines() or [type(exc).__name__]
            rest = f"; and {len(more)} more problem{'s' if len(more) != 1 else ''}" if more else ""
            click.echo(f"{kit_id:<20} (invalid: {first}{rest})  [{where}]")
            continue
        click.echo(f"{kit_id:<20} {spec.name:<24} {spec.category:<18} [{where}]")
