"""ESCO CSV rows to RDF triples in the official ESCO model (``graph.terms`` names them).

Each kind of file has one function that turns a row into its triples, as N-Triples lines
(the pipeline puts them in the named graph ``terms.ESCO_GRAPH``). Everything keeps the
official URIs; literals carry the bundle's language tag. A cell that cannot be what its
column says (an IRI with a space, an unknown relation type, a non-numeric ISCO code) stops
the load with the file, line and reason.

The shapes are the official ESCO RDF's (docs/official-esco-rdf.md): every label is a SKOS
literal and a SKOS-XL label node; descriptions, definitions and scope notes are
``esco:NodeLiteral`` nodes; every relation is stated directly, with its inverse, and as an
``esco:AssociationObject``. The CSV download has no URIs for those nodes, so they are minted
under ``terms.ID_BASE`` from what they stand for (:meth:`_Converter.mint`), the same at every
load.

Rows become text, not pyoxigraph objects: Oxigraph parses the text in its own threads,
while building half a million objects in Python only to serialize them again cost the
load over a second. Writing the text here is safe because pyoxigraph's ``NamedNode``
checks every IRI (once per distinct IRI) and :func:`escape` escapes every literal.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from pyoxigraph import NamedNode

from graph import terms as t
from graph.analytics import ClassificationFacts
from graph.errors import BundleError
from loaders.bundle import REQUIRED_KINDS, Bundle, BundleFile, LabelPack, read_rows
from loaders.tables import Row

# The thematic collections of the download are files without a scheme column; ESCO
# publishes each as a concept scheme, so membership is written as skos:inScheme. The two
# schemes with UUIDs are those of ESCO v1.2.0 (conceptSchemes_en.csv names them
# "Digital" and "Research occupations").
COLLECTION_SCHEMES = {
    "digCompSkillsCollection": t.ESCO_DATA + "concept-scheme/digcomp",
    "digitalSkillsCollection": t.ESCO_DATA + "concept-scheme/6c930acd-c104-4ece-acf7-f44fd7333036",
    "greenSkillsCollection": t.ESCO_DATA + "concept-scheme/green",
    # v1.1.0's name of the digital skills collection, and its scheme then (conceptSchemes_en.csv
    # of v1.1.0: "Information and communications technology")
    "ictSkillsCollection": t.ESCO_DATA + "concept-scheme/skill-ict-groups",
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
XL_PREF_LABEL = t.nt(t.XL_PREF_LABEL)
LABEL_COLUMNS = (
    ("altLabels", t.nt(t.ALT_LABEL), t.nt(t.XL_ALT_LABEL)),
    ("hiddenLabels", t.nt(t.HIDDEN_LABEL), t.nt(t.XL_HIDDEN_LABEL)),
)
LABEL_NODE = f" {TYPE} {t.nt(t.SKOSXL_LABEL)} .\n"
LITERAL_FORM = t.nt(t.LITERAL_FORM)
NODE_LITERAL_NODE = f" {TYPE} {t.nt(t.ESCO_NODE_LITERAL)} .\n"
NODE_LITERAL = t.nt(t.NODE_LITERAL)
LANGUAGE = t.nt(t.LANGUAGE)
XSD_LANGUAGE = f"^^{t.nt(t.XSD_LANGUAGE)}"
ASSOCIATION_NODE = f" {TYPE} {t.nt(t.ESCO_ASSOCIATION_OBJECT)} .\n"
IS_ASSOCIATION_FOR = t.nt(t.IS_ASSOCIATION_FOR)
TARGET = t.nt(t.TARGET)
TARGET_FRAMEWORK = t.nt(t.TARGET_FRAMEWORK)
HAS_ASSOCIATION = t.nt(t.HAS_ASSOCIATION)
DCT_TYPE = t.nt(t.DCT_TYPE)
ISCO_SCHEME = f"<{t.ISCO_SCHEME}>"
SKILLS_HIERARCHY_SCHEME = f"<{t.SKILLS_HIERARCHY_SCHEME}>"
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
REGULATED_PROFESSION_NOTE = t.nt(t.REGULATED_PROFESSION_NOTE)
SKILL_TYPE = t.nt(t.SKILL_TYPE)
SKILL_REUSE_LEVEL = t.nt(t.SKILL_REUSE_LEVEL)
DATE_TIME = f"^^{t.nt(t.XSD_DATETIME)}"


def _class_lines(*classes: NamedNode) -> tuple[str, ...]:
    """A subject's rdf:type lines, less the subject."""
    return tuple(f" {TYPE} {t.nt(c)} .\n" for c in classes)


