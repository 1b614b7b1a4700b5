"""The graph in the official ESCO RDF's shapes: each a SPARQL query written as one would for
the official dump, answering with the counts the CSV files imply."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from pyoxigraph import Store

from graph.store import LiveStore
from tests.conftest import FULL_BUNDLE

PRODUCER = "http://data.europa.eu/esco/occupation/52b9e8dc-de6c-41dd-b29a-e1291c273f6f"
PREFIXES = """PREFIX esco: <http://data.europa.eu/esco/model#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX skosxl: <http://www.w3.org/2008/05/skos-xl#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def _count(store: Store, where: str) -> int:
    (row,) = store.query(  # type: ignore[misc]
        PREFIXES + f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", use_default_graph_as_union=True
    )
    return int(row["n"].value)


def _rows(store: Store, query: str) -> list[tuple[str, ...]]:
    return [
        tuple(term.value for term in row)  # type: ignore[union-attr]
        for row in store.query(PREFIXES + query, use_default_graph_as_union=True)  # type: ignore[union-attr]
    ]


def _csv(name: str) -> list[dict[str, str]]:
    with (FULL_BUNDLE / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def full(full_root: Path) -> Store:
    return LiveStore(full_root).get().store


@pytest.fixture(scope="module")
def sample(sample_root: Path) -> Store:
    return LiveStore(sample_root).get().store


def test_occupations_have_their_skills_by_the_official_terms_and_skills_the_inverse(
    sample: Store,
) -> None:
    forward = _count(sample, "?o a esco:Occupation ; esco:relatedEssentialSkill ?s")
    backward = _count(sample, "?s esco:isEssentialSkillFor ?o . ?o a esco:Occupation")
    assert forward == backward > 0
    assert _count(sample, "?o esco:hasEssentialSkill ?s") == 0  # not an ESCO model term


def test_every_broader_chain_is_materialised_as_broader_transitive(sample: Store) -> None:
    missing = _count(
        sample,
        "?c skos:broader+ ?a . FILTER NOT EXISTS { ?c skos:broaderTransitive ?a }",
    )
    extra = _count(
        sample, "?c skos:broaderTransitive ?a . FILTER NOT EXISTS { ?c skos:broader+ ?a }"
    )
    assert (missing, extra) == (0, 0)
    assert _count(sample, "?c skos:broaderTransitive ?a") > 0


def test_top_concepts_are_written_both_ways(sample: Store) -> None:
    one_way = _count(
        sample, "?scheme skos:hasTopConcept ?c . FILTER NOT EXISTS { ?c skos:topConceptOf ?scheme }"
    )
    other_way = _count(
        sample, "?c skos:topConceptOf ?scheme . FILTER NOT EXISTS { ?scheme skos:hasTopConcept ?c }"
    )
    assert (one_way, other_way) == (0, 0)
    assert _count(sample, "?c skos:topConceptOf ?scheme") > 0


def test_isco_codes_are_typed_as_the_official_rdf_types_them(sample: Store) -> None:
    typed = _count(
        sample,
        "?g skos:notation ?code FILTER(DATATYPE(?code) = <http://data.europa.eu/esco/Notation/ISCO08>)",
    )
    plain = _count(
        sample,
        "?g skos:notation ?code ; skos:notation ?typed "
        "FILTER(DATATYPE(?typed) = <http://data.europa.eu/esco/Notation/ISCO08> "
        "&& DATATYPE(?code) = <http://www.w3.org/2001/XMLSchema#string> "
        "&& STR(?code) = STR(?typed))",
    )
    assert typed == plain > 0


@pytest.mark.fulldata
def test_producer_has_the_essential_skills_the_csv_lists(full: Store) -> None:
    relations = _csv("occupationSkillRelations_en.csv")
    expected = Counter(r["relationType"] for r in relations if r["occupationUri"] == PRODUCER)
    for relation, term in (
        ("essential", "relatedEssentialSkill"),
        ("optional", "relatedOptionalSkill"),
    ):
        assert _count(full, f"<{PRODUCER}> esco:{term} ?skill") == expected[relation]
    every = Counter(r["relationType"] for r in relations)
    assert (
        _count(full, "?o a esco:Occupation ; esco:relatedEssentialSkill ?s") == every["essential"]
    )


@pytest.mark.fulldata
def test_skill_skill_relations_go_both_ways_as_the_csv_lists(full: Store) -> None:
    rows = _csv("skillSkillRelations_en.csv")
    essential = {
        (r["originalSkillUri"], r["relatedSkillUri"])
        for r in rows
        if r["relationType"] == "essential"
    }
    assert _count(full, "?a esco:relatedEssentialSkill ?b . ?a a esco:Skill") == len(essential)
    assert _count(full, "?b esco:isEssentialSkillFor ?a . ?a a esco:Skill") == len(essential)


@pytest.mark.fulldata
def test_every_occupation_reaches_its_isco_major_group_by_broader_transitive(full: Store) -> None:
    occupations = _count(full, "?o a esco:Occupation")
    majors = dict(
        _rows(
            full,
            "SELECT ?o ?code WHERE { ?o a esco:Occupation ; skos:broaderTransitive ?major . "
            "?major skos:topConceptOf <http://data.europa.eu/esco/concept-scheme/isco> ; "
            "skos:notation ?code FILTER(DATATYPE(?code) = xsd:string) }",
        )
    )
    expected = {r["conceptUri"]: r["iscoGroup"][0] for r in _csv("occupations_en.csv")}
    assert majors == expected
    assert occupations == len(expected) == 3039


@pytest.mark.fulldata
def test_descriptions_are_node_literals_with_the_text_and_its_language(full: Store) -> None:
    rows = _csv("occupations_en.csv")
    described = {
        r["conceptUri"]: r["description"].strip() for r in rows if r["description"].strip()
    }
    found = dict(
        _rows(
            full,
            "SELECT ?o ?text WHERE { ?o a esco:Occupation ; dct:description ?node . "
            "?node a esco:NodeLiteral ; esco:nodeLiteral ?text ; "
            'esco:language "en"^^xsd:language }',
        )
    )
    assert found == described
    # As the official RDF: the text has no language tag, the node says it; no plain literal.
    assert _count(full, "?c dct:description ?d FILTER(isLiteral(?d)) ?c a skos:Concept") == 0
    assert _count(full, "?n esco:nodeLiteral ?t FILTER(LANG(?t) != '')") == 0
    notes = sum(1 for r in rows if r["scopeNote"].strip())
    assert _count(full, "?o a esco:Occupation ; skos:scopeNote/esco:nodeLiteral ?t") == notes


@pytest.mark.fulldata
def test_every_label_is_also_a_skos_xl_label_node(full: Store) -> None:
    rows = _csv("skills_en.csv")
    alt = {
        (r["conceptUri"], label.strip())
        for r in rows
        for label in r["altLabels"].split("\n")
        if label.strip()
    }
    found = set(
        _rows(
            full,
            "SELECT ?s ?form WHERE { ?s a esco:Skill ; skosxl:altLabel ?node . "
            "?node a skosxl:Label ; skosxl:literalForm ?form }",
        )
    )
    assert found == alt
    # The literal stays beside the node, and each node's form is one of the concept's labels.
    assert (
        _count(
            full,
            "?c skosxl:prefLabel/skosxl:literalForm ?form "
            "FILTER NOT EXISTS { ?c skos:prefLabel ?form }",
        )
        == 0
    )
    assert _count(full, "?c skosxl:prefLabel ?n ; a esco:Occupation") == 3039


@pytest.mark.fulldata
def test_every_relation_is_also_an_association_object(full: Store) -> None:
    relations = _csv("occupationSkillRelations_en.csv") + [
        {"occupationUri": r["originalSkillUri"], "skillUri": r["relatedSkillUri"], **r}
        for r in _csv("skillSkillRelations_en.csv")
    ]
    assert _count(full, "?a a esco:AssociationObject") == len(relations)
    # Every association has one concept it is for, a target, a type, and the target's schemes.
    assert (
        _count(
            full,
            "?a a esco:AssociationObject FILTER NOT EXISTS { ?a esco:isAssociationFor ?o ; "
            "esco:target ?s ; dct:type ?t ; esco:targetFramework ?f . ?s esco:hasAssociation ?a }",
        )
        == 0
    )
    expected = Counter(r["relationType"] for r in relations if r["occupationUri"] == PRODUCER)
    for kind in ("essential", "optional"):
        assert (
            _count(
                full,
                f"?a esco:isAssociationFor <{PRODUCER}> ; "
                f"dct:type <http://data.europa.eu/esco/relationship-type/{kind}-skill> ; "
                "esco:target ?skill . ?skill a esco:Skill",
            )
            == expected[kind]
        )
    # esco:targetFramework: each scheme of the target, as the official RDF writes it.
    assert (
        _count(
            full,
            "?a esco:target ?s . "
            "{ ?s skos:inScheme ?f FILTER NOT EXISTS { ?a esco:targetFramework ?f } }"
            " UNION { ?a esco:targetFramework ?f FILTER NOT EXISTS { ?s skos:inScheme ?f } }",
        )
        == 0
    )
    assert _count(
        full, "?a esco:targetFramework <http://data.europa.eu/esco/concept-scheme/skills>"
    ) == len(relations)


def test_tagging_concepts_are_described(sample: Store) -> None:
    labels = dict(
        _rows(
            sample,
            "SELECT ?type ?label WHERE { ?s esco:skillType ?type . "
            "?type a esco:SkillCompetenceType ; "
            "skos:inScheme <http://data.europa.eu/esco/concept-scheme/skill-competence-type> ; "
            "skos:prefLabel ?label }",
        )
    )
    assert labels == {
        "http://data.europa.eu/esco/skill-type/skill": "skill",
        "http://data.europa.eu/esco/skill-type/knowledge": "knowledge",
    }
    # Every concept a tagging property points to is described in its scheme.
    assert (
        _count(
            sample,
            "VALUES ?p { esco:skillType esco:skillReuseLevel esco:regulatedProfessionNote "
            "dct:type } "
            "?s ?p ?c . FILTER NOT EXISTS { ?c a skos:Concept ; skos:inScheme ?scheme }",
        )
        == 0
    )
    assert _count(sample, "?r a esco:LabelRole ; skos:inScheme ?s") == 3


def test_groups_are_plain_skos_concepts_told_apart_by_their_scheme(sample: Store) -> None:
    # No class of ours in the classification's graph (O*NET beside it has its own).
    ours = _count(
        sample,
        "GRAPH <https://w3id.org/skillgraph/graph/esco/v1.2.0> { ?g a ?class } "
        "FILTER(STRSTARTS(STR(?class), 'https://w3id.org/skillgraph/'))",
    )
    assert ours == 0
    isco = _count(sample, "?g skos:inScheme <http://data.europa.eu/esco/concept-scheme/isco>")
    typed = _count(
        sample,
        "?g skos:inScheme <http://data.europa.eu/esco/concept-scheme/isco> ; a ?class "
        "FILTER(?class != skos:Concept)",
    )
    assert isco > 0 and typed == 0
    groups = _count(
        sample,
        "?g skos:inScheme <http://data.europa.eu/esco/concept-scheme/skills-hierarchy> ; "
        "a skos:Concept "
        "FILTER NOT EXISTS { ?g a esco:Skill }",
    )
    assert groups > 0


def test_each_dataset_is_a_named_graph_and_the_default_graph_their_union(sample: Store) -> None:
    graphs = dict(
        _rows(sample, "SELECT ?g (STR(COUNT(*)) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    )
    assert set(graphs) == {  # the sample is one release, v1.2.0
        "https://w3id.org/skillgraph/graph/esco/v1.2.0",
        "https://w3id.org/skillgraph/graph/model",
        "https://w3id.org/skillgraph/graph/derived/v1.2.0",
        "https://w3id.org/skillgraph/graph/onet",  # the O*NET sample, as the sample serves it
        "https://w3id.org/skillgraph/graph/career-causeways",  # and its attributes sample
    }
    assert sum(map(int, graphs.values())) == _count(sample, "?s ?p ?o") == len(sample)
    ours = "https://w3id.org/skillgraph/model#"
    esco_graph = "GRAPH <https://w3id.org/skillgraph/graph/esco/v1.2.0> { ?s ?p ?o }"
    derived_graph = "GRAPH <https://w3id.org/skillgraph/graph/derived/v1.2.0> { ?s ?p ?o }"
    assert _count(sample, f"{esco_graph} FILTER(STRSTARTS(STR(?p), '{ours}'))") == 0
    # The derived graph says, beside facts in our own terms, which release the ESCO graph
    # is, when it was loaded and which languages it holds (dcterms:language of the graph;
    # its main one is sg:mainLanguage).
    others = f"{derived_graph} FILTER(!STRSTARTS(STR(?p), '{ours}'))"
    described = "FILTER(?s = <https://w3id.org/skillgraph/graph/esco/v1.2.0>)"
    assert _count(sample, others) == _count(sample, f"{others} {described}") == 6
    assert _count(sample, f"{others} FILTER(?p = <http://purl.org/dc/terms/language>)") == 3
    languages = sample.query(
        "SELECT ?language WHERE { GRAPH ?g { <https://w3id.org/skillgraph/graph/esco/v1.2.0> "
        "<https://w3id.org/skillgraph/model#mainLanguage> ?language } }"
    )
    assert [row["language"].value for row in languages] == ["en"]
    assert _count(sample, f"{esco_graph} FILTER(?p = esco:relatedEssentialSkill)") > 0


OFFICIAL_QUERIES = sorted(
    (Path(__file__).resolve().parent.parent / "benchmarks" / "official").glob("*.rq")
)


@pytest.mark.fulldata
@pytest.mark.parametrize("path", OFFICIAL_QUERIES, ids=[p.stem for p in OFFICIAL_QUERIES])
def test_queries_written_for_the_official_rdf_answer_unchanged(full: Store, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    result = full.query(text, use_default_graph_as_union=True)
    rows = sum(1 for _ in result)  # type: ignore[union-attr]
    if "# expect: none" in text:
        assert rows == 0
    else:
        assert rows > 0


def test_the_official_queries_are_the_seventeen_of_the_readme() -> None:
    assert len(OFFICIAL_QUERIES) == 17
    for path in OFFICIAL_QUERIES:
        assert "# source: " in path.read_text(encoding="utf-8"), path.name
