"""What handlers receive: the store to answer from, the catalog of named queries, and the
paging parameters the list endpoints share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Protocol, TypeVar

from fastapi import Depends, Query, Request
from pyoxigraph import Store
from starlette.concurrency import run_in_threadpool

from graph.catalog import Catalog
from graph.store import OpenStore

T = TypeVar("T")


class StoreSource(Protocol):
    """Gives the store version to answer the current request from."""

    def get(self) -> OpenStore: ...


async def get_open_store(request: Request) -> OpenStore:
    """The store version for this request (fixed for the whole request).

    The dependencies are ``async`` because they only look things up: a plain ``def`` would
    cost each request a round trip through the thread pool."""
    source: StoreSource = request.app.state.store_source
    return source.get()


async def get_store(open_store: Annotated[OpenStore, Depends(get_open_store)]) -> Store:
    """The pyoxigraph store for this request."""
    return open_store.store


async def get_catalog(request: Request) -> Catalog:
    """The named-query catalog."""
    catalog: Catalog = request.app.state.catalog
    return catalog


async def answered(
    catalog: Catalog, store: Store, answer: Callable[[], T], *, reads_store: bool = False
) -> T:
    """``answer()``, on the event loop when it reads only the version's in-memory indexes
    (a tenth of a millisecond; a hop to a worker thread and back costs more than that); in
    the thread pool when it ``reads_store`` (a named query, which may take milliseconds), or
    when the version's indexes are not built yet (a server whose preparation failed builds
    them on first use, which takes seconds and must not stop the event loop)."""
    if reads_store or not catalog.ready(store):
        return await run_in_threadpool(answer)
    return answer()


OpenStoreDep = Annotated[OpenStore, Depends(get_open_store)]
StoreDep = Annotated[Store, Depends(get_store)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]


Limit = Annotated[int, Query(ge=1, le=100, description="How many items to return, 1 to 100.")]
Offset = Annotated[int, Query(ge=0, le=100_000, description="How many items to skip.")]
