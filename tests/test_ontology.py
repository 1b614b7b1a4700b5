"""ontology/esco.ttl declares every ESCO and skillgraph term the graph is written with."""

from __future__ import annotations

from pathlib import Path

import rdflib
import rdflib.collection
from pyoxigraph import NamedNode

from graph import terms
from graph.store import LiveStore

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology" / "esco.ttl"
OFFICIAL = Path(__file__).resolve().parent / "esco-model" / "esco-model.rdf"
"""The official ESCO ontology, model 2.0.0 (see tests/esco-model/README.md)."""


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
        terms.RELATED_ESSENTIAL_SKILL.value,
        terms.ISCO_GROUP.value,
        terms.NODE_LITERAL.value,
        terms.HAS_ASSOCIATION.value,
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


def test_relations_have_the_official_domains_ranges_and_inverses() -> None:
    ours = rdflib.Graph().parse(ONTOLOGY, format="turtle")
    official = rdflib.Graph().parse(OFFICIAL, format="xml")
    esco = rdflib.Namespace(terms.ESCO)
    assert ours.value(esco.relatedEssentialSkill, rdflib.RDFS.domain) == esco.MemberConcept
    for prop in ("relatedEssentialSkill", "relatedOptionalSkill", "isEssentialSkillFor"):
        for axiom in (rdflib.RDFS.domain, rdflib.RDFS.subPropertyOf, rdflib.OWL.inverseOf):
            assert ours.value(esco[prop], axiom) == official.value(esco[prop], axiom), (prop, axiom)
    for prop in ("isEssentialSkillFor", "isOptionalSkillFor"):
        union = ours.value(ours.value(esco[prop], rdflib.RDFS.range), rdflib.OWL.unionOf)
        assert set(rdflib.collection.Collection(ours, union)) == {esco.Occupation, esco.Skill}


def test_every_esco_term_the_store_uses_is_one_the_official_model_declares(
    sample_root: Path,
) -> None:
    official = rdflib.Graph().parse(OFFICIAL, format="xml")
    declared = {str(s) for s in official.subjects(rdflib.RDF.type, None)}
    deprecated = {str(s) for s in official.subjects(rdflib.OWL.deprecated, None)}
    store = LiveStore(sample_root).get().store
    used = set()
    for row in store.query(
        "SELECT DISTINCT ?term WHERE { { ?s ?term ?o } UNION { ?s a ?term } "
        "FILTER(STRSTARTS(STR(?term), 'http://data.europa.eu/esco/model#')) }",
        use_default_graph_as_union=True,
    ):
        used.add(row["term"].value)  # type: ignore[index]
    assert terms.RELATED_ESSENTIAL_SKILL.value in used
    assert used - declared == set()
    # Nothing deprecated by model 2.0.0 (memberOfISCOGroup was, and is no longer written).
    assert used & deprecated == set()
    assert terms.ESCO + "memberOfISCOGroup" not in used
    for term in ("NodeLiteral", "AssociationObject", "hasAssociation", "targetFramework"):
        assert terms.ESCO + term in used
    assert terms.ESCO + "hasEssentialSkill" not in used


def test_every_esco_term_has_exactly_the_official_axioms() -> None:
    ours = rdflib.Graph().parse(ONTOLOGY, format="turtle")
    official = rdflib.Graph().parse(OFFICIAL, format="xml")
    axioms = (
        rdflib.RDF.type,
        rdflib.RDFS.domain,
        rdflib.RDFS.range,
        rdflib.RDFS.subPropertyOf,
        rdflib.RDFS.subClassOf,
        rdflib.OWL.inverseOf,
    )
    declared = set(ours.subjects(rdflib.RDFS.isDefinedBy, rdflib.URIRef(terms.ESCO[:-1])))
    assert len(declared) >= 15
    for term in declared:
        for axiom in axioms:
            # Named values only: a union class or a restriction is a blank node in each file.
            mine = {v for v in ours.objects(term, axiom) if isinstance(v, rdflib.URIRef)}
            theirs = {v for v in official.objects(term, axiom) if isinstance(v, rdflib.URIRef)}
            assert mine == theirs, (str(term), str(axiom))
