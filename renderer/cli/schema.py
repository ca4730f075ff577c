"""``thumbkit schema``: the JSON Schema of layout and kit files, for editors."""

from __future__ import annotations

import click

from .commands import fail_on_user_error

KINDS = ("layout", "kit")  # renderer.spec.schema.SCHEMA_KINDS, without importing it for --help


@click.command("schema")
@click.argument("kind", type=click.Choice(KINDS), required=False)
@click.option("--path", "show_path", is_flag=True, help="print where the schema file shipped with thumbkit is, instead of the schema")
@click.option("--update", is_flag=True, help="rewrite the shipped schema files from the models (after changing them)")
@fail_on_user_error
def schema_command(kind: str | None, show_path: bool, update: bool) -> None:
    """Print the JSON Schema of a layout or kit file (KIND: layout or kit).

    It is generated from the models that validate the files. Point an editor with a YAML language
    server at it with a first line such as
    `# yaml-language-server: $schema=/path/printed/by/--path`."""
    from ..spec.schema import schema_text, shipped_schema_path, write_shipped_schemas

    if update:
        for path in write_shipped_schemas():
            click.echo(path)
        return
    if kind is None:
        raise click.UsageError("give KIND (layout or kit), or --update")
    if show_path:
        click.echo(shipped_schema_path(kind))
    else:
        click.echo(schema_text(kind), nl=False)
