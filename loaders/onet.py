"""O*NET as linked data beside ESCO: occupations, RIASEC interests, related occupations and
the ESCO→O*NET crosswalk, from the O*NET database's CSV files (``skillgraph load BUNDLE
ONET_FOLDER``).

A folder is an O*NET dataset when it holds ``occupation_data.csv``; ``interests.csv``,
``related_occupations.csv`` and a crosswalk (``*crosswalk*.csv``: columns ``concept_uri``,
``onet_code``, ``semantic_similarity``, ``confidence``, as Nesta's Mapping Career Causeways
publishes it) are read when present; O*NET's text release (``Occupation Data.txt``,
``Interests.txt``, ``Related Occupations.txt``, tab-separated) is read the same, where the
CSV files are absent. Everything goes into the dataset's one named graph.

URIs (stable, documented in the README). O*NET publishes no RDF, so its occupations get
URIs of ours that keep the taxonomy in the path, because a code's meaning changes between
taxonomies (``27-2012.01`` Producers is part of ``27-2012.00`` since 2019):

    https://w3id.org/skillgraph/id/onet-soc/2019/27-2012.00          an occupation
    https://w3id.org/skillgraph/id/onet-soc/2019                     its concept scheme
    https://w3id.org/skillgraph/id/onet-soc/2019/27-2012.00/interest/artistic   a score
    https://w3id.org/skillgraph/id/onet/interest/artistic            a RIASEC interest
    https://w3id.org/skillgraph/id/mapping/UUID                      a mapping's record

Each occupation is a ``skos:Concept``, a top concept of its flat scheme, with its code
(``skos:notation``), title, description and a ``foaf:page`` on O*NET OnLine; its interests
are ``sg:InterestScore`` nodes (the score on O*NET's 1-7 scale, and ``sg:highPoint`` 1-3 for
its interest high-points), and ``sg:hollandCode`` is the high-points' initials in order
(``"AE"``). Related occupations are ``skos:related`` and ``sg:RelatedOccupation`` nodes
with O*NET's tier and rank.

The crosswalk names O*NET codes of the 2010 taxonomy. A code the 2019 files have is mapped
as it is. One they lack goes to the 2019 occupation of the same title where there is one
(O*NET renumbered many occupations without changing them: 2010's ``15-1199.09`` Information
Technology Project Managers is ``15-1299.09``), titles compared without case, punctuation
or "and"/"&" (the crosswalk's ``onet_occupation`` column holds the 2010 title); else it
falls back to its ``.00`` occupation (2010's ``27-2012.01`` Producers is part of
``27-2012.00`` Producers and Directors). Either way the crosswalk's code is kept as
``sg:crosswalkCode``. A code with neither is counted and reported (how many rows, and the
first few codes with their titles), not mapped.
Each mapping is ``<esco> skos:closeMatch <onet>`` and an SSSOM record (``owl:Axiom`` with
``sssom:similarity_score``, ``sg:crosswalkConfidence``). An ESCO occupation below another
(the crosswalk lists only those just below the ISCO unit groups) inherits the mapping of its
nearest mapped ancestor, as ``skos:broadMatch`` (the O*NET occupation is the broader
concept) with ``sg:inheritedFrom`` naming the ancestor.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graph import terms as t
from graph.analytics import ClassificationFacts
from graph.errors import BundleError
from loaders import tables
from loaders.esco_csv import escape

OCCUPATIONS_FILE = "occupation_data.csv"
INTERESTS_FILE = "interests.csv"
RELATED_FILE = "related_occupations.csv"
CROSSWALK_GLOB = "*crosswalk*.csv"
TEXT_RELEASE_NAMES = {
    OCCUPATIONS_FILE: "Occupation Data.txt",
    INTERESTS_FILE: "Interests.txt",
    RELATED_FILE: "Related Occupations.txt",
}
"""The same files as O*NET's text release names them (tab-separated, :mod:`loaders.tables`),
read where the CSV file is absent."""

TAXONOMY = "2019"
SCHEME = t.ONET_SCHEME
OCCUPATION_BASE = SCHEME + "/"
INTEREST_BASE = f"{t.ID_BASE}onet/interest/"
INTEREST_SCHEME = f"{t.ID_BASE}onet/interests"
MAPPING_BASE = f"{t.ID_BASE}mapping/"
ONLINE = "https://www.onetonline.org/link/summary/"

SSSOM = t.SSSOM
SEMAPV = "https://w3id.org/semapv/vocab/"
FOAF = "http://xmlns.com/foaf/0.1/"
_SIMILARITY_MATCHING = f"<{SEMAPV}SemanticSimilarityThresholdMatching>"

RIASEC = ("Realistic", "Investigative", "Artistic", "Social", "Enterprising", "Conventional")
"""O*NET's six interests, in the order its high-point scale numbers them (1-6)."""
INTEREST_IDS = dict(
    zip(RIASEC, ("1.B.1.a", "1.B.1.b", "1.B.1.c", "1.B.1.d", "1.B.1.e", "1.B.1.f"), strict=True)
)
HIGH_POINTS = {
    "First Interest High-Point": 1,
    "Second Interest High-Point": 2,
    "Third Interest High-Point": 3,
}

