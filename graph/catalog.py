"""Occupations, skills and ISCO groups as the API presents them, assembled from named queries.

Each function runs one or more ``queries/*.rq`` files and shapes the rows into plain dicts
whose keys are the JSON field names (the SPARQL variables already are). Unknown concepts
raise :class:`NotFoundError`; ill-formed ids raise :class:`InvalidIdentifierError` before any
query runs.
"""

from __future__ import annotations

import ctypes
import gc
import logging
from collections.abc import Callable, Iterator
from typing import Any

from pyoxigraph import BlankNode, NamedNode, Store, Triple

from graph import prepare
from graph import terms as t
from graph.careers import MATCHES, CareerIndex
from graph.errors import NotFoundError, StoreError
from graph.languages import Translations
from graph.queries import QueryRunner, Row
from graph.search import LABEL_KINDS
from graph.store import OpenStore, PerVersion
from graph.version import Indexes

log = logging.getLogger("skillgraph.catalog")

Json = dict[str, Any]


def occupation_summary(row: Row, *, uri_key: str = "uri") -> Json:
    """The short form of an occupation used in every list."""
    uri = str(row[uri_key])
    return {
        "id": t.concept_id(uri),
        "uri": uri,
        "label": row.get("label"),
        "isco_group": row.get("isco_group"),
        "skill_level": row.get("skill_level"),
    }


def by_label(rows: list[Row], *, uri_key: str = "uri") -> list[Row]:
    """Rows in the order people read lists: by label, case aside, then URI."""
    return sorted(rows, key=lambda r: (str(r.get("label") or "").lower(), str(r[uri_key])))


def by_score(rows: list[Row]) -> list[Row]:
    """Matches best first: score, then label, then URI (as the load-time ranking)."""
    return sorted(
        rows,
        key=lambda r: (-float(r["score"] or 0.0), str(r.get("label") or "").lower(), str(r["uri"])),
    )


def skill_summary(row: Row, *, uri_key: str = "skill") -> Json:
    """The short form of a skill used in every list."""
    uri = str(row[uri_key])
    return {
        "id": t.concept_id(uri),
        "uri": uri,
        "label": row.get("label"),
        "skill_type": row.get("skill_type") or None,
    }


