"""Everything a server holds in memory for one store version, built in one place.

A store version never changes (a load makes a new one), so what the JSON API reads on
every request is read from it once, into one :class:`Indexes` value:

========================  ====================================================================
``occupations``           occupation search and facts (:class:`graph.search.LabelIndex`)
``skills``                skill search, and the skills a person names
                          (:class:`graph.search.SkillIndex`)
``careers``               skill sets as bit sets, moves, matching, paths, gaps
                          (:class:`graph.careers.CareerIndex`)
``suggester``             autocomplete over both (:class:`graph.suggest.Suggester`)
``translations``          every concept's preferred label in every language
``texts``                 alternative labels, descriptions and codes of occupations and skills
``facets``                occupations and skills by ISCO group, skill level, type, reuse level
``isco``                  the ISCO-08 groups, their parents and children
``summary``               how much the version holds (``/health``)
``has_mappings``          whether any dataset maps occupations to other classifications
``preparation``           each occupation's preparation (Job Zone, education, experience,
                          training, earnings) where a table of it is loaded
                          (:mod:`graph.preparation`)
========================  ====================================================================

:meth:`Indexes.build` reads them with the named queries; :mod:`graph.prepare` writes them
beside the version (:mod:`graph.indexfile`: arrays and JSON, no pickle) and reads them back.
Adding an index for a new feature is a field here and a line in :meth:`Indexes.build`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from graph import preparation, suggest
from graph import terms as t
from graph.careers import CareerIndex
from graph.languages import Translations
from graph.preparation import Preparation
from graph.queries import QueryRunner, Row, Value
from graph.releases import StoreView
from graph.search import LabelIndex, SkillIndex
from graph.suggest import Suggester

FACETS = {"occupation": ("isco_group", "skill_level"), "skill": ("skill_type", "reuse_level")}
"""The facts :class:`Facets` looks concepts up by."""


@dataclass
class Facets:
    """Occupations and skills by the values of their facts (:data:`FACETS`): a lookup, not a
    scan. Positions are places in label order (``LabelIndex.by_label``,
    ``CareerIndex.skills_by_label``); an ISCO group is found by every prefix of its code."""

    positions: dict[str, dict[str, list[int]]]
    """kind -> ``fact=value`` (lower case) -> positions in label order"""

    @classmethod
    def build(cls, occupations: LabelIndex, careers: CareerIndex) -> Facets:
        facts: dict[str, list[dict[str, Value]]] = {
            "occupation": [
                {"isco_group": o.isco_group, "skill_level": o.skill_level}
                for o in occupations.by_label
            ],
            "skill": [
                {
                    "skill_type": careers.skills[s].skill_type,
                    "reuse_level": careers.skills[s].reuse_level,
                }
                for s in careers.skills_by_label
            ],
        }
        positions: dict[str, dict[str, list[int]]] = {}
        for kind, items in facts.items():
            index = positions[kind] = {}
            for position, item in enumerate(items):
                for fact in FACETS[kind]:
                    value = str(item.get(fact) or "").lower()
                    keys = {value}
                    if fact == "isco_group":  # every group it is in: 2, 26, 265, 2654
                        keys = set(t.isco_groups_above(value))
                    for key in keys:
                        if key:
                            index.setdefault(f"{fact}={key}", []).append(position)
        return cls(positions)

    def chosen(self, kind: str, facts: dict[str, list[str]]) -> list[int] | None:
        """The positions of the concepts of ``kind`` whose facts take one of the given values
        each, in label order; None when no fact of the kind is given (all of them). A fact
        the kind does not have is ignored."""
        index = self.positions[kind]
        chosen: set[int] | None = None
        for fact, values in facts.items():
            if fact not in FACETS[kind]:
                continue
            held = set().union(*(index.get(f"{fact}={v.lower()}", ()) for v in values))
            chosen = held if chosen is None else chosen & held
        return None if chosen is None else sorted(chosen)


@dataclass
class Texts:
    """The alternative labels, descriptions and codes of every occupation and skill (and the
    descriptions of the ISCO groups), in every language, and each occupation's ISCO group:
    what a profile shows beyond its skills."""

    alt_labels: dict[str, dict[str, str]]
    """language -> concept URI -> its alternative labels, by lower case, then as written,
    one a line (see :meth:`alternatives`)"""
    descriptions: dict[str, dict[str, str]]
    """language -> concept URI -> its description"""
    codes: dict[str, str]
    """occupation URI -> its ESCO code (``skos:notation``)"""
    isco_groups: dict[str, str]
    """occupation URI -> the URI of its ISCO-08 unit group"""
    isco_labels: dict[str, str]
    """ISCO group URI -> its preferred label in the main language"""
    broader: dict[str, list[str]] = field(default_factory=dict)
    """skill URI -> its broader skills and skill groups, by label (main language), then URI"""
    narrower: dict[str, list[str]] = field(default_factory=dict)
    """skill URI -> its narrower skills, in the same order"""

    @classmethod
    def build(
        cls,
        labels: Iterable[tuple[str, str, int, str]],
        descriptions: Iterable[tuple[str, str, str]],
        heads: Iterable[Row],
        hierarchy: Iterable[Row] = (),
    ) -> Texts:
        """``labels``: (URI, label as written, kind, language), alternative ones kind 1;
        ``descriptions``: (URI, text, language); ``heads``: the rows of the ``occupation_codes``
        query for every occupation; ``hierarchy``: the rows of ``skill_hierarchy``."""
        alternatives: dict[str, dict[str, list[str]]] = {}
        for uri, text, kind, language in labels:
            if kind == 1:
                written = " ".join(text.split())  # a label a line, single-spaced
                alternatives.setdefault(language, {}).setdefault(uri, []).append(written)
        notes: dict[str, dict[str, str]] = {}
        for uri, text, language in descriptions:
            notes.setdefault(language, {}).setdefault(uri, text)
        codes: dict[str, str] = {}
        groups: dict[str, str] = {}
        isco_labels: dict[str, str] = {}
        for row in heads:
            occupation = str(row["occupation"])
            if row.get("code") is not None:
                codes.setdefault(occupation, str(row["code"]))
            if row.get("isco_group") is not None:
                groups.setdefault(occupation, str(row["isco_group"]))
                if row.get("isco_label") is not None:
                    isco_labels.setdefault(str(row["isco_group"]), str(row["isco_label"]))
        lines = {
            language: {
                uri: "\n".join(sorted(found, key=lambda label: (label.lower(), label)))
                for uri, found in by_uri.items()
            }
            for language, by_uri in alternatives.items()
        }
        related: dict[str, dict[str, list[tuple[str, str]]]] = {"broader": {}, "narrower": {}}
        for row in hierarchy:
            direction = related[str(row["direction"])]
            direction.setdefault(str(row["concept"]), []).append(
                (str(row["label"]).lower(), str(row["uri"]))
            )
        broader, narrower = (
            {uri: [u for _, u in sorted(set(found))] for uri, found in related[d].items()}
            for d in ("broader", "narrower")
        )
        return cls(lines, notes, codes, groups, isco_labels, broader, narrower)

    def alternatives(self, uri: str, language: str) -> list[str]:
        """A concept's alternative labels in ``language`` (none where it has none)."""
        found = self.alt_labels.get(language, {}).get(uri)
        return found.split("\n") if found else []

    def description(self, uri: str, language: str) -> str | None:
        """A concept's description in ``language``, if it has one."""
        return self.descriptions.get(language, {}).get(uri)


