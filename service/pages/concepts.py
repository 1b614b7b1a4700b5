"""The page of one concept: an occupation's, a skill's, an ISCO group's, from the typed
answers of the JSON API."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from pyoxigraph import Literal, NamedNode

from graph import answers as a
from graph import terms as t
from graph.catalog import Catalog
from graph.errors import InvalidIdentifierError, NotFoundError
from graph.releases import StoreView
from graph.terms import PREFIXES
from service import answers, pages

SIMILAR = 5
"""Similar occupations and prospects a page shows (the ESCO portal shows five)."""
ROUTES = 3
"""Routes in a page shows."""
DESCRIBED_OPTIONAL = 60
"""An occupation's optional knowledge and skills come with their descriptions when it has at
most this many (a few have over 300: described, their page weighed 110 KB); beyond, each is a
link to its page, which has its description."""
ROUTE_STEPS = 2
"""The longest route in (moves) an occupation's page shows: the search back from an
occupation costs 18 ms (median, full classification) for 2 moves and 65 ms for 3, so the
page shows routes of up to 2 and links the explorer's, of up to 3, drawn."""


def loaded_languages(catalog: Catalog, store: StoreView) -> tuple[str, ...]:
    """The languages of the store, for a page's language switch."""
    return tuple(catalog.translations(store).languages)


def page(request: Request, store: StoreView, catalog: Catalog, uri: str, language: str) -> Response:
    """The page of the concept ``uri``: an occupation's, a skill's or an ISCO group's.

    :raises InvalidIdentifierError: if ``uri`` names none of them.
    :raises NotFoundError: if the store has no such concept.
    """
    languages = loaded_languages(catalog, store)
    headers = {"Vary": "Accept"}
    last = uri.rstrip("/").rsplit("/", 1)[-1]
    if uri.startswith((t.OCCUPATION_BASE, t.SKILL_BASE)) and not t.is_uuid(last):
        raise InvalidIdentifierError(f"{last!r} is not an ESCO id (a UUID)")
    if uri.startswith(t.OCCUPATION_BASE):
        context = occupation_context(store, catalog, uri, language)
        template = "occupation.html"
    elif uri.startswith(t.SKILL_BASE):
        try:
            context = {"skill": catalog.skill(store, uri, language=language)}
            template = "skill.html"
        except NotFoundError:  # a skill group, which has no profile: its statements
            context = resource_context(store, catalog, uri, language)
            template = "resource.html"
    elif uri.startswith(t.ISCO_BASE):
        group = catalog.isco_group(store, uri, limit=500, language=language)
        context = {"group": group}
        template = "isco.html"
    else:  # anything else the store describes: its statements
        context = resource_context(store, catalog, uri, language)
        template = "resource.html"
    return pages.render(
        request, template, context, language=language, languages=languages, headers=headers
    )


def occupation_context(
    store: StoreView, catalog: Catalog, uri: str, language: str
) -> dict[str, Any]:
    """What an occupation's page shows, from the typed answers of the JSON API."""
    profile = catalog.occupation(store, uri, language=language)
    similar = catalog.related_occupations(
        store, uri, kind="similar", limit=SIMILAR, language=language
    )
    prospects = catalog.related_occupations(
        store, uri, kind="prospects", limit=SIMILAR, language=language
    )
    routes = catalog.routes_in(store, uri, max_steps=ROUTE_STEPS, limit=ROUTES, language=language)
    mappings = catalog.mappings(store, uri, language=language)
    describe = catalog.descriptions(store, language)
    groups: dict[str, list[tuple[a.SkillRef, str | None]]] = {}
    for kind, skills in (
        ("essential", profile.essential_skills),
        ("optional", profile.optional_skills),
    ):
        described = kind == "essential" or len(skills) <= DESCRIBED_OPTIONAL
        for found in skills:
            part = "knowledge" if found.skill_type == "knowledge" else "skills"
            text = describe(found.uri) if described else None
            groups.setdefault(f"{kind} {part}", []).append((found, text))
    translations = catalog.translations(store)
    other_languages = [
        (tag, translations.labels.get(tag, {}).get(uri))
        for tag in translations.languages
        if tag != language
    ]
    return {
        "profile": profile,
        "preparation": None
        if profile.preparation is None
        else answers.preparation(profile.preparation),
        "similar": similar,
        "prospects": prospects,
        "routes": routes,
        "mappings": mappings,
        "groups": groups,
        "other_languages": [(tag, label) for tag, label in other_languages if label],
    }


def resource_context(store: StoreView, catalog: Catalog, uri: str, language: str) -> dict[str, Any]:
    """What the page of any other resource shows: its name, its types and its statements,
    each value a link to its page or a literal with its language.

    :raises InvalidIdentifierError: if ``uri`` is no http(s) IRI.
    :raises NotFoundError: if the store says nothing of it.
    """
    triples, _ = catalog.describe(store, uri)
    subject = NamedNode(uri)
    own = [triple for triple in triples if triple.subject == subject]
    labels: dict[str, list[tuple[str, str | None]]] = {}
    for triple in triples:
        value = triple.object
        if (
            isinstance(triple.subject, NamedNode)
            and triple.predicate.value in NAMES
            and isinstance(value, Literal)
        ):
            labels.setdefault(triple.subject.value, []).append((value.value, value.language))

    def name(of: str) -> str | None:
        found = labels.get(of, [])
        chosen = [text for text, tag in found if tag == language] or [text for text, _ in found]
        return chosen[0] if chosen else None

    rows: list[tuple[str, str | None, str | None, str | None]] = []
    for triple in sorted(own, key=lambda x: (x.predicate.value, str(x.object)))[:MAX_STATEMENTS]:
        value = triple.object
        if isinstance(value, NamedNode):
            rows.append((_short(triple.predicate.value), value.value, name(value.value), None))
        elif isinstance(value, Literal):
            rows.append((_short(triple.predicate.value), None, value.value, value.language))
    types = [_short(target) for prop, target, _, _ in rows if prop == "rdf:type" and target]
    return {
        "uri": uri,
        "name": name(uri) or _short(uri),
        "types": types,
        "rows": rows,
        "more": max(0, len(own) - MAX_STATEMENTS),
    }


NAMES = (t.PREF_LABEL.value, t.RDFS + "label")
"""The properties that name a resource on a page (the first in the page's language)."""
MAX_STATEMENTS = 300
"""The most statements a resource's page lists (the RDF has them all)."""


def _short(iri: str) -> str:
    """An IRI with a known prefix written as ``prefix:name``."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda p: -len(p[1])):
        if iri.startswith(namespace) and prefix != "dct":
            return prefix + ":" + iri[len(namespace) :]
    return iri