ATTRIBUTION = (
    "This product includes information from the O*NET 28 Database by the U.S. Department of "
    "Labor, Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 "
    "license. O*NET(R) is a trademark of USDOL/ETA."
)
CROSSWALK_CREDIT = (
    "ESCO to O*NET crosswalk: Kanders, Djumalieva, Sleeman and Orlik (2020), Mapping Career "
    "Causeways, Nesta (MIT licence)."
)

_RELATED_COLUMNS = ("O*NET-SOC Code", "Related O*NET-SOC Code", "Relatedness Tier", "Index")
_CROSSWALK_COLUMNS = ("concept_uri", "onet_code", "semantic_similarity", "confidence")
_CROSSWALK_TITLE = "onet_occupation"
"""The crosswalk's column of 2010 O*NET titles (read where present: the same-title rule)."""
_SHOWN_UNMAPPED = 5

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_CODE = re.compile(r"^[0-9]{2}-[0-9]{4}\.[0-9]{2}$")
_NAMESPACE = uuid.UUID("4f1c7a52-3b0e-5d2a-9c61-0d5e8b7a9f10")

_A = f"<{t.RDF}type>"
_NOTATION = f"<{t.SKOS}notation>"
_PREF = f"<{t.SKOS}prefLabel>"
_IN_SCHEME = f"<{t.SKOS}inScheme>"
_TOP_OF = f"<{t.SKOS}topConceptOf>"
_HAS_TOP = f"<{t.SKOS}hasTopConcept>"
_OWL = t.OWL
_XSD_DECIMAL = f"^^<{t.XSD}decimal>"
_XSD_INTEGER = f"^^<{t.XSD}integer>"


def is_onet_folder(path: Path) -> bool:
    """Whether ``path`` is a folder of O*NET files (it holds ``occupation_data.csv``)."""
    return path.is_dir() and _find(path, OCCUPATIONS_FILE) is not None


def _find(folder: Path, name: str) -> Path | None:
    """The file ``name`` of ``folder``, else its text-release twin, else None."""
    for candidate in (folder / name, folder / TEXT_RELEASE_NAMES[name]):
        if candidate.is_file():
            return candidate
    return None


