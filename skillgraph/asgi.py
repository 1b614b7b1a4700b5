"""The application factory uvicorn imports in each worker process."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from service.app import create_app
from service.settings import Settings


def app_from_environment() -> FastAPI:
    """The app for the store named by $SKILLGRAPH_STORE (set by ``skillgraph serve``)."""
    store = os.environ.get("SKILLGRAPH_STORE")
    if not store:
        raise RuntimeError("set SKILLGRAPH_STORE to the store directory to serve")
    return create_app(Settings(store=Path(store)))
