"""GET and POST /sparql: the SPARQL 1.1 Protocol, read-only, as Oxigraph's server does it.

- ``GET /sparql?query=...``; ``POST`` with ``application/sparql-query`` (the body is the
  query) or ``application/x-www-form-urlencoded`` (``query=...``); any other body type 415.
- ``default-graph-uri`` and ``named-graph-uri`` select the dataset, in the URL or the form.
- SELECT and ASK answer in SPARQL JSON, XML, CSV or TSV; CONSTRUCT and DESCRIBE in Turtle,
  N-Triples, RDF/XML or JSON-LD, whichever the ``Accept`` list ranks first (q-values
  honoured); nothing acceptable is 406.
- A syntax error is 400 with the parser's message; an update is 403 (read-only).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor
from typing import TypeVar
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
)
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from graph.errors import UpdateNotAllowedError
from graph.queries import run_query
from service.deps import StoreSource
from service.problems import ProblemError, fault, render, responses

router = APIRouter(tags=["sparql"], responses=responses(400, 403, 406, 503))

F = TypeVar("F")

MAX_BODY = 1 << 20  # a SPARQL query larger than 1 MiB is not a query people write

RESULT_FORMATS: dict[str, QueryResultsFormat] = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "application/xml": QueryResultsFormat.XML,
    "text/xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
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
RESULT_DEFAULT = ("application/sparql-results+json", QueryResultsFormat.JSON)
GRAPH_DEFAULT = ("text/turtle", RdfFormat.TURTLE)

QUERY_DOC = (
    "A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE). Example: "
    "PREFIX esco: <http://data.europa.eu/esco/model#> SELECT (COUNT(*) AS ?n) "
    "WHERE { ?o a esco:Occupation }"
)


def negotiate(accept: str, formats: dict[str, F], default: tuple[str, F]) -> tuple[str, F]:
    """The best format for an ``Accept`` header: highest q first, then earliest listed.

    :raises ProblemError: 406 if nothing listed is on offer, 400 if the header is malformed.
    """
    if not accept.strip():
        return default
    best: tuple[float, int, tuple[str, F]] | None = None
    for position, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if not media:
            continue
        quality = 1.0
        for parameter in parts[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    raise ProblemError(
                        400, "bad-accept", f"invalid q-value in Accept: {item.strip()!r}"
                    ) from None
        if quality <= 0:
            continue
        if media in ("*/*", default[0].split("/")[0] + "/*"):
            choice: tuple[str, F] | None = default
        elif media.endswith("/*"):
            prefix = media[:-1]
            choice = next(((m, f) for m, f in formats.items() if m.startswith(prefix)), None)
        else:
            choice = (media, formats[media]) if media in formats else None
        if choice is None:
            continue
        key = (quality, -position, choice)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None:
        offered = ", ".join(sorted(set(formats)))
        raise ProblemError(
            406, "not-acceptable", f"none of the types in Accept is offered; offered: {offered}"
        )
    return best[2]


def _params(items: dict[str, list[str]]) -> tuple[list[str], list[str], list[str]]:
    return (
        items.get("query", []),
        items.get("default-graph-uri", []),
        items.get("named-graph-uri", []),
    )


def _graphs(uris: list[str], name: str) -> list[NamedNode]:
    nodes = []
    for uri in uris:
        try:
            nodes.append(NamedNode(uri))
        except ValueError as error:
            raise ProblemError(
                400, "malformed-query", f"{name} {uri!r} is not an IRI: {error}"
            ) from None
    return nodes


def _execute(
    store: Store, accept: str, queries: list[str], defaults: list[str], named: list[str]
) -> tuple[str, bytes]:
    """Run the query and serialize its results: (media type with charset, body)."""
    if not queries:
        raise ProblemError(400, "malformed-query", "give the SPARQL query in the 'query' parameter")
    if len(queries) > 1:
        raise ProblemError(400, "malformed-query", "give exactly one 'query' parameter")
    options: dict[str, object] = {}
    if defaults:
        options["default_graph"] = _graphs(defaults, "default-graph-uri")
    if named:
        options["named_graphs"] = _graphs(named, "named-graph-uri")
    results = run_query(store, queries[0], **options)
    if isinstance(results, QuerySolutions | QueryBoolean):
        media, result_format = negotiate(accept, RESULT_FORMATS, RESULT_DEFAULT)
        body = results.serialize(format=result_format)
    elif isinstance(results, QueryTriples):
        media, graph_format = negotiate(accept, GRAPH_FORMATS, GRAPH_DEFAULT)
        body = results.serialize(format=graph_format)
    else:  # pragma: no cover - pyoxigraph returns one of the three
        raise TypeError(f"unexpected query result {type(results)!r}")
    charset = (
        "; charset=utf-8" if media.startswith("text/") or media.endswith(("json", "xml")) else ""
    )
    return media + charset, body or b""


def _url_parameter(name: str, description: str) -> dict[str, object]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": True,
    }


@router.get(
    "/sparql",
    summary="SPARQL query (GET)",
    response_class=Response,
    responses={200: {"description": "Query results in the negotiated format."}},
    # Parameters are read from the URL directly rather than declared: FastAPI's validation
    # costs more than small queries take (docs/benchmarks.md); they are documented here.
    openapi_extra={
        "parameters": [
            _url_parameter("query", QUERY_DOC),
            _url_parameter("default-graph-uri", "Graphs to query as the default graph."),
            _url_parameter("named-graph-uri", "Graphs GRAPH clauses may query."),
        ]
    },
)
async def sparql_get(request: Request) -> Response:
    """Run a SPARQL query given in the URL (SPARQL 1.1 Protocol, query via GET)."""
    return await _routed(request)


@router.post(
    "/sparql",
    summary="SPARQL query (POST)",
    response_class=Response,
    responses=responses(413, 415),
    openapi_extra={
        "requestBody": {
            "content": {
                "application/sparql-query": {
                    "schema": {"type": "string"},
                    "example": "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
                },
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {"query": {"type": "string"}},
                        "required": ["query"],
                    }
                },
            },
            "required": True,
        }
    },
)
async def sparql_post(request: Request) -> Response:
    """Run a SPARQL query sent in the body (SPARQL 1.1 Protocol, query via POST)."""
    return await _routed(request)


async def _routed(request: Request) -> Response:
    # Reached in an app without SparqlEndpoint (create_app adds it): the same protocol.
    media, body = await answer(request.scope, request.receive)
    return Response(content=body, media_type=media)


class SparqlEndpoint:
    """Pure ASGI middleware answering ``GET`` and ``POST /sparql`` before FastAPI's routing.

    On small queries the layers a request crosses show against Oxigraph's own server. Over
    HTTP, an ``ASK {}`` cost 0.43 ms more through the routed endpoint than through a bare
    uvicorn app; answered here, 0.21 ms more. Routing, FastAPI's exception and exit-stack
    middleware, the request and response objects and AnyIO's thread hop made the difference.
    Added as the innermost middleware, so CORS still dresses its answers; the routes above
    document the endpoint, and answer the same where this does not sit in front of them.
    :class:`service.app.SkillgraphAPI` also calls :meth:`respond` ahead of every middleware
    for the requests none of them changes.
    """

    def __init__(self, app: ASGIApp, *, path: str = "/sparql") -> None:
        self.app = app
        self.path = path

    def handles(self, scope: Scope) -> bool:
        """Whether this is a query to the endpoint (other methods get the router's 405)."""
        return (
            scope["type"] == "http"
            and scope["method"] in ("GET", "POST")
            and _route_path(scope) == self.path
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.handles(scope):
            await self.respond(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def respond(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a request :meth:`handles`: the results, or a problem for any error."""
        try:
            media, body = await answer(scope, receive)
        except Exception as error:
            problem = render(error, scope["path"]) or fault(error, scope["path"])
            await problem(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", media.encode("latin-1")),
                    (b"content-length", str(len(body)).encode("latin-1")),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _route_path(scope: Scope) -> str:
    """The path as the router matches it: without the prefix a proxy serves the app under."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root + "/") else path


async def answer(scope: Scope, receive: Receive) -> tuple[str, bytes]:
    """The media type and body answering a request to the endpoint, SPARQL 1.1 Protocol.
    The query runs in the app's ``state.sparql_pool`` (made for each run of the app), or in
    AnyIO's threads if it has none.

    :raises ProblemError: and the graph's errors, for :func:`service.problems.render`.
    """
    headers = Headers(scope=scope)
    # As Starlette reads it: the URL's bytes as Latin-1, the escapes within as UTF-8.
    url = parse_qs(scope["query_string"].decode("latin-1"), keep_blank_values=True)
    if "update" in url:
        raise UpdateNotAllowedError("this endpoint is read-only: SPARQL updates are refused")
    if scope["method"] == "GET":
        queries, defaults, named = _params(url)
    else:
        queries, defaults, named = await _posted(headers, url, receive)
    state = scope["app"].state
    source: StoreSource = state.store_source
    store = source.get().store
    accept = headers.get("accept", "")
    pool: Executor | None = getattr(state, "sparql_pool", None)
    if pool is None:
        return await run_in_threadpool(_execute, store, accept, queries, defaults, named)
    return await asyncio.get_running_loop().run_in_executor(
        pool, _execute, store, accept, queries, defaults, named
    )


async def _posted(
    headers: Headers, url: dict[str, list[str]], receive: Receive
) -> tuple[list[str], list[str], list[str]]:
    """The query and dataset of a POST: the body is the query, or a form holding it."""
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/sparql-update":
        raise UpdateNotAllowedError("this endpoint is read-only: SPARQL updates are refused")
    if content_type not in ("application/sparql-query", "application/x-www-form-urlencoded"):
        raise ProblemError(
            415,
            "unsupported-media-type",
            f"send the query as application/sparql-query or application/x-www-form-urlencoded, "
            f"not {content_type or 'no Content-Type'}",
        )
    body = await _body(receive)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProblemError(400, "malformed-query", "the request body is not UTF-8") from None
    if content_type == "application/sparql-query":
        _, defaults, named = _params(url)
        return [text], defaults, named
    form = parse_qs(text, keep_blank_values=True)
    if "update" in form:
        raise UpdateNotAllowedError("this endpoint is read-only: SPARQL updates are refused")
    return _params({k: url.get(k, []) + form.get(k, []) for k in set(url) | set(form)})


async def _body(receive: Receive) -> bytes:
    """The request body, refused (413) as soon as it passes :data:`MAX_BODY`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ProblemError(400, "malformed-query", "the client left before sending the query")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise ProblemError(413, "too-large", f"SPARQL requests are limited to {MAX_BODY} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)
