"""/reconcile: a W3C Reconciliation Service (API version 0.2) for OpenRefine and its peers.

A spreadsheet's column of job titles or skills reconciles to ESCO URIs in one batch:

- ``GET /reconcile`` (no ``queries`` or ``extend``): the manifest.
- ``GET|POST /reconcile`` with ``queries`` (a JSON object of queries keyed as the client
  likes): each query's candidates, ranked as ``/occupations?q=`` and ``/skills?q=`` rank
  (:mod:`graph.ranking`), with a score, a ``match`` flag and the features behind them.
  Property constraints narrow them: ``isco_group`` (an ISCO-08 code or its prefix) and
  ``skill_level`` for occupations, ``skill_type`` and ``reuse_level`` for skills.
- ``GET|POST /reconcile`` with ``extend``: data extension (ISCO code, skill level, ESCO
  code, essential and optional skills, alternative labels, O*NET code and Holland code
  when O*NET is linked; a skill's type and reuse level), with the property proposals at
  ``/reconcile/properties``.
- ``/reconcile/preview?id=`` (an HTML card), ``/reconcile/suggest/{entity,type,property}``.

Entity ids are the official ESCO URIs. JSONP (``callback``) is answered for the GET forms,
as older OpenRefine versions ask for it; CORS comes from the app's middleware.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from collections.abc import Iterable
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from graph import answers as a
from graph import terms as t
from graph.catalog import Catalog
from graph.errors import InvalidIdentifierError, NotFoundError
from graph.releases import StoreView
from service.deps import CatalogDep, StoreDep
from service.examples import RECONCILE_QUERIES
from service.problems import ProblemError, responses

router = APIRouter(
    prefix="/reconcile", tags=["reconciliation"], responses=responses(400, 404, 422, 503)
)

BATCH_SIZE = 100
"""The most queries (or ids to extend) a batch may hold; more is refused with 413."""
MAX_LIMIT = 50
MAX_PROPERTIES = 10
MAX_VALUES = 50
"""A query's property constraints, and the values of each: beyond, a 400."""
CANDIDATES = 200
"""How many ranked candidates a query filters by its property constraints."""

OCCUPATION = t.ESCO + "Occupation"
SKILL = t.ESCO + "Skill"
TYPES = {OCCUPATION: "Occupation", SKILL: "Skill"}
_SHORT = {"occupation": OCCUPATION, "skill": SKILL}

PROPERTIES: dict[str, list[tuple[str, str, str]]] = {
    OCCUPATION: [
        ("isco_group", "ISCO-08 unit group", "The ISCO-08 code of its unit group, e.g. 2654."),
        ("skill_level", "ISCO skill level", "1 to 4."),
        ("code", "ESCO code", "The ESCO occupation code, e.g. 2654.3."),
        ("essential_skills", "essential skills", "The skills ESCO marks essential."),
        ("optional_skills", "optional skills", "The skills ESCO marks optional."),
        ("alt_labels", "alternative labels", "Other names of the occupation."),
        ("onet_code", "O*NET-SOC code", "The O*NET occupation, when O*NET is linked."),
        ("holland_code", "Holland code", "Its O*NET interest high-points, e.g. AE."),
    ],
    SKILL: [
        ("skill_type", "skill type", "skill or knowledge."),
        ("reuse_level", "reuse level", "transversal, cross-sector, sector-specific or ..."),
        ("alt_labels", "alternative labels", "Other names of the skill."),
    ],
}
FILTERS = {OCCUPATION: {"isco_group", "skill_level"}, SKILL: {"skill_type", "reuse_level"}}
JSONP: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON, or JavaScript calling the function named by callback (JSONP)",
        "content": {"application/json": {}, "application/javascript": {}},
    }
}
_CALLBACK = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$.]{0,99}$")
Callback = Annotated[
    str | None,
    Query(
        pattern=_CALLBACK.pattern,
        description="JSONP: the JavaScript function to call with the answer.",
    ),
]


def manifest(request: Request) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/") + request.scope.get("root_path", "")
    return {
        "versions": ["0.2"],
        "name": "skillgraph: ESCO occupations and skills",
        "identifierSpace": t.ESCO_DATA,
        "schemaSpace": t.ESCO,
        "documentation": base + "/docs",
        "defaultTypes": [{"id": i, "name": n} for i, n in TYPES.items()],
        "view": {"url": base + "/resource?uri={{id}}"},
        "preview": {"url": base + "/reconcile/preview?id={{id}}", "width": 400, "height": 200},
        "suggest": {
            kind: {"service_url": base, "service_path": f"/reconcile/suggest/{kind}"}
            for kind in ("entity", "type", "property")
        },
        "extend": {
            "propose_properties": {"service_url": base, "service_path": "/reconcile/properties"},
        },
        "batchSize": BATCH_SIZE,
    }