@dataclass(frozen=True)
class IscoFacts:
    """An ISCO-08 group as its page shows it."""

    uri: str
    code: str
    label: str
    """its preferred label in the main language"""
    skill_level: Value
    parent: str | None
    """the URI of the group one level up (None for a major group)"""


@dataclass
class IscoGroups:
    """Every ISCO-08 group of a store version, and the groups one level below each."""

    groups: dict[str, IscoFacts]
    """code -> group"""
    children: dict[str, list[str]] = field(default_factory=dict)
    """group URI -> the codes of its children, in code order"""
    by_uri: dict[str, str] = field(default_factory=dict)
    """group URI -> code"""

    @classmethod
    def build(cls, rows: Iterable[Row]) -> IscoGroups:
        """``rows``: those of the ``isco_groups`` query."""
        groups: dict[str, IscoFacts] = {}
        for row in rows:
            code = str(row["code"])
            parent = row.get("parent")
            groups.setdefault(
                code,
                IscoFacts(
                    str(row["group"]),
                    code,
                    str(row["label"]),
                    row.get("skill_level"),
                    None if parent is None else str(parent),
                ),
            )
        children: dict[str, list[str]] = {}
        for code in sorted(groups):
            group = groups[code]
            if group.parent is not None:
                children.setdefault(group.parent, []).append(code)
        return cls(groups, children, {g.uri: code for code, g in groups.items()})


