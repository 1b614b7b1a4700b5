"""Content negotiation for every router: ``Accept`` (media types) and ``Accept-Language``
(language ranges), read by one q-value parser.

RFC 9110 (12.4.2): each item of the header may carry a weight ``q`` from 0 to 1 (1 if it
has none); the highest weight wins, the earliest listed among equals; ``q=0`` means "not
acceptable", so an item given it is never chosen, not even through a wildcard (``*/*``,
``text/*``, or ``*`` for languages).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from service.problems import ProblemError


@dataclass(frozen=True)
class Preferences:
    """What a header of weighted items asks for."""

    ranked: tuple[str, ...]
    """the items with a weight above 0, lowercased, best first"""
    refused: frozenset[str]
    """the items given ``q=0``"""
    malformed: tuple[str, ...]
    """the items whose weight is not a number from 0 to 1, as written"""


def preferences(header: str, *, limit: int | None = None) -> Preferences:
    """The items of ``header`` by weight (the first ``limit`` of them, if given), their
    other parameters left aside."""
    weighed: list[tuple[float, int, str]] = []
    refused: set[str] = set()
    malformed: list[str] = []
    for position, item in enumerate(header.split(",")[:limit]):
        value, *parameters = (part.strip() for part in item.split(";"))
        value = value.lower()
        if not value:
            continue
        quality: float | None = 1.0
        for parameter in parameters:
            name, _, weight = parameter.partition("=")
            if name.strip().lower() == "q":
                quality = _weight(weight)
        if quality is None:
            malformed.append(item.strip())
        elif quality == 0:
            refused.add(value)
        else:
            weighed.append((-quality, position, value))
    return Preferences(
        tuple(value for _, _, value in sorted(weighed)), frozenset(refused), tuple(malformed)
    )


def _weight(text: str) -> float | None:
    try:
        weight = float(text)
    except ValueError:
        return None
    return weight if math.isfinite(weight) and 0 <= weight <= 1 else None


def media_type(accept: str, offered: Iterable[str], default: str) -> str | None:
    """The media type to answer in for an ``Accept`` header, among ``offered``: the
    ``default`` for no header, for ``*/*`` and first among a wildcard's matches. None if
    nothing offered is acceptable.

    :raises ProblemError: 400 if a weight is malformed.
    """
    if not accept.strip():
        return default
    wanted = preferences(accept)
    if wanted.malformed:
        raise ProblemError(400, "bad-accept", f"invalid q-value in Accept: {wanted.malformed[0]!r}")
    types = [default, *(media for media in offered if media != default)]
    for media in wanted.ranked:
        if media == "*/*":
            candidates = types
        elif media.endswith("/*"):
            candidates = [m for m in types if m.startswith(media[:-1])]
        else:
            candidates = [media] if media in types else []
        for candidate in candidates:
            if not _refused_media(candidate, wanted):
                return candidate
    return None


def _refused_media(media: str, wanted: Preferences) -> bool:
    """Whether the most specific range of the header that matches ``media`` (the type
    itself, then ``type/*``, then ``*/*``: RFC 9110, 12.5.1) gives it a weight of 0."""
    for matching in (media, media.split("/", 1)[0] + "/*", "*/*"):
        if matching in wanted.refused:
            return True
        if matching in wanted.ranked:
            return False
    return False


def language(
    header: str,
    loaded: Sequence[str],
    lookup: Callable[[str], str | None],
    *,
    limit: int | None = None,
) -> str | None:
    """The language of ``loaded`` (the main one first) an ``Accept-Language`` header
    prefers most: each range in turn, found by ``lookup`` (RFC 4647), ``*`` for the first
    language not refused. None if no range finds one. A malformed weight leaves its range
    out, as a header no one checks should not cost the answer."""
    wanted = preferences(header, limit=limit)
    for tag in wanted.ranked:
        if tag == "*":
            candidates = list(loaded)
        else:
            found = lookup(tag)
            candidates = [] if found is None else [found]
        for candidate in candidates:
            if candidate.lower() not in wanted.refused:
                return candidate
    return None
