"""Occupations, skills, ISCO groups and career answers, read from one store version.

:class:`Catalog` answers with the typed values of :mod:`graph.answers`, in the language
asked for. What the JSON API asks on every request comes from the version's in-memory
indexes (:class:`graph.version.Indexes`, one value per version, built once); the rest
(mappings to other classifications, a concept as linked data) from the named queries of
``queries/``. Unknown concepts raise
:class:`NotFoundError`; ill-formed ids raise :class:`InvalidIdentifierError` before any
lookup.
"""

from __future__ import annotations

import ctypes
import dataclasses
import functools
import gc
import logging
import threading
from collections.abc import Callable, Iterator

from pyoxigraph import BlankNode, NamedNode, Triple

from graph import answers as a
from graph import prepare
from graph import terms as t
from graph.careers import CareerIndex, CareerPath
from graph.changes import Comparison, ReleaseFacts
from graph.errors import InvalidIdentifierError, NotFoundError, StoreError
from graph.languages import Translations
from graph.queries import QueryRunner, Row
from graph.releases import Release, StoreView
from graph.search import AMBIGUOUS, LABEL_KINDS, MATCHES, UNKNOWN
from graph.store import OpenStore, PerVersion
from graph.store import graph_sizes as count_graphs
from graph.transitions import Transition
from graph.version import Indexes, Texts

log = logging.getLogger("skillgraph.catalog")


def by_label(rows: list[Row], *, uri_key: str = "uri") -> list[Row]:
    """Rows in the order people read lists: by label, case aside, then URI."""
    return sorted(rows, key=lambda r: (str(r.get("label") or "").lower(), str(r[uri_key])))


