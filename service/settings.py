"""Service settings, given to ``create_app``; the CLI reads them from its options."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """How the service runs."""

    store: Path | None = None
    """The store directory to serve (its active version, followed across loads)."""
    title: str = "skillgraph"
    cors_origins: tuple[str, ...] = ("*",)
    """Origins allowed to call the API from a browser: the data is public and read-only."""
    reload_check_seconds: float = 1.0
    """How often to look whether a load has published a new store version."""
    store_threads: int = 4
    """Requests answered from the store at once in one process, by the JSON API and by
    /sparql each (they have threads of their own); the rest wait their turn."""
    response_cache_bytes: int = 64 * 1024 * 1024
    """Memory for JSON answers kept per store version (0 turns the cache off)."""