@dataclass
class OnetReport:
    """What an O*NET load read and how the crosswalk mapped."""

    occupations: int = 0
    interests: int = 0
    """occupations with interest scores"""
    related: int = 0
    crosswalk_rows: int = 0
    mapped: Counter[str] = field(default_factory=Counter)
    """crosswalk rows by outcome: ``same code``, ``same title``, ``.00 fallback``"""
    unmapped: list[tuple[str, str]] = field(default_factory=list)
    """(ESCO URI, 2010 code) of the rows whose code 2019 has neither as it is, nor under the
    same title, nor as .00"""
    unmapped_titles: dict[str, str] = field(default_factory=dict)
    """the 2010 title of each unmapped code, as the crosswalk gives it"""
    not_in_bundle: int = 0
    """crosswalk rows naming an ESCO occupation the bundle does not describe"""
    inherited: int = 0
    """ESCO occupations mapped through an ancestor"""

    def summary(self) -> str:
        """What the load found, for its output and the store's sources: a line of counts,
        and one naming the first unmapped codes where there are some."""
        parts = [f"{self.occupations:,} O*NET occupations", f"{self.interests:,} with interests"]
        if self.related:
            parts.append(f"{self.related:,} related-occupation links")
        lines = []
        if self.crosswalk_rows:
            same, title = self.mapped["same code"], self.mapped["same title"]
            fallback = self.mapped[".00 fallback"]
            parts.append(
                f"crosswalk: {self.crosswalk_rows:,} rows, {same:,} mapped by the same code, "
                f"{title:,} by the same title (renumbered in 2019), {fallback:,} by the .00 "
                f"fallback, {len(self.unmapped):,} unmapped (2010 codes 2019 lacks), "
                f"{self.not_in_bundle:,} naming occupations the bundle lacks; "
                f"{self.inherited:,} occupations inherit a mapping"
            )
            if self.unmapped:
                rows = Counter(code for _, code in self.unmapped)
                shown = [
                    f"{code} {self.unmapped_titles.get(code) or '(no title)'} ({rows[code]})"
                    for code in list(rows)[:_SHOWN_UNMAPPED]
                ]
                more = (
                    f", and {len(rows) - _SHOWN_UNMAPPED:,} more"
                    if len(rows) > _SHOWN_UNMAPPED
                    else ""
                )
                lines.append(f"unmapped: {len(rows):,} 2010 codes (rows): {', '.join(shown)}{more}")
        return "\n".join(["; ".join(parts), *lines])


def _mint(key: str) -> str:
    return f"<{MAPPING_BASE}{uuid.uuid5(_NAMESPACE, key)}>"


def _rows(path: Path, *required: str) -> Iterator[tuple[int, dict[str, str]]]:
    """A file's rows with their line numbers (:mod:`loaders.tables`: O*NET's files start
    with a byte-order mark)."""
    return tables.read_file(path, required=required)


def _cell(row: dict[str, str], column: str, path: Path, line: int) -> str:
    value = row.get(column)
    if value is None:
        raise BundleError(f"no column {column!r}", file=path.name, line=1)
    return value.strip()


def _code(value: str, path: Path, line: int) -> str:
    if not _CODE.match(value):
        raise BundleError(
            f"{value!r} is not an O*NET-SOC code (like 27-2012.00)", file=path.name, line=line
        )
    return value


def _number(value: str, column: str, path: Path, line: int) -> float:
    try:
        return float(value)
    except ValueError:
        raise BundleError(
            f"{column} {value!r} is not a number", file=path.name, line=line
        ) from None


def title_key(title: str) -> str:
    """An O*NET title as the same-title rule compares it: lower case, "&" and "and" dropped,
    every run of other characters than letters and digits one space ("Information
    Technology Project Managers" and "information technology project managers" agree, as do
    "Producers & Directors" and "producers and directors")."""
    words = _NOT_WORD.sub(" ", title.lower().replace("&", " ")).split()
    return " ".join(word for word in words if word != "and")


def occupation_iri(code: str) -> str:
    """The URI of the O*NET occupation ``code`` of the 2019 taxonomy."""
    return f"{OCCUPATION_BASE}{code}"


def onet_ntriples(folder: Path, facts: ClassificationFacts, report: OnetReport) -> Iterator[str]:
    """The O*NET files of ``folder`` as N-Triples text, in pieces (see the module's doc).
    ``facts`` are the ESCO bundle's, read before: the crosswalk's occupations and the
    hierarchy the mappings are inherited down.

    :raises BundleError: at the first cell that is not what its column says.
    """
    codes: set[str] = set()
    titles: dict[str, str] = {}
    occupations = _find(folder, OCCUPATIONS_FILE)
    if occupations is None:
        raise BundleError(f"holds no {OCCUPATIONS_FILE}", file=str(folder))
    yield _schemes_text() + _occupations_text(occupations, codes, titles, report)
    known = _Known(codes, occupations.name)
    interests = _find(folder, INTERESTS_FILE)
    if interests is not None:
        yield from _interests(interests, known, report)
    related = _find(folder, RELATED_FILE)
    if related is not None:
        yield from _related(related, known, report)
    for path in sorted(folder.glob(CROSSWALK_GLOB)):
        yield from _crosswalk(path, codes, titles, facts, report)


