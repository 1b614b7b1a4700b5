"""The ESCO releases a store holds, what changed between two, what becomes of one's own data
on moving to another, and a concept through every release (:mod:`graph.releases`,
:mod:`graph.changes`).

``GET /releases``, ``GET /changes?from=&to=`` (JSON or CSV), ``POST /changes/check?from=&to=``
(JSON ``{"uris": [...]}``, or a CSV or text body: every ESCO URI in it), and
``GET /occupations/{id}/history``, ``GET /skills/{id}/history``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections import Counter
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import StringConstraints
from starlette.concurrency import run_in_threadpool

from graph import changes as c
from graph import terms as t
from graph.catalog import Catalog
from graph.errors import NotFoundError
from graph.releases import NAME_PATTERN, Release
from graph.store import OpenStore
from service.deps import CatalogDep, OpenStoreDep
from service.models import (
    ChangeName,
    Changes,
    History,
    Migration,
    MigrationRequest,
    Releases,
)
from service.problems import ProblemError, responses
from service.routes.occupations import OccupationId
from service.routes.skills import SkillId

router = APIRouter(tags=["releases"], responses=responses(404, 422, 503))

FromRelease = Annotated[
    str, Query(alias="from", pattern=NAME_PATTERN, description="The release it came from.")
]
ToRelease = Annotated[
    str | None, Query(alias="to", pattern=NAME_PATTERN, description="The newest by default.")
]
URI_IN_TEXT = re.compile(r"https?://data\.europa\.eu/esco/(?:occupation|skill)/[0-9A-Za-z-]+")
"""An ESCO occupation or skill URI, wherever it stands in a CSV or text body."""
MAX_BODY_URIS = 10_000


@router.get("/releases", response_model=Releases, summary="The ESCO releases the store holds")
async def releases(
    request: Request, open_store: OpenStoreDep, catalog: CatalogDep
) -> dict[str, Any]:
    """Every ESCO release the store holds, oldest first, with what each holds. Every other
    endpoint answers for the newest unless asked for another with ``selectedVersion`` (or
    ``release``)."""
    request.state.release = open_store.latest.name
    items = []
    for name, release in open_store.releases.items():
        summary = await run_in_threadpool(catalog.summary, release)
        languages = (
            release.languages or (await run_in_threadpool(catalog.translations, release)).languages
        )  # a store without release descriptions
        items.append(
            {
                "name": name,
                "latest": release is open_store.latest,
                "loaded": release.created,
                "languages": list(languages),
                "graphs": [g.value for g in release.graphs[:2]],
                "counts": summary,
            }
        )
    return {"latest": open_store.latest.name, "items": items}


def _pair(open_store: OpenStore, before: str, after: str) -> tuple[Release, Release]:
    return open_store.release(before), open_store.release(after)


@router.get(
    "/changes",
    response_model=Changes,
    summary="What changed from one release to another",
    responses={200: {"content": {"text/csv": {}}}},
)
async def changes(
    request: Request,
    open_store: OpenStoreDep,
    catalog: CatalogDep,
    from_release: FromRelease,
    to_release: ToRelease = None,
    kind: Annotated[
        list[Literal["occupation", "skill", "relation"]] | None,
        Query(description="Which kinds of change; repeat for several."),
    ] = None,
    change: Annotated[
        list[ChangeName] | None,
        Query(description="Which changes; repeat for several."),
    ] = None,
    isco_group: Annotated[
        list[Annotated[str, StringConstraints(pattern=r"^[0-9]{1,4}$")]] | None,
        Query(
            description="Occupations (and their relations) in this ISCO-08 group: a code of "
            "1 to 4 digits, or its start; skills are in none.",
        ),
    ] = None,
    format: Annotated[
        str | None, Query(pattern="^(json|csv)$", description="csv: every change kept, as CSV.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Any:
    """The changes from release ``from`` to ``to``: concepts added and removed, preferred
    and alternative labels and descriptions changed, occupations moved to another ISCO-08
    group, occupation-skill relations added, removed or switched between essential and
    optional (graph/changes.py defines each). Paged as JSON; as CSV (``format=csv`` or
    ``Accept: text/csv``) every change the filters keep."""
    before, after = _pair(open_store, from_release, to_release or open_store.latest.name)
    request.state.release = after.name
    found = await run_in_threadpool(catalog.comparison, before, after)
    kept = c.chosen(
        found.records, kinds=kind or (), changes=change or (), isco_groups=isco_group or ()
    )
    wants_csv = format == "csv" or (
        format is None and "text/csv" in request.headers.get("accept", "")
    )
    if wants_csv:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(c.FIELDS)
        for record in kept:
            writer.writerow(dataclasses.astuple(record))
        name = f"esco-changes-{before.name}-{after.name}.csv"
        return Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}"', "vary": "accept"},
        )
    return {
        "from": before.name,
        "to": after.name,
        "counts": found.changes.counts(),
        "total": len(kept),
        "offset": offset,
        "limit": limit,
        "items": [dataclasses.asdict(r) for r in kept[offset : offset + limit]],
    }


@router.post(
    "/changes/check",
    response_model=Migration,
    summary="What becomes of one's own ESCO URIs in another release",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": MigrationRequest.model_json_schema()},
                "text/csv": {"schema": {"type": "string"}},
                "text/plain": {"schema": {"type": "string"}},
            },
            "required": True,
        }
    },
)
async def check(
    request: Request,
    open_store: OpenStoreDep,
    catalog: CatalogDep,
    from_release: FromRelease,
    to_release: ToRelease = None,
) -> dict[str, Any]:
    """Post the ESCO URIs one's data uses, taken from release ``from`` (JSON
    ``{"uris": [...]}``, or a CSV or text file: every occupation and skill URI in it, in
    order, once each), and get for each its status in release ``to``: unchanged,
    relabelled, regrouped, skills changed, removed... before upgrading."""
    before, after = _pair(open_store, from_release, to_release or open_store.latest.name)
    request.state.release = after.name
    uris = await _posted_uris(request)
    found = await run_in_threadpool(catalog.comparison, before, after)
    items = [
        {
            "uri": uri,
            "status": status,
            "label_before": found.before.labels.get(uri),
            "label_after": found.after.labels.get(uri),
        }
        for uri, status in found.statuses(uris)
    ]
    counts = Counter(item["status"] for item in items)
    return {"from": before.name, "to": after.name, "counts": dict(counts), "items": items}


async def _posted_uris(request: Request) -> list[str]:
    """The URIs of the body: a JSON ``{"uris": [...]}``, else every ESCO URI of a text."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if media == "application/json":
        try:
            given = MigrationRequest.model_validate_json(body)
        except ValueError as error:
            raise ProblemError(
                422, "invalid-body", f'the body is not {{"uris": [...]}}: {str(error)[:300]}'
            ) from None
        uris = [u.strip() for u in given.uris]
    elif media in ("text/csv", "text/plain", ""):
        text = body.decode("utf-8", errors="replace")
        uris = URI_IN_TEXT.findall(text)
        if not uris:
            raise ProblemError(
                422, "invalid-body", "the body holds no ESCO occupation or skill URI"
            )
    else:
        raise ProblemError(
            415,
            "unsupported-media-type",
            'post application/json ({"uris": [...]}), text/csv or text/plain',
        )
    uris = list(dict.fromkeys(uris))
    if len(uris) > MAX_BODY_URIS:
        raise ProblemError(
            413, "too-many-uris", f"{len(uris):,} URIs: check up to {MAX_BODY_URIS:,} at a time"
        )
    return uris


