"""What the career explorer and "what fits my skills" show, from the typed answers.

The explorer (``/explore?from=&to=``) takes two occupations, each an ESCO id, an occupation
URI or a title as a person types it (the first occupation the search finds for it, and the
page says which it understood); with both it shows the assessment of the move, the career
paths between them, each path as a picture (:mod:`service.pages.pathsvg`), and the skill
gap; with only where to, the routes in ("how to become"), each drawn.

"What fits my skills" (``/fit?skills=``) takes skills one a line and shows the occupations
that ask for them, and how each line was read: resolved to a skill (by which label), ambiguous
(the skills it may name), or unknown (why).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from graph import answers as a
from graph.catalog import Catalog
from graph.releases import StoreView
from service import answers
from service.pages import pathsvg

MAX_STEPS = 4
"""The most moves a path the explorer shows takes."""
PATHS = 3
"""How many paths the explorer shows."""
ROUTES = 5
"""Routes in ("how to become") the explorer shows, given only where to."""
ROUTE_STEPS = 3
"""The most moves a route in the explorer shows takes."""
FITS = 20
"""How many occupations "what fits my skills" lists."""
MAX_LINES = 100
"""How many lines of skills "what fits my skills" reads; the page says when it stops."""

_ID_LIKE = re.compile(r"^(?:https?://\S*|[0-9a-fA-F]{8}-\S*)$")
"""A text meant as an id (a URI, or what starts as an ESCO UUID does), not as a title: it is
looked up as an id, and a malformed one is refused (422) rather than searched for."""


@dataclass(frozen=True)
class Understood:
    """How a text typed for an occupation was understood."""

    given: str
    occupation: a.OccupationRef | None
    """None: no occupation has the title"""
    matched: a.MatchedLabel | None = None
    """the label the search matched; None when the text was an id"""

    @property
    def by_id(self) -> bool:
        return self.occupation is not None and self.matched is None


def understand(store: StoreView, catalog: Catalog, text: str, language: str) -> Understood | None:
    """The occupation ``text`` names: by id or URI, else the first the search finds.

    :raises InvalidIdentifierError: if ``text`` is meant as an id and is none.
    :raises NotFoundError: if it is an id the store has no occupation of.
    """
    given = " ".join(text.split())
    if not given:
        return None
    if _ID_LIKE.match(given):
        return Understood(given, catalog.occupation_ref(store, given, language=language))
    hits = catalog.search_occupations(store, given, limit=1, language=language)
    if not hits.items:
        return Understood(given, None)
    hit = hits.items[0]
    return Understood(given, hit.occupation, hit.matched)


OUTCOMES = {
    a.PathOutcome.FOUND: "Paths found",
    a.PathOutcome.SAME: "The same occupation",
    a.PathOutcome.NONE_WITHIN: "No path within the steps allowed",
    a.PathOutcome.NONE_AT_ALL: "No path at all",
    a.PathOutcome.STOPPED: "The search stopped early",
}
"""Each outcome of a career-path answer, in words."""

EFFECTS = {
    "helps": "helps",
    "neutral": "neutral",
    "hinders": "hinders: at most a stretch",
    "blocks": "blocks: makes it unrealistic",
}
"""What each reason's effect does to the rating, in words."""


@dataclass(frozen=True)
class PathView:
    """One career path as the explorer shows it: the answer, its picture, its hardest step."""

    path: a.CareerPath
    picture: Markup
    hardest: int | None
    title: str