OCCUPATION_CLASSES = _class_lines(t.ESCO_OCCUPATION, t.ESCO_MEMBER_CONCEPT, t.SKOS_CONCEPT)
SKILL_CLASSES = _class_lines(t.ESCO_SKILL, t.ESCO_MEMBER_CONCEPT, t.SKOS_CONCEPT)
# ISCO groups and skill groups are plain SKOS concepts in the official RDF; the scheme
# (concept-scheme/isco, concept-scheme/skills-hierarchy) tells them apart.
GROUP_CLASSES = _class_lines(t.SKOS_CONCEPT)
SCHEME_CLASSES = _class_lines(t.SKOS_CONCEPT_SCHEME)

_TAGGING_SCHEMES = {
    "skill-type/": "skill-competence-type",
    "skill-reuse-level/": "skill-reuse-level",
    "relationship-type/": "relationship-types",
    "label-role/": "label-role",
    "regulated-professions/": "regulated-professions",
}
TAGGING_CONCEPTS: tuple[tuple[str, tuple[NamedNode, ...], str | None], ...] = (
    ("skill-type/skill", (t.ESCO_SKILL_COMPETENCE_TYPE,), "skill"),
    ("skill-type/knowledge", (t.ESCO_SKILL_COMPETENCE_TYPE,), "knowledge"),
    ("skill-reuse-level/transversal", (), "transversal skills and competences"),
    ("skill-reuse-level/cross-sector", (), "cross-sector skills and competences"),
    ("skill-reuse-level/sector-specific", (), "sector specific skills and competences"),
    ("skill-reuse-level/occupation-specific", (), "occupation specific skills and competences"),
    ("relationship-type/essential-skill", (), None),
    ("relationship-type/optional-skill", (), None),
    ("label-role/neutral", (t.ESCO_LABEL_ROLE,), None),
    ("label-role/female", (t.ESCO_LABEL_ROLE,), None),
    ("label-role/male", (t.ESCO_LABEL_ROLE,), None),
    ("regulated-professions/regulated", (), None),
    ("regulated-professions/unregulated", (), None),
)
"""The ESCO tagging concepts the classification points to (skill types, reuse levels,
relationship types, label roles, regulated professions): their URI under the ESCO data
namespace, their classes beside skos:Concept (the ranges of esco:skillType and
esco:hasLabelRole), and their English preferred label where the official RDF's is known
(as the ESCO RDF and Web Service API give them; the CSV download names none). Their schemes
are the tagging schemes of ``conceptSchemes_en.csv``, which also gives the top concepts."""


REUSE_LEVEL_ORDER = ("transversal", "cross-sector", "sector-specific", "occupation-specific")
"""The reuse levels from the broadest down. conceptSchemes_en.csv makes transversal the only
top concept of its scheme, and the ESCO model (the comment of esco:SkillReuseLevel) says the
levels stand in a broader-transitive order; this is that order, written as skos:broader."""