@router.get(
    "/occupations/{id}/history",
    response_model=History,
    summary="An occupation through every release",
    tags=["occupations"],
)
async def occupation_history(
    request: Request, id: OccupationId, open_store: OpenStoreDep, catalog: CatalogDep
) -> dict[str, Any]:
    """The occupation in each release the store holds, oldest first: its label, ISCO-08
    group, skills, and what changed since the release before."""
    uri = t.occupation_uri(id)
    request.state.release = open_store.latest.name
    return await run_in_threadpool(_history, catalog, open_store, "occupation", uri)


@router.get(
    "/skills/{id}/history",
    response_model=History,
    summary="A skill through every release",
    tags=["skills"],
)
async def skill_history(
    request: Request, id: SkillId, open_store: OpenStoreDep, catalog: CatalogDep
) -> dict[str, Any]:
    """The skill in each release the store holds, oldest first: its label, the occupations
    that need it, and what changed since the release before."""
    uri = t.skill_uri(id)
    request.state.release = open_store.latest.name
    return await run_in_threadpool(_history, catalog, open_store, "skill", uri)


def _history(catalog: Catalog, open_store: OpenStore, kind: str, uri: str) -> dict[str, Any]:
    entries: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    for name, release in open_store.releases.items():
        if not release.holds(uri):
            entry: dict[str, Any] = {"release": name, "present": False, "changes": []}
            if previous is not None:
                entry["changes"] = ["removed"]
            entries.append(entry)
            previous = None
            continue
        if kind == "occupation":
            profile = catalog.occupation(release, uri)
            related = {s.uri: True for s in profile.essential_skills}
            related |= {s.uri: False for s in profile.optional_skills}
            entry = {
                "isco_group": profile.isco_group.code if profile.isco_group else None,
                "essential_skills": len(profile.essential_skills),
                "optional_skills": len(profile.optional_skills),
            }
        else:
            skill = catalog.skill(release, uri)
            related = {o.uri: True for o in skill.essential_for}
            related |= {o.uri: False for o in skill.optional_for}
            entry = {
                "essential_for": len(skill.essential_for),
                "optional_for": len(skill.optional_for),
            }
        texts = profile.texts if kind == "occupation" else skill.texts
        entry |= {
            "release": name,
            "present": True,
            "label": texts.label,
            "alt_labels": sorted(texts.alt_labels or []),
            "description": texts.description,
            "related": related,
        }
        entry["changes"], entry["skills_added"], entry["skills_removed"] = _changed(
            previous, entry, kind, had_before=bool(entries)
        )
        entries.append(entry)
        previous = entry
    if not any(e["present"] for e in entries):
        raise NotFoundError(kind, uri)
    for entry in entries:
        entry.pop("related", None)
    return {"uri": uri, "kind": kind, "releases": entries}


def _changed(
    previous: dict[str, Any] | None, entry: dict[str, Any], kind: str, *, had_before: bool
) -> tuple[list[str], list[str], list[str]]:
    """What changed from ``previous`` (the entry of the release before; None if the concept
    was not in it) to ``entry``, and the related concepts added and removed."""
    if previous is None:
        return (["added"] if had_before else []), [], []
    found = []
    for field, name in (
        ("label", "relabelled"),
        ("alt_labels", "alt labels changed"),
        ("description", "described otherwise"),
        ("isco_group", "regrouped"),
    ):
        if previous.get(field) != entry.get(field):
            found.append(name)
    was, now = previous["related"], entry["related"]
    added = sorted(set(now) - set(was))
    removed = sorted(set(was) - set(now))
    switched = sum(1 for u in set(now) & set(was) if now[u] != was[u])
    noun = "skills" if kind == "occupation" else "occupations"
    if added:
        found.append(f"{noun} added: {len(added)}")
    if removed:
        found.append(f"{noun} removed: {len(removed)}")
    if switched:
        found.append(f"switched essential/optional: {switched}")
    return found, added, removed