class Catalog:
    """Read access to one store version at a time: its in-memory indexes
    (:class:`graph.version.Indexes`, one value per version) for what the JSON API answers
    on every request, and the named queries for the rest."""

    def __init__(self, runner: QueryRunner | None = None) -> None:
        self.runner = runner or QueryRunner()
        self._versions: PerVersion[_Version] = PerVersion(
            lambda store: _Version(Indexes.build(store, self.runner))
        )
        self._comparing = threading.Lock()
        self._comparisons: list[tuple[tuple[Release, Release], Comparison]] = []

    def comparison(self, before: Release, after: Release) -> Comparison:
        """What changed from release ``before`` to ``after`` (of one store version): read
        on first use (seconds on the full classification, one comparison at a time) and kept,
        the two most recent."""
        with self._comparing:
            for (older, newer), found in self._comparisons:
                if older is before and newer is after:
                    return found
            found = Comparison.of(
                ReleaseFacts.read(before, self.runner), ReleaseFacts.read(after, self.runner)
            )
            self._comparisons = [((before, after), found), *self._comparisons[:1]]
            return found

    def prepare(self, opened: OpenStore) -> None:
        """Take the indexes of a store version: the ones its load wrote beside it, else
        built in a process of their own (see :mod:`graph.prepare`), else here. A server
        calls this before it answers from a version, so that no request waits for them."""
        # One table of the strings read for all the releases: a label, URI or description
        # that did not change is one object in every release's indexes (on the full
        # classification, 25 MB less for three releases; docs/releases.md).
        strings: dict[str, str] = {}
        for name, release in opened.releases.items():
            indexes = prepare.read(opened.path, name, strings=strings)
            if indexes is None:
                try:
                    indexes = prepare.build_apart(opened.path, name)
                except StoreError as error:
                    log.warning("%s; building them in the server instead", error)
                    self.warm(release)
                    continue
            self._versions.put(release, _Version(indexes))

    def retire(self, opened: OpenStore) -> None:
        """Drop the indexes of a store version no request answers from any more."""
        for release in opened.releases.values():
            self._versions.forget(release)
        with self._comparing:
            self._comparisons = [
                (pair, found)
                for pair, found in self._comparisons
                if pair[0].store is not opened.store
            ]
        _release_memory()

    def warm(self, store: StoreView) -> None:
        """Build what the first request would otherwise wait for (every index)."""
        self._versions.get(store)

    def ready(self, store: StoreView) -> bool:
        """Whether the indexes of ``store``'s version are built (answers need no more)."""
        return self._versions.peek(store) is not None

    def indexes(self, store: StoreView) -> Indexes:
        """The in-memory indexes of ``store``'s version (built on first use)."""
        return self._versions.get(store).indexes

    def translations(self, store: StoreView) -> Translations:
        """The preferred labels of every concept in every language of ``store``."""
        return self._versions.get(store).indexes.translations

    def _view(self, store: StoreView, language: str | None) -> _View:
        return self._versions.get(store).view(language)

    def suggest(
        self,
        store: StoreView,
        text: str,
        *,
        limit: int,
        types: frozenset[str],
        language: str | None = None,
    ) -> list[a.Suggestion]:
        """Occupations and skills with a label word starting with ``text``, best first (see
        :mod:`graph.suggest`)."""
        view = self._view(store, language)
        found = view.indexes.suggester.suggest(
            text, limit=limit, types=types, language=view.language
        )
        answers = []
        for s in found:
            label, label_language = view.label(s.concept.uri, s.concept.label)
            answers.append(
                a.Suggestion(
                    s.concept.type,
                    s.concept.uri,
                    label or s.concept.label,
                    label_language,
                    LABEL_KINDS[s.kind],
                    s.language,
                    s.text,
                )
            )
        return answers

    def search_skills(
        self,
        store: StoreView,
        text: str,
        *,
        limit: int,
        offset: int = 0,
        language: str | None = None,
    ) -> a.SkillHits:
        """Skills and knowledge concepts ranked by relevance to ``text`` (see
        :meth:`graph.search.SkillIndex.search`), and how many the text finds."""
        view = self._view(store, language)
        index = view.indexes.skills
        hits, total = index.search(text, limit=limit, offset=offset, language=view.language)
        searched = bool(text.split())
        items = []
        for hit in hits:
            matched = None
            if searched:
                matched = a.MatchedLabel(
                    LABEL_KINDS[hit.kind] if hit.kind >= 0 else None,
                    hit.label,
                    hit.language,
                    MATCHES[hit.match],
                    round(hit.score, 4),
                )
            reuse_level = _text(index.skills[hit.skill].reuse_level)
            items.append(a.SkillHit(view.skill(hit.skill), reuse_level, matched))
        return a.SkillHits(total, items)

    def search_occupations(
        self,
        store: StoreView,
        text: str,
        *,
        limit: int,
        offset: int = 0,
        language: str | None = None,
    ) -> a.OccupationHits:
        """Occupations ranked by relevance to ``text`` (:mod:`graph.ranking`), and how many
        the text finds; every occupation in label order when ``text`` is empty (see
        :mod:`graph.search`)."""
        view = self._view(store, language)
        rows, total = view.indexes.occupations.search(
            text, limit=limit, offset=offset, language=view.language
        )
        careers = view.indexes.careers
        items = []
        for row in rows:
            matched = None
            if text.split():
                matched = a.MatchedLabel(
                    row["matched_label"],  # type: ignore[arg-type]
                    row["matched_text"],  # type: ignore[arg-type]
                    row["matched_language"],  # type: ignore[arg-type]
                    str(row["match"]),
                    float(row["score"] or 0.0),
                )
            occupation = careers.occupation_index[str(row["uri"])]
            items.append(a.OccupationHit(view.occupation(occupation), matched))
        return a.OccupationHits(total, items)

    def listing(
        self, store: StoreView, kind: str, *, language: str | None = None
    ) -> Iterator[a.OccupationRef] | Iterator[a.SkillHit]:
        """Every occupation (``kind="occupation"``) or skill, in label order, lazily (a skill
        with its reuse level)."""
        view = self._view(store, language)
        if kind == "occupation":
            return (view.occupation(n) for n in view.occupations_by_label)
        return (view.listed_skill(n) for n in view.indexes.careers.skills_by_label)

    def facet(
        self,
        store: StoreView,
        kind: str,
        facts: dict[str, list[str]],
        *,
        language: str | None = None,
    ) -> Iterator[a.OccupationRef] | Iterator[a.SkillHit]:
        """The occupations or skills (as :meth:`listing` gives them, in label order) whose
        facts take one of the given values each (``{"isco_group": ["26"], ...}``; an ISCO
        group by its code or a prefix of it), from an index per store version: a lookup,
        not a scan. A fact the kind does not have is ignored."""
        view = self._view(store, language)
        chosen = view.indexes.facets.chosen(kind, facts)
        if chosen is None:
            return self.listing(store, kind, language=language)
        if kind == "occupation":
            by_label = view.occupations_by_label
            return (view.occupation(by_label[n]) for n in chosen)
        skills = view.indexes.careers.skills_by_label
        return (view.listed_skill(skills[n]) for n in chosen)

    def occupation(
        self,
        store: StoreView,
        identifier: str,
        *,
        language: str | None = None,
        languages: tuple[str, ...] = (),
    ) -> a.OccupationProfile:
        """An occupation's profile: labels, description, ISCO group, skill level, skills;
        its own texts in ``language`` (and in each of ``languages``, see :meth:`_texts`), the
        concepts it names in ``language`` where they have a label in it.

        :raises InvalidIdentifierError: if ``identifier`` is no occupation id.
        :raises NotFoundError: if the store has no such occupation.
        """
        view = self._view(store, language)
        index = view.indexes.careers
        occupation = _indexed(index, identifier)
        facts = index.occupations[occupation]
        uri = facts.uri
        essential, optional = index.skills_of(occupation)
        texts = view.indexes.texts
        isco = None
        group = texts.isco_groups.get(uri)
        if group is not None:
            label, label_language = view.label(group, texts.isco_labels.get(group))
            isco = a.IscoRef(facts.isco_group, group, label, label_language)  # type: ignore[arg-type]
        onet, interests, holland = self._onet(store, uri)
        return a.OccupationProfile(
            uri=uri,
            texts=self._texts(store, uri, facts.label, language, languages),
            code=texts.codes.get(uri),
            isco_group=isco,
            skill_level=facts.skill_level,  # type: ignore[arg-type]
            essential_skills=[view.skill(s) for s in essential],
            optional_skills=[view.skill(s) for s in optional],
            onet=onet,
            interests=interests,
            holland_code=holland,
            preparation=view.indexes.preparation.get(uri),
        )

    def descriptions(self, store: StoreView, language: str | None) -> Callable[[str], str | None]:
        """A concept's description by its URI, in ``language``, else in the main language
        (None where it has none): for lists that show each concept's description."""
        known = self.indexes(store).texts
        main = self.indexes(store).translations.main

        def describe(uri: str) -> str | None:
            found = known.description(uri, language or main)
            return found if found is not None else known.description(uri, main)

        return describe

    def occupation_ref(
        self, store: StoreView, identifier: str, *, language: str | None = None
    ) -> a.OccupationRef:
        """The short form of one occupation.

        :raises InvalidIdentifierError: if ``identifier`` is no occupation id.
        :raises NotFoundError: if the store has no such occupation.
        """
        view = self._view(store, language)
        return view.occupation(_indexed(view.indexes.careers, identifier))

    def related_occupations(
        self,
        store: StoreView,
        identifier: str,
        *,
        kind: str,
        limit: int,
        language: str | None = None,
    ) -> a.RelatedOccupations:
        """Similar occupations (``kind="similar"``) or long-term prospects (``"prospects"``):
        the matches the load stored (the named queries ``similar_occupations`` and
        ``occupation_prospects`` read them), scored from the career index's skill sets as
        the load scored them.

        :raises InvalidIdentifierError: if ``identifier`` is no occupation id.
        :raises NotFoundError: if the store has no such occupation.
        """
        view = self._view(store, language)
        index = view.indexes.careers
        origin = _indexed(index, identifier)
        move = "similar" if kind == "similar" else "prospect"
        items = [
            a.RelatedOccupation(
                view.occupation(related.occupation),
                round(related.score, 6),
                related.shared_essential,
                related.shared_optional,
            )
            for related in index.related(origin, move)[:limit]
        ]
        note = a.RelatedNote.NONE
        if not items:
            if not index.required[origin]:
                note = a.RelatedNote.NO_SKILLS
            elif move == "prospect" and str(index.occupations[origin].skill_level) == "4":
                note = a.RelatedNote.TOP_LEVEL
            else:
                note = a.RelatedNote.EMPTY
        return a.RelatedOccupations(view.occupation(origin), items, kind, note)

    def mappings(
        self, store: StoreView, identifier: str, *, language: str | None = None
    ) -> a.Mappings:
        """The external concepts an occupation is mapped to, by the SKOS mapping properties
        of the datasets loaded beside ESCO (none without them).

        :raises InvalidIdentifierError: if ``identifier`` is no occupation id.
        :raises NotFoundError: if the store has no such occupation.
        """
        occupation = self.occupation_ref(store, identifier, language=language)
        return a.Mappings(occupation, self._mappings(store, occupation.uri))

    def _mappings(self, store: StoreView, uri: str) -> list[a.Mapping]:
        if not self.indexes(store).has_mappings:
            return []  # no dataset maps occupations: no query to run
        rows = self.runner.select(store, "occupation_mappings", {"occupation": uri})
        items: dict[tuple[object, ...], a.Mapping] = {}
        for row in rows:
            # A target with several labels, codes or schemes repeats: the first of each wins,
            # but O*NET's scheme wins over any other.
            key = (row["match"], row["target"], row["graph"], row["inherited_from"])
            found = items.get(key)
            if found is not None:
                if row["scheme"] == t.ONET_SCHEME and found.scheme != t.ONET_SCHEME:
                    items[key] = dataclasses.replace(found, scheme=t.ONET_SCHEME)
                continue
            items[key] = a.Mapping(
                match=str(row["match"]),
                uri=str(row["target"]),
                label=_text(row["label"]),
                code=_text(row["notation"]),
                scheme=_text(row["scheme"]),
                graph=str(row["graph"]),
                confidence=_number(row["confidence"]),
                similarity=_number(row["similarity"]),
                inherited_from=_text(row["inherited_from"]),
                source_code=_text(row["source_code"]),
            )
        return list(items.values())

    def _onet(
        self, store: StoreView, uri: str
    ) -> tuple[list[a.OnetLink] | None, dict[str, float] | None, list[str] | None]:
        """An occupation's O*NET occupations (direct mappings first, then by confidence),
        and the interests and Holland code of the first; all None when no O*NET occupation
        is linked to it."""
        linked = [m for m in self._mappings(store, uri) if m.scheme == t.ONET_SCHEME]
        if not linked:
            return None, None, None
        linked.sort(key=lambda m: (m.inherited_from is not None, -(m.confidence or 0), m.uri))
        onet = [
            a.OnetLink(
                code=m.code,
                uri=m.uri,
                title=m.label,
                match=m.match,
                confidence=m.confidence,
                similarity=m.similarity,
                inherited_from=m.inherited_from,
                crosswalk_code=m.source_code,
            )
            for m in linked
        ]
        rows = self.runner.select(store, "onet_interests", {"onet": linked[0].uri})
        if not rows:
            return onet, None, None
        scores = {str(r["name"]).lower(): _number(r["score"]) for r in rows if r["name"]}
        interests = {area: score for area in t.RIASEC if (score := scores.get(area)) is not None}
        high = sorted((int(str(r["high_point"])), str(r["name"])) for r in rows if r["high_point"])
        return onet, interests, [name for _, name in high]

    def skill_gap(
        self, store: StoreView, source: str, target: str, *, language: str | None = None
    ) -> a.SkillGap:
        """What a person in occupation ``source`` holds and lacks for occupation ``target``.

        :raises InvalidIdentifierError: if either is no occupation id.
        :raises NotFoundError: if the store lacks either occupation.
        """
        # From the career index (as career paths are): the skill_gap query reads the labels
        # and types of the target's skills in 3 ms; a test holds the two to the same answers.
        view = self._view(store, language)
        index = view.indexes.careers
        origin, goal = _indexed(index, source), _indexed(index, target)
        shared, essential, optional, coverage = index.skill_gap(origin, goal)
        return a.SkillGap(
            source=view.occupation(origin),
            target=view.occupation(goal),
            shared_skills=[view.skill(s) for s in shared],
            missing_essential=[view.skill(s) for s in essential],
            missing_optional=[view.skill(s) for s in optional],
            coverage=coverage,
        )

    def transition(
        self, store: StoreView, source: str, target: str, *, language: str | None = None
    ) -> a.Transition:
        """How feasible a move from occupation ``source`` to ``target`` is, why, and the
        target's essential skills to learn, in the order to learn them.

        :raises InvalidIdentifierError: if either is no occupation id.
        :raises NotFoundError: if the store lacks either occupation.
        """
        view = self._view(store, language)
        index = view.indexes.careers
        origin, goal = _indexed(index, source), _indexed(index, target)
        return a.Transition(
            source=view.occupation(origin),
            target=view.occupation(goal),
            assessment=_assessment(index.assess(origin, goal)),
            learn=[view.skill(s) for s in index.to_learn(origin, goal)],
        )

    def career_paths(
        self,
        store: StoreView,
        source: str,
        target: str,
        *,
        max_steps: int,
        limit: int,
        max_learn: int | None = None,
        language: str | None = None,
    ) -> a.CareerPaths:
        """The ``limit`` most feasible career paths from ``source`` to ``target`` in at most
        ``max_steps`` moves, each learning at most ``max_learn`` essential skills (see
        :mod:`graph.careers` for the method).

        :raises InvalidIdentifierError: if either is no occupation id.
        :raises NotFoundError: if the store lacks either occupation.
        """
        view = self._view(store, language)
        index = view.indexes.careers
        origin, goal = _indexed(index, source), _indexed(index, target)
        search = index.paths(origin, goal, max_steps=max_steps, limit=limit, max_learn=max_learn)
        paths = [_career_path(view, path) for path in search.paths]
        outcome = a.PathOutcome.FOUND
        if origin == goal:
            outcome = a.PathOutcome.SAME
        elif not paths and search.fewest_steps is not None:
            outcome = a.PathOutcome.NONE_WITHIN
        elif not paths:
            outcome = a.PathOutcome.NONE_AT_ALL
        elif not search.complete:
            outcome = a.PathOutcome.STOPPED
        return a.CareerPaths(
            source=view.occupation(origin),
            target=view.occupation(goal),
            max_steps=max_steps,
            max_learn=max_learn,
            target_essential_skills=search.target_essential,
            start_coverage=search.start_coverage,
            paths=paths,
            complete=search.complete,
            outcome=outcome,
            assessment=_assessment(search.direct),
            fewest_steps=search.fewest_steps,
        )

    def routes_in(
        self,
        store: StoreView,
        target: str,
        *,
        max_steps: int,
        limit: int,
        max_level: int | None = None,
        max_job_zone: float | None = None,
        language: str | None = None,
    ) -> a.RoutesIn:
        """How to become ``target``: the occupations it is reachable from, the routes through
        its trade first, each with its path (see :meth:`graph.careers.CareerIndex.routes_in`).

        :raises InvalidIdentifierError: if ``target`` is no occupation id.
        :raises NotFoundError: if the store has no such occupation.
        """
        view = self._view(store, language)
        index = view.indexes.careers
        goal = _indexed(index, target)
        found = index.routes_in(
            goal, max_steps=max_steps, limit=limit, max_level=max_level, max_job_zone=max_job_zone
        )
        return a.RoutesIn(
            target=view.occupation(goal),
            max_steps=max_steps,
            max_level=max_level,
            max_job_zone=max_job_zone,
            routes=[
                a.RouteIn(
                    view.occupation(route.path.source),
                    _assessment(index.assess(route.path.source, goal)),
                    _career_path(view, route.path),
                    [view.occupation(o) for o in route.also_from],
                    round(
                        index.trade_share(
                            (route.path.source, *(s.occupation for s in route.path.steps))
                        ),
                        3,
                    ),
                )
                for route in found
            ],
        )

    def match(
        self,
        store: StoreView,
        skills: list[str],
        *,
        skill_level: int | None = None,
        isco_group: str | None = None,
        limit: int = 10,
        offset: int = 0,
        language: str | None = None,
    ) -> a.MatchResult:
        """Occupations ranked by how well ``skills`` cover their essential skills.

        Each of ``skills`` is a skill URI, an ESCO id, a label or any text (see
        :meth:`graph.search.SkillIndex.resolve`); the answer shows how each was understood,
        and lists apart those that may name several skills (ambiguous, with the candidates)
        and those that name none: only the skills surely named are matched.
        """
        view = self._view(store, language)
        index = view.indexes.careers
        resolutions = [view.indexes.skills.resolve(given, language) for given in skills]
        held = index.bits(r.skill for r in resolutions if r.skill is not None)
        matches = index.match(held, skill_level=skill_level, isco_group=isco_group)
        items = [
            a.OccupationMatch(
                occupation=view.occupation(found.occupation),
                score=round(found.score, 6),
                coverage=round(found.coverage, 6),
                essential_skills=found.essential,
                matched_essential=found.matched_essential,
                matched_optional=found.matched_optional,
                missing_essential=[view.skill(s) for s in index.missing(found.occupation, held)],
            )
            for found in matches[offset : offset + limit]
        ]
        return a.MatchResult(
            skills=[
                a.ResolvedSkill(
                    r.given,
                    view.skill(r.skill),
                    r.resolved_by,
                    r.language,
                    r.matched_text,
                    [view.skill(s) for s in r.candidates],
                )
                for r in resolutions
                if r.skill is not None
            ],
            unknown=[
                a.UnknownSkill(r.given, r.resolved_by) for r in resolutions if r.status == UNKNOWN
            ],
            total=len(matches),
            items=items,
            ambiguous=[
                a.AmbiguousSkill(r.given, [view.skill(s) for s in r.candidates])
                for r in resolutions
                if r.status == AMBIGUOUS
            ],
        )

    def skill(
        self,
        store: StoreView,
        identifier: str,
        *,
        language: str | None = None,
        languages: tuple[str, ...] = (),
    ) -> a.SkillProfile:
        """A skill with the occupations it is essential or optional for, and its place in
        the skills hierarchy.

        :raises InvalidIdentifierError: if ``identifier`` is no skill id.
        :raises NotFoundError: if the store has no such skill.
        """
        uri = t.skill_uri(identifier)
        # The skill, its occupations and its place in the hierarchy from the version's
        # indexes, which hold every skill with a preferred label (as the ``skill`` query finds
        # them): reading a few hundred occupations with skill_occupations costs 25 us each
        # (8 ms for "manage budgets"); tests hold the answers to skill_occupations and
        # concept_hierarchy.
        view = self._view(store, language)
        index = view.indexes.careers
        skill = index.skill_index.get(uri)
        if skill is None:
            raise NotFoundError("skill", identifier)
        facts = index.skills[skill]
        return a.SkillProfile(
            uri=uri,
            texts=self._texts(store, uri, facts.label, language, languages),
            skill_type=_text(facts.skill_type) or None,
            reuse_level=_text(facts.reuse_level) or None,
            essential_for=[view.occupation(o) for o in index.essential_for[skill]],
            optional_for=[view.occupation(o) for o in index.optional_for[skill]],
            broader=[view.related(u) for u in view.indexes.texts.broader.get(uri, [])],
            narrower=[view.related(u) for u in view.indexes.texts.narrower.get(uri, [])],
        )

    def isco_group(
        self,
        store: StoreView,
        identifier: str,
        *,
        limit: int,
        language: str | None = None,
        languages: tuple[str, ...] = (),
    ) -> a.IscoGroup:
        """An ISCO-08 group with its parent, children and occupations (the first ``limit``).

        :raises InvalidIdentifierError: if ``identifier`` is no ISCO code.
        :raises NotFoundError: if the store has no such group.
        """
        code = t.isco_code(identifier)
        # From the version's indexes, as for a skill's occupations (isco_occupations reads the
        # thousand of a major group in 27 ms; isco_group, isco_parent and isco_children say
        # the rest in SPARQL, and a test holds every group's answer to them).
        view = self._view(store, language)
        isco = view.indexes.isco
        group = isco.groups.get(code)
        if group is None:
            raise NotFoundError("ISCO-08 group", code)
        occupations = view.indexes.careers.in_isco_group(code)
        parent = None
        if group.parent is not None and group.parent in isco.by_uri:
            above = isco.groups[isco.by_uri[group.parent]]
            parent = view.isco(above.code, above.uri, above.label)
        children = [isco.groups[c] for c in isco.children.get(group.uri, [])]
        return a.IscoGroup(
            code=group.code,
            uri=group.uri,
            texts=self._texts(store, group.uri, group.label, language, languages, alt_labels=False),
            skill_level=group.skill_level,  # type: ignore[arg-type]
            parent=parent,
            children=[view.isco(c.code, c.uri, c.label, c.skill_level) for c in children],
            occupation_count=len(occupations),
            occupations=[view.occupation(o) for o in occupations[:limit]],
        )

    def isco_major_groups(
        self, store: StoreView, *, language: str | None = None
    ) -> list[a.IscoRef]:
        """The ISCO-08 major groups (the top of the hierarchy), in code order."""
        view = self._view(store, language)
        isco = view.indexes.isco
        return [
            view.isco(g.code, g.uri, g.label, g.skill_level)
            for code, g in sorted(isco.groups.items())
            if g.parent is None or g.parent not in isco.by_uri
        ]

    def describe(self, store: StoreView, uri: str) -> tuple[list[Triple], str | None]:
        """A resource as linked data, and the path of its JSON page (an occupation's, a
        skill's or an ISCO group's; None for any other resource the store describes: an
        O*NET occupation, a model term, a skill group, a concept scheme, a mapping record):
        its own triples, the preferred labels of the resources it points to, and the triples
        of the nodes that are part of it: its SKOS-XL labels, node literals and association
        objects (those it points to, and those it is the esco:isAssociationFor of), and its
        stored similar occupations and prospects.

        :raises InvalidIdentifierError: if ``uri`` is no absolute http(s) IRI, or names an
            occupation, skill or ISCO group with a malformed id.
        :raises NotFoundError: if the store says nothing of it.
        """
        page = t.page_of(uri) if t.is_concept_space(uri) else None
        if not t.is_http_iri(uri):
            raise InvalidIdentifierError(f"{uri[:200]!r} is not an absolute http(s) IRI")
        try:
            node = NamedNode(uri)
        except ValueError:  # RFC 3987 refuses it where a pattern cannot tell (the host...)
            raise NotFoundError("resource", uri[:200]) from None
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

    def graph_sizes_counted(self, store: StoreView) -> dict[str, int] | None:
        """:meth:`graph_sizes`, if counted for ``store`` already (no scan, no wait)."""
        version = self._versions.peek(store)
        return None if version is None else version.graph_sizes

    def graph_sizes(self, store: StoreView) -> dict[str, int]:
        """The named graphs of ``store`` and the triples in each: a scan of the store, made
        once per version on first use (the service asks one at a time)."""
        version = self._versions.get(store)
        if version.graph_sizes is None:
            version.graph_sizes = count_graphs(store)
        return version.graph_sizes

    def counted(self, store: StoreView) -> dict[str, int] | None:
        """:meth:`summary`, if the indexes of ``store`` are built already."""
        version = self._versions.peek(store)
        return None if version is None else dict(version.indexes.summary)

    def summary(self, store: StoreView) -> dict[str, int]:
        """How much the store holds, counted once per store version."""
        return dict(self.indexes(store).summary)

    def _texts(
        self,
        store: StoreView,
        uri: str,
        label: str,
        language: str | None,
        languages: tuple[str, ...],
        *,
        alt_labels: bool = True,
    ) -> a.Texts:
        """A concept's own label, alternative labels and description in ``language``: the
        label and its alternatives in the main language where the concept has no preferred
        label in ``language``, the description so where it has none in it; ``language`` and
        ``description_language`` say which each is in. With ``languages``, ``translations``
        gives them in each of those (none where the language lacks them). ISCO groups show
        no alternative labels (``alt_labels=False``)."""
        indexes = self.indexes(store)
        translations = indexes.translations
        main = translations.main
        language = language or main
        known = indexes.texts
        describe = functools.partial(known.description, uri)
        found, label_language = translations.label(uri, language)
        description, description_language = None, main
        for tag in translations.fallbacks(language):
            description = describe(tag)
            if description is not None:
                description_language = tag
                break
        translated = None
        if languages:
            translated = {
                tag: a.Translation(
                    label=translations.labels.get(tag, {}).get(uri),
                    alt_labels=known.alternatives(uri, tag) if alt_labels else None,
                    description=describe(tag),
                )
                for tag in languages
            }
        return a.Texts(
            label=found if found is not None else label,
            language=label_language,
            alt_labels=_alternatives(known, translations, uri, label_language)
            if alt_labels
            else None,
            description=description,
            description_language=description_language if description is not None else None,
            translations=translated,
        )


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


