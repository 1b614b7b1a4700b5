"""What changed between two ESCO releases: the facts of each, read from its store, compared.

The first piece of several releases side by side (issue 28): :class:`ReleaseFacts` reads what
a release says of its occupations and skills (their preferred and alternative labels in the
main language, their descriptions, each occupation's ISCO-08 group and essential and
optional skills), and :func:`compare` says what changed from one release to the next, concept
by concept:

- a concept **added** or **removed**: its URI in one release only (ESCO's CSV files give no
  successor for a removed concept);
- its **preferred label**, its **alternative labels** (as a set) or its **description**
  changed, for a concept in both;
- an occupation **moved** to another ISCO-08 group;
- an occupation-skill relation **added** or **removed** (the pair in one release only; a
  relation of a concept added or removed counts too, and a release's relations are those of
  the occupations it describes: v1.1.1's file keeps 67 of the occupation it removed, which
  count as removed), or **switched** between essential and optional.

Texts are compared single-spaced, as the answers give them. A relation ESCO lists as both
essential and optional counts as essential.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Quad

from graph import terms as t
from graph.queries import QueryRunner
from graph.releases import StoreView

KINDS = ("occupation", "skill")


def _spaced(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class ReleaseFacts:
    """What one release says of its occupations and skills, in one language."""

    kinds: dict[str, str]
    """concept URI -> ``occupation`` or ``skill``"""
    labels: dict[str, str]
    """concept URI -> preferred label"""
    alt_labels: dict[str, frozenset[str]]
    descriptions: dict[str, str]
    isco_groups: dict[str, str]
    """occupation URI -> its ISCO-08 group's code"""
    relations: dict[tuple[str, str], bool]
    """(occupation URI, skill URI) -> essential (True) or optional (False)"""

    @classmethod
    def read(
        cls, store: StoreView, runner: QueryRunner, language: str | None = None
    ) -> ReleaseFacts:
        """The facts of the release in ``store``, in ``language`` (its main one by default)."""
        language = language or runner.main_language(store)
        kinds: dict[str, str] = {}
        for kind, rdf_class in (("occupation", t.ESCO_OCCUPATION), ("skill", t.ESCO_SKILL)):
            for quad in store.quads_for_pattern(None, t.TYPE, rdf_class):
                if isinstance(quad.subject, NamedNode):
                    kinds[quad.subject.value] = kind
        labels: dict[str, str] = {}
        alternatives: dict[str, set[str]] = {}
        for uri in kinds:
            node = NamedNode(uri)
            for text in _texts(store.quads_for_pattern(node, t.PREF_LABEL, None), language):
                labels.setdefault(uri, _spaced(text))
            found = _texts(store.quads_for_pattern(node, t.ALT_LABEL, None), language)
            alternatives[uri] = {_spaced(text) for text in found}
        descriptions = {
            str(row["uri"]): _spaced(str(row["description"]))
            for row in runner.select(store, "concept_descriptions")
            if str(row["uri"]) in kinds and str(row["description_language"]) == language
        }
        groups: dict[str, str] = {}
        for row in runner.select(store, "occupation_codes"):
            group = row.get("isco_group")
            if group is not None:
                groups[str(row["occupation"])] = str(group).rsplit("/C", 1)[-1]
        relations: dict[tuple[str, str], bool] = {}
        for predicate, essential in (
            (t.RELATED_OPTIONAL_SKILL, False),
            (t.RELATED_ESSENTIAL_SKILL, True),
        ):
            for quad in store.quads_for_pattern(None, predicate, None):
                subject, target = quad.subject, quad.object
                # The same properties say a skill's related skills: occupations' only.
                if (
                    isinstance(subject, NamedNode)
                    and isinstance(target, NamedNode)
                    and kinds.get(subject.value) == "occupation"
                ):
                    relations[(subject.value, target.value)] = essential
        return cls(
            kinds,
            labels,
            {uri: frozenset(found) for uri, found in alternatives.items()},
            descriptions,
            groups,
            relations,
        )


def _texts(quads: Iterable[Quad], language: str) -> list[str]:
    """The literals in ``language`` among the objects of ``quads``."""
    return [
        quad.object.value
        for quad in quads
        if isinstance(quad.object, Literal) and quad.object.language == language
    ]


