"""Any other path under ``/esco/``: the resource whose ESCO URI it mirrors (a concept scheme,
a skill group, a model term's page...), negotiated as ``/resource?uri=`` is. Included after
the page routes of occupations, skills and ISCO groups, which take their own paths first."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from graph import terms as t
from service import pages
from service.deps import CatalogDep, StoreDep
from service.routes import resource

router = APIRouter(include_in_schema=False, dependencies=[Depends(pages.mark)])


@router.get("/esco/{path:path}")
async def esco_path(request: Request, path: str, store: StoreDep, catalog: CatalogDep) -> Response:
    uri = t.ESCO_DATA + path
    return await run_in_threadpool(resource.resource, request, store, catalog, uri)