def tagging_ntriples() -> str:
    """The tagging concepts' descriptions: classes, scheme, known English label, and the
    reuse levels' hierarchy."""
    lines = []
    broader_transitive = t.nt(t.BROADER_TRANSITIVE)
    levels = [f"<{t.REUSE_LEVEL_BASE}{level}>" for level in REUSE_LEVEL_ORDER]
    for depth, level in enumerate(levels[1:], start=1):
        lines.append(f"{level} {BROADER} {levels[depth - 1]} .\n")
        lines.append(f"{levels[depth - 1]} {NARROWER} {level} .\n")
        lines.extend(f"{level} {broader_transitive} {above} .\n" for above in levels[:depth])
    for path, classes, label in TAGGING_CONCEPTS:
        subject = f"<{t.ESCO_DATA}{path}>"
        lines.extend(_typed(subject, _class_lines(t.SKOS_CONCEPT, *classes)))
        scheme = next(v for k, v in _TAGGING_SCHEMES.items() if path.startswith(k))
        lines.append(f"{subject} {IN_SCHEME} <{t.ESCO_DATA}concept-scheme/{scheme}> .\n")
        if label is not None:
            lines.append(_label_lines(subject, f'"{escape(label)}"@en', PREF_LABEL, XL_PREF_LABEL))
    return "".join(lines)


@dataclass
class LanguageReport:
    """What a load wrote in one language: the concepts with labels in it (by file kind),
    the labels (preferred, alternative, hidden) and notes (descriptions, scope notes,
    definitions), and the rows of a language pack that name a concept the main bundle
    does not describe (not loaded)."""

    source: str
    concepts: Counter[str] = field(default_factory=Counter)
    labels: int = 0
    notes: int = 0
    unknown: Counter[str] = field(default_factory=Counter)


@dataclass
class LoadReport:
    """What a load read: rows per kind, triples written, references to concepts the
    bundle does not describe, files it did not recognise, what each language added, and
    the facts the analytics derive from."""

    rows: Counter[str] = field(default_factory=Counter)
    triples: int = 0
    dangling: Counter[str] = field(default_factory=Counter)
    ignored_files: list[str] = field(default_factory=list)
    facts: ClassificationFacts = field(default_factory=ClassificationFacts)
    languages: dict[str, LanguageReport] = field(default_factory=dict)
    """language tag -> what it added: the main language first, then the packs'"""


class _Converter:
    def __init__(self, language: str, report: LoadReport, source: str) -> None:
        self.tag = "@" + language.lower()  # Oxigraph keeps language tags in lower case
        self.report = report
        self.language = f'"{language.lower()}"{XSD_LANGUAGE}'
        self.counts = report.languages.setdefault(language.lower(), LanguageReport(source))
        self.occupations: set[str] = set()
        self.skills: set[str] = set()
        self.groups: set[str] = set()
        """the ISCO groups and skill groups"""
        self.top_of: dict[str, list[str]] = {}
        """concept ``<iri>`` -> the schemes it is a top concept of (conceptSchemes)"""
        self.frameworks: dict[str, tuple[str, ...]] = {}
        """skill ``<iri>`` -> its esco:targetFramework lines, less the subject: its schemes"""
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

    @staticmethod
    def mint(kind: str, key: str) -> str:
        """``<iri>`` of a node the CSV has no URI for: ``kind`` (label, node-literal,
        relation) and a name-based UUID of ``key``, what the node stands for."""
        return f"<{t.ID_BASE}{kind}/{uuid.uuid5(uuid.NAMESPACE_URL, key)}>"

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

    Occupations and skills, then the collections, are read before the relations that refer
    to them, so references to concepts the bundle does not describe can be counted.

    :raises BundleError: at the first cell that cannot be loaded.
    """
    convert = _Converter(bundle.language, report, str(bundle.source))
    report.ignored_files.extend(bundle.ignored)
    tagging = tagging_ntriples()
    report.triples += tagging.count("\n")
    yield tagging
    known = {kind for kind, _, _ in (*_CONCEPT_HANDLERS, *_RELATION_HANDLERS)}
    for kind, handler, required in _CONCEPT_HANDLERS:
        if kind in bundle.files:
            yield from _read(bundle.files[kind], convert, handler, required, on_bytes)
    for pack in bundle.packs:
        yield from _pack_ntriples(pack, convert, on_bytes)
    # The collections before the relations: an association's esco:targetFramework is every
    # scheme of its skill, collections included.
    for kind, file in sorted(bundle.files.items()):
        if kind in known:
            continue
        scheme = COLLECTION_SCHEMES.get(kind)
        if scheme is None:
            report.ignored_files.append(file.name)
            continue
        yield from _read(file, convert, _collection(f"<{scheme}>"), ("conceptUri",), on_bytes)
    for kind, handler, required in _RELATION_HANDLERS:
        if kind in bundle.files:
            yield from _read(bundle.files[kind], convert, handler, required, on_bytes)
    _check_references(report, bundle)


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
    *,
    count_as: str | None = None,
) -> Iterator[str]:
    """A file's triples in pieces; its rows are counted as ``count_as`` (its kind)."""
    kind = count_as or file.kind
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
            yield _piece(lines, report, kind, rows)
            size = rows = 0
    if lines:
        yield _piece(lines, report, kind, rows)
    if not report.rows[kind] and kind in REQUIRED_KINDS:
        raise BundleError("the file has a header and no rows", file=file.name, line=2)