def explore_context(
    store: StoreView, catalog: Catalog, given_from: str, given_to: str, language: str
) -> dict[str, Any]:
    """What the explorer shows for the two texts typed (either may be empty).

    :raises InvalidIdentifierError: if either is meant as an id and is none.
    :raises NotFoundError: if either is an id the store has no occupation of.
    """
    source = understand(store, catalog, given_from, language)
    target = understand(store, catalog, given_to, language)
    context: dict[str, Any] = {
        "given_from": given_from,
        "given_to": given_to,
        "source": source,
        "target": target,
        "transition": None,
        "gap": None,
        "paths": None,
        "views": [],
        "routes": None,
        "route_views": [],
        "max_steps": MAX_STEPS,
        "OUTCOMES": OUTCOMES,
        "EFFECTS": EFFECTS,
        "reason_text": answers.reason_text,
    }
    if source is None and target is not None and target.occupation:
        # Only where to: the ways in ("how to become"), each path drawn.
        routes = catalog.routes_in(
            store, target.occupation.uri, max_steps=ROUTE_STEPS, limit=ROUTES, language=language
        )
        context["routes"] = routes
        context["route_views"] = [
            _view(route.path, route.source, f"route-{number}")
            for number, route in enumerate(routes.routes, 1)
        ]
        return context
    if source is None or target is None or not source.occupation or not target.occupation:
        return context
    start, goal = source.occupation.uri, target.occupation.uri
    context["transition"] = catalog.transition(store, start, goal, language=language)
    context["gap"] = catalog.skill_gap(store, start, goal, language=language)
    paths = catalog.career_paths(
        store, start, goal, max_steps=MAX_STEPS, limit=PATHS, language=language
    )
    context["paths"] = paths
    context["note"] = answers.path_note(paths)
    context["views"] = [
        _view(path, paths.source, f"path-{number}") for number, path in enumerate(paths.paths, 1)
    ]
    return context


def _view(path: a.CareerPath, source: a.OccupationRef, ident: str) -> PathView:
    """A path as the explorer shows it: its picture, its hardest step, its title."""
    title, _ = pathsvg.describe(path, source)
    return PathView(
        path, pathsvg.path_svg(path, source, ident=ident), pathsvg.hardest_step(path), title
    )


@dataclass(frozen=True)
class Reading:
    """How one line given to "what fits my skills" was read."""

    given: str
    status: str
    """``resolved``, ``ambiguous`` or ``unknown``"""
    resolved: a.ResolvedSkill | None = None
    ambiguous: a.AmbiguousSkill | None = None
    unknown: a.UnknownSkill | None = None


def skill_lines(text: str) -> tuple[list[str], int]:
    """The skills given, one a line (blank lines and repeats dropped), at most
    :data:`MAX_LINES`, and how many more lines were left unread."""
    lines: list[str] = []
    for line in text.splitlines():
        given = " ".join(line.split())
        if given and given not in lines:
            lines.append(given)
    return lines[:MAX_LINES], max(0, len(lines) - MAX_LINES)


def readings(result: a.MatchResult, lines: list[str]) -> list[Reading]:
    """How each line was read, in the order given (the answer lists the resolved, the
    ambiguous and the unknown apart)."""
    resolved = {r.given: r for r in result.skills}
    ambiguous = {x.given: x for x in result.ambiguous}
    unknown = {u.given: u for u in result.unknown}
    found = []
    for given in lines:
        if given in resolved:
            found.append(Reading(given, "resolved", resolved=resolved[given]))
        elif given in ambiguous:
            found.append(Reading(given, "ambiguous", ambiguous=ambiguous[given]))
        elif given in unknown:
            found.append(Reading(given, "unknown", unknown=unknown[given]))
        else:  # the answer should account for every line; say so if it does not
            found.append(Reading(given, "unknown", unknown=a.UnknownSkill(given, "not read")))
    return found


LEVELS = {
    1: "simple, routine tasks",
    2: "machinery, driving, information",
    3: "complex technical tasks",
    4: "complex problem-solving",
}
"""The ISCO-08 skill levels, short enough for a select on a phone (the page explains them)."""

RESOLVED_BY = {
    "uri": "its URI",
    "id": "its ESCO id",
    "preferred label": "its preferred label",
    "alternative label": "an alternative label",
    "hidden label": "a hidden label (a common misspelling or an older term)",
    "relevance": "the words of a label",
}
"""How a line was resolved to a skill, in words."""


def fit_context(
    store: StoreView, catalog: Catalog, text: str, level: int | None, language: str
) -> dict[str, Any]:
    """What "what fits my skills" shows for the skills typed (one a line)."""
    lines, unread = skill_lines(text)
    context: dict[str, Any] = {
        "text": text,
        "level": level,
        "lines": lines,
        "unread": unread,
        "max_lines": MAX_LINES,
        "result": None,
        "readings": [],
        "counts": {},
        "RESOLVED_BY": RESOLVED_BY,
        "LEVELS": LEVELS,
    }
    if not lines:
        return context
    result = catalog.match(store, lines, skill_level=level, limit=FITS, language=language)
    context["result"] = result
    read = readings(result, lines)
    context["readings"] = read
    context["counts"] = {
        status: sum(r.status == status for r in read)
        for status in ("resolved", "ambiguous", "unknown")
    }
    return context
