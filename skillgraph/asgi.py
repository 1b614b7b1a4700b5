"""The application factory uvicorn imports in each worker process."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from fastapi import FastAPI

from service.app import create_app
from service.settings import BY_NAME, Settings

SETTINGS_ENV = "SKILLGRAPH_SERVE"
"""What ``skillgraph serve`` hands each server process: its options, as JSON."""


def app_from_environment() -> FastAPI:
    """The app for the store named by $SKILLGRAPH_STORE, with the options of
    ``skillgraph serve`` in $SKILLGRAPH_SERVE (both set by it)."""
    store = os.environ.get("SKILLGRAPH_STORE")
    if not store:
        raise RuntimeError("set SKILLGRAPH_STORE to the store directory to serve")
    options = json.loads(os.environ.get(SETTINGS_ENV) or "{}")
    _log_to_stderr(options.get("log_level", BY_NAME["log_level"].default))
    return create_app(Settings.from_options({**options, "store": Path(store)}))


def _log_to_stderr(level: str) -> None:
    """Show skillgraph's own log lines (a version switch, a stopped query) beside uvicorn's;
    uvicorn configures only its own loggers."""
    logger = logging.getLogger("skillgraph")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level.upper())
