"""ESCO CSV rows to RDF triples in the official ESCO model (``graph.terms`` names them).

Each kind of file has one function that turns a row into its triples, as N-Triples lines
in the default graph. Everything keeps the official URIs; literals carry the bundle's
language tag. A cell that cannot be what its column says (an IRI with a space, an unknown
relation type, a non-numeric ISCO code) stops the load with the file, line and reason.

Rows become text, not pyoxigraph objects: Oxigraph parses the text in its own threads,
while building half a million objects in Python only to serialize them again cost the
load over a second. Writing the text here is safe because pyoxigraph's ``NamedNode``
checks every IRI (once per distinct IRI) and :func:`escape` escapes every literal.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from pyoxigraph import NamedNode

from graph import terms as t
from graph.analytics import ClassificationFacts
from graph.errors import BundleError
from loaders.bundle import REQUIRED_KINDS, Bundle, BundleFile, Row, read_rows

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


def escape(value: str) -> str:
    """``value`` as the inside of an N-Triples string literal: the four characters it may
    not hold as they are escaped (any other character, tabs and Unicode included, may
    stand unescaped). Chained replaces run several times faster than ``str.translate``."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


# The terms as written in N-Triples.
TYPE = t.nt(t.TYPE)
PREF_LABEL = t.nt(t.PREF_LABEL)
LABEL_COLUMNS = (("altLabels", t.nt(t.ALT_LABEL)), ("hiddenLabels", t.nt(t.HIDDEN_LABEL)))
NOTE_COLUMNS = (
    ("description", t.nt(t.DESCRIPTION)),
    ("scopeNote", t.nt(t.SCOPE_NOTE)),
    ("definition", t.nt(t.DEFINITION)),
)
STATUS = t.nt(t.STATUS)
MODIFIED = t.nt(t.MODIFIED)
IN_SCHEME = t.nt(t.IN_SCHEME)
NOTATION = t.nt(t.NOTATION)
BROADER = t.nt(t.BROADER)
NARROWER = t.nt(t.NARROWER)
TITLE = t.nt(t.TITLE)
DESCRIPTION = t.nt(t.DESCRIPTION)
HAS_TOP_CONCEPT = t.nt(t.HAS_TOP_CONCEPT)
TOP_CONCEPT_OF = t.nt(t.TOP_CONCEPT_OF)
ISCO08 = f"^^{t.nt(t.ISCO08_NOTATION)}"
MEMBER_OF_ISCO_GROUP = t.nt(t.MEMBER_OF_ISCO_GROUP)
REGULATED_PROFESSION_NOTE = t.nt(t.REGULATED_PROFESSION_NOTE)
SKILL_TYPE = t.nt(t.SKILL_TYPE)
SKILL_REUSE_LEVEL = t.nt(t.SKILL_REUSE_LEVEL)
DATE_TIME = f"^^{t.nt(t.XSD_DATETIME)}"


def _class_lines(*classes: NamedNode) -> tuple[str, ...]:
    """A subject's rdf:type lines, less the subject."""
    return tuple(f" {TYPE} {t.nt(c)} .\n" for c in classes)


