"""The vocabulary the graph is written in: ESCO, SKOS, Dublin Core and our own few terms.

Every IRI the loader writes and the queries read is named here once, so a typo cannot
silently produce a second predicate. ``ontology/esco.ttl`` declares the same terms for
analysts; ``tests/test_ontology.py`` checks the two agree.
"""

from __future__ import annotations

import re
from typing import Final

from pyoxigraph import NamedNode

from graph.errors import InvalidIdentifierError

ESCO_DATA: Final = "http://data.europa.eu/esco/"
ESCO: Final = "http://data.europa.eu/esco/model#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
DCTERMS: Final = "http://purl.org/dc/terms/"
ISOTHES: Final = "http://purl.org/iso25964/skos-thes#"
RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
# Our namespace, for the few facts ESCO has no term for (declared in ontology/esco.ttl).
SG: Final = "https://w3id.org/skillgraph/model#"

SKOSXL: Final = "http://www.w3.org/2008/05/skos-xl#"

PREFIXES: Final = {
    "esco": ESCO,
    "skos": SKOS,
    "skosxl": SKOSXL,
    "dcterms": DCTERMS,
    "dct": DCTERMS,
    "iso-thes": ISOTHES,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "sg": SG,
}
"""The prefixes every SPARQL query may use without declaring them (as Virtuoso and QLever
predefine theirs); a query's own ``PREFIX`` declaration of the same name wins."""

OCCUPATION_BASE: Final = ESCO_DATA + "occupation/"
SKILL_BASE: Final = ESCO_DATA + "skill/"
ISCO_BASE: Final = ESCO_DATA + "isco/C"
SKILL_TYPE_BASE: Final = ESCO_DATA + "skill-type/"
REUSE_LEVEL_BASE: Final = ESCO_DATA + "skill-reuse-level/"


def _n(iri: str) -> NamedNode:
    return NamedNode(iri)


def nt(node: NamedNode) -> str:
    """``node`` as N-Triples writes it: ``<iri>``."""
    return f"<{node.value}>"


TYPE = _n(RDF + "type")

# Classes
ESCO_OCCUPATION = _n(ESCO + "Occupation")
ESCO_SKILL = _n(ESCO + "Skill")
ESCO_MEMBER_CONCEPT = _n(ESCO + "MemberConcept")
SKOS_CONCEPT = _n(SKOS + "Concept")
SKOS_CONCEPT_SCHEME = _n(SKOS + "ConceptScheme")
ESCO_NODE_LITERAL = _n(ESCO + "NodeLiteral")
ESCO_ASSOCIATION_OBJECT = _n(ESCO + "AssociationObject")
ESCO_LABEL_ROLE = _n(ESCO + "LabelRole")
ESCO_SKILL_COMPETENCE_TYPE = _n(ESCO + "SkillCompetenceType")
SKOSXL_LABEL = _n(SKOSXL + "Label")

# ESCO model properties (an occupation's or a skill's essential and optional skills, and the
# inverses from the skill, as the official ESCO RDF writes them)
IS_ESSENTIAL_SKILL_FOR = _n(ESCO + "isEssentialSkillFor")
IS_OPTIONAL_SKILL_FOR = _n(ESCO + "isOptionalSkillFor")
RELATED_ESSENTIAL_SKILL = _n(ESCO + "relatedEssentialSkill")
RELATED_OPTIONAL_SKILL = _n(ESCO + "relatedOptionalSkill")
SKILL_TYPE = _n(ESCO + "skillType")
SKILL_REUSE_LEVEL = _n(ESCO + "skillReuseLevel")
REGULATED_PROFESSION_NOTE = _n(ESCO + "regulatedProfessionNote")
# A description, definition or scope note is an esco:NodeLiteral node with the text and its
# language; each occupation-skill or skill-skill relation is also an esco:AssociationObject,
# which the target skill points to with esco:hasAssociation.
NODE_LITERAL = _n(ESCO + "nodeLiteral")
LANGUAGE = _n(ESCO + "language")
HAS_ASSOCIATION = _n(ESCO + "hasAssociation")
IS_ASSOCIATION_FOR = _n(ESCO + "isAssociationFor")
TARGET = _n(ESCO + "target")
TARGET_FRAMEWORK = _n(ESCO + "targetFramework")

