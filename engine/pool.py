"""The query engines the SPARQL endpoint calls: worker processes, or threads for a store
held in memory.

:class:`ProcessEngine` runs each query in a worker process (:mod:`engine.worker`) that has
the store version open read-only. It is the only way here to stop a query: pyoxigraph has
no time limit and no cancellation, so a query past its time or memory limit, or whose
client has left, is stopped by killing its worker, and another is started in its place. A
query that crashes the engine costs its worker, not the service.

- :attr:`Limits.workers` queries run at once; up to :attr:`Limits.queue` more wait for a
  worker, and past that a query is refused at once (:class:`Busy`, 503 with Retry-After).
- The deadline (:attr:`Limits.timeout`) runs from the moment the query arrives, waiting
  included, to its last byte.
- A monitor looks at every busy worker ten times a second: past the deadline, or grown by
  more than :attr:`Limits.memory_bytes` since its query started, it is killed.

:class:`ThreadEngine` serves a pyoxigraph ``Store`` object (one built in memory, say), which
no other process can open: the queries run in threads, without limits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from pyoxigraph import Store

from engine import evaluate, wire

log = logging.getLogger("skillgraph.engine")

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Limits:
    """What one query may take, and how many run at once."""

    timeout: float = 30.0
    """seconds from a query's hand-over to the engine (read and screened) to its answer's last
    byte"""
    memory_bytes: int = 1024 * 1024 * 1024
    """how much a worker may grow while it runs one query"""
    workers: int = 2
    """queries evaluated at once (worker processes)"""
    queue: int = 64
    """queries that may wait for a worker; more are refused"""
    max_results: int | None = None
    """rows (SELECT) or triples (CONSTRUCT, DESCRIBE) after which an answer is cut"""


class Stopped(evaluate.Problem):
    """A query the engine stopped or could not run, as the client is told of it: a
    worker's problem, or the pool's (limits, a busy service), with headers to send."""

    def __init__(
        self, status: int, slug: str, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status, slug, detail)
        self.headers = headers or {}

    @classmethod
    def from_frame(cls, payload: bytes) -> Stopped:
        """The problem an ``ERROR`` frame tells of."""
        problem = wire.decode(payload)
        return cls(problem["status"], problem["slug"], problem["detail"])


class Busy(Stopped):
    """Every worker is busy and the queue is full."""


@dataclass
class Answer:
    """An answer being read from the engine: what it is, then its bytes as they come."""

    kind: str
    """``solutions``, ``boolean`` or ``triples``"""
    media: str
    truncated: bool
    chunks: AsyncIterator[bytes]
    """the serialized answer; raises :class:`Stopped` if it is cut (the answer has begun)"""


class _Worker:
    """One worker process and the query it runs."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        assert process.stdin is not None and process.stdout is not None
        self.stdin = process.stdin
        self.stdout = process.stdout
        self.deadline: float | None = None
        self.started_rss = 0
        self.stopped_for: Stopped | None = None
        """why the monitor killed it, if it did"""

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss(self) -> int:
        try:
            with open(f"/proc/{self.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            return 0

    def kill(self, reason: Stopped | None = None) -> None:
        if self.stopped_for is None:
            self.stopped_for = reason
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()

    async def frame(self) -> tuple[bytes, bytes]:
        """The next frame; :class:`Stopped` if the worker died instead."""
        try:
            prefix = await self.stdout.readexactly(wire.PREFIX_SIZE)
            kind, length = wire.parse_prefix(prefix)
            return kind, await self.stdout.readexactly(length)
        except (asyncio.IncompleteReadError, ConnectionError):
            raise self._death() from None

    async def send(self, job: evaluate.Job) -> None:
        try:
            self.stdin.write(wire.frame(wire.JOB, wire.encode(job.to_json())))
            await self.stdin.drain()
        except ConnectionError:
            raise self._death() from None

    def _death(self) -> Stopped:
        if self.stopped_for is not None:
            return self.stopped_for
        self.kill()
        return Stopped(
            500, "engine-failed", "the query engine stopped while running this query; logged"
        )


class ProcessEngine:
    """SPARQL in worker processes, stopped at their limits (see the module's docstring)."""

    RECYCLE_BYTES = 256 * 1024 * 1024
    """A worker grown by this much since it started is replaced after its query."""

    def __init__(self, limits: Limits, *, python: str = sys.executable) -> None:
        self.limits = limits
        self._python = python
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._waiting: deque[asyncio.Future[_Worker]] = deque()
        self._starting = 0
        self._baseline: dict[int, int] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False
        self._monitor: asyncio.Task[None] | None = None
        self.failures = 0
        """workers that could not be started in a row (each is logged; retried with backoff)"""

    async def start(self) -> None:
        """Start the workers and the monitor; returns once every worker is ready."""
        self._monitor = asyncio.create_task(self._watch())
        started = await asyncio.gather(
            *(self._spawn() for _ in range(self.limits.workers)), return_exceptions=True
        )
        for worker in started:
            if isinstance(worker, _Worker):
                self._release(worker)
            else:
                log.error("a query worker could not start: %s", worker)
                self._replace_later()

    async def close(self) -> None:
        """Kill every worker at once, whatever it runs: the service is stopping."""
        self._closed = True
        if self._monitor is not None:
            self._monitor.cancel()
        for task in list(self._tasks):
            task.cancel()
        for waiter in self._waiting:
            if not waiter.done():
                waiter.set_exception(Stopped(503, "stopping", "the service is stopping"))
        workers = [*self._idle, *self._busy]
        for worker in workers:
            worker.kill(Stopped(503, "stopping", "the service is stopping"))
        for worker in workers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(worker.process.wait(), 5)
        self._idle.clear()
        self._busy.clear()

    @property
    def ready(self) -> bool:
        """Whether queries can be served: some worker is up, and the queue is not full."""
        live = len(self._idle) + len(self._busy)
        return not self._closed and live > 0 and len(self._waiting) < self.limits.queue

    def pids(self) -> set[int]:
        """The process ids of the workers up now."""
        return {worker.pid for worker in (*self._idle, *self._busy)}

    def status(self) -> dict[str, int]:
        """How many workers are idle, busy and starting, and queries waiting."""
        return {
            "idle": len(self._idle),
            "busy": len(self._busy),
            "starting": self._starting,
            "waiting": len(self._waiting),
        }

    @contextlib.asynccontextmanager
    async def answer(
        self, job: evaluate.Job, *, arrived: float | None = None
    ) -> AsyncIterator[Answer]:
        """Run ``job``; the answer's head, then its chunks, while the block lasts.

        :raises Stopped: the query's problem (syntax, limits, a busy service), before any
            byte of the answer; or from :attr:`Answer.chunks` once it has begun.
        """
        deadline = (arrived if arrived is not None else time.monotonic()) + self.limits.timeout
        if self.limits.max_results is not None and job.max_results is None:
            job = evaluate.Job(**{**job.to_json(), "max_results": self.limits.max_results})
        worker = await self._acquire(deadline)
        finished = False
        try:
            worker.deadline = deadline
            worker.started_rss = worker.rss()
            await worker.send(job)
            kind, payload = await worker.frame()
            if kind == wire.ERROR:
                finished = True
                raise Stopped.from_frame(payload)
            if kind != wire.HEAD:
                raise worker._death()
            head = wire.decode(payload)

            async def chunks() -> AsyncIterator[bytes]:
                nonlocal finished
                while True:
                    frame_kind, data = await worker.frame()
                    if frame_kind == wire.DATA:
                        yield data
                    elif frame_kind == wire.END:
                        finished = True
                        return
                    elif frame_kind == wire.ERROR:
                        finished = True
                        raise Stopped.from_frame(data)
                    else:
                        raise worker._death()

            yield Answer(head["kind"], head["media"], bool(head["truncated"]), chunks())
        finally:
            worker.deadline = None
            if finished and worker.stopped_for is None and not self._grown(worker):
                self._release(worker)
            else:
                self._retire(worker)

    def _grown(self, worker: _Worker) -> bool:
        return worker.rss() - self._baseline.get(worker.pid, 0) > self.RECYCLE_BYTES

    async def _acquire(self, deadline: float) -> _Worker:
        if self._closed:
            raise Stopped(503, "stopping", "the service is stopping")
        if self._idle:
            worker = self._idle.pop()
            self._busy.add(worker)
            return worker
        if len(self._waiting) >= self.limits.queue:
            raise Busy(
                503,
                "busy",
                f"all {self.limits.workers} query workers are busy and "
                f"{self.limits.queue} queries are waiting; try again shortly",
                {"Retry-After": "1"},
            )
        waiter: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        handed = False
        try:
            worker = await asyncio.wait_for(waiter, max(0.0, deadline - time.monotonic()))
            handed = True
            return worker
        except TimeoutError:
            raise Stopped(
                503,
                "query-timeout",
                f"no query worker was free within the {self.limits.timeout:g} s limit",
            ) from None
        finally:
            with contextlib.suppress(ValueError):
                self._waiting.remove(waiter)
            handed_late = waiter.done() and not waiter.cancelled() and not waiter.exception()
            if not handed and handed_late:
                # Handed a worker just as the wait was given up: pass it on.
                self._release(waiter.result())

    def _release(self, worker: _Worker) -> None:
        """Hand ``worker`` to the first query waiting, or keep it idle."""
        self._busy.discard(worker)
        if self._closed:
            worker.kill()
            return
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                self._busy.add(worker)
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker`` (if it is not dead already) and start another in its place."""
        self._busy.discard(worker)
        worker.kill()
        self._baseline.pop(worker.pid, None)
        self._track(asyncio.create_task(worker.process.wait()))
        self._replace_later()

    def _replace_later(self) -> None:
        if not self._closed:
            self._track(asyncio.create_task(self._replace()))

    def _track(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _replace(self) -> None:
        delay = 0.0
        while not self._closed:
            await asyncio.sleep(delay)
            try:
                worker = await self._spawn()
            except Exception as error:
                self.failures += 1
                log.error("a query worker could not start (%d in a row): %s", self.failures, error)
                delay = min(5.0, 0.2 * 2**self.failures)
                continue
            self.failures = 0
            self._release(worker)
            return

    async def _spawn(self) -> _Worker:
        self._starting += 1
        try:
            process = await asyncio.create_subprocess_exec(
                self._python,
                "-m",
                "engine.worker",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                limit=1 << 20,
            )
            worker = _Worker(process)
            try:
                kind, _ = await asyncio.wait_for(worker.frame(), 30)
            except (Stopped, TimeoutError):
                worker.kill()
                raise RuntimeError("the worker did not start") from None
            if kind != wire.READY:
                worker.kill()
                raise RuntimeError("the worker did not say it was ready")
            self._baseline[worker.pid] = worker.rss()
            return worker
        finally:
            self._starting -= 1

    async def _watch(self) -> None:
        """Kill the busy workers past their deadline or their memory, ten times a second."""
        limits = self.limits
        while True:
            await asyncio.sleep(0.1)
            now = time.monotonic()
            for worker in list(self._busy):
                if worker.deadline is not None and now > worker.deadline:
                    worker.kill(
                        Stopped(
                            503,
                            "query-timeout",
                            f"the query ran past the {limits.timeout:g} s limit and was stopped",
                        )
                    )
                elif worker.deadline is not None and (
                    worker.rss() - worker.started_rss > limits.memory_bytes
                ):
                    worker.kill(
                        Stopped(
                            503,
                            "query-memory",
                            f"the query needed more than {limits.memory_bytes >> 20} MB "
                            "and was stopped",
                        )
                    )


class ThreadEngine:
    """SPARQL in threads on a store object: no limits, for stores no worker can open.

    The answer is made whole before its first byte is handed on.
    """

    def __init__(self, store: Callable[[], Store], limits: Limits) -> None:
        self.store = store
        """gives the store to answer from"""
        self.limits = limits
        self._slots = asyncio.Semaphore(limits.workers)

    ready = True

    async def start(self) -> None:
        """Nothing to start."""

    async def close(self) -> None:
        """Nothing to stop."""

    def status(self) -> dict[str, int]:
        return {}

    @contextlib.asynccontextmanager
    async def answer(
        self, job: evaluate.Job, *, arrived: float | None = None
    ) -> AsyncIterator[Answer]:
        """As :meth:`ProcessEngine.answer`."""
        if self.limits.max_results is not None and job.max_results is None:
            job = evaluate.Job(**{**job.to_json(), "max_results": self.limits.max_results})
        output = bytearray()
        async with self._slots:
            await asyncio.get_running_loop().run_in_executor(
                None, evaluate.run, self.store(), job, output.extend
            )
        frames = list(wire.frames(bytes(output)))
        kind, payload = frames[0]
        if kind == wire.ERROR:
            raise Stopped.from_frame(payload)
        head = wire.decode(payload)

        async def chunks() -> AsyncIterator[bytes]:
            for frame_kind, data in frames[1:]:
                if frame_kind == wire.DATA:
                    yield data
                elif frame_kind == wire.ERROR:
                    raise Stopped.from_frame(data)

        yield Answer(head["kind"], head["media"], bool(head["truncated"]), chunks())
