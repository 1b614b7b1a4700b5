"""The ESCO Web Service API's documents, read from one release of the store.

The ESCO API (``https://ec.europa.eu/esco/api``, and the "local API" organisations run
themselves) answers ``/resource/{taxonomy,concept,occupation,skill}?uri=`` with a HAL+JSON
document per concept: its labels in every language (``preferredLabel`` ``{"en": "..."}``,
``alternativeLabel`` ``{"en": [...]}``), its ``description`` (``{"en": {"literal": ...,
"mimetype": "plain/text"}}``), ``code``, ``status``, and ``_links`` to the concepts it is
related to, each ``{"href", "uri", "title"}`` (``self`` one object, every relation a list).

This module builds those documents from the triples of the release, as the official ESCO
RDF model states them (the loader writes the inverses too: ``skos:narrower``,
``esco:isEssentialSkillFor``), so no second copy of the classification is kept: a document
is a few index lookups. Where an ``href`` points is the caller's (``Links``), so that a
crawler following them stays on this service.

Which ``_links`` name a relation gets depends on the concept's class and the target's, as
the ESCO API names them: an occupation's ``skos:broader`` is a ``broaderIscoGroup`` or a
``broaderOccupation``, a skill's a ``broaderSkill`` or a ``broaderHierarchyConcept`` (a skill
group), an ISCO group's a ``broaderConcept``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from pyoxigraph import Literal, NamedNode, Quad

from graph import terms as t
from graph.releases import Release, StoreView
from graph.store import PerVersion

OCCUPATION: Final = "Occupation"
SKILL: Final = "Skill"
CONCEPT: Final = "Concept"
CONCEPT_SCHEME: Final = "ConceptScheme"

CLASS_IDS: Final = {
    OCCUPATION: t.ESCO + "Occupation",
    SKILL: t.ESCO + "Skill",
    CONCEPT: t.SKOS + "Concept",
    CONCEPT_SCHEME: t.SKOS + "ConceptScheme",
}
"""``className`` -> ``classId``, as the ESCO API pairs them."""

RESOURCE_CLASSES: Final = {
    "taxonomy": frozenset({CONCEPT_SCHEME}),
    "concept": frozenset({CONCEPT, OCCUPATION, SKILL, CONCEPT_SCHEME}),
    "occupation": frozenset({OCCUPATION, CONCEPT}),
    "skill": frozenset({SKILL, CONCEPT}),
}
"""The classes each ``/resource/{kind}`` serves. An ISCO group is an occupation resource as
much as a concept (the ESCO API lists the groups of the ``occupations`` scheme under
``/resource/occupation``), a skill group a skill resource."""

RESOURCE_OF: Final = {
    OCCUPATION: "occupation",
    SKILL: "skill",
    CONCEPT: "concept",
    CONCEPT_SCHEME: "taxonomy",
}
"""The ``/resource/{kind}`` an ``href`` to a concept of each class points at."""

MIMETYPE: Final = "plain/text"
"""What the ESCO API says a description's text is (sic)."""

_SKILL_SKILL = {
    t.RELATED_ESSENTIAL_SKILL.value: "hasEssentialSkill",
    t.RELATED_OPTIONAL_SKILL.value: "hasOptionalSkill",
}
_FOR = {
    t.IS_ESSENTIAL_SKILL_FOR.value: "isEssentialFor",
    t.IS_OPTIONAL_SKILL_FOR.value: "isOptionalFor",
}
_NOTES = {
    t.DESCRIPTION.value: "description",
    t.DEFINITION.value: "definition",
    t.SCOPE_NOTE.value: "scopeNote",
}
_LABELS = {
    t.PREF_LABEL.value: "preferredLabel",
    t.ALT_LABEL.value: "alternativeLabel",
    t.HIDDEN_LABEL.value: "hiddenLabel",
}

