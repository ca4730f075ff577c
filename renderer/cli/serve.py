"""``thumbkit serve``: the local ThumbAPI-compatible server on uvicorn.

The command binds the listening socket itself (so ``--port 0`` picks a free port and the printed
address is the real one), makes sure an API key exists (printing it when it was just created), then
runs uvicorn, with ``--workers`` processes sharing the socket. SIGINT/SIGTERM stop it gracefully:
no new connections, requests in flight finish, running jobs finish or go back to the queue.
"""

from __future__ import annotations

import copy
import inspect
import ipaddress
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from fastapi import FastAPI

from .commands import fail_on_user_error
from ..server.settings import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_VIDEO_BYTES,
    DEFAULT_RATE_LIMIT,
    DEFAULT_READ_TIMEOUT_SECONDS,
    SETTINGS_ENV,
    ServerSettings,
    default_data_dir,
)

APP = "renderer.server.app:app_from_env"
KEEP_ALIVE_SECONDS = 5  # an idle keep-alive connection is closed after this (uvicorn's default, said here)
MAX_HEAD_BYTES = 16 * 1024  # a larger request line and headers get 400 (h11's and uvicorn's default, said here)
#: With several workers, uvicorn's supervisor kills one that has not answered its health check in this
#: long (its default, 5 s, killed busy workers of a loaded 2-core machine, and their connections with them).
WORKER_HEALTHCHECK_SECONDS = 30


def bind_socket(host: str, port: int) -> socket.socket:
    """The listening socket. It is made with ``proto=IPPROTO_TCP`` and ``TCP_NODELAY``: asyncio turns
    Nagle's algorithm off only on connections whose socket says IPPROTO_TCP, and with it on, every
    answer after the first on a keep-alive connection waited ~40 ms for a delayed ACK (the headers
    and the body are two writes)."""
    family, _, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)[0]
    sock = socket.socket(family, socket.SOCK_STREAM, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def is_loopback(host: str) -> bool:
    try:
        return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
    except (OSError, ValueError):
        return False


def log_config() -> dict[str, object]:
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["thumbkit"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on (loopback by default)")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0 picks a free port")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="worker processes, each with its own renderer")
@click.option("--threads", type=click.IntRange(0, 64), default=0, help="render threads per worker  [default: cores / workers]")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="store, jobs and generated key  [default: $THUMBKIT_DATA_DIR or ~/.local/share/thumbkit]")
@click.option("--keys-file", type=click.Path(dir_okay=False, path_type=Path), envvar="THUMBKIT_API_KEYS_FILE", default=None,
              help="API keys, one a line (also $THUMBKIT_API_KEYS, comma-separated)")
@click.option("--rate-limit", type=click.IntRange(1), envvar="THUMBKIT_RATE_LIMIT", default=DEFAULT_RATE_LIMIT, show_default=True,
              help="requests per second per key ($THUMBKIT_RATE_LIMIT)")
@click.option("--max-body-bytes", type=click.IntRange(1024), default=DEFAULT_MAX_BODY_BYTES, show_default=True,
              help="larger request bodies get 413")
@click.option("--job-concurrency", type=click.IntRange(0, 64), default=1, show_default=True,
              help="jobs run at once per worker (0: queue only)")
@click.option("--job-lease", type=click.FloatRange(0.1), default=30.0, show_default=True,
              help="seconds before a job left by a dead worker is queued again")
@click.option("--graceful-timeout", type=click.IntRange(1), default=30, show_default=True,
              help="seconds to let requests in flight finish on shutdown")
@click.option("--access-log/--no-access-log", default=False, show_default=True)
@click.option("--media-root", type=click.Path(exists=True, file_okay=False, path_type=Path), envvar="THUMBKIT_MEDIA_ROOT",
              default=None, help="video jobs may read files under this folder by relative path ($THUMBKIT_MEDIA_ROOT)")
@click.option("--max-video-bytes", type=click.IntRange(1024), default=DEFAULT_MAX_VIDEO_BYTES, show_default=True,
              help="largest upload to POST /v1/videos")