def _schemes_text() -> str:
    """The two concept schemes and the six RIASEC interests."""
    lines = [
        f"<{SCHEME}> {_A} <{t.SKOS}ConceptScheme> .\n",
        f'<{SCHEME}> {_PREF} "O*NET-SOC {TAXONOMY} taxonomy (O*NET 28 database)"@en .\n',
        f"<{SCHEME}> <{t.DCTERMS}license> <https://creativecommons.org/licenses/by/4.0/> .\n",
        f'<{SCHEME}> <{t.DCTERMS}rights> "{escape(ATTRIBUTION)}"@en .\n',
        f"<{SCHEME}> <{t.DCTERMS}source> <https://www.onetcenter.org/database.html> .\n",
        f"<{INTEREST_SCHEME}> {_A} <{t.SKOS}ConceptScheme> .\n",
        f'<{INTEREST_SCHEME}> {_PREF} "O*NET occupational interests (RIASEC)"@en .\n',
    ]
    for name, element in INTEREST_IDS.items():
        area = f"<{INTEREST_BASE}{name.lower()}>"
        lines += [
            f"{area} {_A} <{t.SKOS}Concept> .\n",
            f"{area} {_IN_SCHEME} <{INTEREST_SCHEME}> .\n",
            f"{area} {_TOP_OF} <{INTEREST_SCHEME}> .\n",
            f"<{INTEREST_SCHEME}> {_HAS_TOP} {area} .\n",
            f'{area} {_PREF} "{name}"@en .\n',
            f'{area} {_NOTATION} "{element}" .\n',
        ]
    return "".join(lines)


def _occupations_text(
    path: Path, codes: set[str], titles: dict[str, str], report: OnetReport
) -> str:
    """The occupations of ``occupation_data.csv``; their codes go into ``codes``, and each
    code by its title (:func:`title_key`) into ``titles`` (the first code of a title)."""
    lines: list[str] = []
    for line, row in _rows(path, "O*NET-SOC Code", "Title", "Description"):
        code = _code(_cell(row, "O*NET-SOC Code", path, line), path, line)
        title = _cell(row, "Title", path, line)
        subject = f"<{occupation_iri(code)}>"
        codes.add(code)
        titles.setdefault(title_key(title), code)
        lines += [
            f"{subject} {_A} <{t.SKOS}Concept> .\n",
            f"{subject} {_IN_SCHEME} <{SCHEME}> .\n",
            f"{subject} {_TOP_OF} <{SCHEME}> .\n",
            f"<{SCHEME}> {_HAS_TOP} {subject} .\n",
            f'{subject} {_NOTATION} "{code}" .\n',
            f'{subject} {_PREF} "{escape(title)}"@en .\n',
            f"{subject} <{FOAF}page> <{ONLINE}{code}> .\n",
        ]
        description = _cell(row, "Description", path, line)
        if description:
            lines.append(f'{subject} <{t.SKOS}definition> "{escape(description)}"@en .\n')
    report.occupations = len(codes)
    return "".join(lines)


