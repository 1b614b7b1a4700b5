"""The SPARQL engine as an app holds it: the query engine, and the screen in front of it.

``/sparql`` answers queries with them and ``/health`` reports the engine's state; both read
them from here, held in the app's state.

The screen (:func:`engine.screen`) reads the whole query text: a query of 1 MiB, the
largest body accepted, takes it tens of milliseconds, and a hostile one of that size up to
a second. Read on the event loop, that would stall every request of the process, ``/health``
included; so a text longer than :data:`INLINE` is screened in a thread, :data:`THREADS` at
a time, and past the engine's queue of texts waiting for one, a query is refused as busy,
as the engine refuses one past its own queue. Screening happens before the query is handed
to the engine, so it does not count against the query's time limit.
"""

from __future__ import annotations

import asyncio
import functools

import engine
from graph.terms import PREFIXES

INLINE = 4096
"""Characters of a query screened on the event loop (well under a millisecond's work)."""
THREADS = 2
"""Texts screened at once, each in a thread."""


def engine_of(state: object) -> engine.ProcessEngine | engine.ThreadEngine:
    """The app's query engine (for an app made without :func:`service.app.create_app`'s
    lifespan, one of threads on the store it serves)."""
    query_engine = getattr(state, "sparql_engine", None)
    if query_engine is None:
        source = state.store_source  # type: ignore[attr-defined]
        query_engine = engine.ThreadEngine(lambda: source.get().store, engine.Limits())
        state.sparql_engine = query_engine  # type: ignore[attr-defined]
    return query_engine


def screener_of(state: object) -> Screener:
    """The app's screen (made on first use, with the queue of its query engine)."""
    screener = getattr(state, "sparql_screener", None)
    if screener is None:
        screener = Screener(queue=engine_of(state).limits.queue)
        state.sparql_screener = screener  # type: ignore[attr-defined]
    return screener


class Screener:
    """Screens query texts off the event loop: :data:`THREADS` at a time, up to ``queue``
    more waiting."""

    def __init__(self, *, queue: int, threads: int = THREADS) -> None:
        self.queue = queue
        self._slots = asyncio.Semaphore(threads)
        self._waiting = 0

    async def screen(self, text: str, base_iri: str | None) -> engine.Screened:
        """What :func:`engine.screen` finds in ``text``, with the predefined prefixes.

        :raises engine.Busy: when ``queue`` texts already wait for a thread.
        """
        if len(text) <= INLINE:
            return engine.screen(text, base_iri=base_iri, prefixes=PREFIXES)
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
            work = asyncio.get_running_loop().run_in_executor(
                None, functools.partial(engine.screen, text, base_iri=base_iri, prefixes=PREFIXES)
            )
        except BaseException:
            self._slots.release()
            raise
        # The slot is the thread's until it ends, even if the request is cancelled first.
        work.add_done_callback(lambda _: self._slots.release())
        return await asyncio.shield(work)
