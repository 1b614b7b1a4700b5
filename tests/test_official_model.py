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
"""


def _count(store: Store, where: str) -> int:
    (row,) = store.query(PREFIXES + f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")  # type: ignore[misc]
    return int(row["n"].value)


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
    reaching = _count(
        full,
        "?o a esco:Occupation ; esco:memberOfISCOGroup ?unit ; skos:broaderTransitive ?major . "
        "FILTER(STRSTARTS(STR(?unit), STR(?major)) "
        "&& REGEX(STR(?major), '^http://data.europa.eu/esco/isco/C[0-9]$'))",
    )
    assert reaching == occupations == 3039