OCCUPATION_CLASSES = _class_lines(t.ESCO_OCCUPATION, t.ESCO_MEMBER_CONCEPT, t.SKOS_CONCEPT)
SKILL_CLASSES = _class_lines(t.ESCO_SKILL, t.ESCO_MEMBER_CONCEPT, t.SKOS_CONCEPT)
ISCO_GROUP_CLASSES = _class_lines(t.SG_ISCO_GROUP, t.SKOS_CONCEPT)
SKILL_GROUP_CLASSES = _class_lines(t.SG_SKILL_GROUP, t.SKOS_CONCEPT)
SCHEME_CLASSES = _class_lines(t.SKOS_CONCEPT_SCHEME)


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
        self.tag = "@" + language.lower()  # Oxigraph keeps language tags in lower case
        self.report = report
        self.occupations: set[str] = set()
        self.skills: set[str] = set()
        self._refs: dict[str, str] = {}
        self.file = ""
        self.line = 0

    def fail(self, reason: str) -> BundleError:
        return BundleError(reason, file=self.file, line=self.line)

    def iri(self, value: str, column: str) -> str:
        """``<value>`` (stripped), once pyoxigraph has found ``value`` a valid IRI."""
        ref = self._refs.get(value)
        if ref is not None:
            return ref
        stripped = value.strip()
        if not stripped:
            raise self.fail(f"{column} is empty")
        try:
            NamedNode(stripped)
        except ValueError as error:
            raise self.fail(f"{column} {stripped!r} is not a valid IRI ({error})") from None
        if not stripped.startswith(("http://", "https://")):
            raise self.fail(f"{column} {stripped!r} is not an http(s) IRI, as ESCO's all are")
        ref = f"<{stripped}>"
        if len(self._refs) < 400_000:
            self._refs[value] = ref
        return ref

    def iris(self, value: str, column: str) -> list[str]:
        return [self.iri(v, column) for v in _URI_LIST.split(value.strip()) if v]

    def text(self, value: str) -> str:
        """A literal in the bundle's language."""
        return f'"{escape(value.strip())}"{self.tag}'

    def date_time(self, value: str, column: str) -> str:
        value = value.strip()
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise self.fail(f"{column} {value!r} is not an ISO 8601 date-time") from None
        return f'"{escape(value)}"{DATE_TIME}'

    def isco_code(self, value: str, column: str) -> str:
        value = value.strip()
        if not _ISCO_CODE.match(value):
            raise self.fail(f"{column} {value!r} is not an ISCO-08 code (1 to 4 digits)")
        return value


def _plain(value: str) -> str:
    """A literal with neither language nor datatype (an xsd:string)."""
    return f'"{escape(value.strip())}"'


def _typed(subject: str, types: tuple[str, ...]) -> list[str]:
    return [subject + line for line in types]


PIECE_CHARACTERS = 1 << 22
"""About how much text a piece from :func:`bundle_ntriples` holds (4 MB)."""


