"""A query worker: a process of its own that runs one query at a time on a read-only store.

Started by :class:`engine.pool.ProcessEngine` as ``python -m engine.worker``. It reads
``JOB`` frames on its standard input and writes the answers' frames on its standard output
(see :mod:`engine.wire`); anything else it would print goes to standard error. The pool
kills it when a query runs past its time or memory, or its client leaves, and starts
another: that is how a query is stopped, since pyoxigraph cannot cancel one.

The queries run in a thread with a stack of :data:`STACK_BYTES`: the endpoint refuses texts
nesting deeper than :data:`engine.MAX_NESTING` levels, and this stack holds many times that
depth for every construct of the grammar (see tests/test_engine.py).
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading

from pyoxigraph import Store

from engine import evaluate, wire

STACK_BYTES = 512 * 1024 * 1024
"""Address space reserved for the query thread's stack; only the pages it touches are used."""

log = logging.getLogger("skillgraph.engine.worker")


class _Channel:
    def __init__(self, read_fd: int, write_fd: int) -> None:
        self._in = read_fd
        self._out = write_fd

    def read_exactly(self, size: int) -> bytes | None:
        chunks = []
        while size:
            chunk = os.read(self._in, size)
            if not chunk:
                return None
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def send(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self._out, view)
            view = view[written:]


def _serve(channel: _Channel) -> None:
    opened: tuple[str, Store] | None = None
    channel.send(wire.frame(wire.READY, wire.encode({"pid": os.getpid()})))
    while True:
        prefix = channel.read_exactly(wire.PREFIX_SIZE)
        if prefix is None:
            return  # the endpoint has gone
        kind, length = wire.parse_prefix(prefix)
        payload = channel.read_exactly(length)
        if payload is None or kind != wire.JOB:
            return
        job = evaluate.Job.from_json(wire.decode(payload))
        if opened is None or opened[0] != job.store:
            opened = None  # close the previous version first
            try:
                opened = (job.store, Store.read_only(job.store))
            except (OSError, RuntimeError) as error:
                channel.send(
                    evaluate.error_frame(
                        evaluate.Problem(
                            503, "store-unavailable", f"cannot open the store: {error}"
                        )
                    )
                )
                continue
        try:
            evaluate.run(opened[1], job, channel.send)
        except Exception:
            log.exception("a query failed in the engine")


def _die_with_parent() -> None:
    """Ask Linux to kill this process if the endpoint's process dies first."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the closed pipe still ends the loop
        pass


def main() -> None:
    """Serve jobs until standard input closes."""
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    _die_with_parent()
    # Ctrl-C reaches the whole process group; the endpoint decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The frames get standard output to themselves: anything printed goes to stderr.
    channel = _Channel(0, os.dup(1))
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    threading.stack_size(STACK_BYTES)
    thread = threading.Thread(target=_serve, args=(channel,), name="query")
    thread.start()
    thread.join()


if __name__ == "__main__":
    main()
