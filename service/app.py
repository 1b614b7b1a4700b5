"""The FastAPI application: ``create_app`` wires settings, store and routers together."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from anyio import to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from pyoxigraph import Store
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine import ProcessEngine, ThreadEngine
from graph.catalog import Catalog
from graph.errors import SkillgraphError
from graph.store import FixedStore, LiveStore
from service import docs, pages, problems
from service.body import MAX_BODY, BodyLimit
from service.cache import ResponseCache
from service.deps import ReleaseHeader, StoreSource
from service.routes import (
    esco_api,
    esco_paths,
    health,
    isco,
    match,
    occupations,
    query_page,
    reconcile,
    releases,
    resource,
    skills,
    sparql,
    suggest,
)
from service.routes import pages as page_routes
from service.settings import Settings

log = logging.getLogger("skillgraph.service")

DESCRIPTION = """
The ESCO classification (occupations, skills and knowledge, ISCO-08 groups and their
relations) as a knowledge graph, with the official ESCO URIs.

- **JSON** for applications: occupation profiles, similar occupations, long-term prospects,
  skill gaps, career paths, occupations matching a set of skills, skills and ISCO groups.
  `{id}` is an ESCO UUID or the full URI.
- **SPARQL 1.1** at `/sparql` for analysts (SPARQLWrapper, rdflib, YASGUI, pandas, curl).
- **The ESCO Web Service API** at `/esco/api`, for software written for ESCO's own API:
  its paths, parameters (`selectedVersion`, `language`) and HAL+JSON documents.

Errors are RFC 9457 `application/problem+json`.

This service uses the ESCO classification of the European Commission.
"""


def _version() -> str:
    try:
        return version("skillgraph")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


class SecurityHeaders:
    """Headers every answer of a public service carries: no content sniffing, no framing
    by other sites, no referrer sent on from the docs page."""

    HEADERS = (
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def dressed(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, dressed)


def create_app(
    settings: Settings | None = None, *, store: Store | StoreSource | None = None
) -> FastAPI:
    """The application serving ``store``, or else the store directory in ``settings``.

    A pyoxigraph ``Store`` is served as it is; a directory is opened read-only on start-up
    and followed when a load publishes a new version.
    """
    settings = settings or Settings()
    if store is None and settings.store is None:
        raise ValueError("create_app needs a store or Settings(store=...)")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if store is None:
            assert settings.store is not None
            # A new version is switched to once the catalog has its indexes (see Catalog.prepare).
            app.state.store_source = LiveStore(
                settings.store,
                check_every=settings.reload_check_seconds,
                prepare=app.state.catalog.prepare,
                retire=app.state.catalog.retire,
            )
        elif isinstance(store, Store):
            app.state.store_source = FixedStore(store)
        else:
            app.state.store_source = store
        # Handlers answer from the store holding the GIL, so threads beyond a few only
        # contend: 4 instead of AnyIO's 40 doubles throughput under load (docs/benchmarks.md).
        to_thread.current_default_thread_limiter().total_tokens = settings.store_threads
        try:
            if store is None:
                app.state.catalog.prepare(app.state.store_source.get())
            else:
                app.state.catalog.warm(app.state.store_source.get().latest)
        except (SkillgraphError, OSError) as error:
            # Requests will answer 503 with the reason; the server itself stays up.
            log.error("could not read the store at start-up: %s", error)
        # SPARQL runs where a query can be stopped: worker processes on the store's
        # directory, or threads for a store object no other process can open.
        if store is None:
            query_engine: ProcessEngine | ThreadEngine = ProcessEngine(settings.sparql)
        else:
            source = app.state.store_source
            query_engine = ThreadEngine(lambda: source.get().store, settings.sparql)
        await query_engine.start()
        app.state.sparql_engine = query_engine
        try:
            yield
        finally:
            await query_engine.close()
            del app.state.sparql_engine

    app = FastAPI(
        title=settings.title,
        version=_version(),
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        license_info={"name": "Apache-2.0 (code); ESCO data under Commission Decision 2011/833/EU"},
    )
    app.state.catalog = Catalog()
    app.state.settings = settings
    # One count of a version's named graphs at a time (the Service Description's sizes,
    # kept with the version's indexes): the others wait on the event loop, not in threads.
    app.state.graph_counting = asyncio.Lock()
    problems.install(app, page=pages.ErrorPages())
    docs.install(app)
    app.mount(pages.ASSETS, StaticFiles(directory=str(pages.STATIC)), name="site")
    # Inside CORS, added below, so that CORS also dresses its answers to browsers.
    app.add_middleware(sparql.SparqlEndpoint)
    # Around the SPARQL endpoint too (which answers before the routes), and inside the
    # response cache, so that the cache keeps the header with the answer.
    app.add_middleware(ReleaseHeader)
    if settings.response_cache_bytes:
        # Added before CORS so that CORS, the outer layer, also dresses cached answers.
        app.add_middleware(ResponseCache, max_bytes=settings.response_cache_bytes)
    # Inside CORS, so that its refusals are dressed for browsers too.
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["*"],
        )
    app.add_middleware(SecurityHeaders)
    for module in (
        health,
        # Before occupations and skills, whose /{id:path} would take /{id}/history (the API's
        # docs still list each profile first: service.docs).
        releases,
        occupations,
        skills,
        suggest,
        isco,
        match,
        reconcile,
        resource,
        query_page,  # before sparql: a browser's GET /sparql is the query page
        sparql,
        page_routes,
        esco_api,  # before esco_paths, which would take /esco/api/...
        esco_paths,  # last: the paths under /esco/ no page route takes
    ):
        app.include_router(module.router)
    return app