def _piece(lines: list[str], report: LoadReport, kind: str, rows: int) -> str:
    text = "".join(lines)
    lines.clear()
    # Literals are escaped and IRIs hold no line breaks, so each line is one triple.
    report.triples += text.count("\n")
    report.rows[kind] += rows
    return text


def _label_lines(subject: str, literal: str, plain: str, xl: str) -> str:
    """A label as the official RDF writes it: a SKOS literal, and a SKOS-XL label node
    named after the concept and the text (so an alternative label that becomes the
    preferred one keeps its node)."""
    node = _Converter.mint("label", f"{subject} {literal}")
    return (
        f"{subject} {plain} {literal} .\n{subject} {xl} {node} .\n"
        f"{node}{LABEL_NODE}{node} {LITERAL_FORM} {literal} .\n"
    )


def _concept_common(
    c: _Converter, subject: str, row: Row, lines: list[str], *, extra_scheme: str = ""
) -> list[str]:
    """Labels, notes, status, date and schemes: the columns every concept file shares. The
    concept's schemes are returned, with ``extra_scheme`` (its file's) if the row lacks it."""
    add = lines.append
    label = row.get("preferredLabel", "").strip()
    if not label:
        raise c.fail("preferredLabel is empty")
    _labels_and_notes(c, subject, row, lines, preferred=label)
    status = row.get("status", "").strip()
    if status:
        add(f"{subject} {STATUS} {_plain(status)} .\n")
    modified = row.get("modifiedDate", "").strip()
    if modified:
        add(f"{subject} {MODIFIED} {c.date_time(modified, 'modifiedDate')} .\n")
    schemes = c.iris(row.get("inScheme", ""), "inScheme")
    if extra_scheme and extra_scheme not in schemes:
        schemes.append(extra_scheme)
    for scheme in schemes:
        add(f"{subject} {IN_SCHEME} {scheme} .\n")
    return schemes


def _labels_and_notes(
    c: _Converter, subject: str, row: Row, lines: list[str], *, preferred: str
) -> None:
    """A concept's labels (``preferred``, if not empty, and the alternative and hidden ones)
    and its notes, in ``c``'s language, counted into the language's report."""
    add = lines.append
    labels = 0
    if preferred:
        add(_label_lines(subject, c.text(preferred), PREF_LABEL, XL_PREF_LABEL))
        labels += 1
    for column, plain, xl in LABEL_COLUMNS:
        for value in row.get(column, "").split("\n"):
            if value.strip():
                add(_label_lines(subject, c.text(value), plain, xl))
                labels += 1
    c.counts.labels += labels
    for column, predicate in NOTE_COLUMNS:
        value = row.get(column, "")
        if value.strip():
            # An esco:NodeLiteral per concept, property and language; the text is an
            # xsd:string and the language a separate xsd:language, as the official RDF has it.
            node = c.mint("node-literal", f"{subject} {predicate} {c.tag}")
            add(
                f"{subject} {predicate} {node} .\n{node}{NODE_LITERAL_NODE}"
                f"{node} {NODE_LITERAL} {_plain(value)} .\n{node} {LANGUAGE} {c.language} .\n"
            )
            c.counts.notes += 1