# SKOS-XL: every label is also a skosxl:Label node with its literal form
XL_PREF_LABEL = _n(SKOSXL + "prefLabel")
XL_ALT_LABEL = _n(SKOSXL + "altLabel")
XL_HIDDEN_LABEL = _n(SKOSXL + "hiddenLabel")
LITERAL_FORM = _n(SKOSXL + "literalForm")

# SKOS, Dublin Core, ISO 25964
PREF_LABEL = _n(SKOS + "prefLabel")
ALT_LABEL = _n(SKOS + "altLabel")
HIDDEN_LABEL = _n(SKOS + "hiddenLabel")
NOTATION = _n(SKOS + "notation")
BROADER = _n(SKOS + "broader")
BROADER_TRANSITIVE = _n(SKOS + "broaderTransitive")
NARROWER = _n(SKOS + "narrower")
IN_SCHEME = _n(SKOS + "inScheme")
HAS_TOP_CONCEPT = _n(SKOS + "hasTopConcept")
TOP_CONCEPT_OF = _n(SKOS + "topConceptOf")
SCOPE_NOTE = _n(SKOS + "scopeNote")
MAPPING_PROPERTIES: Final = tuple(
    _n(SKOS + name)
    for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
)
"""The SKOS mapping properties datasets link occupations to other classifications with."""
DEFINITION = _n(SKOS + "definition")
DESCRIPTION = _n(DCTERMS + "description")
TITLE = _n(DCTERMS + "title")
MODIFIED = _n(DCTERMS + "modified")
DCT_TYPE = _n(DCTERMS + "type")
STATUS = _n(ISOTHES + "status")

# Our derived facts
ISCO_GROUP = _n(SG + "iscoGroup")
ISCO_SKILL_LEVEL = _n(SG + "iscoSkillLevel")
SKILL_COUNT = _n(SG + "skillCount")
SKILL_NORM = _n(SG + "skillNorm")
SG_OCCUPATION_MATCH = _n(SG + "OccupationMatch")
SIMILAR_OCCUPATION = _n(SG + "similarOccupation")
PROSPECT = _n(SG + "prospect")
MATCHED_OCCUPATION = _n(SG + "matchedOccupation")
SHARED_SKILLS = _n(SG + "sharedSkills")
SHARED_ESSENTIAL = _n(SG + "sharedEssential")

ISCO08_NOTATION = _n(ESCO_DATA + "Notation/ISCO08")
"""The datatype of the ISCO-08 codes the official ESCO RDF writes beside the plain ones."""
XSD_INTEGER = _n(XSD + "integer")
XSD_DOUBLE = _n(XSD + "double")
XSD_DATETIME = _n(XSD + "dateTime")
XSD_LANGUAGE = _n(XSD + "language")
MAIN_LANGUAGE = _n(SG + "mainLanguage")
DCT_LANGUAGE = _n(DCTERMS + "language")

GRAPH_BASE: Final = "https://w3id.org/skillgraph/graph/"
MODEL_GRAPH = _n(GRAPH_BASE + "model")
"""The named graph of ``ontology/esco.ttl``: the ESCO model terms the store uses, and ours.
Each ESCO release has two graphs of its own: the classification as loaded, in the official
model's shapes (with the inverses and skos:broaderTransitive it materialises), and
skillgraph's facts derived from it (the sg: terms), named by :mod:`graph.releases`."""

