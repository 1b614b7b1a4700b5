"""The frames a worker and the endpoint exchange over the worker's standard streams.

A frame is one byte of kind, four bytes of length (big-endian) and that many bytes. The
endpoint sends ``JOB`` frames (a :class:`engine.evaluate.Job` as JSON); a worker answers
``READY`` once when it starts, then for each job either ``HEAD``, ``DATA``..., ``END``, or
one ``ERROR``.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from typing import Any

JOB = b"J"
READY = b"R"
HEAD = b"H"
DATA = b"D"
END = b"E"
ERROR = b"X"

_PREFIX = struct.Struct(">cI")
PREFIX_SIZE = _PREFIX.size


def frame(kind: bytes, payload: bytes) -> bytes:
    """One frame."""
    return _PREFIX.pack(kind, len(payload)) + payload


def parse_prefix(prefix: bytes) -> tuple[bytes, int]:
    """A frame's kind and payload length, from its first :data:`PREFIX_SIZE` bytes."""
    kind, length = _PREFIX.unpack(prefix)
    return kind, length


def frames(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """The frames in ``data``, as (kind, payload)."""
    offset = 0
    while offset < len(data):
        kind, length = parse_prefix(data[offset : offset + PREFIX_SIZE])
        offset += PREFIX_SIZE
        yield kind, data[offset : offset + length]
        offset += length


def encode(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def decode(payload: bytes) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(payload)
    return value
