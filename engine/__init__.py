"""The SPARQL query engine behind ``/sparql``: queries screened, then run where they can be
stopped.

- :mod:`engine.screen` reads a query text before any engine does: how deeply it nests and
  which ``SERVICE`` endpoints it calls.
- :mod:`engine.pool` runs queries in worker processes (:mod:`engine.worker`) with a time
  limit, a memory limit, a limit on queries at once and a short queue; a query past a
  limit, or whose client has left, is stopped by killing its worker.
- :mod:`engine.evaluate` is what a worker does with one query: evaluate it and stream the
  serialized answer as frames (:mod:`engine.wire`).
"""

from engine.evaluate import GRAPH_FORMATS, RESULT_FORMATS, Job
from engine.pool import Answer, Busy, Limits, ProcessEngine, Stopped, ThreadEngine
from engine.screen import Screened, Service, screen

MAX_NESTING = 1000
"""Levels of nesting (brackets, prefix operators) a query may have; deeper texts are refused
before the parser sees them (it recurses once a level)."""

__all__ = [
    "GRAPH_FORMATS",
    "MAX_NESTING",
    "RESULT_FORMATS",
    "Answer",
    "Busy",
    "Job",
    "Limits",
    "ProcessEngine",
    "Screened",
    "Service",
    "Stopped",
    "ThreadEngine",
    "screen",
]
