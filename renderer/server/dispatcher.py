"""The background loop that runs queued jobs, a few at a time, in each server process.

It wakes when this process queues a job, and every ``poll_seconds`` to pick up jobs queued by other
processes (or left by a process that died: their leases run out). On stop it claims nothing more,
lets running jobs finish for ``grace_seconds``, and puts back in the queue any that did not.
"""

from __future__ import annotations

import asyncio
import logging
import time

import anyio.to_thread

from ..errors import UserError
from .job_kinds import JobContext, get_kind
from .jobs import Job, JobStore

log = logging.getLogger("thumbkit.server")
INTERNAL_ERROR = "Internal server error"


class JobDispatcher:
    def __init__(self, jobs: JobStore, context: JobContext, *, concurrency: int, lease_seconds: float,
                 poll_seconds: float, max_attempts: int, grace_seconds: float = 30.0) -> None:
        self.jobs = jobs
        self.context = context
        self.concurrency = concurrency
        self.lease_seconds = lease_seconds
        self.poll_seconds = min(poll_seconds, lease_seconds / 3)
        self.max_attempts = max_attempts
        self.grace_seconds = grace_seconds
        self._running: dict[str, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._stopping = False
        self._loop_task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.concurrency > 0:
            self._loop_task = asyncio.create_task(self._loop(), name="thumbkit-jobs")

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._loop_task is not None:
            await self._loop_task
        running = list(self._running.items())
        if not running:
            return
        done, pending = await asyncio.wait([task for _, task in running], timeout=self.grace_seconds)
        for job_id, task in running:
            if task in pending:
                task.cancel()
                await anyio.to_thread.run_sync(self.jobs.release, job_id)

    async def _loop(self) -> None:
        last_renewal = time.monotonic()
        while not self._stopping:
            try:
                await anyio.to_thread.run_sync(self.jobs.requeue_expired, self.max_attempts)
                while len(self._running) < self.concurrency and not self._stopping:
                    job = await anyio.to_thread.run_sync(self.jobs.claim, self.lease_seconds)
                    if job is None:
                        break
                    self._running[job.id] = asyncio.create_task(self._run(job), name=f"thumbkit-job-{job.id}")
                if self._running and time.monotonic() - last_renewal >= self.lease_seconds / 3:
                    await anyio.to_thread.run_sync(self.jobs.renew, list(self._running), self.lease_seconds)
                    last_renewal = time.monotonic()
            except Exception:  # the database was busy or gone: log, and try again after a pause
                log.exception("job dispatcher: could not read the jobs table")
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
            except TimeoutError:
                pass

    async def _run(self, job: Job) -> None:
        try:
            try:
                outputs = await get_kind(job.kind).run(self.context.for_owner(job.owner), job.input)
            except UserError as exc:
                await anyio.to_thread.run_sync(self.jobs.fail, job.id, str(exc))
            except Exception:
                log.exception("job %s (%s) failed", job.id, job.kind)
                await anyio.to_thread.run_sync(self.jobs.fail, job.id, INTERNAL_ERROR)
            else:
                await anyio.to_thread.run_sync(self.jobs.succeed, job.id, outputs)
        finally:
            self._running.pop(job.id, None)
            self._wake.set()  # a slot is free
