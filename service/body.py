"""Request bodies: one limit for every route, and one reader that holds to it.

:class:`BodyLimit` stands in front of the whole app (the JSON API and ``/sparql`` alike):
a body declared larger than :data:`MAX_BODY` is refused before it is read, and one sent
without a length (chunked) is read up to the limit. The SPARQL endpoint, which reads its
body itself, reads it with :func:`read_body`, so that it holds to the same limit, with the
same 413 problem, in an app without the middleware too.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.problems import ProblemError, render

MAX_BODY = 1 << 20
"""Bytes of a request body: a SPARQL query (one over 1 MiB is not a query people write),
or a JSON body (``POST /match`` with 1,000 skills is ~50 KB)."""


def too_large(limit: int = MAX_BODY) -> ProblemError:
    """The 413 problem for a body past ``limit`` bytes."""
    return ProblemError(413, "too-large", f"request bodies are limited to {limit:,} bytes")


async def read_body(receive: Receive, limit: int = MAX_BODY) -> bytes | None:
    """The request body; None if the client left before sending all of it.

    :raises ProblemError: 413 as soon as the body passes ``limit`` bytes.
    """
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` with a 413 problem: by their
    ``Content-Length`` before reading; a body sent without one (chunked) is read here, up
    to the limit, and handed on whole."""

    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_BODY) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None:
            if length.isdigit() and int(length) > self.max_bytes:
                await self._refuse(scope, receive, send)
            else:  # the HTTP server holds the body to its length
                await self.app(scope, receive, send)
            return
        try:
            body = await read_body(receive, self.max_bytes)
        except ProblemError:
            await self._refuse(scope, receive, send)
            return
        if body is None:
            return  # the client left
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = render(too_large(self.max_bytes), scope["path"])
        assert response is not None  # a ProblemError always renders
        await response(scope, receive, send)