def _pack_ntriples(
    pack: LabelPack, main: _Converter, on_bytes: Callable[[int], None] | None
) -> Iterator[str]:
    """A language pack's labels and notes of the concepts the main bundle describes. A row
    naming any other concept is counted (``LanguageReport.unknown``), not loaded: a pack
    adds labels, never concepts."""
    convert = _Converter(pack.language, main.report, str(pack.source))
    known = {
        "occupations": main.occupations,
        "skills": main.skills,
        "ISCOGroups": main.groups,
        "skillGroups": main.groups,
    }
    for kind, file in sorted(pack.files.items()):
        concepts = known[kind]

        def handler(
            c: _Converter, row: Row, kind: str = kind, concepts: set[str] = concepts
        ) -> str:
            subject = c.iri(row["conceptUri"], "conceptUri")
            if subject[1:-1] not in concepts:
                c.counts.unknown[kind] += 1
                return ""
            c.counts.concepts[kind] += 1
            lines: list[str] = []
            _labels_and_notes(c, subject, row, lines, preferred=row["preferredLabel"].strip())
            return "".join(lines)

        yield from _read(
            file,
            convert,
            handler,
            ("conceptUri", "preferredLabel"),
            on_bytes,
            count_as=f"{kind}@{pack.language}",
        )
    main.report.ignored_files.extend(pack.ignored)


def _occupation(c: _Converter, row: Row) -> str:
    subject = c.iri(row["conceptUri"], "conceptUri")
    uri = subject[1:-1]
    c.occupations.add(uri)
    c.counts.concepts["occupations"] += 1
    lines = _typed(subject, OCCUPATION_CLASSES)
    _concept_common(c, subject, row, lines)
    # The unit group is the occupation's skos:broader (or an ancestor's) in the pillar files;
    # the analytics keep the code (sg:iscoGroup).
    code = c.isco_code(row["iscoGroup"], "iscoGroup")
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
    c.groups.add(subject[1:-1])
    c.counts.concepts["ISCOGroups"] += 1
    lines = _typed(subject, GROUP_CLASSES)
    code = c.isco_code(row["code"], "code")
    # Plain and typed, as the official ESCO RDF writes ISCO codes.
    lines.append(f'{subject} {NOTATION} "{code}" .\n{subject} {NOTATION} "{code}"{ISCO08} .\n')
    _concept_common(c, subject, row, lines, extra_scheme=ISCO_SCHEME)
    c.report.facts.add_isco_group(subject[1:-1], code)
    return "".join(lines)


def _skill(c: _Converter, row: Row) -> str:
    subject = c.iri(row["conceptUri"], "conceptUri")
    c.skills.add(subject[1:-1])
    c.counts.concepts["skills"] += 1
    lines = _typed(subject, SKILL_CLASSES)
    schemes = _concept_common(c, subject, row, lines)
    # An association's esco:targetFramework is every scheme of its target skill, as the
    # official RDF writes it (with member-skills, of which every skill is a top concept).
    frameworks = dict.fromkeys(schemes + c.top_of.get(subject, []))
    c.frameworks[subject] = tuple(f" {TARGET_FRAMEWORK} {f} .\n" for f in frameworks)
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
    c.groups.add(subject[1:-1])
    c.counts.concepts["skillGroups"] += 1
    lines = _typed(subject, GROUP_CLASSES)
    _concept_common(c, subject, row, lines, extra_scheme=SKILLS_HIERARCHY_SCHEME)
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
    "essential": (
        t.nt(t.RELATED_ESSENTIAL_SKILL),
        t.nt(t.IS_ESSENTIAL_SKILL_FOR),
        f"<{t.RELATIONSHIP_TYPE_BASE}essential-skill>",
    ),
    "optional": (
        t.nt(t.RELATED_OPTIONAL_SKILL),
        t.nt(t.IS_OPTIONAL_SKILL_FOR),
        f"<{t.RELATIONSHIP_TYPE_BASE}optional-skill>",
    ),
}
"""The official ESCO model's terms for a concept's essential and optional skills, their
inverses from the skill, and the relationship type of the association object: the same for
occupations and for skills (skillSkillRelations)."""


