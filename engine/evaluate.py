"""One query, evaluated on a store and written out as frames: the work a worker does.

A request is a :class:`Job`; the answer is a sequence of frames (see :mod:`engine.wire`):
``HEAD`` (what kind of result, in which media type, and whether a row cap cut it), ``DATA``
frames of the serialized result, then ``END``; or an ``ERROR`` frame (a problem's status,
slug and detail) in place of any of them once nothing has been sent. The serializer is the
engine's own, writing as the engine produces rows, so a large result never sits whole in
memory.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO, Any, cast

from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    parse_query_results,
    serialize,
)

from engine import wire
from engine.screen import screen
from graph.queries import looks_like_update
from graph.terms import PREFIXES

RESULT_FORMATS: dict[str, QueryResultsFormat] = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "application/xml": QueryResultsFormat.XML,
    "text/xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
"""The media types SELECT and ASK answer in."""
GRAPH_FORMATS: dict[str, RdfFormat] = {
    "text/turtle": RdfFormat.TURTLE,
    "application/x-turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "text/plain": RdfFormat.N_TRIPLES,
    "application/rdf+xml": RdfFormat.RDF_XML,
    "application/xml": RdfFormat.RDF_XML,
    "text/xml": RdfFormat.RDF_XML,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/json": RdfFormat.JSON_LD,
    "application/n-quads": RdfFormat.N_QUADS,
}
"""The media types CONSTRUCT and DESCRIBE answer in."""

CHUNK = 64 * 1024
"""Serialized bytes gathered before a ``DATA`` frame is written."""


@dataclass(frozen=True)
class Job:
    """A query to run, as the endpoint sends it to a worker."""

    store: str
    """the store version's directory"""
    query: str
    base_iri: str | None = None
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    result_media: str | None = None
    """the media type for SELECT and ASK, or None if the client accepts none"""
    graph_media: str | None = None
    """the media type for CONSTRUCT and DESCRIBE, or None if the client accepts none"""
    max_results: int | None = None
    """rows (or triples) after which the answer is cut, or None"""
    calls_services: bool = False
    """whether the query has SERVICE clauses (their failures are the remote's, 502)"""
    own_dataset: bool = False
    """whether the query names its dataset (FROM, FROM NAMED), which then replaces the
    union of the store's graphs as its default graph"""

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))  # shallow: dataclasses.asdict's deep copy cost 15 µs a query

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Job:
        for key in ("default_graph", "named_graphs"):
            if data.get(key) is not None:
                data[key] = tuple(data[key])
        return cls(**data)


