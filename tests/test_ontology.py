"""ontology/esco.ttl declares every ESCO and skillgraph term the graph is written with."""

from __future__ import annotations

from pathlib import Path

import rdflib
from pyoxigraph import NamedNode

from graph import terms

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology" / "esco.ttl"


def used_terms() -> set[str]:
    return {
        value.value
        for value in vars(terms).values()
        if isinstance(value, NamedNode) and value.value.startswith((terms.ESCO, terms.SG))
    }


def test_the_ontology_parses_with_an_independent_parser() -> None:
    graph = rdflib.Graph().parse(ONTOLOGY, format="turtle")
    assert len(graph) > 100


def test_every_term_used_is_declared_with_a_label() -> None:
    graph = rdflib.Graph().parse(ONTOLOGY, format="turtle")
    used = used_terms()
    assert {
        terms.HAS_ESSENTIAL_SKILL.value,
        terms.MEMBER_OF_ISCO_GROUP.value,
        terms.ISCO_SKILL_LEVEL.value,
    } <= used
    for iri in used:
        subject = rdflib.URIRef(iri)
        assert (subject, rdflib.RDF.type, None) in graph, f"{iri} has no rdf:type"
        label = graph.value(subject, rdflib.RDFS.label)
        assert label is not None and label.language == "en", f"{iri} has no English label"


def test_esco_terms_keep_the_official_namespace_and_ours_are_in_one_namespace() -> None:
    graph = rdflib.Graph().parse(ONTOLOGY, format="turtle")
    esco_model = rdflib.URIRef("http://data.europa.eu/esco/model")
    ours = rdflib.URIRef("https://w3id.org/skillgraph/model")
    for subject, _, defined_by in graph.triples((None, rdflib.RDFS.isDefinedBy, None)):
        if defined_by == esco_model:
            assert str(subject).startswith("http://data.europa.eu/esco/model#")
        else:
            assert defined_by == ours and str(subject).startswith(terms.SG)


def test_relations_have_domains_and_ranges() -> None:
    graph = rdflib.Graph().parse(ONTOLOGY, format="turtle")
    esco = rdflib.Namespace(terms.ESCO)
    assert graph.value(esco.hasEssentialSkill, rdflib.RDFS.domain) == esco.Occupation
    assert graph.value(esco.hasEssentialSkill, rdflib.RDFS.range) == esco.Skill
    assert graph.value(esco.isOptionalSkillFor, rdflib.RDFS.range) == esco.Occupation
