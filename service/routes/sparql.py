"""``/sparql``: the SPARQL 1.1 Protocol, read-only, in front of the query engine.

- ``GET /sparql?query=...``; ``POST`` with ``application/sparql-query`` (the body is the
  query) or ``application/x-www-form-urlencoded`` (``query=...``), in UTF-8 (a body that
  names another ``charset`` is 415, as the protocol requires); any other body type is 415.
  ``HEAD`` answers as ``GET`` without the body.
- ``GET /sparql`` with no query is the SPARQL 1.1 Service Description, in Turtle,
  N-Triples, RDF/XML or JSON-LD; for a browser (``text/html`` first in ``Accept``) it is
  the query page (:mod:`service.routes.pages`).
- ``default-graph-uri`` and ``named-graph-uri`` select the dataset, in the URL or the form.
- SELECT and ASK answer in SPARQL JSON, XML, CSV or TSV; CONSTRUCT and DESCRIBE in Turtle,
  N-Triples, RDF/XML, JSON-LD or N-Quads: whichever the ``Accept`` list ranks first
  (q-values honoured, ``q=0`` excludes), or the ``format`` (or ``output``) parameter that
  Virtuoso's and Fuseki's clients send (``json``, ``xml``, ``csv``, ``tsv``, ``turtle``,
  ``ntriples``, ``rdfxml``, ``jsonld``, ``nquads``, or a media type). Nothing acceptable
  is 406.
- Relative IRIs in the query resolve against the endpoint's URL.
- Before the engine sees it, a query nesting deeper than :data:`engine.MAX_NESTING` levels
  is 400, and so is a ``SERVICE`` whose endpoint is not on the allowlist (no request ever
  leaves the server otherwise). A long text is screened off the event loop
  (:mod:`service.sparql_engine`); the query's time limit runs from the moment it is handed
  to the engine, after its body is read and screened.
- The answer is streamed as the engine writes it, within the engine's limits (see
  :mod:`engine.pool`): past them, or when the client leaves, the query is stopped. A query
  stopped after its answer has begun is cut (the chunked answer never ends), never
  passed off as complete.
- A syntax error is 400 with the parser's message; an update is 403 (read-only).
"""

from __future__ import annotations

import asyncio
import codecs
import functools
import logging
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from pyoxigraph import NamedNode
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import engine
from engine import GRAPH_FORMATS, RESULT_FORMATS, Job, Stopped
from graph.errors import UpdateNotAllowedError
from graph.releases import NAME_PATTERN, Release
from graph.store import OpenStore
from service import description
from service.body import MAX_BODY, read_body
from service.deps import asked_release
from service.negotiation import media_type
from service.problems import ProblemError, fault, render, responses
from service.settings import Settings
from service.sparql_engine import Reader, engine_of, reader_of

log = logging.getLogger("skillgraph.sparql")

router = APIRouter(tags=["sparql"], responses=responses(400, 403, 404, 406, 414, 503))

MAX_URL = 32 * 1024
"""Bytes of a GET's query string; longer ones are 414, asking to POST."""
ALLOW = "GET, HEAD, POST, OPTIONS"

RESULT_DEFAULT = "application/sparql-results+json"
GRAPH_DEFAULT = "text/turtle"

FORMAT_PARAMETER: dict[str, str] = {
    "json": "application/sparql-results+json, application/ld+json",
    "xml": "application/sparql-results+xml, application/rdf+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdf+xml": "application/rdf+xml",
    "n3": "text/turtle",
    "nquads": "application/n-quads",
    "nq": "application/n-quads",
}
"""What the ``format`` and ``output`` parameters name, as the Accept list they stand for."""

QUERY_DOC = (
    "A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE). Without it, GET answers the "
    "Service Description. Example: PREFIX esco: <http://data.europa.eu/esco/model#> "
    "SELECT (COUNT(*) AS ?n) WHERE { ?o a esco:Occupation }"
)


def _not_acceptable() -> ProblemError:
    offered = ", ".join(sorted(set(RESULT_FORMATS) | set(GRAPH_FORMATS)))
    return ProblemError(
        406, "not-acceptable", f"none of the types in Accept is offered; offered: {offered}"
    )