@dataclass
class Indexes:
    """The in-memory indexes of one store version (see the module)."""

    occupations: LabelIndex
    skills: SkillIndex
    careers: CareerIndex
    suggester: Suggester
    translations: Translations
    texts: Texts
    facets: Facets
    isco: IscoGroups
    summary: dict[str, int]
    has_mappings: bool
    languages: tuple[str, ...] = field(default=())
    """the store's languages, main first"""
    preparation: dict[str, Preparation] = field(default_factory=dict)
    """occupation URI -> its preparation, where a table of it is loaded"""

    @classmethod
    def build(cls, store: StoreView, runner: QueryRunner | None = None) -> Indexes:
        """Read every index of ``store`` with the named queries."""
        runner = runner or QueryRunner()
        descriptions = [
            (str(row["uri"]), str(row["description"]), str(row["description_language"]))
            for row in runner.select(store, "concept_descriptions")
        ]
        isco_descriptions = [
            (str(row["uri"]), str(row["description"]), str(row["description_language"]))
            for row in runner.select(store, "isco_descriptions")
        ]
        occupation_labels = runner.select(store, "occupation_labels")
        skill_labels = runner.select(store, "skill_labels")
        skills = SkillIndex.build(store, runner, label_rows=skill_labels, descriptions=descriptions)
        prepared = preparation.read(store, runner)
        careers = CareerIndex.build(
            store,
            runner,
            skills=skills.skills,
            preparation={u: (p.job_zone, p.education_level) for u, p in prepared.items()},
        )
        # How many occupations need each skill, which the skill resolution weighs (the two
        # indexes hold the same skills, in the same order).
        skills.usage = [
            len(essential) + len(optional)
            for essential, optional in zip(careers.essential_for, careers.optional_for, strict=True)
        ]
        # One set of occupation facts, shared by both indexes (and written once).
        occupations = LabelIndex(occupation_labels, descriptions, facts=careers.occupations)
        translations = Translations.build(store, runner)
        texts = Texts.build(
            (
                (str(r["uri"]), str(r["text"]), int(r["kind"] or 0), str(r["text_language"]))
                for r in (*occupation_labels, *skill_labels)
            ),
            [*descriptions, *isco_descriptions],
            runner.select(store, "occupation_codes"),
            runner.select(store, "skill_hierarchy"),
        )
        row = runner.select(store, "store_summary")[0]
        summary = {
            "occupations": int(row["occupations"] or 0),
            "skills": int(row["skills"] or 0),
            "isco_groups": int(row["isco_groups"] or 0),
            "occupation_skill_relations": int(row["essential_relations"] or 0)
            + int(row["optional_relations"] or 0),
        }
        return cls(
            occupations=occupations,
            careers=careers,
            skills=skills,
            suggester=suggest.build(occupations, skills),
            translations=translations,
            texts=texts,
            facets=Facets.build(occupations, careers),
            isco=IscoGroups.build(runner.select(store, "isco_groups")),
            summary=summary,
            has_mappings=_has_mappings(store),
            languages=translations.languages,
            preparation=prepared,
        )

    def check(self) -> None:
        """Raise if these indexes are not what :meth:`build` makes: each of the right kind,
        and each answering a question of every sort (an index file read back from a folder
        anyone may have written must not fail every request after it is taken)."""
        for item in fields(self):
            value = getattr(self, item.name, None)
            expected = _KINDS[item.name]
            if not isinstance(value, expected):
                raise TypeError(f"{item.name} is a {type(value).__name__}")
        self.occupations.search("a", limit=1)
        self.skills.search("a", limit=1)
        self.skills.resolve("a")
        self.suggester.suggest("a", limit=1, types=frozenset({"occupation", "skill"}))
        careers = self.careers
        if careers.occupations:
            careers.skills_of(0)
            careers.related(0, "similar")
            careers.paths(0, len(careers.occupations) - 1, max_steps=1, limit=1)
            careers.routes_in(0, max_steps=1, limit=1)
            careers.match(careers.essential[0], skill_level=None, isco_group=None)
        self.translations.label("", self.translations.main)
        self.texts.alternatives("", self.translations.main)
        self.facets.chosen("occupation", {"isco_group": ["2"]})
        for code in list(self.isco.groups)[:1]:
            self.isco.children.get(self.isco.groups[code].uri, [])


def _has_mappings(store: StoreView) -> bool:
    """Whether any occupation is mapped to another classification (a dataset loaded beside
    ESCO): without one, a profile needs no mapping query at all."""
    for prop in t.MAPPING_PROPERTIES:
        if next(iter(store.quads_for_pattern(None, prop, None)), None) is not None:
            return True
    return False


_KINDS: dict[str, type | tuple[type, ...]] = {
    "occupations": LabelIndex,
    "skills": SkillIndex,
    "careers": CareerIndex,
    "suggester": Suggester,
    "translations": Translations,
    "texts": Texts,
    "facets": Facets,
    "isco": IscoGroups,
    "summary": dict,
    "has_mappings": bool,
    "languages": tuple,
    "preparation": dict,
}
"""What each field of :class:`Indexes` holds (:meth:`Indexes.check`)."""