RELATIONS: Final = (
    "hasTopConcept",
    "topConceptOf",
    "isInScheme",
    "broaderIscoGroup",
    "broaderOccupation",
    "broaderSkill",
    "broaderHierarchyConcept",
    "broaderConcept",
    "narrowerOccupation",
    "narrowerSkill",
    "narrowerConcept",
    "hasEssentialSkill",
    "hasOptionalSkill",
    "isEssentialForOccupation",
    "isOptionalForOccupation",
    "isEssentialForSkill",
    "isOptionalForSkill",
    "hasSkillType",
    "hasReuseLevel",
)
"""Every ``_links`` relation a document may have (``/resource/related``'s ``relation``)."""

Links = Callable[[str, str], str]
"""``href(resource_kind, uri)``: where a link to a concept points."""


@dataclass
class _Cache:
    """What one release's documents look up again and again: the members of a concept
    scheme (in URI order), a concept's class, its preferred label in a language, a skill's
    type."""

    members: dict[str, tuple[str, ...]] = field(default_factory=dict)
    member_sets: dict[str, frozenset[str]] = field(default_factory=dict)
    classes: dict[str, str | None] = field(default_factory=dict)
    titles: dict[tuple[str, str], str | None] = field(default_factory=dict)
    skill_types: dict[str, str | None] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_CACHES: PerVersion[_Cache] = PerVersion(lambda store: _Cache())
_MAX_CACHED = 100_000
"""Titles and classes kept per release: every concept of ESCO, in a few languages."""


