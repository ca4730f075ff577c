"""``thumbkit preview``: a local page that shows a layout or kit file rendered for sample titles,
rendered again each time the file is saved."""

from __future__ import annotations

from pathlib import Path

import click

from .commands import fail_on_user_error


@click.command("preview")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kit", default=None, help="the brand kit to render a layout with  [default: default]")
@click.option("--titles", "titles_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="a file of titles, one a line (at most 12)  [default: a short, a long, a numbered and an Arabic title]")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="0 picks a free port")
@click.option("--open", "open_browser", is_flag=True, help="open the page in a browser")
@fail_on_user_error
def preview_command(file: Path, kit: str | None, titles_file: Path | None, host: str, port: int, open_browser: bool) -> None:
    """Serve a page showing FILE (a layout, or a kit's kit.yaml) rendered for sample titles, at full
    size with the debug overlay and at feed size; saving the file renders it again. A problem in the
    file shows on the page with file:line:column, above the last good render."""
    import uvicorn

    from ..preview.app import create_preview_app
    from ..preview.session import PreviewTarget
    from .serve import bind_socket, is_loopback

    target = PreviewTarget.of(file, kit=kit, titles_file=titles_file)
    if not is_loopback(host):
        click.echo(f"thumbkit: warning: {host} is not a loopback address: other machines can reach this page", err=True)
    sock = bind_socket(host, port)
    bound_host, bound_port = sock.getsockname()[:2]
    url = f"http://{f'[{bound_host}]' if ':' in bound_host else bound_host}:{bound_port}"
    click.echo(f"thumbkit: previewing {target.kind} {target.file}, serving on {url} (Ctrl+C to stop)")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    config = uvicorn.Config(create_preview_app(target), log_level="warning", timeout_graceful_shutdown=1, server_header=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
