"""GET /health."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from service.deps import CatalogDep, OpenStoreDep
from service.models import Health
from service.sparql_engine import engine_of

router = APIRouter(tags=["service"])


@router.get(
    "/health",
    response_model=Health,
    summary="Health and store size",
    responses={503: {"model": Health, "description": "Degraded: SPARQL cannot be served now"}},
)
async def health(
    request: Request, open_store: OpenStoreDep, catalog: CatalogDep
) -> JSONResponse | dict[str, object]:
    """Whether the service is up, and how much the store it serves holds.

    Answered on the event loop from figures counted once per store version, so a slow
    request elsewhere never holds it up. 503 "degraded" while SPARQL queries cannot be
    served (no query worker is up, or every one is busy with the queue full).
    """
    # The figures of the newest release (GET /releases gives each release's).
    summary = catalog.counted(open_store.latest)
    if summary is None:
        summary = await run_in_threadpool(catalog.summary, open_store.latest)
    query_engine = engine_of(request.app.state)
    body: dict[str, object] = {
        "status": "ok",
        "sparql": query_engine.status(),
        "triples": open_store.triples,
        **summary,
        "store": open_store.path.name,
        "release": open_store.latest.name,
        "version": request.app.version,
    }
    if not query_engine.ready:
        body["status"] = "degraded"
        body["detail"] = "SPARQL queries cannot be served now: " + (
            "no query worker is running"
            if not query_engine.status().get("idle", 0) and not query_engine.status().get("busy", 0)
            else "every query worker is busy and the queue is full"
        )
        return JSONResponse(Health.model_validate(body).model_dump(mode="json"), status_code=503)
    return body
