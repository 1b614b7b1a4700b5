"""What handlers receive: the store to answer from, the catalog of named queries, and the
paging parameters the list endpoints share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Protocol, TypeVar

from fastapi import Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.catalog import Catalog
from graph.releases import NAME_PATTERN, Release, StoreView
from graph.store import OpenStore
from service.problems import ProblemError

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


RELEASE_HELP = (
    "The ESCO release to answer for, as GET /releases lists them (v1.2.0): the newest "
    "loaded by default."
)


async def get_release(
    request: Request,
    open_store: Annotated[OpenStore, Depends(get_open_store)],
    selected_version: Annotated[
        str | None,
        Query(
            alias="selectedVersion",
            pattern=NAME_PATTERN,
            description=RELEASE_HELP + " The ESCO Web Service API's name for it.",
        ),
    ] = None,
    release: Annotated[
        str | None,
        Query(pattern=NAME_PATTERN, description=RELEASE_HELP + " The same as selectedVersion."),
    ] = None,
) -> Release:
    """The release this request answers for; its name goes out in the ``ESCO-Release``
    header (:class:`ReleaseHeader`).

    :raises UnknownReleaseError: if the store holds no such release (404, naming those it
        holds)."""
    chosen = asked_release(open_store, [selected_version, release])
    request.state.release = chosen.name
    return chosen


def asked_release(open_store: OpenStore, names: Iterable[str | None]) -> Release:
    """The release the request names (by ``selectedVersion`` or ``release``, the values of
    ``names`` given), the newest if it names none.

    :raises ProblemError: if it names two (404: no release is both, as for an unknown one).
    :raises UnknownReleaseError: if the store holds no such release (404, naming those it
        holds)."""
    given = sorted({name for name in names if name})
    if len(given) > 1:
        raise ProblemError(
            404,
            "not-found",
            f"selectedVersion and release name different releases ({', '.join(given)}): give one",
        )
    return open_store.release(given[0] if given else None)


async def get_store(release: Annotated[Release, Depends(get_release)]) -> StoreView:
    """The store as the release asked for sees it, for this request."""
    return release


class ReleaseHeader:
    """ASGI middleware: every answer given for a release says which, in ``ESCO-Release``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})

        async def send_with_release(message: Message) -> None:
            if message["type"] == "http.response.start" and state.get("release"):
                headers = [*message.get("headers", [])]
                headers.append((b"esco-release", str(state["release"]).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_release)


async def get_catalog(request: Request) -> Catalog:
    """The named-query catalog."""
    catalog: Catalog = request.app.state.catalog
    return catalog


async def answered(
    catalog: Catalog, store: StoreView, answer: Callable[[], T], *, reads_store: bool = False
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
StoreDep = Annotated[StoreView, Depends(get_store)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]


Limit = Annotated[int, Query(ge=1, le=100, description="How many items to return, 1 to 100.")]
Offset = Annotated[int, Query(ge=0, le=100_000, description="How many items to skip.")]
