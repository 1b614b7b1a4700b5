"""ESCO CSV rows to RDF triples in the official ESCO model (``graph.terms`` names them).

Each kind of file has one function that turns its rows into quads in the default graph.
Everything keeps the official URIs; literals carry the bundle's language tag. A cell that
cannot be what its column says (an IRI with a space, an unknown relation type, a
non-numeric ISCO code) stops the load with the file, line and reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from pyoxigraph import Literal, NamedNode, Quad

from graph import terms as t
from graph.analytics import ClassificationFacts
from graph.errors import BundleError
from loaders.bundle import Bundle, BundleFile, Row, read_rows

# The thematic collections of the download are files without a scheme column; ESCO
# publishes each as a concept scheme, so membership is written as skos:inScheme. The two
# schemes with UUIDs are those of ESCO v1.2.0 (conceptSchemes_en.csv names them
# "Digital" and "Research occupations").
COLLECTION_SCHEMES = {
    "digCompSkillsCollection": t.ESCO_DATA + "concept-scheme/digcomp",
    "digitalSkillsCollection": t.ESCO_DATA + "concept-scheme/6c930acd-c104-4ece-acf7-f44fd7333036",
    "greenSkillsCollection": t.ESCO_DATA + "concept-scheme/green",
    "languageSkillsCollection": t.ESCO_DATA + "concept-scheme/skill-language-groups",
    "researchOccupationsCollection": t.ESCO_DATA
    + "concept-scheme/8ae4b9f3-507e-4057-a145-2f96f0132613",
    "researchSkillsCollection": t.ESCO_DATA + "concept-scheme/research",
    "transversalSkillsCollection": t.ESCO_DATA + "concept-scheme/skill-transversal-groups",
}

_URI_LIST = re.compile(r"[\s,|]+")
_ISCO_CODE = re.compile(r"^[0-9]{1,4}$")


@dataclass
class LoadReport:
    """What a load read: rows per kind, triples written, references to concepts the
    bundle does not describe, files it did not recognise, and the facts the analytics
    derive from."""

    rows: Counter[str] = field(default_factory=Counter)
    triples: int = 0
    dangling: Counter[str] = field(default_factory=Counter)
    ignored_files: list[str] = field(default_factory=list)
    facts: ClassificationFacts = field(default_factory=ClassificationFacts)


class _Converter:
    def __init__(self, language: str, report: LoadReport) -> None:
        self.language = language
        self.report = report
        self.occupations: set[str] = set()
        self.skills: set[str] = set()
        self._nodes: dict[str, NamedNode] = {}
        self.file = ""
        self.line = 0

    def fail(self, reason: str) -> BundleError:
        return BundleError(reason, file=self.file, line=self.line)

    def iri(self, value: str, column: str) -> NamedNode:
        value = value.strip()
        node = self._nodes.get(value)
        if node is not None:
            return node
        if not value:
            raise self.fail(f"{column} is empty")
        try:
            node = NamedNode(value)
        except ValueError as error:
            raise self.fail(f"{column} {value!r} is not a valid IRI ({error})") from None
        if ":" not in value:
            raise self.fail(f"{column} {value!r} is not an absolute IRI")
        if len(self._nodes) < 400_000:
            self._nodes[value] = node
        return node

    def iris(self, value: str, column: str) -> list[NamedNode]:
        return [self.iri(v, column) for v in _URI_LIST.split(value.strip()) if v]

    def text(self, value: str) -> Literal:
        return Literal(value.strip(), language=self.language)

    def labels(self, value: str) -> list[Literal]:
        return [self.text(v) for v in value.split("\n") if v.strip()]

    def date_time(self, value: str, column: str) -> Literal:
        value = value.strip()
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise self.fail(f"{column} {value!r} is not an ISO 8601 date-time") from None
        return Literal(value, datatype=t.XSD_DATETIME)

    def isco_code(self, value: str, column: str) -> str:
        value = value.strip()
        if not _ISCO_CODE.match(value):
            raise self.fail(f"{column} {value!r} is not an ISCO-08 code (1 to 4 digits)")
        return value


def bundle_quads(
    bundle: Bundle,
    report: LoadReport,
    *,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[Quad]:
    """Every triple of the bundle, file by file, counting into ``report`` as it goes.

    Occupations and skills are read before the relations that refer to them, so references
    to concepts the bundle does not describe can be counted.

    :raises BundleError: at the first cell that cannot be loaded.
    """
    convert = _Converter(bundle.language, report)
    report.ignored_files.extend(bundle.ignored)
    handled = set()
    for kind, handler, required in _HANDLERS:
        file = bundle.files.get(kind)
        if file is None:
            continue
        handled.add(kind)
        yield from _read(file, convert, handler, required, on_bytes)
    for kind, file in sorted(bundle.files.items()):
        if kind in handled:
            continue
        scheme = COLLECTION_SCHEMES.get(kind)
        if scheme is None:
            report.ignored_files.append(file.name)
            continue
        yield from _read(file, convert, _collection(NamedNode(scheme)), ("conceptUri",), on_bytes)


Handler = Callable[[_Converter, Row], Iterator[Quad]]


def _read(
    file: BundleFile,
    convert: _Converter,
    handler: Handler,
    required: tuple[str, ...],
    on_bytes: Callable[[int], None] | None,
) -> Iterator[Quad]:
    convert.file = file.name
    convert.line = 1
    report = convert.report
    kind = file.kind
    for line, row in read_rows(file, required=required, on_bytes=on_bytes):
        convert.line = line
        count = 0
        for quad in handler(convert, row):
            count += 1
            yield quad
        report.triples += count
        report.rows[kind] += 1


def _concept_common(c: _Converter, subject: NamedNode, row: Row) -> Iterator[Quad]:
    """Labels, notes, status, date and schemes: the columns every concept file shares."""
    label = row.get("preferredLabel", "").strip()
    if not label:
        raise c.fail("preferredLabel is empty")
    yield Quad(subject, t.PREF_LABEL, c.text(label))
    for column, predicate in (("altLabels", t.ALT_LABEL), ("hiddenLabels", t.HIDDEN_LABEL)):
        for literal in c.labels(row.get(column, "")):
            yield Quad(subject, predicate, literal)
    for column, predicate in (
        ("description", t.DESCRIPTION),
        ("scopeNote", t.SCOPE_NOTE),
        ("definition", t.DEFINITION),
    ):
        value = row.get(column, "")
        if value.strip():
            yield Quad(subject, predicate, c.text(value))
    status = row.get("status", "").strip()
    if status:
        yield Quad(subject, t.STATUS, Literal(status))
    modified = row.get("modifiedDate", "").strip()
    if modified:
        yield Quad(subject, t.MODIFIED, c.date_time(modified, "modifiedDate"))
    for scheme in c.iris(row.get("inScheme", ""), "inScheme"):
        yield Quad(subject, t.IN_SCHEME, scheme)


def _occupation(c: _Converter, row: Row) -> Iterator[Quad]:
    subject = c.iri(row["conceptUri"], "conceptUri")
    c.occupations.add(subject.value)
    yield Quad(subject, t.TYPE, t.ESCO_OCCUPATION)
    yield Quad(subject, t.TYPE, t.ESCO_MEMBER_CONCEPT)
    yield Quad(subject, t.TYPE, t.SKOS_CONCEPT)
    yield from _concept_common(c, subject, row)
    code = c.isco_code(row["iscoGroup"], "iscoGroup")
    yield Quad(subject, t.MEMBER_OF_ISCO_GROUP, c.iri(t.isco_uri(code), "iscoGroup"))
    c.report.facts.add_occupation(subject.value, row["preferredLabel"].strip(), code)
    if row.get("code", "").strip():
        yield Quad(subject, t.NOTATION, Literal(row["code"].strip()))
    note = row.get("regulatedProfessionNote", "").strip()
    if note:
        if note.startswith(("http://", "https://")):
            yield Quad(subject, t.REGULATED_PROFESSION_NOTE, c.iri(note, "regulatedProfessionNote"))
        else:
            yield Quad(subject, t.REGULATED_PROFESSION_NOTE, c.text(note))


def _isco_group(c: _Converter, row: Row) -> Iterator[Quad]:
    subject = c.iri(row["conceptUri"], "conceptUri")
    yield Quad(subject, t.TYPE, t.SG_ISCO_GROUP)
    yield Quad(subject, t.TYPE, t.SKOS_CONCEPT)
    code = c.isco_code(row["code"], "code")
    yield Quad(subject, t.NOTATION, Literal(code))
    yield from _concept_common(c, subject, row)
    c.report.facts.add_isco_group(subject.value, code)


def _skill(c: _Converter, row: Row) -> Iterator[Quad]:
    subject = c.iri(row["conceptUri"], "conceptUri")
    c.skills.add(subject.value)
    yield Quad(subject, t.TYPE, t.ESCO_SKILL)
    yield Quad(subject, t.TYPE, t.ESCO_MEMBER_CONCEPT)
    yield Quad(subject, t.TYPE, t.SKOS_CONCEPT)
    yield from _concept_common(c, subject, row)
    skill_type = row.get("skillType", "").strip()
    if skill_type:
        segment = t.SKILL_TYPES.get(skill_type)
        if segment is None:
            raise c.fail(
                f"skillType {skill_type!r} is not one of {', '.join(sorted(t.SKILL_TYPES))}"
            )
        yield Quad(subject, t.SKILL_TYPE, c.iri(t.SKILL_TYPE_BASE + segment, "skillType"))
    reuse = row.get("reuseLevel", "").strip()
    if reuse:
        if reuse not in t.REUSE_LEVELS:
            raise c.fail(f"reuseLevel {reuse!r} is not one of {', '.join(sorted(t.REUSE_LEVELS))}")
        yield Quad(subject, t.SKILL_REUSE_LEVEL, c.iri(t.REUSE_LEVEL_BASE + reuse, "reuseLevel"))


def _skill_group(c: _Converter, row: Row) -> Iterator[Quad]:
    subject = c.iri(row["conceptUri"], "conceptUri")
    yield Quad(subject, t.TYPE, t.SG_SKILL_GROUP)
    yield Quad(subject, t.TYPE, t.SKOS_CONCEPT)
    yield from _concept_common(c, subject, row)
    if row.get("code", "").strip():
        yield Quad(subject, t.NOTATION, Literal(row["code"].strip()))


def _broader(c: _Converter, row: Row) -> Iterator[Quad]:
    narrower = c.iri(row["conceptUri"], "conceptUri")
    broader = c.iri(row["broaderUri"], "broaderUri")
    yield Quad(narrower, t.BROADER, broader)
    yield Quad(broader, t.NARROWER, narrower)


def _skills_hierarchy(c: _Converter, row: Row) -> Iterator[Quad]:
    levels = [row.get(f"Level {n} URI", "").strip() for n in range(4)]
    chain = [c.iri(uri, f"Level {n} URI") for n, uri in enumerate(levels) if uri]
    for narrower, broader in zip(chain[1:], chain[:-1], strict=False):
        yield Quad(narrower, t.BROADER, broader)
        yield Quad(broader, t.NARROWER, narrower)


_RELATIONS = {
    "essential": (t.HAS_ESSENTIAL_SKILL, t.IS_ESSENTIAL_SKILL_FOR),
    "optional": (t.HAS_OPTIONAL_SKILL, t.IS_OPTIONAL_SKILL_FOR),
}


def _occupation_skill(c: _Converter, row: Row) -> Iterator[Quad]:
    relation = row["relationType"].strip()
    predicates = _RELATIONS.get(relation)
    if predicates is None:
        raise c.fail(f"relationType {relation!r} is not 'essential' or 'optional'")
    occupation = c.iri(row["occupationUri"], "occupationUri")
    skill = c.iri(row["skillUri"], "skillUri")
    if occupation.value not in c.occupations:
        c.report.dangling["occupationUri"] += 1
    if skill.value not in c.skills:
        c.report.dangling["skillUri"] += 1
    forward, backward = predicates
    c.report.facts.add_relation(occupation.value, skill.value, essential=relation == "essential")
    yield Quad(occupation, forward, skill)
    yield Quad(skill, backward, occupation)


def _skill_skill(c: _Converter, row: Row) -> Iterator[Quad]:
    relation = row["relationType"].strip()
    predicate = {"essential": t.RELATED_ESSENTIAL_SKILL, "optional": t.RELATED_OPTIONAL_SKILL}.get(
        relation
    )
    if predicate is None:
        raise c.fail(f"relationType {relation!r} is not 'essential' or 'optional'")
    yield Quad(
        c.iri(row["originalSkillUri"], "originalSkillUri"),
        predicate,
        c.iri(row["relatedSkillUri"], "relatedSkillUri"),
    )


def _concept_scheme(c: _Converter, row: Row) -> Iterator[Quad]:
    subject = c.iri(row["conceptSchemeUri"], "conceptSchemeUri")
    yield Quad(subject, t.TYPE, t.SKOS_CONCEPT_SCHEME)
    if row.get("preferredLabel", "").strip():
        yield Quad(subject, t.PREF_LABEL, c.text(row["preferredLabel"]))
    if row.get("title", "").strip():
        yield Quad(subject, t.TITLE, c.text(row["title"]))
    if row.get("description", "").strip():
        yield Quad(subject, t.DESCRIPTION, c.text(row["description"]))
    if row.get("status", "").strip():
        yield Quad(subject, t.STATUS, Literal(row["status"].strip()))
    for top in c.iris(row.get("hasTopConcept", ""), "hasTopConcept"):
        yield Quad(subject, t.HAS_TOP_CONCEPT, top)


def _collection(scheme: NamedNode) -> Handler:
    def handler(c: _Converter, row: Row) -> Iterator[Quad]:
        yield Quad(c.iri(row["conceptUri"], "conceptUri"), t.IN_SCHEME, scheme)

    return handler


_HANDLERS: tuple[tuple[str, Handler, tuple[str, ...]], ...] = (
    ("conceptSchemes", _concept_scheme, ("conceptSchemeUri",)),
    ("ISCOGroups", _isco_group, ("conceptUri", "code", "preferredLabel")),
    ("occupations", _occupation, ("conceptUri", "iscoGroup", "preferredLabel")),
    ("skillGroups", _skill_group, ("conceptUri", "preferredLabel")),
    ("skills", _skill, ("conceptUri", "preferredLabel", "skillType")),
    ("broaderRelationsOccPillar", _broader, ("conceptUri", "broaderUri")),
    ("broaderRelationsSkillPillar", _broader, ("conceptUri", "broaderUri")),
    ("skillsHierarchy", _skills_hierarchy, ("Level 0 URI",)),
    (
        "occupationSkillRelations",
        _occupation_skill,
        ("occupationUri", "relationType", "skillUri"),
    ),
    (
        "skillSkillRelations",
        _skill_skill,
        ("originalSkillUri", "relationType", "relatedSkillUri"),
    ),
)