def _release_asked(scope: Scope, opened: OpenStore) -> Release:
    """The release the request's URL asks for (``selectedVersion`` or ``release``,
    :func:`service.deps.asked_release`): the default graph is that release's graphs, the
    model and the datasets. Its name goes out in ``ESCO-Release``."""
    asked = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    release = asked_release(opened, [*asked.get("selectedVersion", []), *asked.get("release", [])])
    scope.setdefault("state", {})["release"] = release.name  # ESCO-Release (ReleaseHeader)
    return release


def _graphs(uris: list[str], name: str) -> tuple[str, ...]:
    for uri in uris:
        try:
            NamedNode(uri)
        except ValueError as error:
            raise ProblemError(
                400, "malformed-query", f"{name} {uri!r} is not an IRI: {error}"
            ) from None
    return tuple(uris)


RELEASE_PARAMETERS = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "description": "The ESCO release whose graphs are the default graph (with the model "
        "and the datasets), as GET /releases lists them: the newest by default."
        + (" The same as selectedVersion." if name == "release" else ""),
        "schema": {"type": "string", "pattern": NAME_PATTERN},
    }
    for name in ("selectedVersion", "release")
]
"""The release a query asks, given in the URL (:func:`_release_asked`)."""


def _url_parameter(name: str, description_text: str) -> dict[str, object]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description_text,
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": True,
    }


@router.get(
    "/sparql",
    summary="SPARQL query (GET), or the Service Description",
    response_class=Response,
    responses={200: {"description": "Query results in the negotiated format."}},
    # Parameters are read from the URL directly rather than declared: the endpoint answers
    # before FastAPI's routing (see SparqlEndpoint); they are documented here.
    openapi_extra={
        "parameters": [
            _url_parameter("query", QUERY_DOC),
            _url_parameter("default-graph-uri", "Graphs to query as the default graph."),
            _url_parameter("named-graph-uri", "Graphs GRAPH clauses may query."),
            _url_parameter(
                "format", "The result format, overriding Accept: " + ", ".join(FORMAT_PARAMETER)
            ),
            *RELEASE_PARAMETERS,
        ]
    },
)
async def sparql_get(request: Request) -> Response:
    """Run a SPARQL query given in the URL (SPARQL 1.1 Protocol, query via GET)."""
    return await routed(request)


@router.post(
    "/sparql",
    summary="SPARQL query (POST)",
    response_class=Response,
    responses=responses(413, 415),
    openapi_extra={
        "parameters": RELEASE_PARAMETERS,
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
        },
    },
)
async def sparql_post(request: Request) -> Response:
    """Run a SPARQL query sent in the body (SPARQL 1.1 Protocol, query via POST)."""
    return await routed(request)


async def routed(request: Request) -> Response:
    # Reached only in an app without SparqlEndpoint in front (create_app adds it).
    sent: list[Message] = []

    async def keep(message: Message) -> None:
        sent.append(message)

    await respond(request.scope, request.receive, keep)
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    response = Response(content=body, status_code=start["status"])
    response.raw_headers = [h for h in start["headers"] if h[0] != b"content-length"]
    response.headers["content-length"] = str(len(body))
    return response


