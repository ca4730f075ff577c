"""``thumbkit layout``: make your own layouts."""

from __future__ import annotations

import click

from .commands import fail_on_user_error


@click.group("layout")
def layout_command() -> None:
    """Make your own layouts (list them with `thumbkit layouts`)."""


@layout_command.command("new")
@click.argument("name")
@click.option("--from", "source", default="youtube-bold", show_default=True, metavar="LAYOUT",
              help="the layout to copy: a bundled one or one of yours")
@click.option("--force", is_flag=True, help="replace an existing layout of that name")
@fail_on_user_error
def new_command(name: str, source: str, force: bool) -> None:
    """Copy a layout as NAME into your layout folder ($THUMBKIT_LAYOUTS_DIR or
    ~/.local/share/thumbkit/layouts), ready to edit."""
    from ..spec.new_layout import create_layout

    path = create_layout(name, source=source, force=force)
    click.echo(path)
    click.echo(f"edit it, watching the result: thumbkit preview {path}")
    click.echo(f"use it:  thumbkit render TITLE --layout {name}  (layout=auto may choose it too, by its picks)")