def _answer(body: Any, callback: str | None) -> Response:
    if callback is None:
        return JSONResponse(body)
    if not _CALLBACK.match(callback):
        raise ProblemError(400, "invalid-parameter", "callback must be a JavaScript name")
    text = f"/**/{callback}({json.dumps(body)});"
    return Response(text, media_type="application/javascript")


def _json(name: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        raise ProblemError(400, "invalid-parameter", f"{name} is not JSON: {error}") from None


@router.get(
    "",
    summary="Reconciliation manifest, batch queries and data extension",
    responses={**JSONP, **responses(413)},
)
def reconcile_get(
    request: Request,
    store: StoreDep,
    catalog: CatalogDep,
    queries: Annotated[str | None, Query(description="A JSON batch of queries.")] = None,
    extend: Annotated[str | None, Query(description="A JSON data-extension request.")] = None,
    callback: Callback = None,
) -> Response:
    """Without ``queries`` or ``extend``, the service manifest (W3C Reconciliation API 0.2)."""
    return _dispatch(request, store, catalog, queries, extend, callback)


@router.post(
    "",
    summary="Reconcile a batch, or extend data (form fields queries / extend)",
    responses=responses(413, 415),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "queries": {"type": "string", "example": RECONCILE_QUERIES},
                            "extend": {"type": "string"},
                        },
                        "additionalProperties": False,
                        "minProperties": 1,
                        "maxProperties": 1,
                    }
                }
            },
        }
    },
)
async def reconcile_post(request: Request, store: StoreDep, catalog: CatalogDep) -> Response:
    """The form-encoded forms OpenRefine sends: ``queries=`` or ``extend=``."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise ProblemError(
            415, "unsupported-media-type", "send the form as application/x-www-form-urlencoded"
        )
    try:
        form = parse_qs((await request.body()).decode("utf-8"), max_num_fields=10)
    except (UnicodeDecodeError, ValueError) as error:
        raise ProblemError(400, "invalid-parameter", f"not a form: {error}") from None
    queries = form.get("queries", [None])[0]
    extend = form.get("extend", [None])[0]
    if (queries is None) == (extend is None):
        raise ProblemError(400, "invalid-parameter", "send one form field: queries or extend")
    return await run_in_threadpool(_dispatch, request, store, catalog, queries, extend, None)


def _dispatch(
    request: Request,
    store: StoreView,
    catalog: Catalog,
    queries: str | None,
    extend: str | None,
    callback: str | None,
) -> Response:
    if queries is not None:
        return _answer(reconcile(store, catalog, _json("queries", queries)), callback)
    if extend is not None:
        return _answer(extend_data(store, catalog, _json("extend", extend)), callback)
    return _answer(manifest(request), callback)


def _type_of(value: Any) -> str | None:
    """The type a query names (an id, a short name, or a list: its first known one)."""
    values = value if isinstance(value, list) else [value]
    for item in values:
        if isinstance(item, str):
            known = item if item in TYPES else _SHORT.get(item.lower().rsplit("#", 1)[-1])
            if known:
                return known
    return None


def reconcile(store: StoreView, catalog: Catalog, batch: Any) -> dict[str, Any]:
    """Each query's candidates, by the query's key."""
    if not isinstance(batch, dict):
        raise ProblemError(400, "invalid-parameter", "queries must be a JSON object of queries")
    if len(batch) > BATCH_SIZE:
        raise ProblemError(
            413, "batch-too-large", f"{len(batch)} queries; a batch holds at most {BATCH_SIZE}"
        )
    return {str(key): {"result": _candidates(store, catalog, key, q)} for key, q in batch.items()}


def _candidates(store: StoreView, catalog: Catalog, key: Any, query: Any) -> list[dict[str, Any]]:
    if not isinstance(query, dict):
        raise ProblemError(400, "invalid-parameter", f"query {key!r} is not a JSON object")
    text = query.get("query", "")
    if not isinstance(text, str):
        raise ProblemError(400, "invalid-parameter", f"query {key!r}: query must be text")
    limit = query.get("limit", 10)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise ProblemError(400, "invalid-parameter", f"query {key!r}: limit must be a count")
    limit = min(limit, MAX_LIMIT)
    constraints = _constraints(key, query.get("properties", []))
    asked = query.get("type")
    # Without a type, the types that have every property the constraints name.
    named = {pid for pid, _ in constraints} & set().union(*FILTERS.values())
    if asked is None:
        types = [k for k in TYPES if named <= FILTERS[k]]
    else:
        one = _type_of(asked)
        if one is None:
            return []  # a type this service does not have: no candidates, not an error
        types = [one]
    text = " ".join(text.split())[:200]
    if not text and not constraints:
        raise ProblemError(400, "invalid-parameter", f"query {key!r} has no query or properties")
    if text.startswith(t.ESCO_DATA):  # an id given as the query: that entity
        return _by_uri(store, catalog, text, types)
    found: list[dict[str, Any]] = []
    for kind in types:
        found += _ranked(store, catalog, kind, text, constraints, limit)
    found.sort(key=lambda c: (-c["score"], c["name"], c["id"]))
    found = found[:limit]
    exact = [c for c in found if c["features"][1]["value"]]
    preferred = [c for c in exact if c["features"][2]["value"]]
    for candidate in found:
        # A match is the first candidate, its words exactly the query's, on its preferred
        # label where no other candidate's preferred label is the query too (or on any label
        # no other candidate has); or, for a query of constraints alone, every candidate.
        sure = (len(preferred) == 1 and candidate is preferred[0]) or (
            len(exact) == 1 and candidate is exact[0]
        )
        candidate["match"] = (sure and candidate is found[0]) or not text
    return found


def _constraints(key: Any, properties: Any) -> list[tuple[str, list[str]]]:
    if not isinstance(properties, list):
        raise ProblemError(400, "invalid-parameter", f"query {key!r}: properties must be a list")
    if len(properties) > MAX_PROPERTIES:
        raise ProblemError(
            400, "invalid-parameter", f"query {key!r}: at most {MAX_PROPERTIES} properties"
        )
    found = []
    for item in properties:
        if not isinstance(item, dict) or not isinstance(item.get("pid"), str) or "v" not in item:
            raise ProblemError(
                400, "invalid-parameter", f"query {key!r}: each property needs pid and v"
            )
        values = item["v"] if isinstance(item["v"], list) else [item["v"]]
        if len(values) > MAX_VALUES:
            raise ProblemError(
                400, "invalid-parameter", f"query {key!r}: at most {MAX_VALUES} values a property"
            )
        texts = []
        for value in values:
            if isinstance(value, dict):
                value = value.get("id", value.get("name", ""))
            text = str(value).strip().lower()
            if item["pid"] == "isco_group":  # a group's URI names its code
                text = text.rsplit("/c", 1)[-1]
            texts.append(text)
        found.append((item["pid"], [v for v in texts if v]))
    return found


def _keeps(facts: dict[str, object], constraints: list[tuple[str, list[str]]]) -> bool:
    for pid, values in constraints:
        have = str(facts.get(pid) or "").lower()
        if pid == "isco_group":  # a code or its prefix: 26 holds 2654
            if not any(t.in_isco_group(have, v) for v in values):
                return False
        elif have not in values:
            return False
    return True


Found = a.OccupationHit | a.SkillHit | a.OccupationRef
"""What the catalog lists or finds: an occupation or skill, and how a search found it."""


def _parts(
    item: Found,
) -> tuple[a.OccupationRef | a.SkillRef, a.MatchedLabel | None, dict[str, object]]:
    """The concept ``item`` names, how a search matched it, and its facts by property id."""
    if isinstance(item, a.OccupationRef):
        item = a.OccupationHit(item, None)
    if isinstance(item, a.OccupationHit):
        o = item.occupation
        return o, item.matched, {"isco_group": o.isco_group, "skill_level": o.skill_level}
    facts: dict[str, object] = {
        "skill_type": item.skill.skill_type,
        "reuse_level": item.reuse_level,
    }
    return item.skill, item.matched, facts


def _ranked(
    store: StoreView,
    catalog: Catalog,
    kind: str,
    text: str,
    constraints: list[tuple[str, list[str]]],
    limit: int,
) -> list[dict[str, Any]]:
    # A property the type does not have is ignored, as the spec allows.
    filters = [(p, v) for p, v in constraints if p in FILTERS[kind]]
    items: Iterable[Found]
    if not text:  # constraints alone: an index lookup, in label order
        items = catalog.facet(store, "occupation" if kind == OCCUPATION else "skill", dict(filters))
    else:  # constraints filter the best CANDIDATES
        wanted = CANDIDATES if filters else limit
        hits: list[a.OccupationHit] | list[a.SkillHit] = (
            catalog.search_occupations(store, text, limit=wanted).items
            if kind == OCCUPATION
            else catalog.search_skills(store, text, limit=wanted).items
        )
        items = (i for i in hits if _keeps(_parts(i)[2], filters))
    found: list[dict[str, Any]] = []
    for item in itertools.islice(items, limit):
        concept, matched, facts = _parts(item)
        score = matched.score if matched is not None else None
        candidate = {
            "id": concept.uri,
            "name": concept.label,
            "score": round(float(score or 1.0), 4),
            "type": [{"id": kind, "name": TYPES[kind]}],
            "features": [
                {"id": "bm25", "value": float(score or 0.0)},
                {"id": "exact_label", "value": matched is not None and matched.match == "exact"},
                {
                    "id": "preferred_label",
                    "value": matched is not None and matched.kind == "preferred",
                },
            ],
        }
        if kind == OCCUPATION and facts.get("isco_group"):
            candidate["description"] = f"ISCO-08 {facts['isco_group']}"
        elif kind == SKILL and facts.get("skill_type"):
            candidate["description"] = str(facts["skill_type"])
        found.append(candidate)
    return found


def _by_uri(store: StoreView, catalog: Catalog, uri: str, types: list[str]) -> list[dict[str, Any]]:
    """The entity an ESCO URI names, as the one sure candidate (none if no type has it)."""
    for kind in types:
        try:
            one: a.OccupationRef | a.SkillProfile = (
                catalog.occupation_ref(store, uri)
                if kind == OCCUPATION
                else catalog.skill(store, uri)
            )
        except (InvalidIdentifierError, NotFoundError):
            continue
        label = one.label if isinstance(one, a.OccupationRef) else one.texts.label
        candidate = {"id": one.uri, "name": label, "score": 100.0, "match": True}
        return [{**candidate, "type": [{"id": kind, "name": TYPES[kind]}]}]
    return []


def extend_data(store: StoreView, catalog: Catalog, request: Any) -> dict[str, Any]:
    """The asked properties of the asked entities (W3C data extension)."""
    if not isinstance(request, dict) or not isinstance(request.get("ids"), list):
        raise ProblemError(400, "invalid-parameter", "extend needs ids (a list) and properties")
    asked = request.get("properties")
    if not isinstance(asked, list) or not all(
        isinstance(p, dict) and isinstance(p.get("id"), str) for p in asked
    ):
        raise ProblemError(400, "invalid-parameter", "extend properties are objects with an id")
    ids = [str(i) for i in request["ids"]]
    if len(ids) > BATCH_SIZE:
        raise ProblemError(
            413, "batch-too-large", f"{len(ids)} ids; an extension holds at most {BATCH_SIZE}"
        )
    names = {pid: name for kind in PROPERTIES.values() for pid, name, _ in kind}
    meta = []
    for prop in asked:
        column: dict[str, Any] = {"id": prop["id"], "name": names.get(prop["id"], prop["id"])}
        if prop["id"] in ("essential_skills", "optional_skills"):
            column["type"] = {"id": SKILL, "name": "Skill"}
        meta.append(column)
    rows = {uri: _row(store, catalog, uri, [p["id"] for p in asked]) for uri in ids}
    return {"meta": meta, "rows": rows}


def _row(store: StoreView, catalog: Catalog, uri: str, pids: list[str]) -> dict[str, list[Any]]:
    facts: dict[str, Any] = {}
    try:
        if uri.startswith(t.OCCUPATION_BASE):
            profile = catalog.occupation(store, uri)
            onet = profile.onet[0] if profile.onet else None
            facts = {
                "isco_group": [{"str": profile.isco_group.code}] if profile.isco_group else [],
                "skill_level": [{"int": profile.skill_level}] if profile.skill_level else [],
                "code": [{"str": profile.code}] if profile.code else [],
                "essential_skills": [
                    {"id": s.uri, "name": s.label} for s in profile.essential_skills
                ],
                "optional_skills": [
                    {"id": s.uri, "name": s.label} for s in profile.optional_skills
                ],
                "alt_labels": [{"str": label} for label in profile.texts.alt_labels or []],
                "onet_code": [{"str": onet.code}] if onet is not None and onet.code else [],
                "holland_code": [{"str": "".join(area[0] for area in profile.holland_code)}]
                if profile.holland_code
                else [],
            }
        elif uri.startswith(t.SKILL_BASE):
            skill = catalog.skill(store, uri)
            facts = {
                "skill_type": [{"str": skill.skill_type}] if skill.skill_type else [],
                "reuse_level": [{"str": skill.reuse_level}] if skill.reuse_level else [],
                "alt_labels": [{"str": label} for label in skill.texts.alt_labels or []],
            }
    except (InvalidIdentifierError, NotFoundError):
        facts = {}
    return {pid: facts.get(pid, []) for pid in pids}


@router.get("/properties", summary="Properties a type can be extended with", responses=JSONP)
def propose_properties(
    type: Annotated[str, Query(description="The type: its id, or Occupation / Skill.")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    callback: Callback = None,
) -> Response:
    """The data-extension properties of a type (W3C property proposal)."""
    kind = _type_of(type)
    properties = PROPERTIES.get(kind or "", [])[:limit]
    body = {
        "type": type,
        "limit": limit,
        "properties": [{"id": p, "name": n, "description": d} for p, n, d in properties],
    }
    return _answer(body, callback)


@router.get(
    "/preview",
    response_class=HTMLResponse,
    summary="An entity's preview card",
    responses=responses(404),
)
def preview(
    store: StoreDep,
    catalog: CatalogDep,
    id: Annotated[str, Query(max_length=300, description="The entity's ESCO URI.")],
) -> HTMLResponse:
    """A small HTML card of an occupation or skill, for OpenRefine's preview pane."""
    try:
        item: a.SkillProfile | a.OccupationProfile
        if id.startswith(t.SKILL_BASE):
            item = catalog.skill(store, id)
            line = item.skill_type or "skill"
        else:
            item = catalog.occupation(store, id)
            group = item.isco_group
            line = f"ISCO-08 {group.code or ''} {group.label or ''}".strip() if group else "ISCO-08"
    except (InvalidIdentifierError, NotFoundError) as error:
        raise ProblemError(404, "not-found", str(error)) from None
    description = (item.texts.description or "")[:400]
    label = item.texts.label
    page = (
        "<!doctype html><html lang=en><meta charset=utf-8><title>"
        f"{html.escape(label)}</title>"
        "<body style='font:14px sans-serif;margin:8px'>"
        f"<p><a href='{html.escape(item.uri)}' target=_blank><b>{html.escape(label)}"
        f"</b></a><br><small>{html.escape(line)}</small></p><p>{html.escape(description)}</p>"
    )
    return HTMLResponse(page)


