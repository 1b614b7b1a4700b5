"""The SPARQL engine as an app holds it: the query engine, and the reader in front of it.

``/sparql`` answers queries with them and ``/health`` reports the engine's state; both read
them from here, held in the app's state.

A query text is read whole before the engine sees it: decoded from a form, and screened
(:func:`engine.screen`). For 1 MiB, the largest body accepted, that is tens of milliseconds
each (a hostile text up to a second to screen); done on the event loop, it would stall every
request of the process, ``/health`` included. So a text longer than :data:`INLINE` is read
in a thread, :data:`THREADS` at a time, and past the engine's queue of texts waiting for
one, a query is refused as busy, as the engine refuses one past its own queue. This happens
before the query is handed to the engine, so it does not count against its time limit.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import TypeVar

import engine
from graph.terms import PREFIXES

INLINE = 4096
"""Characters of a query screened on the event loop (well under a millisecond's work)."""
THREADS = 2
"""Texts read at once, each in a thread."""

T = TypeVar("T")


def engine_of(state: object) -> engine.ProcessEngine | engine.ThreadEngine:
    """The app's query engine (for an app made without :func:`service.app.create_app`'s
    lifespan, one of threads on the store it serves)."""
    query_engine = getattr(state, "sparql_engine", None)
    if query_engine is None:
        source = state.store_source  # type: ignore[attr-defined]
        query_engine = engine.ThreadEngine(lambda: source.get().store, engine.Limits())
        state.sparql_engine = query_engine  # type: ignore[attr-defined]
    return query_engine


def reader_of(state: object) -> Reader:
    """The app's reader of query texts (made on first use, with its query engine's queue)."""
    reader = getattr(state, "sparql_reader", None)
    if reader is None:
        reader = Reader(queue=engine_of(state).limits.queue)
        state.sparql_reader = reader  # type: ignore[attr-defined]
    return reader


class Reader:
    """Reads query texts off the event loop: :data:`THREADS` long texts at a time, up to
    ``queue`` more waiting; a short one on the loop, where a thread would cost more."""

    def __init__(self, *, queue: int, threads: int = THREADS) -> None:
        self.queue = queue
        self._slots = asyncio.Semaphore(threads)
        self._waiting = 0

    async def screen(self, text: str, base_iri: str | None) -> engine.Screened:
        """What :func:`engine.screen` finds in ``text``, with the predefined prefixes.

        :raises engine.Busy: when ``queue`` texts already wait for a thread.
        """
        return await self.run(
            len(text), functools.partial(engine.screen, text, base_iri=base_iri, prefixes=PREFIXES)
        )

    async def run(self, size: int, work: Callable[[], T]) -> T:
        """``work()``, on a text of ``size`` characters (a form to decode, a query to screen).

        :raises engine.Busy: when ``queue`` texts already wait for a thread.
        """
        if size <= INLINE:
            return work()
        if self._waiting >= self.queue:
            raise engine.Busy(
                503,
                "busy",
                f"{self.queue} queries are waiting to be read; try again shortly",
                {"Retry-After": "1"},
            )
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
        try:
            future = asyncio.get_running_loop().run_in_executor(None, work)
        except BaseException:
            self._slots.release()
            raise
        # The slot is the thread's until it ends, even if the request is cancelled first.
        future.add_done_callback(lambda _: self._slots.release())
        return await asyncio.shield(future)
