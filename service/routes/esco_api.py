"""The ESCO Web Service API, served under ``/esco/api``: software written for
``https://ec.europa.eu/esco/api`` (or an organisation's local ESCO API) changes its base URL
and nothing else.

- ``GET /esco/api/resource/{taxonomy,concept,occupation,skill}``: one concept by ``uri``,
  several by ``uris``, or the members of a concept scheme by ``isInScheme``, paged by
  ``offset`` (a page number, as the ESCO API counts it) and ``limit``. Documents as the ESCO
  API shapes them (:mod:`graph.esco_api`), with ``href`` links back to this service.
- ``GET /esco/api/resource/related?uri=&relation=``: the concepts one relation links to.
- ``GET /esco/api/search`` and ``GET /esco/api/suggest2``: skillgraph's ranked search and
  its autocomplete, in the ESCO API's shape; each hit also says which label matched, how,
  and its score (``matchedLabel``, ``matchKind``, ``matchType``, ``score``).

Versions are ``selectedVersion`` (the releases of :mod:`graph.releases`; the newest loaded
by default), languages ``language``. Every answer names its release (``ESCO-Release``, and a
``release`` member). Errors carry the ESCO API's members (``logref``, ``status``,
``message``, ``_links``) inside an RFC 9457 problem, and a malformed parameter is a 400 as
there (:func:`service.problems.install`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from graph import esco_api as e
from graph.catalog import Catalog
from graph.errors import NotFoundError
from graph.releases import Release
from graph.suggest import MAX_LIMIT as SUGGEST_MAX
from service.deps import CatalogDep, get_release
from service.language import LanguageDep
from service.problems import ProblemError, responses

BASE = "/esco/api"
MEDIA_TYPE = "application/json"
MAX_PAGE = 20_000
"""The largest ``limit`` of a listing: every skill of ESCO on one page (streamed)."""
MAX_SEARCH = 100
"""The largest ``limit`` of a search page."""
MAX_RELATED = 1_000
"""The largest ``limit`` of ``/resource/related`` (whose page is built whole)."""
MAX_RANKED = 10_000
"""How far down its ranking a search reads to fill a page (or to filter by scheme)."""


async def mark(request: Request) -> None:
    """Flag the request as the ESCO API's, whose errors take its shape and status."""
    request.state.esco_api = True


ERRORS = responses(400, 404, 503)
ERRORS[400]["description"] = "A parameter is missing or malformed (the ESCO API's 400)"
ERRORS[404]["description"] = "No such concept in the release, or no such release"

router = APIRouter(
    prefix=BASE, tags=["ESCO Web Service API"], dependencies=[Depends(mark)], responses=ERRORS
)

Uri = Annotated[
    str | None,
    Query(
        max_length=500,
        description="The concept's URI, as ESCO names it.",
        examples=["http://data.europa.eu/esco/occupation/52b9e8dc-de6c-41dd-b29a-e1291c273f6f"],
    ),
]
Uris = Annotated[
    list[str] | None,
    Query(max_length=100, description="Several concepts' URIs (repeat the parameter)."),
]
InScheme = Annotated[
    str | None,
    Query(
        alias="isInScheme",
        max_length=500,
        description="List the concepts of this concept scheme.",
        examples=["http://data.europa.eu/esco/concept-scheme/member-skills"],
    ),
]
Page = Annotated[
    int,
    Query(ge=0, le=100_000, description="The page (0 for the first), as the ESCO API counts it."),
]
ViewObsolete = Annotated[
    bool,
    Query(
        alias="viewObsolete",
        description="Accepted for the ESCO API's clients: the CSV downloads hold no obsolete "
        "concepts, so it changes nothing.",
    ),
]
Kind = Literal["taxonomy", "concept", "occupation", "skill"]