def _relation(c: _Converter, source: str, kind: str, target: str) -> str:
    """A relation as the official RDF writes it: both directions, and an
    esco:AssociationObject that the target skill points to (esco:hasAssociation)."""
    forward, backward, relationship = _RELATIONS[kind]
    node = c.mint("relation", f"{source} {relationship} {target}")
    frameworks = "".join(node + line for line in c.frameworks.get(target, ()))
    return (
        f"{source} {forward} {target} .\n{target} {backward} {source} .\n"
        f"{node}{ASSOCIATION_NODE}{node} {IS_ASSOCIATION_FOR} {source} .\n"
        f"{node} {TARGET} {target} .\n{frameworks}"
        f"{node} {DCT_TYPE} {relationship} .\n{target} {HAS_ASSOCIATION} {node} .\n"
    )


def _occupation_skill(c: _Converter, row: Row) -> str:
    relation = row["relationType"].strip()
    if relation not in _RELATIONS:
        raise c.fail(f"relationType {relation!r} is not 'essential' or 'optional'")
    occupation = c.iri(row["occupationUri"], "occupationUri")
    skill = c.iri(row["skillUri"], "skillUri")
    occupation_uri, skill_uri = occupation[1:-1], skill[1:-1]
    if occupation_uri not in c.occupations:
        c.report.dangling["occupationUri"] += 1
    if skill_uri not in c.skills:
        c.report.dangling["skillUri"] += 1
    c.report.facts.add_relation(occupation_uri, skill_uri, essential=relation == "essential")
    return _relation(c, occupation, relation, skill)


def _skill_skill(c: _Converter, row: Row) -> str:
    relation = row["relationType"].strip()
    if relation not in _RELATIONS:
        raise c.fail(f"relationType {relation!r} is not 'essential' or 'optional'")
    original = c.iri(row["originalSkillUri"], "originalSkillUri")
    related = c.iri(row["relatedSkillUri"], "relatedSkillUri")
    return _relation(c, original, relation, related)


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
        # A top concept of a scheme is in it (skos:topConceptOf is a sub-property of
        # skos:inScheme): the skills file names only concept-scheme/skills.
        lines.append(
            f"{subject} {HAS_TOP_CONCEPT} {top} .\n{top} {TOP_CONCEPT_OF} {subject} .\n"
            f"{top} {IN_SCHEME} {subject} .\n"
        )
        c.top_of.setdefault(top, []).append(subject)
    return "".join(lines)


def _collection(scheme: str) -> Handler:
    framework = f" {TARGET_FRAMEWORK} {scheme} .\n"

    def handler(c: _Converter, row: Row) -> str:
        concept = c.iri(row["conceptUri"], "conceptUri")
        frameworks = c.frameworks.get(concept)
        if frameworks is not None and framework not in frameworks:
            c.frameworks[concept] = (*frameworks, framework)
        return f"{concept} {IN_SCHEME} {scheme} .\n"

    return handler


_CONCEPT_HANDLERS: tuple[tuple[str, Handler, tuple[str, ...]], ...] = (
    ("conceptSchemes", _concept_scheme, ("conceptSchemeUri",)),
    ("ISCOGroups", _isco_group, ("conceptUri", "code", "preferredLabel")),
    ("occupations", _occupation, ("conceptUri", "iscoGroup", "preferredLabel")),
    ("skillGroups", _skill_group, ("conceptUri", "preferredLabel")),
    ("skills", _skill, ("conceptUri", "preferredLabel", "skillType")),
    ("broaderRelationsOccPillar", _broader, ("conceptUri", "broaderUri")),
    ("broaderRelationsSkillPillar", _broader, ("conceptUri", "broaderUri")),
    ("skillsHierarchy", _skills_hierarchy, ("Level 0 URI",)),
)
"""The concept files and the hierarchies, read first (and the thematic collections next)."""
_RELATION_HANDLERS: tuple[tuple[str, Handler, tuple[str, ...]], ...] = (
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
