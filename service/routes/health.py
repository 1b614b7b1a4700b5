"""GET /health."""

from __future__ import annotations

from fastapi import APIRouter, Request

from service.deps import CatalogDep, OpenStoreDep
from service.models import Health

router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health, summary="Health and store size")
def health(request: Request, open_store: OpenStoreDep, catalog: CatalogDep) -> dict[str, object]:
    """Whether the service is up, and how much the store it serves holds."""
    cache: dict[str, dict[str, object]] = request.app.state.summaries
    key = str(open_store.path)
    if key not in cache:
        cache.clear()
        cache[key] = catalog.summary(open_store.store)
    return {
        "status": "ok",
        "triples": open_store.triples,
        **cache[key],
        "store": open_store.path.name,
        "version": request.app.version,
    }