@click.option("--read-timeout", type=click.FloatRange(0.1), default=DEFAULT_READ_TIMEOUT_SECONDS, show_default=True,
              help="seconds for a request's head, and for each wait in its body (a slower client is cut off)")
@fail_on_user_error
def serve_command(host: str, port: int, workers: int, threads: int, data_dir: Path | None, keys_file: Path | None,
                  rate_limit: int, max_body_bytes: int, job_concurrency: int, job_lease: float, graceful_timeout: int,
                  access_log: bool, media_root: Path | None = None, max_video_bytes: int = DEFAULT_MAX_VIDEO_BYTES,
                  read_timeout: float = DEFAULT_READ_TIMEOUT_SECONDS) -> None:
    """Serve ThumbAPI's POST /v1/generate (and the store, jobs and a playground) on HOST:PORT."""
    from ..memory import bound_native_memory

    bound_native_memory()  # before any thread: this process and the workers it starts (environment)
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from ..api import Renderer
    from ..server.app import create_app
    from ..server.http_protocol import TimedH11Protocol
    from ..server.keys import load_or_create_keys

    settings = ServerSettings(
        data_dir=(data_dir or default_data_dir()).expanduser().resolve(), keys_file=keys_file, rate_limit=rate_limit,
        max_body_bytes=max_body_bytes, workers=workers, render_threads=threads, job_concurrency=job_concurrency,
        job_lease_seconds=job_lease,
        media_root=media_root.expanduser().resolve() if media_root else None, max_video_bytes=max_video_bytes,
        read_timeout_seconds=read_timeout,
    )
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.ClickException(f"cannot create the data directory {settings.data_dir}: {exc.strerror or exc}") from None
    source = load_or_create_keys(settings)
    if source.created:
        click.echo(f"thumbkit: no API key was configured, so one was created and stored in {source.where}:")
        click.echo(f"thumbkit: API key: {source.keys[0]}")
    else:
        click.echo(f"thumbkit: API keys from {source.where} ({len(source.keys)})")
    if not is_loopback(host):
        click.echo(f"thumbkit: warning: {host} is not a loopback address: other machines can reach this server", err=True)

    # What can fail with a user error (a broken layout or kit, an unreadable keys file) fails here,
    # as one line, before the socket is open. Worker processes build their own app from the settings.
    if workers == 1:
        target: FastAPI | str = create_app(settings)
    else:
        Renderer()  # loads and checks every layout and kit once; each worker then loads its own
        target = APP
    sock = bind_socket(host, port)
    bound_host, bound_port = sock.getsockname()[:2]
    shown_host = f"[{bound_host}]" if ":" in bound_host else bound_host
    click.echo(f"thumbkit: serving on http://{shown_host}:{bound_port} (workers {workers}, render threads "
               f"{settings.threads} per worker, rate {rate_limit}/s per key, data {settings.data_dir})")
    os.environ[SETTINGS_ENV] = settings.to_json()
    config = uvicorn.Config(
        target, factory=workers > 1, host=bound_host, port=bound_port, workers=workers, log_config=log_config(),
        access_log=access_log, timeout_graceful_shutdown=graceful_timeout, server_header=False,
        http=TimedH11Protocol,  # a deadline for each request's head (uvicorn has none)
        timeout_keep_alive=KEEP_ALIVE_SECONDS, h11_max_incomplete_event_size=MAX_HEAD_BYTES,
    )
    if "timeout_worker_healthcheck" in inspect.signature(uvicorn.Config).parameters:  # uvicorn >= 0.30
        config.timeout_worker_healthcheck = WORKER_HEALTHCHECK_SECONDS
    try:
        if workers > 1:
            supervisor_options: dict[str, Any] = {"sockets": [sock]}
            if "target" in inspect.signature(Multiprocess).parameters:  # uvicorn < 0.30 takes the server's run
                supervisor_options["target"] = uvicorn.Server(config).run
            Multiprocess(config, **supervisor_options).run()
        else:
            server = uvicorn.Server(config)
            server.run(sockets=[sock])
            if not server.started:
                raise click.ClickException("the server did not start (see the log above)")
    finally:
        sock.close()