def _interests(path: Path, known: _Known, report: OnetReport) -> Iterator[str]:
    """Each occupation's interest scores, high-points and Holland code."""
    lines: list[str] = []
    high: dict[str, dict[int, str]] = {}
    scored: set[str] = set()
    for line, row in _rows(path, "O*NET-SOC Code", "Data Value"):
        code = known.check(_cell(row, "O*NET-SOC Code", path, line), path, line)
        element = (
            _cell(row, "Element Name", path, line)
            if "Element Name" in row
            else _cell(row, "Interests Element Name", path, line)
        )
        value = _cell(row, "Data Value", path, line)
        subject = f"<{occupation_iri(code)}>"
        if element in INTEREST_IDS:
            score = _number(value, "Data Value", path, line)
            node = f"<{occupation_iri(code)}/interest/{element.lower()}>"
            scored.add(code)
            lines += [
                f"{subject} <{t.SG}interest> {node} .\n",
                f"{node} {_A} <{t.SG}InterestScore> .\n",
                f"{node} <{t.SG}interestArea> <{INTEREST_BASE}{element.lower()}> .\n",
                f'{node} <{t.SG}score> "{score:g}"{_XSD_DECIMAL} .\n',
            ]
        elif element in HIGH_POINTS:
            number = _number(value, "Data Value", path, line)
            if number != int(number) or not 0 <= number <= len(RIASEC):
                raise BundleError(
                    f"an interest high-point is 0-6, not {value!r}", file=path.name, line=line
                )
            if number:
                high.setdefault(code, {})[HIGH_POINTS[element]] = RIASEC[int(number) - 1]
        else:
            raise BundleError(f"unknown interest element {element!r}", file=path.name, line=line)
        if len(lines) >= 10_000:
            yield "".join(lines)
            lines.clear()
    for code, points in sorted(high.items()):
        subject = f"<{occupation_iri(code)}>"
        order = [points[n] for n in sorted(points)]
        for n in sorted(points):
            node = f"<{occupation_iri(code)}/interest/{points[n].lower()}>"
            lines.append(f'{node} <{t.SG}highPoint> "{n}"{_XSD_INTEGER} .\n')
        lines.append(f'{subject} <{t.SG}hollandCode> "{"".join(a[0] for a in order)}" .\n')
    report.interests = len(scored)
    yield "".join(lines)


def _related(path: Path, known: _Known, report: OnetReport) -> Iterator[str]:
    """Each occupation's related occupations, with O*NET's tier and rank."""
    lines: list[str] = []
    for line, row in _rows(path, *_RELATED_COLUMNS):
        code = known.check(_cell(row, "O*NET-SOC Code", path, line), path, line)
        other = known.check(_cell(row, "Related O*NET-SOC Code", path, line), path, line)
        tier = _cell(row, "Relatedness Tier", path, line)
        rank = _cell(row, "Index", path, line)
        if not rank.isdigit():
            raise BundleError(f"Index {rank!r} is not a rank", file=path.name, line=line)
        subject, target = f"<{occupation_iri(code)}>", f"<{occupation_iri(other)}>"
        node = f"<{occupation_iri(code)}/related/{other}>"
        lines += [
            f"{subject} <{t.SKOS}related> {target} .\n",
            f"{subject} <{t.SG}relatedOccupation> {node} .\n",
            f"{node} {_A} <{t.SG}RelatedOccupation> .\n",
            f"{node} <{t.SG}relatedTo> {target} .\n",
            f'{node} <{t.SG}relatednessTier> "{escape(tier)}" .\n',
            f'{node} <{t.SG}relatednessRank> "{int(rank)}"{_XSD_INTEGER} .\n',
        ]
        report.related += 1
        if len(lines) >= 10_000:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


@dataclass(frozen=True)
class _Known:
    """The codes of the occupations file, and its name, that other files' codes must be."""

    codes: set[str]
    source: str

    def check(self, code: str, path: Path, line: int) -> str:
        _code(code, path, line)
        if code not in self.codes:
            raise BundleError(
                f"O*NET-SOC code {code} is not in {self.source}", file=path.name, line=line
            )
        return code


@dataclass(frozen=True)
class _Mapping:
    onet: str
    similarity: float
    confidence: float
    given_code: str


