"""Answers to the JSON API, kept per store version: the data behind them never changes.

A store version is immutable (a load makes a new one), so the bytes of a successful
``GET /occupations/...``, ``/skills/...`` or ``/isco/...`` answer stay right until the active
version changes. This pure ASGI middleware keeps them in a byte-bounded LRU keyed by store
version, path and query, and serves repeats without routing, queries or serialisation. Every
such answer carries an ``ETag`` naming the store version, so clients and proxies can ask
``If-None-Match`` and get ``304 Not Modified``. The language of an answer follows the
``language`` parameter (in the query, so in the key) or ``Accept-Language``, which the key
and the ETag include.

A 304 stands only for a 200 of the same resource (RFC 9110, 13.1.2: even ``*`` matches only
a representation that exists): it is answered from a 200 kept under the request's own key,
or else from the 200 the request is routed to, kept then; an unknown id or a malformed one
is routed and answered 404 or 422 whatever the ``If-None-Match``.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CACHED_PREFIXES = ("/occupations", "/skills", "/isco")


class ResponseCache:
    """ASGI middleware caching successful JSON API answers per store version."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        prefixes: tuple[str, ...] = CACHED_PREFIXES,
        max_bytes: int = 64 * 1024 * 1024,
    ) -> None:
        self.app = app
        self.prefixes = prefixes
        self.max_bytes = max_bytes
        self._entries: OrderedDict[
            tuple[str, str, bytes], tuple[list[tuple[bytes, bytes]], bytes]
        ] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not scope["path"].startswith(self.prefixes)
        ):
            await self.app(scope, receive, send)
            return
        version = _store_version(scope)
        if version is None:
            await self.app(scope, receive, send)
            return
        # The answer's language follows Accept-Language (service.language): the header is
        # part of the key and of the ETag, and the answer says Vary: Accept-Language.
        languages = _header(scope, b"accept-language")
        variant = (
            "" if languages is None else "-" + hashlib.blake2s(languages, digest_size=6).hexdigest()
        )
        etag = f'W/"{version}{variant}"'.encode()
        conditional = _header(scope, b"if-none-match")
        key = (version + variant, scope["path"], scope.get("query_string", b""))
        entry = self._entries.get(key)
        if entry is not None:
            self.hits += 1
            self._entries.move_to_end(key)
            headers, body = entry
            if conditional is not None and none_match(conditional, etag):
                await _not_modified(send, headers)
                return
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        self.misses += 1
        await self.app(scope, receive, self._recording(send, key, etag, conditional))

    def _recording(
        self, send: Send, key: tuple[str, str, bytes], etag: bytes, conditional: bytes | None
    ) -> Send:
        """``send``, keeping a 200 as it goes by; a 200 the request's ``If-None-Match``
        matches goes on as a 304 (and is kept whole)."""
        start: dict[str, Any] = {}
        chunks: list[bytes] = []
        unchanged = False

        async def record(message: Message) -> None:
            nonlocal unchanged
            if message["type"] == "http.response.start":
                start.update(message)
                if message["status"] == 200:
                    message = {**message, "headers": [*message.get("headers", []), (b"etag", etag)]}
                    start["headers"] = message["headers"]
                    if conditional is not None and none_match(conditional, etag):
                        unchanged = True
                        await _not_modified(send, start["headers"], body=False)
                        return
            elif message["type"] == "http.response.body" and start.get("status") == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._store(key, list(start["headers"]), b"".join(chunks))
                    if unchanged:
                        message = {"type": "http.response.body", "body": b""}
                if unchanged and message.get("more_body", False):
                    return
            await send(message)

        return record

    def _store(
        self, key: tuple[str, str, bytes], headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        size = len(body) + sum(len(k) + len(v) for k, v in headers)
        if size > self.max_bytes // 16:
            return  # one huge answer should not push out thousands of small ones
        self._entries[key] = (headers, body)
        self._bytes += size
        while self._bytes > self.max_bytes and self._entries:
            _, (old_headers, old_body) = self._entries.popitem(last=False)
            self._bytes -= len(old_body) + sum(len(k) + len(v) for k, v in old_headers)


def none_match(header: bytes | str, etag: bytes | str) -> bool:
    """Whether an ``If-None-Match`` header matches ``etag``, the entity tag of a
    representation that exists: ``*``, or a tag of the list equal to it by the weak
    comparison (``W/`` aside)."""
    text = header.decode("latin-1") if isinstance(header, bytes) else header
    tag = etag.decode("latin-1") if isinstance(etag, bytes) else etag
    if text.strip() == "*":
        return True
    return tag.removeprefix("W/") in {item.strip().removeprefix("W/") for item in text.split(",")}


NOT_MODIFIED_HEADERS = frozenset(
    (b"etag", b"vary", b"cache-control", b"content-location", b"date", b"expires")
)
"""The headers of a 200 its 304 repeats (RFC 9110, 15.4.5)."""


async def _not_modified(
    send: Send, headers: list[tuple[bytes, bytes]], *, body: bool = True
) -> None:
    """A 304 for the 200 with ``headers``; its (empty) body too, unless ``body`` is false."""
    kept = [(name, value) for name, value in headers if name.lower() in NOT_MODIFIED_HEADERS]
    await send({"type": "http.response.start", "status": 304, "headers": kept})
    if body:
        await send({"type": "http.response.body", "body": b""})


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value)
    return None


def _store_version(scope: Scope) -> str | None:
    """The name of the store version this request will be answered from."""
    app = scope.get("app")
    source = getattr(getattr(app, "state", None), "store_source", None)
    if source is None:
        return None
    try:
        return str(source.get().path.name)
    except Exception:  # the store is unreadable: let the app answer with its problem
        return None