class _Answer:
    """What every answer of one request shares: its release, language and links."""

    def __init__(self, request: Request, release: Release, language: str, main: str) -> None:
        self.release = release
        self.language = language
        self.base = str(request.base_url).rstrip("/") + BASE
        self.params = {"language": language, "selectedVersion": release.name}
        """what every link carries, so that a client following it stays in the answer's
        release and language"""
        self._carried = urlencode(self.params)
        self.docs = e.Documents(release, language, self.href, main=main)

    def href(self, kind: str, uri: str) -> str:
        return f"{self.base}/resource/{kind}?uri={quote(uri, safe=':/')}&{self._carried}"

    def page_links(
        self, path: str, query: dict[str, Any], page: int, limit: int, total: int
    ) -> dict[str, Any]:
        """``self``, ``first``, ``prev``, ``next`` and ``last`` of a paged answer."""
        last = max(0, (total - 1) // limit) if total else 0

        def at(number: int) -> dict[str, str]:
            fields = {**query, **self.params, "offset": number, "limit": limit}
            pairs = [(k, v) for k, values in fields.items() for v in _each(values)]
            return {"href": f"{self.base}{path}?{urlencode(pairs, safe=':/')}"}

        links = {"self": at(page), "first": at(0)}
        if page > 0:
            links["prev"] = at(min(page - 1, last))
        if page < last:
            links["next"] = at(page + 1)
        links["last"] = at(last)
        return links


def _each(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


async def get_answer(
    request: Request,
    release: Annotated[Release, Depends(get_release)],
    lang: LanguageDep,
) -> _Answer:
    """What the request's answer shares: its release, language and links."""
    return _Answer(request, release, lang.language, lang.translations.main)


AnswerDep = Annotated[_Answer, Depends(get_answer)]


def _not_found(kind: str, uri: str) -> Exception:
    """A concept the release lacks: the 404 names the releases that have it, if any
    (:func:`service.problems.install`)."""
    if e.as_node(uri) is None:
        return ProblemError(404, "not-found", f"no {kind} {uri[:200]!r}: that is no IRI")
    return NotFoundError(kind if kind in ("occupation", "skill") else "concept", uri)


@router.get("/resource/related", summary="The concepts a relation links a concept to")
async def related(
    answer: AnswerDep,
    uri: Annotated[str, Query(max_length=500, description="The concept's URI.")],
    relation: Annotated[
        Literal[e.RELATIONS],  # type: ignore[valid-type]
        Query(description="A relation of its `_links` (hasEssentialSkill, narrowerConcept...)."),
    ],
    offset: Page = 0,
    limit: Annotated[
        int, Query(ge=1, le=MAX_RELATED, description=f"How many on a page, 1 to {MAX_RELATED}.")
    ] = 100,
) -> Response:
    """The full documents of the concepts ``uri``'s ``relation`` links to, in
    ``_embedded.{relation}``, paged as a listing is."""
    release = answer.release

    def build() -> dict[str, Any]:
        targets = answer.docs.related(uri, relation)
        if targets is None:
            raise _not_found("concept", uri)
        chosen = targets[offset * limit : (offset + 1) * limit]
        return {
            "uri": uri,
            "relation": relation,
            "total": len(targets),
            "offset": offset,
            "limit": limit,
            "release": release.name,
            "language": answer.language,
            "_links": answer.page_links(
                "/resource/related", {"uri": uri, "relation": relation}, offset, limit, len(targets)
            ),
            "_embedded": {relation: [doc for _, doc in answer.docs.documents(chosen)]},
        }

    return JSONResponse(await run_in_threadpool(build), media_type=MEDIA_TYPE)


@router.get("/resource/{kind}", summary="Concepts as the ESCO API gives them")
async def resource(
    kind: Kind,
    answer: AnswerDep,
    uri: Uri = None,
    uris: Uris = None,
    in_scheme: InScheme = None,
    offset: Page = 0,
    limit: Annotated[
        int, Query(ge=1, le=MAX_PAGE, description=f"How many on a page, 1 to {MAX_PAGE}.")
    ] = 20,
    view_obsolete: ViewObsolete = False,
) -> Response:
    """One concept (``uri``), several (``uris``), or the members of a concept scheme
    (``isInScheme``, in URI order, paged: ``offset`` is the page number and ``limit`` its
    size). A listing is keyed by URI in ``_embedded``, with ``total``, and streamed.

    ``occupation`` serves occupations and ISCO groups, ``skill`` skills and skill groups,
    ``taxonomy`` concept schemes, ``concept`` all of them."""
    release = answer.release
    allowed = e.RESOURCE_CLASSES[kind]
    if uri is not None:

        def one() -> dict[str, Any]:
            found = answer.docs.class_of(uri)
            if found is None:
                raise _not_found(kind, uri)
            if found not in allowed:
                raise ProblemError(
                    404,
                    "not-found",
                    f"{uri} is a {found}, not a {kind}: ask /resource/{e.RESOURCE_OF[found]}",
                )
            doc = answer.docs.document(uri)
            assert doc is not None
            return {**doc, "release": release.name}

        return JSONResponse(await run_in_threadpool(one), media_type=MEDIA_TYPE)
    if uris:
        wanted = list(dict.fromkeys(uris))

        def several() -> dict[str, Any]:
            chosen = [u for u in wanted if answer.docs.class_of(u) in allowed]
            if not chosen:
                raise ProblemError(
                    404, "not-found", f"no {kind} of the uris given in release {release.name}"
                )
            return {
                "total": len(chosen),
                "release": release.name,
                "language": answer.language,
                "missing": [u for u in wanted if u not in chosen],
                "_embedded": dict(answer.docs.documents(chosen)),
            }

        return JSONResponse(await run_in_threadpool(several), media_type=MEDIA_TYPE)
    if in_scheme is None:
        raise ProblemError(400, "invalid-parameter", "give uri, uris or isInScheme")
    scheme = in_scheme
    members = await run_in_threadpool(answer.docs.members, scheme)
    if not members and answer.docs.class_of(scheme) != e.CONCEPT_SCHEME:
        raise NotFoundError("concept scheme", scheme)
    head = {
        "total": len(members),
        "offset": offset,
        "limit": limit,
        "release": release.name,
        "language": answer.language,
        "_links": answer.page_links(
            f"/resource/{kind}", {"isInScheme": scheme}, offset, limit, len(members)
        ),
    }
    chosen = members[offset * limit : (offset + 1) * limit]
    return StreamingResponse(_listing(head, answer.docs, chosen), media_type=MEDIA_TYPE)


def _listing(head: dict[str, Any], docs: e.Documents, uris: tuple[str, ...]) -> Iterator[bytes]:
    """A listing's JSON, a document at a time: the page is never held whole."""
    yield json.dumps(head)[:-1].encode() + b', "_embedded": {'
    first = True
    for uri, doc in docs.documents(uris):
        lead = b"" if first else b", "
        first = False
        yield lead + json.dumps(uri).encode() + b": " + json.dumps(doc).encode()
    yield b"}}"


Text = Annotated[
    str,
    Query(min_length=1, max_length=200, description="What to look for.", examples=["producer"]),
]
Types = Annotated[
    list[Literal["occupation", "skill", "concept"]] | None,
    Query(description="Only these kinds (repeatable): occupation, skill, concept."),
]


@router.get("/search", summary="Search, in the ESCO API's shape")
async def search(
    answer: AnswerDep,
    catalog: CatalogDep,
    text: Text,
    type: Types = None,
    in_scheme: InScheme = None,
    full: Annotated[
        bool, Query(description="Give each hit's whole document, as /resource does.")
    ] = False,
    alt: Annotated[
        bool,
        Query(
            description="Accepted: alternative labels are always searched, and each hit "
            "says which label matched (matchedLabel)."
        ),
    ] = False,
    offset: Page = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_SEARCH, description="How many on a page.")] = 20,
    view_obsolete: ViewObsolete = False,
) -> Response:
    """Occupations and skills ranked by relevance to ``text`` (skillgraph's ranking, as
    ``/occupations?q=`` and ``/skills?q=`` give it), in ``_embedded.results``, with
    ``total``. Each hit has the ESCO API's ``uri``, ``title``, ``className`` and
    ``searchHit`` (the label that matched), and says how it matched: ``matchedLabel``
    (preferred, alternative, hidden), ``matchType`` (exact: the label's words are the
    text's; words: they share words) and ``score``. Occupations and skills searched together
    are merged by score."""
    release = answer.release
    kinds: set[str] = _searched(type)

    def build() -> dict[str, Any]:
        hits = _ranked(catalog, answer, text, kinds, offset, limit, in_scheme)
        total, page = hits
        results = [_result(answer, hit, full) for hit in page]
        query: dict[str, Any] = {"text": text, "full": str(full).lower()}
        if type:
            query["type"] = list(type)
        if in_scheme:
            query["isInScheme"] = in_scheme
        return {
            "total": total,
            "offset": offset,
            "limit": limit,
            "release": release.name,
            "language": answer.language,
            "_links": answer.page_links("/search", query, offset, limit, total),
            "_embedded": {"results": results},
        }

    return JSONResponse(await run_in_threadpool(build), media_type=MEDIA_TYPE)