class Catalog:
    """Read access to one store version at a time: its in-memory indexes
    (:class:`graph.version.Indexes`, one value per version) for what the JSON API answers
    on every request, and the named queries for the rest."""

    def __init__(self, runner: QueryRunner | None = None) -> None:
        self.runner = runner or QueryRunner()
        self._versions: PerVersion[Indexes] = PerVersion(
            lambda store: Indexes.build(store, self.runner)
        )

    def prepare(self, opened: OpenStore) -> None:
        """Take the indexes of a store version: the ones its load wrote beside it, else
        built in a process of their own (see :mod:`graph.prepare`), else here. A server
        calls this before it answers from a version, so that no request waits for them."""
        indexes = prepare.read(opened.path)
        if indexes is None:
            try:
                indexes = prepare.build_apart(opened.path)
            except StoreError as error:
                log.warning("%s; building them in the server instead", error)
                self.warm(opened.store)
                return
        self._versions.put(opened.store, indexes)

    def retire(self, store: Store) -> None:
        """Drop the indexes of a store version no request answers from any more."""
        self._versions.forget(store)
        _release_memory()

    def warm(self, store: Store) -> None:
        """Build what the first request would otherwise wait for (every index)."""
        self._versions.get(store)

    def indexes(self, store: Store) -> Indexes:
        """The in-memory indexes of ``store``'s version (built on first use)."""
        return self._versions.get(store)

    def translations(self, store: Store) -> Translations:
        """The preferred labels of every concept in every language of ``store``."""
        return self._versions.get(store).translations

    def suggest(self, store: Store, text: str, *, limit: int, types: frozenset[str]) -> Json:
        """Occupations and skills with a label word starting with ``text``, best first (see
        :mod:`graph.suggest`)."""
        found = self.indexes(store).suggester.suggest(text, limit=limit, types=types)
        return {
            "items": [
                {
                    "type": s.concept.type,
                    "id": t.concept_id(s.concept.uri),
                    "uri": s.concept.uri,
                    "label": s.concept.label,
                    "matched_label": LABEL_KINDS[s.kind],
                    "matched_language": s.language,
                }
                for s in found
            ]
        }

    def search_skills(self, store: Store, text: str, *, limit: int, offset: int = 0) -> Json:
        """Skills and knowledge concepts ranked by relevance to ``text`` (see
        :meth:`CareerIndex.search_skills`), and how many the text finds."""
        index = self.indexes(store).careers
        hits, total = index.search_skills(text, limit=limit, offset=offset)
        searched = bool(text.split())
        items = []
        for hit in hits:
            facts = index.skills[hit.skill]
            items.append(
                {
                    **_skill_item(index, hit.skill),
                    "reuse_level": facts.reuse_level,
                    "matched_label": LABEL_KINDS[hit.kind] if searched and hit.kind >= 0 else None,
                    "matched_text": hit.label if searched else None,
                    "matched_language": hit.language if searched else None,
                    "match": MATCHES[hit.match] if searched else None,
                    "score": round(hit.score, 4) if searched else None,
                }
            )
        return {"total": total, "items": items}

    def search_occupations(self, store: Store, text: str, *, limit: int, offset: int = 0) -> Json:
        """Occupations ranked by relevance to ``text`` (:mod:`graph.ranking`), and how many
        the text finds; every occupation in label order when ``text`` is empty (see
        :mod:`graph.search`)."""
        index = self.indexes(store).occupations
        rows, total = index.search(text, limit=limit, offset=offset)
        items = []
        for row in rows:
            item = occupation_summary(row)
            if text.split():
                item["matched_label"] = row["matched_label"]
                item["matched_text"] = row["matched_text"]
                item["matched_language"] = row["matched_language"]
                item["match"] = row["match"]
                item["score"] = row["score"]
            items.append(item)
        return {"total": total, "items": items}

    def listing(self, store: Store, kind: str) -> Iterator[Json]:
        """Every occupation (``kind="occupation"``) or skill, in label order, lazily: the
        short form with ISCO group and skill level, or skill type and reuse level."""
        indexes = self.indexes(store)
        count = len(
            indexes.occupations.by_label if kind == "occupation" else indexes.careers.skills
        )
        return (_listed(indexes, kind, n) for n in range(count))

    def facet(self, store: Store, kind: str, facts: dict[str, list[str]]) -> Iterator[Json]:
        """The occupations or skills (as :meth:`listing` gives them, in label order) whose
        facts take one of the given values each (``{"isco_group": ["26"], ...}``; an ISCO
        group by its code or a prefix of it), from an index per store version: a lookup,
        not a scan. A fact the kind does not have is ignored."""
        indexes = self.indexes(store)
        chosen = indexes.facets.chosen(kind, facts)
        if chosen is None:
            return self.listing(store, kind)
        return (_listed(indexes, kind, n) for n in chosen)

    def occupation(
        self,
        store: Store,
        identifier: str,
        *,
        language: str | None = None,
        languages: tuple[str, ...] = (),
    ) -> Json:
        """An occupation's profile: labels, description, ISCO group, skill level, skills;
        its own labels and description in ``language`` (see :meth:`_texts`), the concepts it
        names in the main language (``Translations.localize`` puts them into another).

        :raises InvalidIdentifierError: if ``identifier`` is no occupation id.
        :raises NotFoundError: if the store has no such occupation.
        """
        indexes = self.indexes(store)
        index = indexes.careers
        occupation = _indexed(index, identifier)
        facts = index.occupations[occupation]
        uri = facts.uri
        essential, optional = index.skills_of(occupation)
        texts = indexes.texts
        isco = None
        group = texts.isco_groups.get(uri)
        if group is not None:
            isco = {
                "code": facts.isco_group,
                "uri": group,
                "label": texts.isco_labels.get(group),
            }
        return {
            "id": t.concept_id(uri),
            "uri": uri,
            **self._texts(store, uri, facts.label, language, languages),
            "code": texts.codes.get(uri),
            "isco_group": isco,
            "skill_level": facts.skill_level,
            "essential_skills": [_skill_item(index, s) for s in essential],
            "optional_skills": [_skill_item(index, s) for s in optional],
            **self._onet(store, uri),
        }

    def occupation_ref(self, store: Store, identifier: str) -> Json:
        """The short form of one occupation.

        :raises InvalidIdentifierError: if ``identifier`` is no occupation id.
        :raises NotFoundError: if the store has no such occupation.
        """
        index = self.indexes(store).careers
        return _occupation_item(index, _indexed(index, identifier))

    def related_occupations(self, store: Store, identifier: str, *, kind: str, limit: int) -> Json:
        """Similar occupations (``kind="similar"``) or long-term prospects (``"prospects"``):
        the matches the load stored (the named queries ``similar_occupations`` and
        ``occupation_prospects`` read them), scored from the career index's skill sets as
        the load scored them.

        :raises InvalidIdentifierError: if ``identifier`` is no occupation id.
        :raises NotFoundError: if the store has no such occupation.
        """
        index = self.indexes(store).careers
        origin = _indexed(index, identifier)
        items = []
        for related in index.related(origin, "similar" if kind == "similar" else "prospect")[
            :limit
        ]:
            item = _occupation_item(index, related.occupation)
            item["score"] = round(related.score, 6)
            item["shared_essential"] = related.shared_essential
            item["shared_optional"] = related.shared_optional
            items.append(item)
        return {"occupation": _occupation_item(index, origin), "items": items}

    def mappings(self, store: Store, identifier: str) -> Json:
        """The external concepts an occupation is mapped to, by the SKOS mapping properties
        of the datasets loaded beside ESCO (none without them).

        :raises InvalidIdentifierError: if ``identifier`` is no occupation id.
        :raises NotFoundError: if the store has no such occupation.
        """
        occupation = self.occupation_ref(store, identifier)
        return {"occupation": occupation, "items": self._mappings(store, occupation["uri"])}

    def _mappings(self, store: Store, uri: str) -> list[Json]:
        if not self.indexes(store).has_mappings:
            return []  # no dataset maps occupations: no query to run
        rows = self.runner.select(store, "occupation_mappings", {"occupation": uri})
        items: dict[tuple[object, ...], Json] = {}
        for row in rows:
            # A target with several labels, codes or schemes repeats: the first of each wins.
            key = (row["match"], row["target"], row["graph"], row["inherited_from"])
            item = items.setdefault(
                key,
                {
                    "match": row["match"],
                    "uri": row["target"],
                    "label": row["label"],
                    "code": row["notation"],
                    "scheme": row["scheme"],
                    "graph": row["graph"],
                    "confidence": _number(row["confidence"]),
                    "similarity": _number(row["similarity"]),
                    "inherited_from": row["inherited_from"],
                    "source_code": row["source_code"],
                },
            )
            if row["scheme"] == t.ONET_SCHEME:
                item["scheme"] = t.ONET_SCHEME
        return list(items.values())

    def _onet(self, store: Store, uri: str) -> Json:
        """An occupation's O*NET fields: its O*NET occupations (direct mappings first, then
        by confidence), and the interests and Holland code of the first; all None when no
        O*NET occupation is linked to it."""
        linked = [m for m in self._mappings(store, uri) if m["scheme"] == t.ONET_SCHEME]
        if not linked:
            return {"onet": None, "interests": None, "holland_code": None}
        linked.sort(
            key=lambda m: (m["inherited_from"] is not None, -(m["confidence"] or 0), m["uri"])
        )
        onet = [
            {
                "code": m["code"],
                "uri": m["uri"],
                "title": m["label"],
                "match": m["match"],
                "confidence": m["confidence"],
                "similarity": m["similarity"],
                "inherited": m["inherited_from"] is not None,
                "inherited_from": m["inherited_from"],
                "crosswalk_code": m["source_code"],
            }
            for m in linked
        ]
        rows = self.runner.select(store, "onet_interests", {"onet": linked[0]["uri"]})
        if not rows:
            return {"onet": onet, "interests": None, "holland_code": None}
        scores = {str(r["name"]).lower(): _number(r["score"]) for r in rows if r["name"]}
        interests = {area: scores[area] for area in t.RIASEC if area in scores}
        high = sorted((int(str(r["high_point"])), str(r["name"])) for r in rows if r["high_point"])
        return {
            "onet": onet,
            "interests": interests,
            "holland_code": [name for _, name in high],
        }

    def skill_gap(self, store: Store, source: str, target: str) -> Json:
        """What a person in occupation ``source`` holds and lacks for occupation ``target``.

        :raises InvalidIdentifierError: if either is no occupation id.
        :raises NotFoundError: if the store lacks either occupation.
        """
        # From the career index (as career paths are): the skill_gap query reads the labels
        # and types of the target's skills in 3 ms; a test holds the two to the same answers.
        index = self.indexes(store).careers
        origin, goal = _indexed(index, source), _indexed(index, target)
        shared, essential, optional, coverage = index.skill_gap(origin, goal)
        return {
            "from": _occupation_item(index, origin),
            "to": _occupation_item(index, goal),
            "shared_skills": [_skill_item(index, s) for s in shared],
            "missing_essential": [_skill_item(index, s) for s in essential],
            "missing_optional": [_skill_item(index, s) for s in optional],
            "coverage": coverage,
        }

    def career_paths(
        self, store: Store, source: str, target: str, *, max_steps: int, limit: int
    ) -> Json:
        """The ``limit`` best career paths from ``source`` to ``target`` in at most
        ``max_steps`` moves (see :mod:`graph.careers` for the method).

        :raises InvalidIdentifierError: if either is no occupation id.
        :raises NotFoundError: if the store lacks either occupation.
        """
        index = self.indexes(store).careers
        origin, goal = _indexed(index, source), _indexed(index, target)
        search = index.paths(origin, goal, max_steps=max_steps, limit=limit)
        paths = []
        for path in search.paths:
            steps = [
                {
                    "occupation": _occupation_item(index, step.occupation),
                    "move": step.move,
                    "score": round(step.score, 6),
                    "learn": [_skill_item(index, s) for s in step.learn],
                    "coverage": step.coverage,
                }
                for step in path.steps
            ]
            paths.append(
                {
                    "new_essential_skills": path.new_essential,
                    "step_count": len(steps),
                    "largest_step": max(len(step.learn) for step in path.steps),
                    "steps": steps,
                }
            )
        note = None
        if origin == goal:
            note = "The two occupations are the same: there is nothing to move to."
        elif not paths:
            note = (
                f"No path of at most {max_steps} steps: no chain of similar occupations and "
                "prospects leads there (moves never go down a skill level). Allow more steps, "
                "or see the direct skill gap."
            )
        elif not search.complete:
            note = "The search stopped early: these are the best paths, but fewer than asked."
        return {
            "from": _occupation_item(index, origin),
            "to": _occupation_item(index, goal),
            "max_steps": max_steps,
            "target_essential_skills": search.target_essential,
            "start_coverage": search.start_coverage,
            "paths": paths,
            "complete": search.complete,
            "note": note,
        }

    def match(
        self,
        store: Store,
        skills: list[str],
        *,
        skill_level: int | None = None,
        isco_group: str | None = None,
        limit: int = 10,
        offset: int = 0,
        language: str | None = None,
    ) -> Json:
        """Occupations ranked by how well ``skills`` cover their essential skills.

        Each of ``skills`` is a skill URI, an ESCO id or a label; the answer shows how each
        was understood and lists those that name no skill.
        """
        index = self.indexes(store).careers
        resolutions = [index.resolve(given, language) for given in skills]
        held = index.bits(r.skill for r in resolutions if r.skill is not None)
        matches = index.match(held, skill_level=skill_level, isco_group=isco_group)
        items = []
        for found in matches[offset : offset + limit]:
            item = _occupation_item(index, found.occupation)
            item.update(
                coverage=round(found.coverage, 6),
                essential_skills=found.essential,
                matched_essential=found.matched_essential,
                matched_optional=found.matched_optional,
                missing_essential=[
                    _skill_item(index, s) for s in index.missing(found.occupation, held)
                ],
            )
            items.append(item)
        return {
            "skills": [
                {
                    "given": r.given,
                    "resolved_by": r.resolved_by,
                    "resolved_language": r.language,
                    **_skill_item(index, r.skill),
                }
                for r in resolutions
                if r.skill is not None
            ],
            "unknown": [
                {"given": r.given, "reason": r.resolved_by} for r in resolutions if r.skill is None
            ],
            "total": len(matches),
            "items": items,
        }

    def skill(
        self,
        store: Store,
        identifier: str,
        *,
        language: str | None = None,
        languages: tuple[str, ...] = (),
    ) -> Json:
        """A skill with the occupations it is essential or optional for, and its place in
        the skills hierarchy.

        :raises InvalidIdentifierError: if ``identifier`` is no skill id.
        :raises NotFoundError: if the store has no such skill.
        """
        uri = t.skill_uri(identifier)
        # The skill and its occupations from the career index, which holds every skill with
        # a preferred label (as the ``skill`` query finds them): reading a few hundred
        # occupations with skill_occupations costs 25 us each (8 ms for "manage budgets"); a
        # test holds the two to the same answers.
        index = self.indexes(store).careers
        skill = index.skill_index.get(uri)
        if skill is None:
            raise NotFoundError("skill", identifier)
        facts = index.skills[skill]
        essential_for = [_occupation_item(index, o) for o in index.essential_for[skill]]
        optional_for = [_occupation_item(index, o) for o in index.optional_for[skill]]
        hierarchy = by_label(self.runner.select(store, "concept_hierarchy", {"concept": uri}))
        return {
            "id": t.concept_id(uri),
            "uri": uri,
            **self._texts(store, uri, facts.label, language, languages),
            "skill_type": facts.skill_type or None,
            "reuse_level": facts.reuse_level or None,
            "essential_for": essential_for,
            "optional_for": optional_for,
            "broader": [_concept_ref(r) for r in hierarchy if r["direction"] == "broader"],
            "narrower": [_concept_ref(r) for r in hierarchy if r["direction"] == "narrower"],
        }

    def isco_group(
        self,
        store: Store,
        identifier: str,
        *,
        limit: int,
        language: str | None = None,
        languages: tuple[str, ...] = (),
    ) -> Json:
        """An ISCO-08 group with its parent, children and occupations (the first ``limit``).

        :raises InvalidIdentifierError: if ``identifier`` is no ISCO code.
        :raises NotFoundError: if the store has no such group.
        """
        code = t.isco_code(identifier)
        uri = t.isco_uri(code)
        head = self._one(store, "isco_group", {"group": uri}, "ISCO-08 group", code)
        parents = self.runner.select(store, "isco_parent", {"group": uri}, limit=1)
        children = self.runner.select(store, "isco_children", {"group": uri})
        # From the career index, as for a skill's occupations (isco_occupations reads the
        # thousand of a major group in 27 ms).
        index = self.indexes(store).careers
        occupations = index.in_isco_group(code)
        parent = None
        if parents:
            parent = {
                "code": parents[0]["parent_code"],
                "uri": parents[0]["parent"],
                "label": parents[0]["parent_label"],
            }
        return {
            "code": head["code"],
            "uri": uri,
            **self._texts(
                store,
                uri,
                str(head["label"]),
                language,
                languages,
                notes=self._described(store, uri, head, language, languages),
                alt_labels=False,
            ),
            "skill_level": head.get("skill_level"),
            "parent": parent,
            "children": [
                {
                    "code": r["code"],
                    "uri": r["uri"],
                    "label": r["label"],
                    "skill_level": r.get("skill_level"),
                }
                for r in children
            ],
            "occupation_count": len(occupations),
            "occupations": [_occupation_item(index, o) for o in occupations[:limit]],
        }

    def describe(self, store: Store, uri: str) -> tuple[list[Triple], str]:
        """A concept as linked data, and the path of its JSON page: its own triples, the
        preferred labels of the concepts it points to, and the triples of the nodes that are
        part of it: its SKOS-XL labels, node literals and association objects (those it
        points to, and those it is the esco:isAssociationFor of), and its stored similar
        occupations and prospects.

        :raises InvalidIdentifierError: if ``uri`` is not an occupation, skill or ISCO group URI.
        :raises NotFoundError: if the store says nothing of it.
        """
        page = t.page_of(uri)
        node = NamedNode(uri)
        found: dict[Triple, None] = {}
        parts: dict[NamedNode | BlankNode, None] = {}
        for quad in store.quads_for_pattern(node, None, None):
            found[quad.triple] = None
            target = quad.object
            if isinstance(target, BlankNode) or (
                isinstance(target, NamedNode) and target.value.startswith(t.ID_BASE)
            ):
                parts[target] = None
            elif isinstance(target, NamedNode):
                for label in store.quads_for_pattern(target, t.PREF_LABEL, None):
                    found[label.triple] = None
        if not found:
            raise NotFoundError("concept", uri)
        for quad in store.quads_for_pattern(None, t.IS_ASSOCIATION_FOR, node):
            parts[quad.subject] = None  # type: ignore[index]
        for part in parts:
            for quad in store.quads_for_pattern(part, None, None):
                found[quad.triple] = None
        return list(found), page

    def counted(self, store: Store) -> Json | None:
        """:meth:`summary`, if the indexes of ``store`` are built already."""
        indexes = self._versions.peek(store)
        return None if indexes is None else dict(indexes.summary)

    def summary(self, store: Store) -> Json:
        """How much the store holds, counted once per store version."""
        return dict(self.indexes(store).summary)

    def _described(
        self, store: Store, uri: str, head: Row, language: str | None, languages: tuple[str, ...]
    ) -> Callable[[str], str | None]:
        """A concept's description in a language, read with ``concept_description`` only when
        a language other than the main one is asked for (``head`` has the main one's)."""
        main = self.translations(store).main
        notes: dict[str, str] = {}
        if (language or main) != main or languages:
            for row in self.runner.select(store, "concept_description", {"concept": uri}):
                notes.setdefault(str(row["description_language"]), str(row["description"]))
        elif head.get("description") is not None:
            notes[main] = str(head["description"])
        return notes.get

    def _one(
        self, store: Store, query: str, params: dict[str, object], kind: str, identifier: str
    ) -> Row:
        rows = self.runner.select(store, query, params, limit=1)
        if not rows:
            raise NotFoundError(kind, identifier)
        return rows[0]

    def _texts(
        self,
        store: Store,
        uri: str,
        label: str,
        language: str | None,
        languages: tuple[str, ...],
        *,
        notes: Callable[[str], str | None] | None = None,
        alt_labels: bool = True,
    ) -> Json:
        """A concept's own label, alternative labels and description in ``language``: the
        label and its alternatives in the main language where the concept has no preferred
        label in ``language``, the description so where it has none in it; ``language`` and
        ``description_language`` say which each is in. With ``languages``, ``translations``
        gives them in each of those (none where the language lacks them). The texts of
        occupations and skills come from the version's indexes; ``notes`` gives the
        description in a language for other concepts (ISCO groups, which show no
        alternative labels)."""
        indexes = self.indexes(store)
        translations = indexes.translations
        main = translations.main
        language = language or main
        texts_index = indexes.texts
        describe = notes or (lambda tag: texts_index.description(uri, tag))
        found, label_language = translations.label(uri, language)
        description = describe(language)
        description_language = language if description is not None else main
        if description is None and language != main:
            description = describe(main)
        texts: Json = {
            "label": found if found is not None else label,
            "language": label_language,
            "description": description,
            "description_language": description_language if description is not None else None,
            "translations": None,
        }
        if alt_labels:
            texts["alt_labels"] = texts_index.alternatives(uri, label_language)
        if languages:
            texts["translations"] = {
                tag: {
                    "label": translations.labels.get(tag, {}).get(uri),
                    **({"alt_labels": texts_index.alternatives(uri, tag)} if alt_labels else {}),
                    "description": describe(tag),
                }
                for tag in languages
            }
        return texts