def bundle_ntriples(
    bundle: Bundle,
    report: LoadReport,
    *,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """Every triple of the bundle as N-Triples text, in pieces of whole lines, file by
    file, counting into ``report`` as it goes.

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
    _check_references(report, bundle)
    for kind, file in sorted(bundle.files.items()):
        if kind in handled:
            continue
        scheme = COLLECTION_SCHEMES.get(kind)
        if scheme is None:
            report.ignored_files.append(file.name)
            continue
        yield from _read(file, convert, _collection(f"<{scheme}>"), ("conceptUri",), on_bytes)


DANGLING_ALLOWED = 0.01
"""The share of occupation-skill relations that may name an occupation or skill the bundle
does not describe (a warning); more stops the load: files of different releases."""


def _check_references(report: LoadReport, bundle: Bundle) -> None:
    relations = report.rows["occupationSkillRelations"]
    dangling = max(report.dangling.values(), default=0)
    if dangling > max(100, DANGLING_ALLOWED * relations):
        column = max(report.dangling, key=lambda c: report.dangling[c])
        file = bundle.files["occupationSkillRelations"].name
        raise BundleError(
            f"{dangling:,} of {relations:,} relations name a {column} that the bundle does not "
            "describe: are the files of one release?",
            file=file,
        )


Handler = Callable[[_Converter, Row], str]
"""One row's triples, as N-Triples lines."""


def _read(
    file: BundleFile,
    convert: _Converter,
    handler: Handler,
    required: tuple[str, ...],
    on_bytes: Callable[[int], None] | None,
) -> Iterator[str]:
    convert.file = file.name
    convert.line = 1
    report = convert.report
    lines: list[str] = []
    size = rows = 0
    for line, row in read_rows(file, required=required, on_bytes=on_bytes):
        convert.line = line
        text = handler(convert, row)
        lines.append(text)
        rows += 1
        size += len(text)
        if size > PIECE_CHARACTERS:
            yield _piece(lines, report, file.kind, rows)
            size = rows = 0
    if lines:
        yield _piece(lines, report, file.kind, rows)
    if not report.rows[file.kind] and file.kind in REQUIRED_KINDS:
        raise BundleError("the file has a header and no rows", file=file.name, line=2)


def _piece(lines: list[str], report: LoadReport, kind: str, rows: int) -> str:
    text = "".join(lines)
    lines.clear()
    # Literals are escaped and IRIs hold no line breaks, so each line is one triple.
    report.triples += text.count("\n")
    report.rows[kind] += rows
    return text


def _concept_common(c: _Converter, subject: str, row: Row, lines: list[str]) -> None:
    """Labels, notes, status, date and schemes: the columns every concept file shares."""
    add = lines.append
    label = row.get("preferredLabel", "").strip()
    if not label:
        raise c.fail("preferredLabel is empty")
    add(f"{subject} {PREF_LABEL} {c.text(label)} .\n")
    for column, predicate in LABEL_COLUMNS:
        for value in row.get(column, "").split("\n"):
            if value.strip():
                add(f"{subject} {predicate} {c.text(value)} .\n")
    for column, predicate in NOTE_COLUMNS:
        value = row.get(column, "")
        if value.strip():
            add(f"{subject} {predicate} {c.text(value)} .\n")
    status = row.get("status", "").strip()
    if status:
        add(f"{subject} {STATUS} {_plain(status)} .\n")
    modified = row.get("modifiedDate", "").strip()
    if modified:
        add(f"{subject} {MODIFIED} {c.date_time(modified, 'modifiedDate')} .\n")
    for scheme in c.iris(row.get("inScheme", ""), "inScheme"):
        add(f"{subject} {IN_SCHEME} {scheme} .\n")


def _occupation(c: _Converter, row: Row) -> str:
    subject = c.iri(row["conceptUri"], "conceptUri")
    uri = subject[1:-1]
    c.occupations.add(uri)
    lines = _typed(subject, OCCUPATION_CLASSES)
    _concept_common(c, subject, row, lines)
    code = c.isco_code(row["iscoGroup"], "iscoGroup")
    lines.append(f"{subject} {MEMBER_OF_ISCO_GROUP} {c.iri(t.isco_uri(code), 'iscoGroup')} .\n")
    c.report.facts.add_occupation(uri, row["preferredLabel"].strip(), code)
    if row.get("code", "").strip():
        lines.append(f"{subject} {NOTATION} {_plain(row['code'])} .\n")
    note = row.get("regulatedProfessionNote", "").strip()
    if note:
        value = (
            c.iri(note, "regulatedProfessionNote")
            if note.startswith(("http://", "https://"))
            else c.text(note)
        )
        lines.append(f"{subject} {REGULATED_PROFESSION_NOTE} {value} .\n")
    return "".join(lines)


def _isco_group(c: _Converter, row: Row) -> str:
    subject = c.iri(row["conceptUri"], "conceptUri")
    lines = _typed(subject, ISCO_GROUP_CLASSES)
    code = c.isco_code(row["code"], "code")
    # Plain and typed, as the official ESCO RDF writes ISCO codes.
    lines.append(f'{subject} {NOTATION} "{code}" .\n{subject} {NOTATION} "{code}"{ISCO08} .\n')
    _concept_common(c, subject, row, lines)
    c.report.facts.add_isco_group(subject[1:-1], code)
    return "".join(lines)


def _skill(c: _Converter, row: Row) -> str:
    subject = c.iri(row["conceptUri"], "conceptUri")
    c.skills.add(subject[1:-1])
    lines = _typed(subject, SKILL_CLASSES)
    _concept_common(c, subject, row, lines)
    skill_type = row.get("skillType", "").strip()
    if skill_type:
        segment = t.SKILL_TYPES.get(skill_type)
        if segment is None:
            raise c.fail(
                f"skillType {skill_type!r} is not one of {', '.join(sorted(t.SKILL_TYPES))}"
            )
        value = c.iri(t.SKILL_TYPE_BASE + segment, "skillType")
        lines.append(f"{subject} {SKILL_TYPE} {value} .\n")
    reuse = row.get("reuseLevel", "").strip()
    if reuse:
        if reuse not in t.REUSE_LEVELS:
            raise c.fail(f"reuseLevel {reuse!r} is not one of {', '.join(sorted(t.REUSE_LEVELS))}")
        value = c.iri(t.REUSE_LEVEL_BASE + reuse, "reuseLevel")
        lines.append(f"{subject} {SKILL_REUSE_LEVEL} {value} .\n")
    return "".join(lines)


def _skill_group(c: _Converter, row: Row) -> str:
    subject = c.iri(row["conceptUri"], "conceptUri")
    lines = _typed(subject, SKILL_GROUP_CLASSES)
    _concept_common(c, subject, row, lines)
    if row.get("code", "").strip():
        lines.append(f"{subject} {NOTATION} {_plain(row['code'])} .\n")
    return "".join(lines)


def _broader(c: _Converter, row: Row) -> str:
    narrower = c.iri(row["conceptUri"], "conceptUri")
    broader = c.iri(row["broaderUri"], "broaderUri")
    c.report.facts.add_broader(narrower[1:-1], broader[1:-1])
    return f"{narrower} {BROADER} {broader} .\n{broader} {NARROWER} {narrower} .\n"


def _skills_hierarchy(c: _Converter, row: Row) -> str:
    levels = [row.get(f"Level {n} URI", "").strip() for n in range(4)]
    chain = [c.iri(uri, f"Level {n} URI") for n, uri in enumerate(levels) if uri]
    pairs = list(zip(chain[1:], chain[:-1], strict=False))
    for narrower, broader in pairs:
        c.report.facts.add_broader(narrower[1:-1], broader[1:-1])
    return "".join(
        f"{narrower} {BROADER} {broader} .\n{broader} {NARROWER} {narrower} .\n"
        for narrower, broader in pairs
    )


_RELATIONS = {
    "essential": (t.nt(t.RELATED_ESSENTIAL_SKILL), t.nt(t.IS_ESSENTIAL_SKILL_FOR)),
    "optional": (t.nt(t.RELATED_OPTIONAL_SKILL), t.nt(t.IS_OPTIONAL_SKILL_FOR)),
}
"""The official ESCO model's terms for a concept's essential and optional skills, and their
inverses from the skill: the same for occupations and for skills (skillSkillRelations)."""


def _occupation_skill(c: _Converter, row: Row) -> str:
    relation = row["relationType"].strip()
    predicates = _RELATIONS.get(relation)
    if predicates is None:
        raise c.fail(f"relationType {relation!r} is not 'essential' or 'optional'")
    occupation = c.iri(row["occupationUri"], "occupationUri")
    skill = c.iri(row["skillUri"], "skillUri")
    occupation_uri, skill_uri = occupation[1:-1], skill[1:-1]
    if occupation_uri not in c.occupations:
        c.report.dangling["occupationUri"] += 1
    if skill_uri not in c.skills:
        c.report.dangling["skillUri"] += 1
    forward, backward = predicates
    c.report.facts.add_relation(occupation_uri, skill_uri, essential=relation == "essential")
    return f"{occupation} {forward} {skill} .\n{skill} {backward} {occupation} .\n"


def _skill_skill(c: _Converter, row: Row) -> str:
    relation = row["relationType"].strip()
    predicates = _RELATIONS.get(relation)
    if predicates is None:
        raise c.fail(f"relationType {relation!r} is not 'essential' or 'optional'")
    original = c.iri(row["originalSkillUri"], "originalSkillUri")
    related = c.iri(row["relatedSkillUri"], "relatedSkillUri")
    forward, backward = predicates
    return f"{original} {forward} {related} .\n{related} {backward} {original} .\n"


def _concept_scheme(c: _Converter, row: Row) -> str:
    subject = c.iri(row["conceptSchemeUri"], "conceptSchemeUri")
    lines = _typed(subject, SCHEME_CLASSES)
    for column, predicate in (
        ("preferredLabel", PREF_LABEL),
        ("title", TITLE),
        ("description", DESCRIPTION),
    ):
        if row.get(column, "").strip():
            lines.append(f"{subject} {predicate} {c.text(row[column])} .\n")
    if row.get("status", "").strip():
        lines.append(f"{subject} {STATUS} {_plain(row['status'])} .\n")
    for top in c.iris(row.get("hasTopConcept", ""), "hasTopConcept"):
        lines.append(f"{subject} {HAS_TOP_CONCEPT} {top} .\n{top} {TOP_CONCEPT_OF} {subject} .\n")
    return "".join(lines)


def _collection(scheme: str) -> Handler:
    def handler(c: _Converter, row: Row) -> str:
        return f"{c.iri(row['conceptUri'], 'conceptUri')} {IN_SCHEME} {scheme} .\n"

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