def _searched(types: Sequence[str] | None) -> set[str]:
    """The kinds a search looks among: occupations and skills, both by default.

    :raises ProblemError: (400) for ``type=concept`` alone: ISCO groups and skill groups
        are not in skillgraph's search indexes, and an empty answer would say there is no
        such group."""
    kinds = set(types or ("occupation", "skill")) & {"occupation", "skill"}
    if not kinds:
        raise ProblemError(
            400,
            "invalid-parameter",
            "type=concept is not searched here: ISCO groups and skill groups are not in "
            "skillgraph's search indexes; browse them from /resource/taxonomy, or search "
            "type=occupation or type=skill",
        )
    return kinds


def _ranked(
    catalog: Catalog,
    answer: _Answer,
    text: str,
    kinds: set[str],
    page: int,
    limit: int,
    scheme: str | None,
) -> tuple[int, list[dict[str, Any]]]:
    """The total and one page of hits, each ``{"uri", "className", "label", "matched"...}``."""
    release = answer.release
    want = MAX_RANKED if scheme else min(MAX_RANKED, (page + 1) * limit)
    hits: list[dict[str, Any]] = []
    total = 0
    if "occupation" in kinds:
        found = catalog.search_occupations(release, text, limit=want, language=answer.language)
        total += found.total
        hits += [
            {"uri": h.occupation.uri, "className": e.OCCUPATION, "matched": h.matched}
            for h in found.items
        ]
    if "skill" in kinds:
        skills = catalog.search_skills(release, text, limit=want, language=answer.language)
        total += skills.total
        hits += [
            {"uri": h.skill.uri, "className": e.SKILL, "matched": h.matched} for h in skills.items
        ]
    hits.sort(key=lambda h: -(h["matched"].score if h["matched"] else 0.0))
    if scheme:
        members = answer.docs.member_set(scheme)
        hits = [h for h in hits if h["uri"] in members]
        total = len(hits)
    return total, hits[page * limit : (page + 1) * limit]


