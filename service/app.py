"""The FastAPI application: ``create_app`` wires settings, store and routers together."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from anyio import to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from pyoxigraph import Store
from starlette.types import Receive, Scope, Send

from graph.catalog import Catalog
from graph.errors import SkillgraphError
from graph.store import FixedStore, LiveStore
from service import docs, problems
from service.cache import ResponseCache
from service.deps import StoreSource
from service.routes import health, isco, match, occupations, skills, sparql
from service.settings import Settings

log = logging.getLogger("skillgraph.service")

DESCRIPTION = """
The ESCO classification (occupations, skills and knowledge, ISCO-08 groups and their
relations) as a knowledge graph, with the official ESCO URIs.

- **JSON** for applications: occupation profiles, similar occupations, long-term prospects,
  skill gaps, career paths, occupations matching a set of skills, skills and ISCO groups.
  `{id}` is an ESCO UUID or the full URI.
- **SPARQL 1.1** at `/sparql` for analysts (SPARQLWrapper, rdflib, YASGUI, pandas, curl).

Errors are RFC 9457 `application/problem+json`.

This service uses the ESCO classification of the European Commission.
"""


def _version() -> str:
    try:
        return version("skillgraph")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


class SkillgraphAPI(FastAPI):
    """FastAPI, with SPARQL queries from scripts answered at the door.

    Analysts' tools send many small queries, where every layer a request crosses shows
    against Oxigraph's own server. A query with no ``Origin`` header (curl, SPARQLWrapper,
    rdflib, pandas: anything but a browser) is one that none of :func:`create_app`'s
    middleware changes, so it goes straight to the endpoint, past FastAPI's and Starlette's
    layers. Browsers' queries take the whole stack, where CORS dresses the same endpoint's
    answers. Adding a middleware later shuts the door, so that every request crosses it.

    Taking turns with Oxigraph's server (40 rounds), the door took a CONSTRUCT of one
    occupation from 1.33x to 1.21x its time, and an empty query from 1.52-1.69x to
    1.49-1.51x. A bare ASGI app on the same store, threads and HTTP server came to
    1.09-1.18x on that CONSTRUCT: what the rest of the stack weighs.
    """

    sparql: sparql.SparqlEndpoint | None = None

    def add_middleware(self, *args: Any, **kwargs: Any) -> None:
        super().add_middleware(*args, **kwargs)
        self.sparql = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        door = self.sparql
        if self.root_path:  # as FastAPI sets it
            scope["root_path"] = self.root_path
        if door is not None and door.handles(scope) and not _from_a_page(scope):
            scope["app"] = self  # as Starlette sets it
            await door.respond(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _from_a_page(scope: Scope) -> bool:
    """Whether a browser sent the request from a page (CORS applies to the answer)."""
    return any(name == b"origin" for name, _ in scope["headers"])


def create_app(
    settings: Settings | None = None, *, store: Store | StoreSource | None = None
) -> SkillgraphAPI:
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
            # A new version is switched to once the catalog's indexes are built for it.
            app.state.store_source = LiveStore(
                settings.store,
                check_every=settings.reload_check_seconds,
                prepare=app.state.catalog.warm,
            )
        elif isinstance(store, Store):
            app.state.store_source = FixedStore(store)
        else:
            app.state.store_source = store
        # Handlers answer from the store holding the GIL, so threads beyond a few only
        # contend: 4 instead of AnyIO's 40 doubles throughput under load (docs/benchmarks.md).
        to_thread.current_default_thread_limiter().total_tokens = settings.store_threads
        try:
            app.state.catalog.warm(app.state.store_source.get().store)
        except (SkillgraphError, OSError) as error:
            # Requests will answer 503 with the reason; the server itself stays up.
            log.error("could not read the store at start-up: %s", error)
        # SPARQL queries get threads of their own, as many as the store's: AnyIO's hop costs
        # more than a plain executor's (see service.routes.sparql.SparqlEndpoint).
        app.state.sparql_pool = ThreadPoolExecutor(settings.store_threads, "sparql")
        try:
            yield
        finally:
            app.state.sparql_pool.shutdown(wait=False, cancel_futures=True)
            del app.state.sparql_pool

    app = SkillgraphAPI(
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
    problems.install(app)
    docs.install(app)
    # Innermost, so that CORS, added below, also dresses its answers to browsers.
    app.add_middleware(sparql.SparqlEndpoint)
    if settings.response_cache_bytes:
        # Added before CORS so that CORS, the outer layer, also dresses cached answers.
        app.add_middleware(ResponseCache, max_bytes=settings.response_cache_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["*"],
        )
    for module in (health, occupations, skills, isco, match, sparql):
        app.include_router(module.router)
    app.sparql = sparql.SparqlEndpoint(app)  # the door, past the middleware added above
    return app