def _release_memory() -> None:
    """Hand the memory of dropped indexes back to the system. glibc keeps freed heap pages
    for reuse, so a server that switched versions kept about 200 MB more than one that never
    had (soak, docs/reliability.md); ``malloc_trim`` returns them. Elsewhere, nothing to do."""
    gc.collect()
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.malloc_trim(0)


def _listed(indexes: Indexes, kind: str, position: int) -> Json:
    """The ``position``-th occupation or skill in label order, as :meth:`Catalog.listing`
    gives it."""
    if kind == "occupation":
        o = indexes.occupations.by_label[position]
        return occupation_summary(
            {
                "uri": o.uri,
                "label": o.label,
                "isco_group": o.isco_group,
                "skill_level": o.skill_level,
            }
        )
    careers = indexes.careers
    skill = careers.skills_by_label[position]
    return {**_skill_item(careers, skill), "reuse_level": careers.skills[skill].reuse_level}


def _number(value: object) -> float | None:
    return None if value is None else float(str(value))


def _concept_ref(row: Row) -> Json:
    uri = str(row["uri"])
    return {"id": t.concept_id(uri), "uri": uri, "label": row.get("label")}


def _indexed(index: CareerIndex, identifier: str) -> int:
    """The index position of the occupation ``identifier`` names.

    :raises InvalidIdentifierError: if it is no occupation id.
    :raises NotFoundError: if the store has no such occupation.
    """
    position = index.occupation_index.get(t.occupation_uri(identifier))
    if position is None:
        raise NotFoundError("occupation", identifier)
    return position


def _occupation_item(index: CareerIndex, occupation: int) -> Json:
    return occupation_summary(vars(index.occupations[occupation]))


def _skill_item(index: CareerIndex, skill: int) -> Json:
    return skill_summary(vars(index.skills[skill]), uri_key="uri")
