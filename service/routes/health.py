"""GET /health."""

from __future__ import annotations

from fastapi import APIRouter, Request

from service.deps import CatalogDep, OpenStoreDep
from service.models import Health

router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health, summary="Health and store size")
def health(request: Request, open_store: OpenStoreDep, catalog: CatalogDep) -> dict[str, object]:
    """Whether the service is up, and how much the store it serves holds."""
    return {
        "status": "ok",
        "triples": open_store.triples,
        **catalog.summary(open_store.store),
        "store": open_store.path.name,
        "version": request.app.version,
    }