ID_BASE: Final = "https://w3id.org/skillgraph/id/"
"""Where the nodes the ESCO CSV download has no URI for are named: ``label/``, ``node-literal/``
and ``relation/`` followed by a name-based UUID (version 5) of what the node stands for, so
the same concept, label or relation gets the same URI at every load."""

ISCO_SCHEME: Final = ESCO_DATA + "concept-scheme/isco"
SKILLS_HIERARCHY_SCHEME: Final = ESCO_DATA + "concept-scheme/skills-hierarchy"
RELATIONSHIP_TYPE_BASE: Final = ESCO_DATA + "relationship-type/"

SKILL_TYPES: Final = {"skill/competence": "skill", "knowledge": "knowledge"}
"""ESCO CSV skill type -> the last segment of its concept IRI under skill-type/."""

REUSE_LEVELS: Final = frozenset(
    {"transversal", "cross-sector", "sector-specific", "occupation-specific"}
)

UUID_PATTERN: Final = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
"""An ESCO id as a regular expression (for the API's documentation)."""

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_ISCO_CODE = re.compile(r"^[0-9]{1,4}$")


def is_uuid(text: str) -> bool:
    """Whether ``text`` is a UUID, the form of ESCO's occupation and skill ids."""
    return bool(_UUID.match(text))


def concept_id(uri: str) -> str:
    """The short id of an ESCO concept: the last path segment of its URI (a UUID for
    occupations and skills)."""
    return uri.rstrip("/").rsplit("/", 1)[-1]


def _resolve(identifier: str, base: str, kind: str) -> str:
    identifier = identifier.strip()
    if _UUID.match(identifier):
        return base + identifier.lower()
    if identifier.startswith(("http://", "https://")):
        try:
            NamedNode(identifier)
        except ValueError as error:
            raise InvalidIdentifierError(f"{identifier!r} is not a valid IRI: {error}") from None
        return identifier
    raise InvalidIdentifierError(
        f"{identifier!r} is not {kind} id: give the ESCO UUID (like "
        f"'52b9e8dc-de6c-41dd-b29a-e1291c273f6f') or the full URI (like '{base}<uuid>')"
    )


def page_of(uri: str) -> str:
    """The path of the JSON page of an occupation, skill or ISCO group URI.

    :raises InvalidIdentifierError: for any other URI.
    """
    for base, path in ((OCCUPATION_BASE, "/occupations/"), (SKILL_BASE, "/skills/")):
        if uri.startswith(base) and _UUID.match(uri[len(base) :]):
            return path + uri[len(base) :].lower()
    if uri.startswith(ISCO_BASE) and _ISCO_CODE.match(uri[len(ISCO_BASE) :]):
        return "/isco/" + uri[len(ISCO_BASE) :]
    raise InvalidIdentifierError(
        f"{uri!r} is not the URI of an ESCO occupation, skill or ISCO-08 group "
        f"(like '{OCCUPATION_BASE}<uuid>', '{SKILL_BASE}<uuid>' or '{ISCO_BASE}2654')"
    )


def is_concept_space(uri: str) -> bool:
    """Whether ``uri`` is in the space of ESCO's occupations, skills or ISCO groups (whose
    ids :func:`page_of` checks)."""
    return uri.startswith((OCCUPATION_BASE, SKILL_BASE, ISCO_BASE))