def _suggest_body(items: list[dict[str, Any]], cursor: int, limit: int) -> dict[str, Any]:
    return {"result": items[cursor : cursor + limit]}


@router.get("/suggest/entity", summary="Suggest occupations and skills", responses=JSONP)
def suggest_entity(
    store: StoreDep,
    catalog: CatalogDep,
    prefix: Annotated[str, Query(max_length=200)],
    cursor: Annotated[int, Query(ge=0, le=1000)] = 0,
    type: Annotated[str | None, Query()] = None,
    callback: Callback = None,
) -> Response:
    """Occupations and skills with a label word starting with the prefix (as /suggest)."""
    kind = _type_of(type) if type else None
    types = frozenset({"occupation", "skill"} if kind is None else {TYPES[kind].lower()})
    found = catalog.suggest(store, prefix, limit=min(cursor + 10, 50), types=types)
    items = [
        {
            "id": s.uri,
            "name": s.label,
            "notable": [{"id": _SHORT[s.type], "name": TYPES[_SHORT[s.type]]}],
        }
        for s in found
    ]
    return _answer(_suggest_body(items, cursor, 10), callback)


@router.get("/suggest/type", summary="Suggest types", responses=JSONP)
def suggest_type(
    prefix: Annotated[str, Query(max_length=200)],
    cursor: Annotated[int, Query(ge=0, le=1000)] = 0,
    callback: Callback = None,
) -> Response:
    """Occupation and Skill, where their name starts with the prefix."""
    wanted = prefix.strip().lower()
    items = [{"id": i, "name": n} for i, n in TYPES.items() if n.lower().startswith(wanted)]
    return _answer(_suggest_body(items, cursor, 10), callback)


@router.get("/suggest/property", summary="Suggest properties", responses=JSONP)
def suggest_property(
    prefix: Annotated[str, Query(max_length=200)],
    cursor: Annotated[int, Query(ge=0, le=1000)] = 0,
    callback: Callback = None,
) -> Response:
    """The properties (for constraints and extension) whose id or name starts with the prefix."""
    wanted = prefix.strip().lower()
    seen: dict[str, dict[str, str]] = {}
    for kind in PROPERTIES.values():
        for pid, name, description in kind:
            if pid.startswith(wanted) or name.lower().startswith(wanted):
                seen.setdefault(pid, {"id": pid, "name": name, "description": description})
    return _answer(_suggest_body(list(seen.values()), cursor, 10), callback)
