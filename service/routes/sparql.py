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

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
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

from graph.errors import UpdateNotAllowedError
from graph.queries import run_query
from service.deps import get_open_store
from service.problems import ProblemError, responses


class _Direct(APIRoute):
    """A route whose endpoint takes the request and returns the response as they are.
    FastAPI's dependency solving and validation took about a quarter of what the app adds
    to a SPARQL request (0.07 of 0.3 ms, measured in-process), which shows against
    Oxigraph's own server on small queries. The decorators still describe the route for the
    API docs."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        return self.endpoint


router = APIRouter(tags=["sparql"], responses=responses(400, 403, 406, 503), route_class=_Direct)

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
    store: Store, request: Request, queries: list[str], defaults: list[str], named: list[str]
) -> Response:
    if not queries:
        raise ProblemError(400, "malformed-query", "give the SPARQL query in the 'query' parameter")
    if len(queries) > 1:
        raise ProblemError(400, "malformed-query", "give exactly one 'query' parameter")
    options: dict[str, object] = {}
    if defaults:
        options["default_graph"] = _graphs(defaults, "default-graph-uri")
    if named:
        options["named_graphs"] = _graphs(named, "named-graph-uri")
    accept = request.headers.get("accept", "")
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
    return Response(content=body or b"", media_type=media + charset)


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
    url = parse_qs(request.url.query, keep_blank_values=True)
    if "update" in url:
        raise UpdateNotAllowedError("this endpoint is read-only: SPARQL updates are refused")
    queries, defaults, named = _params(url)
    store = (await get_open_store(request)).store
    return await run_in_threadpool(_execute, store, request, queries, defaults, named)


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
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    url = parse_qs(request.url.query, keep_blank_values=True)
    if content_type == "application/sparql-update":
        raise UpdateNotAllowedError("this endpoint is read-only: SPARQL updates are refused")
    if content_type not in ("application/sparql-query", "application/x-www-form-urlencoded"):
        raise ProblemError(
            415,
            "unsupported-media-type",
            f"send the query as application/sparql-query or application/x-www-form-urlencoded, "
            f"not {content_type or 'no Content-Type'}",
        )
    body = await request.body()
    if len(body) > MAX_BODY:
        raise ProblemError(413, "too-large", f"SPARQL requests are limited to {MAX_BODY} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProblemError(400, "malformed-query", "the request body is not UTF-8") from None
    if content_type == "application/sparql-query":
        queries = [text]
        _, defaults, named = _params(url)
    else:
        form = parse_qs(text, keep_blank_values=True)
        if "update" in form:
            raise UpdateNotAllowedError("this endpoint is read-only: SPARQL updates are refused")
        queries, defaults, named = _params(
            {k: url.get(k, []) + form.get(k, []) for k in set(url) | set(form)}
        )
    store = (await get_open_store(request)).store
    return await run_in_threadpool(_execute, store, request, queries, defaults, named)