_HTTP_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`\x00-\x20\x7f-\x9f]+$")


def is_http_iri(uri: str) -> bool:
    """Whether ``uri`` is an absolute http(s) IRI with nothing an IRI may not hold."""
    return len(uri) <= 2000 and bool(_HTTP_IRI.match(uri))


def occupation_uri(identifier: str) -> str:
    """The occupation URI for an ESCO UUID or a full URI.

    :raises InvalidIdentifierError: if it is neither.
    """
    return _resolve(identifier, OCCUPATION_BASE, "an occupation")


def skill_uri(identifier: str) -> str:
    """The skill URI for an ESCO UUID or a full URI.

    :raises InvalidIdentifierError: if it is neither.
    """
    return _resolve(identifier, SKILL_BASE, "a skill")


def isco_code(identifier: str) -> str:
    """The ISCO-08 code (1 to 4 digits, leading zeros kept) for a code, ``C<code>`` or the
    group's URI.

    :raises InvalidIdentifierError: if it is none of those.
    """
    text = identifier.strip()
    if text.startswith(ISCO_BASE):
        text = text[len(ISCO_BASE) :]
    elif text[:1] in ("C", "c"):
        text = text[1:]
    if not _ISCO_CODE.match(text):
        raise InvalidIdentifierError(
            f"{identifier!r} is not an ISCO-08 code: give 1 to 4 digits (like '2654' or '0110'), "
            f"'C2654' or the group URI '{ISCO_BASE}2654'"
        )
    return text


def id_pattern(base: str) -> str:
    """The ids the API documents for concepts under ``base``: the UUID or the full URI."""
    return f"^(?:{UUID_PATTERN}|{re.escape(base)}{UUID_PATTERN})$"


ISCO_CODE_PATTERN: Final = (
    f"^(?:[0-9]{{1,4}}|[Cc][0-9]{{1,4}}|{re.escape(ISCO_BASE)}C?[0-9]{{1,4}})$"
)
"""The ISCO-08 group identifiers the API takes, as a regular expression."""

CONCEPT_URI_PATTERN: Final = (
    f"^(?:(?:{re.escape(OCCUPATION_BASE)}|{re.escape(SKILL_BASE)}){UUID_PATTERN}"
    f"|{re.escape(ISCO_BASE)}[0-9]{{1,4}})$"
)
"""The concept URIs with a JSON page (see :func:`page_of`), as a regular expression."""
RESOURCE_URI_PATTERN: Final = _HTTP_IRI.pattern
"""The URIs ``GET /resource`` describes: any http(s) IRI the store has triples of."""


def in_isco_group(code: object, group: str) -> bool:
    """Whether the ISCO-08 code ``code`` (an occupation's unit group) is ``group`` or below it:
    ISCO codes extend their parent's (``2654`` is in ``2``, ``26``, ``265`` and ``2654``)."""
    return bool(group) and str(code or "").startswith(group)


def isco_groups_above(code: object) -> list[str]:
    """The ISCO-08 groups ``code`` is in, from the major group down to itself."""
    text = str(code or "")
    return [text[:n] for n in range(1, len(text) + 1)]


def isco_uri(code: str) -> str:
    """The ESCO URI of the ISCO-08 group with this code."""
    return ISCO_BASE + code


def isco_skill_level(code: str) -> int | None:
    """The ISCO skill level (1-4) of an ISCO-08 group, as the ILO assigns it by major group.

    Major groups 1 and 2 are level 4, 3 is level 3, 4 to 8 are level 2, 9 is level 1.
    The armed forces (major group 0) differ by sub-major group: 01 commissioned officers
    are level 4, 02 non-commissioned officers level 2, 03 other ranks level 1. Major group
    0 itself spans levels and has none.
    """
    if not code or not code.isdigit():
        return None
    major = code[0]
    if major == "0":
        return {"01": 4, "02": 2, "03": 1}.get(code[:2])
    if major in "12":
        return 4
    if major == "3":
        return 3
    if major in "45678":
        return 2
    return 1


ONET_SCHEME: Final = ID_BASE + "onet-soc/2019"
"""The concept scheme of the O*NET occupations a load links beside ESCO (loaders.onet): the
O*NET-SOC 2019 taxonomy, each occupation at ``ONET_SCHEME + "/" + code``."""
RIASEC: Final = ("realistic", "investigative", "artistic", "social", "enterprising", "conventional")
"""O*NET's six occupational interests (Holland's RIASEC), in O*NET's order."""
SSSOM: Final = "https://w3id.org/sssom/"
"""The Simple Standard for Sharing Ontological Mappings, whose records say how sure a mapping is."""