@dataclass
class Changes:
    """What changed from one release (``before``) to the next (``after``)."""

    added: dict[str, list[str]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    removed: dict[str, list[str]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    relabelled: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    alt_labels_changed: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    described_otherwise: dict[str, list[str]] = field(
        default_factory=lambda: {kind: [] for kind in KINDS}
    )
    regrouped: list[str] = field(default_factory=list)
    """occupations now in another ISCO-08 group"""
    relations_added: list[tuple[str, str]] = field(default_factory=list)
    relations_removed: list[tuple[str, str]] = field(default_factory=list)
    switched: list[tuple[str, str]] = field(default_factory=list)
    """relations now essential where they were optional, or the other way"""

    def counts(self) -> dict[str, int]:
        """How many of each change, by name."""
        found: dict[str, int] = {}
        for name in ("added", "removed", "relabelled", "alt_labels_changed", "described_otherwise"):
            for kind, items in getattr(self, name).items():
                found[f"{kind}s {name.replace('_', ' ')}"] = len(items)
        found["occupations regrouped"] = len(self.regrouped)
        found["relations added"] = len(self.relations_added)
        found["relations removed"] = len(self.relations_removed)
        found["relations switched"] = len(self.switched)
        return found


def compare(before: ReleaseFacts, after: ReleaseFacts) -> Changes:
    """What changed from ``before`` to ``after``, each list in URI order."""
    changes = Changes()
    for uri in sorted(before.kinds.keys() | after.kinds.keys()):
        if uri not in before.kinds:
            changes.added[after.kinds[uri]].append(uri)
            continue
        kind = before.kinds[uri]
        if uri not in after.kinds:
            changes.removed[kind].append(uri)
            continue
        if before.labels.get(uri) != after.labels.get(uri):
            changes.relabelled[kind].append(uri)
        if before.alt_labels.get(uri, frozenset()) != after.alt_labels.get(uri, frozenset()):
            changes.alt_labels_changed[kind].append(uri)
        if before.descriptions.get(uri) != after.descriptions.get(uri):
            changes.described_otherwise[kind].append(uri)
        if kind == "occupation" and before.isco_groups.get(uri) != after.isco_groups.get(uri):
            changes.regrouped.append(uri)
    for pair in sorted(before.relations.keys() | after.relations.keys()):
        was, now = before.relations.get(pair), after.relations.get(pair)
        if was is None:
            changes.relations_added.append(pair)
        elif now is None:
            changes.relations_removed.append(pair)
        elif was != now:
            changes.switched.append(pair)
    return changes


def statuses(
    changes: Changes, before: ReleaseFacts, after: ReleaseFacts, uris: Iterable[str]
) -> list[tuple[str, str]]:
    """What became of each of ``uris`` (concepts of ``before``, say a user's data tagged with
    that release) in ``after``: ``removed``, ``added``, ``unknown`` (in neither), or the
    changes it went through (``relabelled``, ``alt labels changed``, ``described otherwise``,
    ``regrouped``, ``skills changed``: a relation of it added, removed or switched), joined
    with ``; ``, else ``unchanged``."""
    marks: dict[str, list[str]] = {}
    for name in ("relabelled", "alt_labels_changed", "described_otherwise"):
        for items in getattr(changes, name).values():
            for uri in items:
                marks.setdefault(uri, []).append(name.replace("_", " "))
    for uri in changes.regrouped:
        marks.setdefault(uri, []).append("regrouped")
    touched: set[str] = set()
    for pairs in (changes.relations_added, changes.relations_removed, changes.switched):
        for occupation, skill in pairs:
            touched.update((occupation, skill))
    found = []
    for uri in uris:
        if uri not in before.kinds:
            found.append((uri, "added" if uri in after.kinds else "unknown"))
        elif uri not in after.kinds:
            found.append((uri, "removed"))
        else:
            these = [*marks.get(uri, []), *(["skills changed"] if uri in touched else [])]
            found.append((uri, "; ".join(these) or "unchanged"))
    return found


CHANGE_NAMES = (
    "added",
    "removed",
    "relabelled",
    "alt_labels_changed",
    "described_otherwise",
    "regrouped",
    "relation_added",
    "relation_removed",
    "relation_switched",
)
"""Every kind of change, in the order a list of changes gives them."""
CHANGE_KINDS = ("occupation", "skill", "relation")


@dataclass(frozen=True)
class ChangeRecord:
    """One change, as ``GET /changes`` and ``skillgraph changes --csv`` give it."""

    change: str
    """one of :data:`CHANGE_NAMES`"""
    kind: str
    """``occupation``, ``skill`` or ``relation``"""
    uri: str
    """the concept (the occupation of a relation)"""
    label: str
    """its preferred label, in the newer release where it is in it"""
    before: str
    """what it was: a label, the alternative labels (joined by `` | ``), a description, an
    ISCO-08 code, ``essential`` or ``optional``; empty where it was not"""
    after: str
    """what it is, the same way"""
    skill: str = ""
    """a relation's skill"""
    skill_label: str = ""
    isco_group: str = ""
    """the ISCO-08 code of the occupation (of a relation too), in the newer release where
    it is in it"""


FIELDS = tuple(ChangeRecord.__dataclass_fields__)
"""The columns of a change as CSV."""


def _joined(labels: frozenset[str] | None) -> str:
    return " | ".join(sorted(labels or (), key=lambda label: (label.lower(), label)))


def _kind_of(relation: bool | None) -> str:
    return "" if relation is None else "essential" if relation else "optional"


def records(changes: Changes, before: ReleaseFacts, after: ReleaseFacts) -> list[ChangeRecord]:
    """Every change of ``changes`` as a record, in :data:`CHANGE_NAMES` order, then kind and
    URI."""

    def label(uri: str) -> str:
        return after.labels.get(uri) or before.labels.get(uri) or ""

    def group(uri: str) -> str:
        return after.isco_groups.get(uri) or before.isco_groups.get(uri) or ""

    found: list[ChangeRecord] = []
    texts: dict[str, Callable[[str], tuple[str, str]]] = {
        "added": lambda uri: ("", after.labels.get(uri, "")),
        "removed": lambda uri: (before.labels.get(uri, ""), ""),
        "relabelled": lambda uri: (before.labels.get(uri, ""), after.labels.get(uri, "")),
        "alt_labels_changed": lambda uri: (
            _joined(before.alt_labels.get(uri)),
            _joined(after.alt_labels.get(uri)),
        ),
        "described_otherwise": lambda uri: (
            before.descriptions.get(uri, ""),
            after.descriptions.get(uri, ""),
        ),
    }
    for name, text in texts.items():
        for kind, uris in getattr(changes, name).items():
            for uri in uris:
                was, now = text(uri)
                isco = group(uri) if kind == "occupation" else ""
                found.append(ChangeRecord(name, kind, uri, label(uri), was, now, isco_group=isco))
    for uri in changes.regrouped:
        found.append(
            ChangeRecord(
                "regrouped",
                "occupation",
                uri,
                label(uri),
                before.isco_groups.get(uri, ""),
                after.isco_groups.get(uri, ""),
                isco_group=group(uri),
            )
        )
    for name, pairs in (
        ("relation_added", changes.relations_added),
        ("relation_removed", changes.relations_removed),
        ("relation_switched", changes.switched),
    ):
        for occupation, skill in pairs:
            found.append(
                ChangeRecord(
                    name,
                    "relation",
                    occupation,
                    label(occupation),
                    _kind_of(before.relations.get((occupation, skill))),
                    _kind_of(after.relations.get((occupation, skill))),
                    skill=skill,
                    skill_label=label(skill),
                    isco_group=group(occupation),
                )
            )
    return found


def chosen(
    found: Iterable[ChangeRecord],
    *,
    kinds: Iterable[str] = (),
    changes: Iterable[str] = (),
    isco_groups: Iterable[str] = (),
) -> list[ChangeRecord]:
    """The records of the given ``kinds`` and ``changes`` (all where none is given), of
    occupations in one of ``isco_groups`` (a code or the start of one: ``2`` is every
    occupation of major group 2; skills are in no ISCO group, so none of theirs is kept)."""
    kinds, changes, groups = set(kinds), set(changes), tuple(isco_groups)
    return [
        r
        for r in found
        if (not kinds or r.kind in kinds)
        and (not changes or r.change in changes)
        and (not groups or (r.isco_group and r.isco_group.startswith(groups)))
    ]


@dataclass(frozen=True)
class Comparison:
    """Two releases compared: the facts of each, what changed, and every change as a
    record (what the service keeps to answer ``/changes`` and the migration check)."""

    before: ReleaseFacts
    after: ReleaseFacts
    changes: Changes
    records: list[ChangeRecord]

    @classmethod
    def of(cls, before: ReleaseFacts, after: ReleaseFacts) -> Comparison:
        changes = compare(before, after)
        return cls(before, after, changes, records(changes, before, after))

    def statuses(self, uris: Iterable[str]) -> list[tuple[str, str]]:
        """What became of each of ``uris`` (see :func:`statuses`)."""
        return statuses(self.changes, self.before, self.after, uris)