class Problem(Exception):
    """An error the client is told of: its HTTP status, problem slug and detail."""

    def __init__(self, status: int, slug: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.detail = detail


class FrameWriter:
    """A binary file for the engine's serializer that sends what it is given as frames.

    The ``HEAD`` frame goes out with the first data, so that an error raised before then
    is still answered as a problem instead of a cut 200.
    """

    def __init__(self, emit: Callable[[bytes], None], head: dict[str, Any]) -> None:
        self._emit = emit
        self._head: dict[str, Any] | None = head
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        self._buffer += data
        if len(self._buffer) >= CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        frames = self._take()
        if frames:
            self._emit(frames)

    def end(self) -> None:
        """Send what is left and the ``END`` frame, in one write: a small answer is one."""
        self._emit(self._take() + wire.frame(wire.END, b""))

    def _take(self) -> bytes:
        frames = b""
        if self._head is not None:
            frames = wire.frame(wire.HEAD, wire.encode(self._head))
            self._head = None
        if self._buffer:
            frames += wire.frame(wire.DATA, bytes(self._buffer))
            self._buffer.clear()
        return frames


def run(store: Store, job: Job, emit: Callable[[bytes], None]) -> None:
    """Evaluate ``job`` on ``store`` and ``emit`` its frames (see the module's docstring).

    An error ends the frames with an ``ERROR`` frame, wherever it happens: before the
    ``HEAD`` frame the client is told why; after it the answer has begun, and is cut. An
    error that is not the query's (say, a bug) is raised, after the ``ERROR`` frame.
    """
    options: dict[str, Any] = {"base_iri": job.base_iri, "prefixes": PREFIXES}
    try:
        if job.default_graph is not None:
            options["default_graph"] = [NamedNode(g) for g in job.default_graph]
        elif not job.own_dataset:
            # Each dataset is a named graph of its own, and a query's default graph is
            # their union; a query's FROM chooses its own (Oxigraph's union option would
            # override it).
            options["use_default_graph_as_union"] = True
        if job.named_graphs is not None:
            options["named_graphs"] = [NamedNode(g) for g in job.named_graphs]
    except ValueError as error:
        emit(error_frame(Problem(400, "malformed-query", f"a graph is not an IRI: {error}")))
        return
    try:
        results = _query(store, job, options)
        if isinstance(results, QueryTriples):
            if job.graph_media is None:
                raise Problem(406, "not-acceptable", _refusal(GRAPH_FORMATS, "CONSTRUCT"))
            _write_triples(results, job, job.graph_media, emit)
        else:
            if job.result_media is None:
                raise Problem(406, "not-acceptable", _refusal(RESULT_FORMATS, "SELECT or ASK"))
            _write_results(results, job, job.result_media, emit)
    except Problem as problem:
        emit(error_frame(problem))
    except OSError as error:
        if job.calls_services:
            emit(error_frame(Problem(502, "service-failed", f"a SERVICE call failed: {error}")))
        else:
            emit(
                error_frame(
                    Problem(503, "store-unavailable", f"the store could not be read: {error}")
                )
            )
    except Exception:
        emit(
            error_frame(
                Problem(500, "internal-error", "the query engine failed; the error is logged")
            )
        )
        raise


def _query(store: Store, job: Job, options: dict[str, Any]) -> Any:
    try:
        return store.query(job.query, **options)
    except SyntaxError as error:
        if looks_like_update(job.query):
            raise Problem(
                403,
                "read-only",
                "this endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, "
                "CREATE, DROP, COPY, MOVE, ADD) are refused",
            ) from None
        raise Problem(400, "malformed-query", explain(job.query, str(error))) from None


def explain(query: str, message: str) -> str:
    """The parser's ``message`` about ``query``, said plainly where it can be: Oxigraph's
    for an undeclared prefix lists every character it expected instead."""
    if "Prefix not found" not in message:
        return message
    missing = screen(query, prefixes=PREFIXES).undeclared
    where = message.split(":", 1)[0]  # "error at 3:17"
    known = ", ".join(f"{p}:" for p in PREFIXES)
    if not missing:
        return f"{where}: a prefix is used but not declared (predefined here: {known})"
    name = missing[0]
    return (
        f"{where}: the prefix '{name}:' is not declared; declare it at the top of the "
        f"query with PREFIX {name}: <the namespace IRI> (predefined here: {known})"
    )


def _head(kind: str, media: str, truncated: bool = False) -> dict[str, Any]:
    return {"kind": kind, "media": media, "truncated": truncated}


def _write_results(
    results: QuerySolutions | QueryBoolean, job: Job, media: str, emit: Callable[[bytes], None]
) -> None:
    result_format = RESULT_FORMATS[media]
    if isinstance(results, QueryBoolean):
        writer = FrameWriter(emit, _head("boolean", media))
        results.serialize(_io(writer), result_format)
        writer.end()
    elif job.max_results is None:
        writer = FrameWriter(emit, _head("solutions", media))
        results.serialize(_io(writer), result_format)
        writer.end()
    else:
        rows, truncated = _first_rows(results, job.max_results)
        writer = FrameWriter(emit, _head("solutions", media, truncated))
        parsed = parse_query_results(rows, format=QueryResultsFormat.TSV)
        parsed.serialize(_io(writer), result_format)
        writer.end()


def _write_triples(
    results: QueryTriples, job: Job, media: str, emit: Callable[[bytes], None]
) -> None:
    graph_format = GRAPH_FORMATS[media]
    if job.max_results is None:
        writer = FrameWriter(emit, _head("triples", media))
        serialize(results, _io(writer), graph_format)
    else:
        triples = list(itertools.islice(results, job.max_results + 1))
        truncated = len(triples) > job.max_results
        writer = FrameWriter(emit, _head("triples", media, truncated))
        serialize(triples[: job.max_results], _io(writer), graph_format)
    writer.end()


class _Enough(Exception):
    """Raised into the serializer once the rows wanted are written."""


class _Lines:
    """A binary file keeping TSV text up to its ``limit``-th row."""

    def __init__(self, limit: int) -> None:
        self.limit = limit + 1  # the header line, then the rows
        self.parts: list[bytes] = []
        self.lines = 0
        self.more = False

    def write(self, data: bytes) -> int:
        lines = data.count(b"\n")
        if self.lines + lines < self.limit:
            self.parts.append(bytes(data))
            self.lines += lines
            return len(data)
        cut = -1
        for _ in range(self.limit - self.lines):
            cut = data.index(b"\n", cut + 1)
        self.parts.append(bytes(data[: cut + 1]))
        self.lines = self.limit
        if len(data) > cut + 1:
            self.more = True
            raise _Enough
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the text is kept."""


def _first_rows(results: QuerySolutions, limit: int) -> tuple[bytes, bool]:
    """The first ``limit`` rows as TSV, and whether there were more.

    TSV is the one result format with exactly one line per row, and it writes every term
    as the engine knows it; the engine serializes it, and parses it back for the format
    the client wants.
    """
    lines = _Lines(limit)
    try:
        results.serialize(_io(lines), QueryResultsFormat.TSV)
    except (_Enough, OSError):  # the serializer may wrap what write() raised
        if not lines.more:
            raise
    return b"".join(lines.parts), lines.more


def _io(writer: FrameWriter | _Lines) -> IO[bytes]:
    """A writer as the serializers' type: they call only ``write`` (and ``flush``)."""
    return cast(IO[bytes], writer)


def error_frame(problem: Problem) -> bytes:
    """The ``ERROR`` frame telling the client of ``problem``."""
    return wire.frame(
        wire.ERROR,
        wire.encode({"status": problem.status, "slug": problem.slug, "detail": problem.detail}),
    )


def _refusal(formats: Mapping[str, object], kind: str) -> str:
    offered = ", ".join(sorted(formats))
    return f"none of the types in Accept is offered for a {kind} query; offered: {offered}"
