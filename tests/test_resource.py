"""GET /resource?uri=: concept URIs dereferenced in every RDF format, each answer parsed by
an independent parser (rdflib); browsers and JSON clients sent on to the JSON page."""

from __future__ import annotations

import httpx
import pytest
import rdflib

from service.examples import CAMERA_OPERATOR, MANAGE_BUDGETS, PRODUCER

OCCUPATION = f"http://data.europa.eu/esco/occupation/{PRODUCER}"
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
ESCO = rdflib.Namespace("http://data.europa.eu/esco/model#")
SKOSXL = rdflib.Namespace("http://www.w3.org/2008/05/skos-xl#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
        ("*/*", "turtle"),
        ("", "turtle"),
    ],
)
def test_a_concept_dereferences_in_every_rdf_format(
    sample_http: httpx.Client, accept: str, rdflib_format: str
) -> None:
    answer = sample_http.get("/resource", params={"uri": OCCUPATION}, headers={"accept": accept})
    assert answer.status_code == 200, answer.text
    assert "Accept" in answer.headers["vary"]
    graph = rdflib.Graph().parse(data=answer.content, format=rdflib_format)
    producer = rdflib.URIRef(OCCUPATION)
    assert (producer, SKOS.prefLabel, rdflib.Literal("producer", lang="en")) in graph
    skills = set(graph.objects(producer, ESCO.relatedEssentialSkill))
    assert len(skills) > 5
    for skill in skills:  # the concepts it points to come with their labels
        assert graph.value(skill, SKOS.prefLabel) is not None
    # The nodes that are part of it: its label nodes, its description, its associations.
    # A SKOS-XL label per language the sample has (its French and Spanish label files).
    forms = {
        graph.value(node, SKOSXL.literalForm) for node in graph.objects(producer, SKOSXL.prefLabel)
    }
    assert forms == {
        rdflib.Literal("producer", lang="en"),
        rdflib.Literal("producteur/productrice", lang="fr"),
        rdflib.Literal("productor/productora", lang="es"),
    }
    text = graph.value(graph.value(producer, DCT.description), ESCO.nodeLiteral)
    assert text is not None and text.startswith("Producers")
    associations = set(graph.subjects(ESCO.isAssociationFor, producer))
    related = skills | set(graph.objects(producer, ESCO.relatedOptionalSkill))
    assert {graph.value(a, ESCO.target) for a in associations} == related
    assert all(graph.value(a, DCT.type) is not None for a in associations)
    if rdflib_format == "json-ld":
        assert "@context" in answer.json()


def test_browsers_get_the_page_and_json_clients_the_json_answer(
    sample_http: httpx.Client,
) -> None:
    page = sample_http.get(
        "/resource",
        params={"uri": OCCUPATION},
        headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Accept" in page.headers["vary"] and "<h1" in page.text and "producer" in page.text
    answer = sample_http.get(
        "/resource", params={"uri": OCCUPATION}, headers={"accept": "application/json"}
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/occupations/{PRODUCER}"
    skill = f"http://data.europa.eu/esco/skill/{MANAGE_BUDGETS}"
    followed = sample_http.get(
        "/resource",
        params={"uri": skill},
        headers={"accept": "application/json"},
        follow_redirects=True,
    )
    assert followed.json()["label"] == "manage budgets"
    isco = sample_http.get(
        "/resource",
        params={"uri": "http://data.europa.eu/esco/isco/C2654"},
        headers={"accept": "application/json"},
    )
    assert isco.headers["location"] == "/isco/2654"


def test_unknown_and_foreign_uris_and_formats_are_clear_problems(
    sample_http: httpx.Client,
) -> None:
    unknown = f"http://data.europa.eu/esco/occupation/{CAMERA_OPERATOR[:-1]}0"
    cases = [
        ({"uri": unknown}, {}, 404),
        ({"uri": "http://example.org/x"}, {}, 404),  # a resource the store says nothing of
        ({"uri": "http://data.europa.eu/esco/occupation/not-an-id"}, {}, 422),
        ({"uri": "javascript:alert(1)"}, {}, 422),
        ({}, {}, 422),
        ({"uri": OCCUPATION}, {"accept": "image/png"}, 406),
    ]
    for params, headers, status in cases:
        answer = sample_http.get("/resource", params=params, headers=headers)
        assert answer.status_code == status, (params, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")


def test_the_answer_names_the_store_version_for_caches(sample_http: httpx.Client) -> None:
    answer = sample_http.get("/resource", params={"uri": OCCUPATION})
    etag = answer.headers["etag"]
    again = sample_http.get(
        "/resource", params={"uri": OCCUPATION}, headers={"if-none-match": etag}
    )
    assert again.status_code == 304
    assert sample_http.get("/health").json()["store"] in etag


def test_if_none_match_is_304_only_for_a_concept_that_exists(sample_http: httpx.Client) -> None:
    etag = sample_http.get("/resource", params={"uri": OCCUPATION}).headers["etag"]
    unknown = f"http://data.europa.eu/esco/occupation/{CAMERA_OPERATOR[:-1]}0"
    for condition in ("*", etag, f'W/"other", {etag}'):
        known = sample_http.get(
            "/resource", params={"uri": OCCUPATION}, headers={"if-none-match": condition}
        )
        assert known.status_code == 304, condition
        for uri, status in ((unknown, 404), ("http://example.org/x", 404), ("x:y", 422)):
            answer = sample_http.get(
                "/resource", params={"uri": uri}, headers={"if-none-match": condition}
            )
            assert answer.status_code == status, (uri, condition)
    assert (
        sample_http.get(
            "/resource", params={"uri": OCCUPATION}, headers={"if-none-match": 'W/"other"'}
        ).status_code
        == 200
    )
