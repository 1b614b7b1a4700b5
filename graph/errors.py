"""The errors the graph layer raises. They know nothing of HTTP or the command line.

SkillgraphError
├── InvalidIdentifierError   an id or code that cannot name a concept (bad input)
├── NotFoundError            a well-formed id that names no concept in the store
├── QueryError               a SPARQL text the engine refuses (syntax, unknown name)
│   └── UpdateNotAllowedError   an update sent where only queries are served
├── ParameterError           a named query called with missing or ill-typed parameters
├── BundleError              an ESCO bundle that cannot be loaded (file, line, reason)
└── StoreError               a store directory that is missing, locked or damaged
"""

from __future__ import annotations


class SkillgraphError(Exception):
    """Base of every error skillgraph raises on purpose."""


class InvalidIdentifierError(SkillgraphError, ValueError):
    """An identifier (UUID, URI, ISCO code) that is malformed."""


class NotFoundError(SkillgraphError, LookupError):
    """A well-formed identifier that names nothing in the store."""

    def __init__(self, kind: str, identifier: str) -> None:
        super().__init__(f"no {kind} {identifier} in this store")
        self.kind = kind
        self.identifier = identifier


class UnknownReleaseError(NotFoundError):
    """A release the store does not hold."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__("release", name)
        self.args = (f"no release {name} in this store; it holds {', '.join(known) or 'none'}",)
        self.known = known


class QueryError(SkillgraphError):
    """A query the SPARQL engine refuses; the message is the parser's."""


class UpdateNotAllowedError(QueryError):
    """A SPARQL update sent to a read-only endpoint."""


class ParameterError(SkillgraphError, ValueError):
    """A named query called with a missing, unknown or ill-typed parameter."""


class BundleError(SkillgraphError):
    """An ESCO bundle that cannot be loaded. Carries where and why."""

    def __init__(self, reason: str, *, file: str | None = None, line: int | None = None) -> None:
        where = file or ""
        if file and line is not None:
            where = f"{file}, line {line}"
        super().__init__(f"{where}: {reason}" if where else reason)
        self.file = file
        self.line = line
        self.reason = reason


class StoreError(SkillgraphError):
    """A store directory that cannot be opened or written."""
