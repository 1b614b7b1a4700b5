"""Service settings, given to ``create_app``; the CLI reads them from its options."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine import Limits


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
    """Requests the JSON API answers from the store at once in one process; the rest wait
    their turn. SPARQL queries run in worker processes of their own (see ``sparql``)."""
    response_cache_bytes: int = 64 * 1024 * 1024
    """Memory for JSON answers kept per store version (0 turns the cache off)."""
    sparql: Limits = field(default_factory=Limits)
    """What a SPARQL query may take: time, memory, rows; how many run at once and wait."""
    allowed_services: frozenset[str] = frozenset()
    """The endpoints SERVICE clauses may call (exact URLs); any other SERVICE is refused."""
