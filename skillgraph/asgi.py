"""The application factory uvicorn imports in each worker process."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from service.app import create_app
from service.settings import Settings


def app_from_environment() -> FastAPI:
    """The app for the store named by $SKILLGRAPH_STORE, with $SKILLGRAPH_CACHE_MB of
    answer cache (both set by ``skillgraph serve``)."""
    store = os.environ.get("SKILLGRAPH_STORE")
    if not store:
        raise RuntimeError("set SKILLGRAPH_STORE to the store directory to serve")
    cache_mb = int(os.environ.get("SKILLGRAPH_CACHE_MB", "64"))
    return create_app(Settings(store=Path(store), response_cache_bytes=cache_mb * 1024 * 1024))