def _number(value: object) -> float | None:
    return None if value is None else float(str(value))


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _alternatives(known: Texts, translations: Translations, uri: str, language: str) -> list[str]:
    """A concept's alternative labels in ``language``, else in the first language it falls
    back to that has some (a variant pack such as ``en-us`` has none of its own)."""
    for tag in translations.fallbacks(language):
        found = known.alternatives(uri, tag)
        if found:
            return found
    return []


def _indexed(index: CareerIndex, identifier: str) -> int:
    """The index position of the occupation ``identifier`` names.

    :raises InvalidIdentifierError: if it is no occupation id.
    :raises NotFoundError: if the store has no such occupation.
    """
    position = index.occupation_index.get(t.occupation_uri(identifier))
    if position is None:
        raise NotFoundError("occupation", identifier)
    return position


class _Version:
    """What a server holds for one store version: its indexes, a view of them in each
    language answers have been asked in, and the sizes of its named graphs once asked for."""

    def __init__(self, indexes: Indexes) -> None:
        self.indexes = indexes
        self._views: dict[str, _View] = {}
        self.graph_sizes: dict[str, int] | None = None

    def view(self, language: str | None) -> _View:
        key = language or self.indexes.translations.main
        view = self._views.get(key)
        if view is None:  # one per loaded language (the service refuses the others)
            view = self._views.setdefault(key, _View(self.indexes, key))
        return view


