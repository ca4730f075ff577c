"""Everything one server process holds for its lifetime, built once per process."""

from __future__ import annotations

import logging

from msgspec import Struct

from ..api import Renderer
from .body import BODIES_IN_FLIGHT_BYTES, BodyBudget
from .database import Database
from .dispatcher import JobDispatcher
from .job_kinds import JobContext
from .jobs import JobStore
from .keys import KeyRing, load_or_create_keys
from .ratelimit import RateLimiter
from .rendering import RenderService
from .settings import ServerSettings
from .store import ImageStore

log = logging.getLogger("thumbkit.server")


class Services(Struct):
    settings: ServerSettings
    keys: KeyRing
    limiter: RateLimiter
    database: Database
    store: ImageStore
    render: RenderService
    jobs: JobStore
    dispatcher: JobDispatcher
    bodies: BodyBudget

    @classmethod
    def build(cls, settings: ServerSettings, renderer: Renderer | None = None) -> Services:
        source = load_or_create_keys(settings)
        if source.created:
            log.warning("no API key was configured: created one in %s", source.where)
        database = Database(settings.database_path)
        store = ImageStore(database, settings.images_dir)
        render = RenderService(renderer or Renderer(), store, threads=settings.threads)
        jobs = JobStore(database)
        dispatcher = JobDispatcher(
            jobs, JobContext(settings, render), concurrency=settings.job_concurrency,
            lease_seconds=settings.job_lease_seconds, poll_seconds=settings.job_poll_seconds,
            max_attempts=settings.max_job_attempts,
        )
        return cls(settings, KeyRing.of(source.keys), RateLimiter(settings.rate_database_path, settings.rate_limit),
                   database, store, render, jobs, dispatcher, BodyBudget(max(BODIES_IN_FLIGHT_BYTES, settings.max_body_bytes)))

    async def start(self) -> None:
        self.dispatcher.start()

    async def stop(self) -> None:
        await self.dispatcher.stop()
        self.limiter.close()
        self.database.close()