def _crosswalk(
    path: Path,
    codes: set[str],
    titles: dict[str, str],
    facts: ClassificationFacts,
    report: OnetReport,
) -> Iterator[str]:
    direct: dict[str, _Mapping] = {}
    for line, row in _rows(path, *_CROSSWALK_COLUMNS):
        report.crosswalk_rows += 1
        esco = _cell(row, "concept_uri", path, line)
        given = _code(_cell(row, "onet_code", path, line), path, line)
        similarity = _number(
            _cell(row, "semantic_similarity", path, line), "semantic_similarity", path, line
        )
        confidence = _number(_cell(row, "confidence", path, line), "confidence", path, line)
        if not esco.startswith(t.OCCUPATION_BASE):
            raise BundleError(
                f"concept_uri {esco!r} is not an ESCO occupation URI", file=path.name, line=line
            )
        if esco not in facts.occupations:
            report.not_in_bundle += 1
            continue
        title = row.get(_CROSSWALK_TITLE, "").strip()
        renumbered = titles.get(title_key(title)) if title else None
        if given in codes:
            code, outcome = given, "same code"
        elif renumbered is not None:
            code, outcome = renumbered, "same title"
        elif given[:-3] + ".00" in codes:
            code, outcome = given[:-3] + ".00", ".00 fallback"
        else:
            report.unmapped.append((esco, given))
            report.unmapped_titles.setdefault(given, title)
            continue
        report.mapped[outcome] += 1
        direct[esco] = _Mapping(code, similarity, confidence, given)

    lines: list[str] = []
    for esco, mapping in sorted(direct.items()):
        lines += _mapping_lines(esco, "closeMatch", mapping)

    # Inheritance: an occupation without a mapping of its own takes that of its nearest
    # broader occupations that have one (ISCO groups end the climb).
    def nearest(uri: str, seen: frozenset[str]) -> set[str]:
        found: set[str] = set()
        for parent in sorted(facts.broader.get(uri, ())):
            if parent not in facts.occupations or parent in seen:
                continue
            if parent in direct:
                found.add(parent)
            else:
                found |= nearest(parent, seen | {parent})
        return found

    for uri in sorted(facts.occupations):
        if uri in direct:
            continue
        ancestors = nearest(uri, frozenset({uri}))
        if not ancestors:
            continue
        report.inherited += 1
        for ancestor in sorted(ancestors):
            lines += _mapping_lines(uri, "broadMatch", direct[ancestor], inherited_from=ancestor)
        if len(lines) >= 10_000:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


def _mapping_lines(
    esco: str, match: str, mapping: _Mapping, *, inherited_from: str | None = None
) -> list[str]:
    """``<esco> skos:<match> <onet>`` and its SSSOM record (an ``owl:Axiom`` on it)."""
    target = f"<{occupation_iri(mapping.onet)}>"
    key = f"{esco}|{match}|{mapping.onet}" + (f"|{inherited_from}" if inherited_from else "")
    record = _mint(key)
    lines = [
        f"<{esco}> <{t.SKOS}{match}> {target} .\n",
        f"{record} {_A} <{_OWL}Axiom> .\n",
        f"{record} <{_OWL}annotatedSource> <{esco}> .\n",
        f"{record} <{_OWL}annotatedProperty> <{t.SKOS}{match}> .\n",
        f"{record} <{_OWL}annotatedTarget> {target} .\n",
    ]
    if inherited_from is None:
        lines += [
            f"{record} <{SSSOM}mapping_justification> {_SIMILARITY_MATCHING} .\n",
            f'{record} <{SSSOM}similarity_score> "{mapping.similarity:.6g}"^^<{t.XSD}double> .\n',
        ]
    else:
        lines += [
            f"{record} <{SSSOM}mapping_justification> <{SEMAPV}MappingChaining> .\n",
            f"{record} <{t.SG}inheritedFrom> <{inherited_from}> .\n",
        ]
    return [
        *lines,
        f'{record} <{t.SG}crosswalkConfidence> "{mapping.confidence:g}"{_XSD_DECIMAL} .\n',
        f'{record} <{t.SG}crosswalkCode> "{mapping.given_code}" .\n',
        f'{record} <{t.DCTERMS}source> "{escape(CROSSWALK_CREDIT)}" .\n',
    ]