class _View:
    """One version's indexes seen in one language: the concepts an answer names, as typed
    values with their labels in that language where they have one. Each occupation's and
    skill's value is made once, on first use, and shared by every answer after."""

    def __init__(self, indexes: Indexes, language: str | None) -> None:
        self.indexes = indexes
        translations = indexes.translations
        self.main = translations.main
        self.language = language or self.main
        self._known = translations.labels[self.main]
        self._translated = (
            translations.labels.get(self.language, {}) if self.language != self.main else {}
        )
        self._occupations: list[a.OccupationRef | None] = [None] * len(indexes.careers.occupations)
        self._skills: list[a.SkillRef | None] = [None] * len(indexes.careers.skills)

    def label(self, uri: str, label: str | None) -> tuple[str | None, str]:
        """``uri``'s label in the view's language, else ``label`` (the main language's)."""
        found = self._translated.get(uri)
        if found is not None:
            return found, self.language
        return label, self.main

    def occupation(self, occupation: int) -> a.OccupationRef:
        made = self._occupations[occupation]
        if made is None:
            facts = self.indexes.careers.occupations[occupation]
            label, language = self.label(facts.uri, facts.label)
            made = self._occupations[occupation] = a.OccupationRef(
                facts.uri,
                label,
                language,
                facts.isco_group,  # type: ignore[arg-type]
                facts.skill_level,  # type: ignore[arg-type]
            )
        return made

    @functools.cached_property
    def occupations_by_label(self) -> list[int]:
        """Every occupation, in label order, as career-index positions (made once)."""
        position = self.indexes.careers.occupation_index
        return [position[o.uri] for o in self.indexes.occupations.by_label]

    def skill(self, skill: int) -> a.SkillRef:
        made = self._skills[skill]
        if made is None:
            facts = self.indexes.careers.skills[skill]
            label, language = self.label(facts.uri, facts.label)
            made = self._skills[skill] = a.SkillRef(
                facts.uri, label, language, _text(facts.skill_type) or None
            )
        return made

    def listed_skill(self, skill: int) -> a.SkillHit:
        return a.SkillHit(
            self.skill(skill), _text(self.indexes.careers.skills[skill].reuse_level), None
        )

    def related(self, uri: str) -> a.ConceptRef:
        """A concept of the skills hierarchy (a skill or a skill group)."""
        label, language = self.label(uri, self._known.get(uri))
        return a.ConceptRef(uri, label, language)

    def isco(self, code: object, uri: object, label: object, level: object = None) -> a.IscoRef:
        found, language = self.label(str(uri), _text(label))
        return a.IscoRef(_text(code), str(uri), found, language, level)  # type: ignore[arg-type]


def _assessment(found: Transition) -> a.Assessment:
    return a.Assessment(
        rating=found.rating,
        score=found.score,
        similarity=found.similarity,
        essential_coverage=found.essential_coverage,
        optional_coverage=found.optional_coverage,
        essential_skills=found.essential,
        held_essential_skills=found.held_essential,
        skill_levels=found.skill_levels,
        job_zones=found.job_zones,
        education=found.education,
        regulated=found.regulated,
        field=found.field,
        reasons=found.reasons,
    )


def _career_path(view: _View, path: CareerPath) -> a.CareerPath:
    return a.CareerPath(
        new_essential_skills=path.new_essential,
        steps=[
            a.PathStep(
                occupation=view.occupation(step.occupation),
                move=step.move,
                score=round(step.score, 6),
                learn=[view.skill(s) for s in step.learn],
                coverage=step.coverage,
                assessment=_assessment(step.transition),
            )
            for step in path.steps
        ],
        rating=path.rating,
    )
