"""GET /resource?uri=: concept URIs dereferenced, as linked data expects.

The ESCO concept URIs (``http://data.europa.eu/esco/...``) are the European Commission's,
so they resolve there; this is the same description from this store, asked for with the
ESCO Web Service API's parameter. By ``Accept`` (or ``format``, for a link): Turtle (also
for ``*/*``), N-Triples, RDF/XML or JSON-LD (compacted with a ``@context`` of the usual
prefixes); a browser (``text/html``) gets the concept's page (:mod:`service.pages`), a JSON
client (``application/json``) is sent on (303) to the concept's JSON answer.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal
from urllib.parse import urlencode

import rdflib
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse
from pyoxigraph import RdfFormat, serialize

from graph import terms as t
from graph.terms import PREFIXES
from service import pages
from service.cache import none_match
from service.deps import CatalogDep, StoreDep
from service.examples import PRODUCER
from service.language import choose
from service.negotiation import media_type
from service.pages import concepts
from service.problems import ProblemError, responses

router = APIRouter(tags=["linked data"], responses=responses(404, 406, 422, 503))

RDF_FORMATS = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/rdf+xml": RdfFormat.RDF_XML,
    "application/ld+json": RdfFormat.JSON_LD,
}
PAGES = ("text/html", "application/json")
OFFERED: dict[str, object] = {**RDF_FORMATS, **dict.fromkeys(PAGES)}
FORMATS = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
"""``format``'s values: what a link asks for, where it cannot set ``Accept``."""


def wants(request: Request) -> str:
    """The media type a request for a concept is answered in: ``format`` if given, else by
    ``Accept``.

    :raises ProblemError: 406 if nothing offered is acceptable, 422 for an unknown format.
    """
    chosen = request.query_params.get("format")
    if chosen is not None:
        if chosen not in FORMATS:
            raise ProblemError(
                422, "invalid-parameter", "format must be one of " + ", ".join(FORMATS)
            )
        return FORMATS[chosen]
    media = media_type(request.headers.get("accept", ""), OFFERED, "text/turtle")
    if media is None:
        raise ProblemError(
            406, "not-acceptable", "this resource is offered as " + ", ".join(OFFERED)
        )
    return media


CONTEXT = {prefix: namespace for prefix, namespace in PREFIXES.items() if prefix != "dct"}


@router.get(
    "/resource",
    summary="A concept as linked data",
    response_class=Response,
    responses={
        200: {"content": {media: {} for media in RDF_FORMATS}, "description": "The concept."},
        303: {
            "description": "To the concept's JSON answer (for application/json), or its "
            "JSON-LD for a resource with no JSON answer of its own."
        },
    },
)
def resource(
    request: Request,
    store: StoreDep,
    catalog: CatalogDep,
    uri: Annotated[
        str,
        Query(
            description="The URI of a resource the store describes: an ESCO occupation, "
            "skill or ISCO-08 group, or any other (an O*NET occupation, a model term, a skill "
            "group, a concept scheme, a mapping record).",
            examples=[f"http://data.europa.eu/esco/occupation/{PRODUCER}"],
            # Documented, not enforced here: the catalog's refusal says what a URI looks like.
            json_schema_extra={"pattern": t.RESOURCE_URI_PATTERN, "maxLength": 2000},
        ),
    ],
    format: Annotated[
        Literal["turtle", "ntriples", "rdfxml", "jsonld"] | None,
        Query(description="The RDF format, for a link that cannot set Accept (wins over it)."),
    ] = None,
) -> Response:
    """The concept's own triples, the labels of the concepts it points to, and its stored
    similar occupations and prospects, in the RDF format the client accepts (or ``format``
    names: turtle, ntriples, rdfxml, jsonld); its page for a browser."""
    media = wants(request)
    if media == "text/html":
        language = choose(
            catalog.translations(store),
            request.query_params.get("language"),
            request.headers.get("accept-language"),
        ).language
        request.scope[pages.PAGE_FLAG] = True
        return concepts.page(request, store, catalog, uri, language)
    # An RDF or JSON client (at a page's path too): its errors are problems, not pages.
    request.scope[pages.PAGE_FLAG] = False
    triples, page = catalog.describe(store, uri)
    version = f'W/"{request.app.state.store_source.get().path.name}"'
    headers = {"Vary": "Accept", "ETag": version}
    if media in PAGES:
        root = request.scope.get("root_path", "").rstrip("/")  # behind a proxy's prefix
        if page is None:  # no JSON answer of its own: its JSON-LD
            page = "/resource?" + urlencode({"uri": uri, "format": "jsonld"})
        return RedirectResponse(root + page, status_code=303, headers=headers)
    conditional = request.headers.get("if-none-match")
    if conditional is not None and none_match(conditional, version):
        return Response(status_code=304, headers=headers)
    if media == "application/ld+json":
        body = _compacted(serialize(triples, format=RdfFormat.N_TRIPLES) or b"")
    else:
        body = serialize(triples, format=RDF_FORMATS[media], prefixes=PREFIXES) or b""
    return Response(body, media_type=media, headers=headers)


def _compacted(ntriples: bytes) -> bytes:
    """JSON-LD with a ``@context`` of the usual prefixes (rdflib's serializer compacts;
    Oxigraph's writes expanded JSON-LD)."""
    graph = rdflib.Graph()
    graph.parse(data=ntriples, format="nt")
    text = graph.serialize(format="json-ld", context=CONTEXT, auto_compact=True)
    return json.dumps(json.loads(text), ensure_ascii=False).encode()
