"""Clients of the ESCO Web Service API as public code writes them, for the tests of
``/esco/api`` (:mod:`service.routes.esco_api`).

- :func:`generator_outputs`: what the Virtual Finland data space's generator
  (Virtual-Finland-Development/esco-api, ``data-generation/``, TypeScript) asks and keeps,
  restated: it pages ``/resource/skill`` and ``/resource/occupation`` by ``isInScheme`` with
  ``offset`` as a page number and ``limit=100``, takes every value of ``_embedded`` as an
  item, keeps the released ones, and writes ``skills.json`` (URI, labels) and
  ``occupations.json`` (URI, code, labels, broader concepts: an occupation's
  ``broaderOccupation`` and ``broaderIscoGroup`` links, and every ISCO group it is a
  ``narrowerOccupation``/``narrowerConcept`` of, duplicates kept as the generator keeps
  them). The generator itself runs in ``tests/test_esco_api_full.py`` where a checkout of it
  is given.
- :func:`crawl_taxonomy`: a crawler that starts at ``/resource/taxonomy?uri=<scheme>`` and
  only follows ``href`` links (``hasTopConcept``, ``narrowerConcept``,
  ``narrowerOccupation``, then each occupation's ``hasEssentialSkill`` and
  ``hasOptionalSkill``), as skills libraries walk ISCO, but down every branch.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

import httpx

LANGUAGES = ("en", "fi", "sv")
"""The languages the generator keeps of each preferred label."""
PAGE = 100
SCHEMES = "http://data.europa.eu/esco/concept-scheme/"


def pages(client: httpx.Client, base: str, resource: str) -> list[dict[str, Any]]:
    """Every item of a listing, asked for as the generator asks: the page number as
    ``offset``, until ``total`` items are in or a page would start past ``total``."""
    items: list[dict[str, Any]] = []
    page = 0
    total = -1
    while True:
        # The generator joins the URL as a string: the scheme's URI goes unencoded.
        answer = client.get(f"{base}/{resource}&language=en&offset={page}&limit={PAGE}")
        answer.raise_for_status()
        body = answer.json()
        if int(body["total"]) == 0:
            break
        if total == -1:
            total = int(body["total"])
        page += 1
        items.extend(body["_embedded"].values())
        if page * PAGE > total or len(items) >= total:
            break
    return items


def _labels(item: dict[str, Any]) -> dict[str, str]:
    return {k: v for k, v in item.get("preferredLabel", {}).items() if k in LANGUAGES}


def _linked(item: dict[str, Any], *relations: str) -> list[str]:
    """The URIs an item's ``relations`` link to, relation by relation, as the generator
    reads them."""
    return [link["uri"] for name in relations for link in item["_links"].get(name, ())]


def generator_outputs(
    client: httpx.Client, base: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of ``skills.json`` and ``occupations.json`` the generator would write from
    the API at ``base`` (in no particular order)."""
    skills = [
        {"uri": item["uri"], "prefLabel": _labels(item)}
        for item in pages(client, base, f"resource/skill?isInScheme={SCHEMES}member-skills")
        if item["status"] == "released"
    ]
    groups = {
        item["uri"]: {
            "uri": item["uri"],
            "notation": item.get("code"),
            "prefLabel": _labels(item),
            "narrower": _linked(item, "narrowerOccupation", "narrowerConcept"),
        }
        for item in pages(client, base, f"resource/occupation?isInScheme={SCHEMES}isco")
        if item["status"] == "released"
    }
    rows: dict[str, dict[str, Any]] = {}
    for item in pages(client, base, f"resource/occupation?isInScheme={SCHEMES}occupations"):
        if item["status"] != "released":
            continue
        rows[item["uri"]] = {
            "uri": item["uri"],
            "notation": item.get("code"),
            "prefLabel": _labels(item),
            "broader": _linked(item, "broaderOccupation", "broaderIscoGroup"),
        }
    for uri, group in groups.items():
        row = rows.setdefault(uri, {"uri": uri})
        row.update({k: v for k, v in group.items() if k != "narrower"})
    for group in groups.values():
        for narrower in group["narrower"]:
            if narrower in rows:
                rows[narrower].setdefault("broader", []).append(group["uri"])
    return skills, list(rows.values())


@dataclass
class Crawl:
    """What a crawl by ``href`` reached."""

    concepts: dict[str, dict[str, Any]] = field(default_factory=dict)
    """every ISCO group and occupation, by URI: its document"""
    skills: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: int = 0
    foreign_hrefs: list[str] = field(default_factory=list)
    """links that pointed anywhere but the API crawled (there should be none)"""


def crawl_taxonomy(client: httpx.Client, base: str, scheme: str, *, skills: bool = True) -> Crawl:
    """Walk a taxonomy from its concept scheme down, by following ``href`` links only."""
    crawl = Crawl()

    def get(href: str) -> dict[str, Any]:
        if not href.startswith(base + "/"):
            crawl.foreign_hrefs.append(href)
        crawl.requests += 1
        answer = client.get(href)
        answer.raise_for_status()
        body: dict[str, Any] = answer.json()
        return body

    top = get(f"{base}/resource/taxonomy?uri={scheme}&language=en")
    queue = deque(link["href"] for link in top["_links"].get("hasTopConcept", ()))
    seen: set[str] = set()
    skill_links: dict[str, str] = {}
    while queue:
        href = queue.popleft()
        if href in seen:
            continue
        seen.add(href)
        doc = get(href)
        crawl.concepts[doc["uri"]] = doc
        links = doc["_links"]
        for name in ("narrowerConcept", "narrowerOccupation"):
            queue.extend(link["href"] for link in links.get(name, ()))
        for name in ("hasEssentialSkill", "hasOptionalSkill"):
            for link in links.get(name, ()):
                skill_links.setdefault(link["uri"], link["href"])
    if skills:
        for uri, href in skill_links.items():
            crawl.skills[uri] = get(href)
    return crawl