def _result(answer: _Answer, hit: dict[str, Any], full: bool) -> dict[str, Any]:
    uri = hit["uri"]
    own = hit["className"]
    matched = hit["matched"]
    result: dict[str, Any] = {
        "className": own,
        "classId": e.CLASS_IDS[own],
        "uri": uri,
        "title": answer.docs.title(uri),
        "searchHit": matched.text if matched else None,
        "matchedLabel": matched.kind if matched else None,
        "matchType": matched.match if matched else None,
        "score": matched.score if matched else None,
    }
    if full:
        doc = answer.docs.document(uri) or {}
        links = doc.get("_links", {})
        broader = [
            entry["uri"]
            for name in (
                "broaderIscoGroup",
                "broaderOccupation",
                "broaderSkill",
                "broaderHierarchyConcept",
            )
            for entry in links.get(name, ())
        ]
        result = {**doc, **result, "broaderHierarchyConcept": broader, "_links": links}
    else:
        result["_links"] = {"self": answer.docs.link(uri, e.RESOURCE_OF[own])}
    return result


@router.get("/suggest2", summary="Autocomplete, in the ESCO API's shape")
async def suggest2(
    answer: AnswerDep,
    catalog: CatalogDep,
    text: Text,
    type: Types = None,
    alt: Annotated[bool, Query(description="Accepted: alternative labels always count.")] = False,
    offset: Page = 0,
    limit: Annotated[int, Query(ge=1, le=SUGGEST_MAX, description="How many on a page.")] = 20,
    view_obsolete: ViewObsolete = False,
) -> Response:
    """Occupations and skills with a label word starting with ``text`` (as ``/suggest``
    finds them), best first, in ``_embedded.results``. ``total`` counts the suggestions
    found, at most fifty."""
    release = answer.release
    kinds = frozenset(_searched(type))

    def build() -> dict[str, Any]:
        found = catalog.suggest(
            release, text, limit=SUGGEST_MAX, types=kinds, language=answer.language
        )
        page = found[offset * limit : (offset + 1) * limit]
        results = [
            {
                "className": e.OCCUPATION if s.type == "occupation" else e.SKILL,
                "classId": e.CLASS_IDS[e.OCCUPATION if s.type == "occupation" else e.SKILL],
                "uri": s.uri,
                "title": s.label,
                "searchHit": s.matched_text,
                "matchedLabel": s.matched_kind,
                "matchedLanguage": s.matched_language,
                "_links": {"self": answer.docs.link(s.uri, s.type)},
            }
            for s in page
        ]
        query: dict[str, Any] = {"text": text}
        if type:
            query["type"] = list(type)
        return {
            "total": len(found),
            "offset": offset,
            "limit": limit,
            "release": release.name,
            "language": answer.language,
            "_links": answer.page_links("/suggest2", query, offset, limit, len(found)),
            "_embedded": {"results": results},
        }

    return JSONResponse(await run_in_threadpool(build), media_type=MEDIA_TYPE)


@router.get("/{path:path}", include_in_schema=False)
async def unknown(path: str) -> Response:
    """Any other path under the base: the ESCO API's 400 for an unknown type."""
    raise ProblemError(
        400, "invalid-parameter", f"Illegal/Unknown type parameter values: ({path!r})"
    )