class Documents:
    """The ESCO API's documents of one release, titled in one language."""

    def __init__(self, store: StoreView, language: str, href: Links, *, main: str) -> None:
        self.store = store
        self.language = language
        self.main = main
        """the language a title falls back to (the release's main one)"""
        self.href = href
        self._cache = _CACHES.get(store)

    # -- what a concept is ------------------------------------------------------------

    def class_of(self, uri: str) -> str | None:
        """The ESCO API's ``className`` of ``uri``; None if the release does not describe it."""
        cache = self._cache
        if uri in cache.classes:
            return cache.classes[uri]
        node = as_node(uri)
        types = (
            {
                q.object.value
                for q in self.store.quads_for_pattern(node, t.TYPE, None)
                if isinstance(q.object, NamedNode)
            }
            if node is not None
            else set()
        )
        found: str | None
        if t.ESCO_OCCUPATION.value in types:
            found = OCCUPATION
        elif t.ESCO_SKILL.value in types:
            found = SKILL
        elif t.SKOS_CONCEPT_SCHEME.value in types:
            found = CONCEPT_SCHEME
        elif types:
            found = CONCEPT
        else:
            found = None
        if len(cache.classes) < _MAX_CACHED:
            cache.classes[uri] = found
        return found

    def title(self, uri: str) -> str | None:
        """The preferred label of ``uri`` in the language asked for, else the main one."""
        cache = self._cache
        key = (uri, self.language)
        if key in cache.titles:
            return cache.titles[key]
        labels: dict[str, str] = {}
        for quad in self.store.quads_for_pattern(NamedNode(uri), t.PREF_LABEL, None):
            if isinstance(quad.object, Literal) and quad.object.language:
                labels.setdefault(quad.object.language, quad.object.value)
        found = labels.get(self.language) or labels.get(self.main)
        if found is None and labels:
            found = labels[min(labels)]
        if found is None:  # a skill type or a reuse level: named by its last segment
            found = t.concept_id(uri) if uri.startswith(t.ESCO_DATA) else None
        if len(cache.titles) < _MAX_CACHED:
            cache.titles[key] = found
        return found

    def link(self, uri: str, kind: str | None = None) -> dict[str, Any]:
        """A ``_links`` entry: ``{"href", "uri", "title"}``."""
        kind = kind or RESOURCE_OF.get(self.class_of(uri) or CONCEPT, "concept")
        return {"href": self.href(kind, uri), "uri": uri, "title": self.title(uri)}

    # -- documents ----------------------------------------------------------------------

    def members(self, scheme: str) -> tuple[str, ...]:
        """The concepts in ``scheme`` (``skos:inScheme``), in URI order; a scheme's list is
        made once per release."""
        cache = self._cache
        found = cache.members.get(scheme)
        if found is None:
            node = as_node(scheme)
            if node is None:
                return ()
            uris = {
                q.subject.value
                for q in self.store.quads_for_pattern(None, t.IN_SCHEME, node)
                if isinstance(q.subject, NamedNode)
            }
            found = tuple(sorted(uris))
            with cache.lock:
                cache.members[scheme] = found
        return found

    def member_set(self, scheme: str) -> frozenset[str]:
        """:meth:`members` as a set, to filter by (made once per release and scheme)."""
        found = self._cache.member_sets.get(scheme)
        if found is None:
            found = frozenset(self.members(scheme))
            self._cache.member_sets[scheme] = found
        return found

    def document(self, uri: str) -> dict[str, Any] | None:
        """The resource document of ``uri``; None if the release does not describe it."""
        own = self.class_of(uri)
        if own is None:
            return None
        node = NamedNode(uri)
        doc: dict[str, Any] = {
            "className": own,
            "classId": CLASS_IDS[own],
            "uri": uri,
            "title": self.title(uri),
            "referenceLanguage": [self.main],
        }
        labels: dict[str, dict[str, Any]] = {}
        notes: dict[str, dict[str, dict[str, str]]] = {}
        codes: list[str] = []
        status: str | None = None
        links: dict[str, list[dict[str, Any]]] = {}

        linked: set[tuple[str, str]] = set()

        def add(relation: str, target: str, kind: str | None = None) -> None:
            if (relation, target) in linked or self.class_of(target) is None:
                return  # a link given twice, or to a concept the release lacks (no 404 href)
            linked.add((relation, target))
            links.setdefault(relation, []).append(self.link(target, kind))

        for quad in self._own(node):
            predicate, value = quad.predicate.value, quad.object
            if predicate in _LABELS and isinstance(value, Literal):
                language = value.language or self.main
                name = _LABELS[predicate]
                if name == "preferredLabel":
                    labels.setdefault(name, {}).setdefault(language, value.value)
                else:
                    labels.setdefault(name, {}).setdefault(language, []).append(value.value)
            elif predicate in _NOTES and isinstance(value, NamedNode | Literal):
                for language, text in self._note(value):
                    notes.setdefault(_NOTES[predicate], {})[language] = {
                        "literal": text,
                        "mimetype": MIMETYPE,
                    }
            elif predicate == t.NOTATION.value and isinstance(value, Literal):
                if value.value not in codes:
                    codes.append(value.value)
            elif predicate == t.STATUS.value and isinstance(value, Literal):
                status = value.value
            elif not isinstance(value, NamedNode):
                continue
            elif predicate == t.BROADER.value:
                add(self._broader(own, value.value), value.value)
            elif predicate == t.NARROWER.value:
                add(
                    _NARROWER.get(self.class_of(value.value) or CONCEPT, "narrowerConcept"),
                    value.value,
                )
            elif predicate in _SKILL_SKILL:
                add(_SKILL_SKILL[predicate], value.value, "skill")
            elif predicate in _FOR:
                target = self.class_of(value.value)
                add(_FOR[predicate] + ("Skill" if target == SKILL else "Occupation"), value.value)
            elif predicate == t.SKILL_TYPE.value:
                add("hasSkillType", value.value, "concept")
            elif predicate == t.SKILL_REUSE_LEVEL.value:
                add("hasReuseLevel", value.value, "concept")
            elif predicate == t.IN_SCHEME.value:
                add("isInScheme", value.value, "taxonomy")
            elif predicate == t.TOP_CONCEPT_OF.value:
                add("topConceptOf", value.value, "taxonomy")
            elif predicate == t.HAS_TOP_CONCEPT.value:
                add("hasTopConcept", value.value)
        if codes:
            doc["code"] = codes[0]
        doc.update(labels)
        doc.update(notes)
        if status is not None:
            doc["status"] = status
        self_link = self.link(uri, RESOURCE_OF[own])
        if own == SKILL and "hasSkillType" in links:
            self_link["skillType"] = links["hasSkillType"][0]["uri"]
        ordered: dict[str, Any] = {"self": self_link}
        for relation in RELATIONS:
            if relation in links:
                entries = links[relation]
                entries.sort(key=lambda e: (e["title"] or "", e["uri"]))
                ordered[relation] = entries
        if own in (OCCUPATION, SKILL):
            for relation in ("hasEssentialSkill", "hasOptionalSkill"):
                for entry in ordered.get(relation, ()):
                    kind = self._skill_type(entry["uri"])
                    if kind is not None:
                        entry["skillType"] = kind
        doc["_links"] = ordered
        return doc

    def related(self, uri: str, relation: str) -> list[str] | None:
        """The URIs ``uri``'s ``relation`` links to, in the document's order; None if the
        release does not describe ``uri``."""
        doc = self.document(uri)
        if doc is None:
            return None
        return [entry["uri"] for entry in doc["_links"].get(relation, ())]

    def documents(self, uris: Iterable[str]) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(uri, document)`` for each of ``uris`` the release describes, lazily."""
        for uri in uris:
            doc = self.document(uri)
            if doc is not None:
                yield uri, doc

    # -- helpers ------------------------------------------------------------------------

    def _own(self, node: NamedNode) -> Iterator[Quad]:
        """The triples a document is made of, with ``node`` as subject: in a release, those
        of its classification graph, where the files' statements are; in a bare store, each
        once. One lookup per property read, which skips the rest (SKOS-XL label nodes,
        associations, transitive closures: most of a skill's triples)."""
        if isinstance(self.store, Release) and self.store.esco is not None:
            store, graph = self.store.store, self.store.esco
            for predicate in _READ:
                yield from store.quads_for_pattern(node, predicate, None, graph)
            return
        for predicate in _READ:
            yield from _unique(self.store.quads_for_pattern(node, predicate, None))

    def _broader(self, own: str, target: str) -> str:
        kind = self.class_of(target)
        if kind == OCCUPATION:
            return "broaderOccupation"
        if kind == SKILL:
            return "broaderSkill"
        if own == OCCUPATION:
            return "broaderIscoGroup"
        if own == SKILL:
            return "broaderHierarchyConcept"
        return "broaderConcept"

    def _skill_type(self, uri: str) -> str | None:
        cache = self._cache.skill_types
        if uri in cache:
            return cache[uri]
        found = None
        for quad in self.store.quads_for_pattern(NamedNode(uri), t.SKILL_TYPE, None):
            if isinstance(quad.object, NamedNode):
                found = quad.object.value
                break
        if len(cache) < _MAX_CACHED:
            cache[uri] = found
        return found

    def _note(self, value: NamedNode | Literal) -> Iterator[tuple[str, str]]:
        """A description's languages and texts: an ``esco:NodeLiteral`` node's, or a
        plain literal's."""
        if isinstance(value, Literal):
            yield value.language or self.main, value.value
            return
        text: str | None = None
        language: str | None = None
        for quad in self.store.quads_for_pattern(value, None, None):
            if not isinstance(quad.object, Literal):
                continue
            if quad.predicate == t.NODE_LITERAL:
                text = quad.object.value
            elif quad.predicate == t.LANGUAGE:
                language = quad.object.value
        if text is not None:
            yield language or self.main, text


_READ: Final = tuple(
    NamedNode(iri)
    for iri in (
        *_LABELS,
        *_NOTES,
        t.NOTATION.value,
        t.STATUS.value,
        t.BROADER.value,
        t.NARROWER.value,
        *_SKILL_SKILL,
        *_FOR,
        t.SKILL_TYPE.value,
        t.SKILL_REUSE_LEVEL.value,
        t.IN_SCHEME.value,
        t.TOP_CONCEPT_OF.value,
        t.HAS_TOP_CONCEPT.value,
    )
)
"""The properties a document is made of."""

_NARROWER = {
    OCCUPATION: "narrowerOccupation",
    SKILL: "narrowerSkill",
    CONCEPT: "narrowerConcept",
}


def as_node(uri: str) -> NamedNode | None:
    """``uri`` as a node; None if it is no IRI (nothing is described by it)."""
    try:
        return NamedNode(uri)
    except ValueError:
        return None


def _unique(quads: Iterable[Any]) -> Iterator[Any]:
    """Each triple once (a release reads several graphs, which may state the same)."""
    seen: set[Any] = set()
    for quad in quads:
        triple = quad.triple
        if triple not in seen:
            seen.add(triple)
            yield quad