class SparqlEndpoint:
    """Pure ASGI middleware answering ``/sparql`` before FastAPI's routing: the answer is
    streamed from the engine, and the request is watched for the client leaving, which a
    routed response would not do until it starts writing. Added as the innermost
    middleware, so CORS still dresses its answers; the routes above document it."""

    def __init__(self, app: ASGIApp, *, path: str = "/sparql") -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _route_path(scope) == self.path and not a_page(scope):
            await respond(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def a_page(scope: Scope) -> bool:
    """Whether a request to the endpoint is a browser's for the query page: a GET with no
    query that puts ``text/html`` first in ``Accept`` (a SPARQL client asking for the
    Service Description does not)."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if scope["method"] != "GET" or "query" in query:
        return False
    accept = Headers(scope=scope).get("accept", "")
    return accept.split(",")[0].strip().lower().startswith("text/html")


def _route_path(scope: Scope) -> str:
    """The path as the router matches it: without the prefix a proxy serves the app under."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root + "/") else path


async def respond(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer one request to the endpoint: the results, or a problem for any error."""
    method = scope["method"]
    try:
        if method == "OPTIONS":
            await _send_empty(send, 204, [(b"allow", ALLOW.encode())])
            return
        if method not in ("GET", "HEAD", "POST"):
            raise ProblemError(
                405,
                "method-not-allowed",
                f"{method} is not a SPARQL protocol operation; use GET or POST",
                headers={"Allow": ALLOW},
            )
        request = await _read(scope, receive)
        if request is None:
            await _describe(scope, send)
            return
        await _answer(scope, receive, send, request)
    except Exception as error:
        await _problem(error, scope, receive, send)


async def _problem(error: Exception, scope: Scope, receive: Receive, send: Send) -> None:
    path = scope["path"]
    if isinstance(error, Stopped):
        error = ProblemError(error.status, error.slug, error.detail, headers=error.headers)
    response = render(error, path) or fault(error, path)
    if scope["method"] == "HEAD":
        response.body = b""
    await response(scope, receive, send)


class _Request:
    """What a query request asks for."""

    def __init__(self, query: str, defaults: list[str], named: list[str], accept: str) -> None:
        self.query = query
        self.defaults = defaults
        self.named = named
        self.accept = accept


async def _read(scope: Scope, receive: Receive) -> _Request | None:
    """The query, dataset and accepted types of a request; None for a GET with no query.

    :raises ProblemError: for anything malformed, too large or of the wrong type.
    """
    headers = Headers(scope=scope)
    raw_url: bytes = scope["query_string"]
    if len(raw_url) > MAX_URL:
        raise ProblemError(
            414,
            "uri-too-long",
            f"the URL's query string is {len(raw_url):,} bytes, over the {MAX_URL:,} this "
            "endpoint reads; send the query with POST (application/sparql-query) instead",
        )
    # As Starlette reads it: the URL's bytes as Latin-1, the escapes within as UTF-8.
    url = _form(raw_url.decode("latin-1"), "utf-8")
    if "update" in url:
        raise UpdateNotAllowedError("this endpoint is read-only: SPARQL updates are refused")
    fields = url
    if scope["method"] == "POST":
        fields = await _posted(headers, url, receive, reader_of(scope["app"].state))
    queries = fields.get("query", [])
    if not queries:
        if scope["method"] == "POST":
            raise ProblemError(400, "malformed-query", "give the SPARQL query in 'query'")
        return None
    if len(queries) > 1:
        raise ProblemError(400, "malformed-query", "give exactly one 'query' parameter")
    formats = fields.get("format", []) + fields.get("output", [])
    accept = headers.get("accept", "")
    if formats:
        accept = _format_parameter(formats[-1]) or accept
    return _Request(
        queries[0],
        fields.get("default-graph-uri", []),
        fields.get("named-graph-uri", []),
        accept,
    )


def _format_parameter(value: str) -> str | None:
    """The Accept list a ``format``/``output`` value stands for; None for a value this
    endpoint does not know, which leaves the Accept header to decide (SPARQLWrapper sends
    its own names along with a matching Accept)."""
    value = value.strip()
    if "/" in value:
        return value
    return FORMAT_PARAMETER.get(value.lower())


def _form(text: str, charset: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, encoding=charset, errors="strict")
    except UnicodeDecodeError:
        raise ProblemError(
            400, "malformed-query", f"a parameter's escapes are not {charset}"
        ) from None


async def _posted(
    headers: Headers, url: dict[str, list[str]], receive: Receive, reader: Reader
) -> dict[str, list[str]]:
    """The fields of a POST: the body is the query, or a form holding it (decoded off the
    event loop when it is long)."""
    content_type, _, parameters = headers.get("content-type", "").partition(";")
    content_type = content_type.strip().lower()
    if content_type == "application/sparql-update":
        raise UpdateNotAllowedError("this endpoint is read-only: SPARQL updates are refused")
    if content_type not in ("application/sparql-query", "application/x-www-form-urlencoded"):
        raise ProblemError(
            415,
            "unsupported-media-type",
            f"send the query as application/sparql-query or application/x-www-form-urlencoded, "
            f"not {content_type or 'no Content-Type'}",
        )
    charset = _charset(parameters)
    body = await read_body(receive, MAX_BODY)
    if body is None:
        raise ProblemError(400, "malformed-query", "the client left before sending the query")
    if content_type == "application/sparql-query":
        try:
            text = body.decode(charset)
        except UnicodeDecodeError:
            raise ProblemError(
                400, "malformed-query", f"the request body is not {charset}"
            ) from None
        return {**url, "query": [text]}
    try:
        form_text = body.decode("ascii")
    except UnicodeDecodeError:
        raise ProblemError(
            400, "malformed-query", "a form body must be ASCII, with the rest %-escaped"
        ) from None
    form = await reader.run(len(form_text), functools.partial(_form, form_text, charset))
    if "update" in form:
        raise UpdateNotAllowedError("this endpoint is read-only: SPARQL updates are refused")
    return {k: url.get(k, []) + form.get(k, []) for k in set(url) | set(form)}


def _charset(parameters: str) -> str:
    """The body's character set, from the Content-Type's parameters: UTF-8 (or its subset
    ASCII), as the SPARQL Protocol requires.

    :raises ProblemError: 415 for any other character set.
    """
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"')
            try:
                known = codecs.lookup(charset).name
            except LookupError:
                known = None
            if known not in ("utf-8", "ascii"):
                raise ProblemError(
                    415,
                    "unsupported-charset",
                    f"charset={charset}: the SPARQL protocol takes queries in UTF-8; "
                    "send the query as UTF-8",
                )
            return "utf-8"
    return "utf-8"


def endpoint_url(scope: Scope) -> str:
    """This endpoint's URL as the client addressed it: the base IRI of its queries."""
    headers = Headers(scope=scope)
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = server[0] if server[1] in (None, 80, 443) else f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}{_route_path(scope)}"


def _base_iri(scope: Scope) -> str | None:
    url = endpoint_url(scope)
    try:
        NamedNode(url)
    except ValueError:  # a Host header that makes no IRI: relative IRIs stay unresolved
        return None
    return url


def _screen(screened: engine.Screened, allowed: frozenset[str]) -> tuple[bool, bool]:
    """Refuse what must not reach the engine; whether the query calls a SERVICE, and
    whether it names its own dataset."""
    if screened.nesting > engine.MAX_NESTING:
        raise ProblemError(
            400,
            "too-deep",
            f"the query nests {screened.nesting} levels deep (brackets and operators); "
            f"this endpoint parses at most {engine.MAX_NESTING}",
        )
    for service in screened.services:
        if service.endpoint is None:
            raise ProblemError(
                400,
                "service-not-allowed",
                f"SERVICE {service.written}: the endpoint must be an IRI of the allowlist",
            )
        if service.endpoint not in allowed:
            hint = (
                "this endpoint calls no other" if not allowed else "allowed: " + ", ".join(allowed)
            )
            raise ProblemError(
                400,
                "service-not-allowed",
                f"SERVICE <{service.endpoint}> is not allowed ({hint}; the operator adds "
                "endpoints with --allow-service)",
            )
    return bool(screened.services), screened.dataset


async def _answer(scope: Scope, receive: Receive, send: Send, request: _Request) -> None:
    state = scope["app"].state
    base = _base_iri(scope)
    # Off the event loop for a long text (see service.sparql_engine), as is its form.
    screened = await reader_of(state).screen(request.query, base)
    calls_services, own_dataset = _screen(screened, _settings(state).allowed_services)
    result_media = media_type(request.accept, RESULT_FORMATS, RESULT_DEFAULT)
    graph_media = media_type(request.accept, GRAPH_FORMATS, GRAPH_DEFAULT)
    if result_media is None and graph_media is None:
        raise _not_acceptable()
    opened = state.store_source.get()
    if request.defaults:
        default_graph: tuple[str, ...] | None = _graphs(request.defaults, "default-graph-uri")
    elif own_dataset:
        default_graph = None  # the query's FROM
    else:  # the release asked for (the newest by default); a store without releases: the union
        release = _release_asked(scope, opened)
        default_graph = tuple(g.value for g in release.graphs) or None
    job = Job(
        store=str(opened.path),
        query=request.query,
        base_iri=base,
        default_graph=default_graph,
        named_graphs=_graphs(request.named, "named-graph-uri") if request.named else None,
        result_media=result_media,
        graph_media=graph_media,
        calls_services=calls_services,
        own_dataset=own_dataset,
    )
    query_engine = engine_of(state)
    # The query runs in this task; a watcher cancels it if the client leaves, and the
    # engine's block then kills the query's worker.
    this = asyncio.current_task()
    assert this is not None
    state_of = {"left": False, "done": False}

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        if not state_of["done"]:
            state_of["left"] = True
            this.cancel()

    watcher = asyncio.ensure_future(watch())
    try:
        await _stream(query_engine, job, scope, send)
    except asyncio.CancelledError:
        if not state_of["left"]:
            raise
        this.uncancel()  # the client left: nothing more to answer
    finally:
        state_of["done"] = True
        watcher.cancel()


async def _stream(
    query_engine: engine.ProcessEngine | engine.ThreadEngine,
    job: Job,
    scope: Scope,
    send: Send,
) -> None:
    head_only = scope["method"] == "HEAD"
    # The time limit runs from here: reading and screening the query do not count.
    async with query_engine.answer(job) as answer:
        media = answer.media
        if media.startswith("text/") or media.endswith(("json", "xml")):
            media += "; charset=utf-8"
        headers = [(b"content-type", media.encode("latin-1")), (b"vary", b"accept")]
        if answer.truncated:
            limit = query_engine.limits.max_results
            headers.append((b"x-sparql-maxrows", str(limit).encode()))
        chunks = answer.chunks
        first = b""
        # A short answer is one chunk and an END: send it with a length, unchunked.
        async for chunk in chunks:
            first = chunk
            break
        else:
            headers.append((b"content-length", b"0"))
            await _start(send, headers)
            await send({"type": "http.response.body", "body": b""})
            return
        second = await anext(chunks, None)
        if second is None:
            headers.append((b"content-length", str(len(first)).encode()))
            await _start(send, headers)
            await send({"type": "http.response.body", "body": b"" if head_only else first})
            return
        await _start(send, headers)
        try:
            if not head_only:
                await send({"type": "http.response.body", "body": first, "more_body": True})
                await send({"type": "http.response.body", "body": second, "more_body": True})
            async for chunk in chunks:
                if not head_only:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except Stopped as stopped:
            # The answer has begun: it can only be cut, so that no client takes it as whole.
            log.warning("a SPARQL answer was cut: %s", stopped.detail)
            return
        await send({"type": "http.response.body", "body": b""})


async def _start(send: Send, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": headers})


async def _send_empty(send: Send, status: int, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def _settings(state: object) -> Settings:
    return getattr(state, "settings", None) or Settings()


async def _describe(scope: Scope, send: Send) -> None:
    """The Service Description, in the RDF format the client accepts."""
    state = scope["app"].state
    accept = Headers(scope=scope).get("accept", "")
    media = media_type(accept, description.FORMATS, description.DEFAULT)
    if media is None:
        offered = ", ".join(description.FORMATS)
        raise ProblemError(
            406, "not-acceptable", f"the Service Description is offered as: {offered}"
        )
    opened = state.store_source.get()
    # Counted once per store version and kept with its indexes, off the event loop (a scan),
    # one count at a time: those who ask meanwhile wait here, not in a thread each.
    release = _release_asked(scope, opened)
    sizes = state.catalog.graph_sizes_counted(release)
    if sizes is None:
        async with state.graph_counting:
            sizes = await asyncio.to_thread(state.catalog.graph_sizes, release)
    # The languages, read with the release's indexes (on a bare store, read here).
    translations = await asyncio.to_thread(state.catalog.translations, release)
    languages = translations.languages
    body = description.describe(
        endpoint_url(scope),
        media,
        triples=opened.triples,
        graphs=sizes,
        settings=_settings(state),
        languages=languages,
        default_graphs=[g.value for g in release.graphs] or None,
    )
    charset = "; charset=utf-8" if media.startswith("text/") or "json" in media else ""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", (media + charset).encode()),
                (b"content-length", str(len(body)).encode()),
                (b"vary", b"accept"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
