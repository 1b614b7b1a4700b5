"""The SPARQL 1.1 Service Description that ``GET /sparql`` answers when it has no query.

It tells clients what the endpoint is (its URL, SPARQL 1.1 Query), what it answers in, its
features and its default dataset (the newest release's graphs with the model and the
datasets, or the union of the named graphs of a store without releases; and each named graph),
in the W3C vocabulary
(https://www.w3.org/TR/sparql11-service-description/), and the prefixes every query may use
undeclared, as SHACL prefix declarations (``sh:declare``, the form query editors and other
endpoints publish them in).
"""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from graph import releases
from graph.terms import (
    DCT_LANGUAGE,
    MAIN_LANGUAGE,
    MODEL_GRAPH,
    PREFIXES,
    SG,
    TITLE,
    XSD_LANGUAGE,
)
from service.settings import Settings

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
SH = "http://www.w3.org/ns/shacl#"
DCTERMS = "http://purl.org/dc/terms/"
XSD_ANY_URI = NamedNode("http://www.w3.org/2001/XMLSchema#anyURI")
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")

FORMATS: dict[str, RdfFormat] = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/rdf+xml": RdfFormat.RDF_XML,
    "application/ld+json": RdfFormat.JSON_LD,
}
"""The media types the description is offered in."""
DEFAULT = "text/turtle"

RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "RDF_XML",
    "JSON-LD",
    "N-Quads",
)
"""The W3C format IRIs (http://www.w3.org/ns/formats/) of what queries answer in."""


def _languages(node: BlankNode, languages: tuple[str, ...]) -> list[Triple]:
    """``node``'s languages: each as dct:language, the first also as sg:mainLanguage."""
    facts = [Triple(node, DCT_LANGUAGE, Literal(tag, datatype=XSD_LANGUAGE)) for tag in languages]
    if languages:
        facts.append(Triple(node, MAIN_LANGUAGE, Literal(languages[0], datatype=XSD_LANGUAGE)))
    return facts


def _sd(name: str) -> NamedNode:
    return NamedNode(SD + name)


_DEFAULT_TITLE = (
    "The newest ESCO release's graphs, the model and the datasets; ask for another release "
    "with ?selectedVersion= on the endpoint's URL"
)


def graph_title(name: str) -> str | None:
    """What the named graph ``name`` holds, if it is one of the store's own."""
    if name == MODEL_GRAPH.value:
        return "The ESCO model terms the store uses, and skillgraph's own (sg:)"
    if name.startswith(releases.ESCO_BASE):
        return (
            f"ESCO {name.removeprefix(releases.ESCO_BASE)}: the classification, as loaded "
            "from its CSV download, in the official ESCO model's shapes"
        )
    if name.startswith(releases.DERIVED_BASE):
        return (
            "Facts skillgraph derives from ESCO "
            f"{name.removeprefix(releases.DERIVED_BASE)} at load time (sg:)"
        )
    return None


def describe(
    endpoint: str,
    media: str,
    *,
    triples: int,
    graphs: dict[str, int],
    settings: Settings,
    languages: tuple[str, ...] = (),
    default_graphs: list[str] | None = None,
) -> bytes:
    """The description of the endpoint at ``endpoint``, serialized as ``media``: its default
    dataset has ``default_graphs`` as its default graph (the union of the named graphs for
    None), and each named graph with its size; the newest release's graph and the default
    graph with the ``languages`` of the labels (``dct:language``, the main one first and
    also as ``sg:mainLanguage``)."""
    service = BlankNode("service")
    dataset = BlankNode("dataset")
    graph = BlankNode("defaultGraph")
    triples_count = NamedNode(VOID + "triples")
    facts = [
        Triple(service, RDF_TYPE, _sd("Service")),
        Triple(service, _sd("endpoint"), NamedNode(endpoint)),
        Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        *(
            Triple(service, _sd("resultFormat"), NamedNode(FORMATS_NS + name))
            for name in RESULT_FORMATS
        ),
        Triple(service, _sd("defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, _sd("Dataset")),
        Triple(dataset, _sd("defaultGraph"), graph),
        Triple(graph, RDF_TYPE, _sd("Graph")),
        *_languages(graph, languages),
    ]
    if default_graphs is None:
        facts += [
            Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
            Triple(graph, triples_count, Literal(str(triples), datatype=XSD_INTEGER)),
        ]
    else:  # the sum of its graphs' sizes: a triple two of them hold counts twice
        facts += [Triple(graph, TITLE, Literal(_DEFAULT_TITLE, language="en"))]
    for number, (name, size) in enumerate(sorted(graphs.items())):
        named, described = BlankNode(f"named-{number}"), BlankNode(f"graph-{number}")
        facts += [
            Triple(dataset, _sd("namedGraph"), named),
            Triple(named, RDF_TYPE, _sd("NamedGraph")),
            Triple(named, _sd("name"), NamedNode(name)),
            Triple(named, _sd("graph"), described),
            Triple(described, RDF_TYPE, _sd("Graph")),
            Triple(described, triples_count, Literal(str(size), datatype=XSD_INTEGER)),
        ]
        title = graph_title(name)
        if title is not None:
            facts.append(Triple(described, TITLE, Literal(title, language="en")))
        if default_graphs and name == default_graphs[0]:  # the release's classification
            facts += _languages(described, languages)
    for prefix, namespace in PREFIXES.items():
        declaration = BlankNode(f"prefix-{prefix}")
        facts += [
            Triple(service, NamedNode(SH + "declare"), declaration),
            Triple(declaration, NamedNode(SH + "prefix"), Literal(prefix)),
            Triple(
                declaration, NamedNode(SH + "namespace"), Literal(namespace, datatype=XSD_ANY_URI)
            ),
        ]
    if settings.allowed_services:
        facts.append(Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    return (
        serialize(
            facts,
            format=FORMATS[media],
            prefixes={
                "sd": SD,
                "formats": FORMATS_NS,
                "void": VOID,
                "sh": SH,
                "dct": DCTERMS,
                "sg": SG,
            },
        )
        or b""
    )
