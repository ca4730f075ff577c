"""thumbkit's local HTTP server: ThumbAPI's ``POST /v1/generate`` on loopback, plus a store of every
image made, jobs that survive restarts, and a playground page.

One concern per module::

    settings.py    ServerSettings: data dir, keys sources, rate, limits (from flags or THUMBKIT_* env)
    keys.py        API keys: env / keys file / generated on first start; constant-time check
    ratelimit.py   per-key requests-per-second window, shared by worker processes (SQLite)
    database.py    SQLite connections (WAL) and the schema
    store.py       content-addressed image files + an index of which request made which image
    cachekey.py    the hash that says "this request was rendered before"
    rendering.py   RenderService: cache lookup, bounded off-loop rendering, storing
    jobs.py        the jobs table: submit, claim, lease, finish
    job_kinds.py   the registry of job kinds (``generate`` now; ``frame``/``moments`` register later)
    dispatcher.py  the background loop that runs queued jobs
    body.py        reading a JSON body with a size cap (400 / 413 / 422)
    errors.py      ApiError and the handlers that make every error ``{"error": message}``
    auth.py        ASGI middleware: x-api-key, rate limit, X-RateLimit-* headers
    middleware.py  ASGI middleware: the catch-all 500, the count of requests in flight
    openapi.py     request/response schemas for /docs (validation stays in ``parse_request``)
    routes_*.py    the endpoints
    docs.py        /docs served from local files (works offline)
    playground.py  the page at / and static/ (plain HTML, CSS and JS)
    services.py    what one worker process holds: renderer, database, store, jobs, limiter
    app.py         create_app() and the uvicorn factory
    launcher.py    run ``thumbkit serve`` in a child process (tests, benchmark)
"""

from .app import create_app
from .settings import ServerSettings

__all__ = ["ServerSettings", "create_app"]
