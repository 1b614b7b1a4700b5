"""Every URI the service mints or links to dereferences, as a page for a browser and as RDF
for an RDF client; concept pages live at the paths of their ESCO URIs."""

from __future__ import annotations

import httpx
import pytest
import rdflib

PRODUCER = "52b9e8dc-de6c-41dd-b29a-e1291c273f6f"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def minted(sample_http: httpx.Client) -> list[str]:
    """URIs the service's own answers link to, beside ESCO's concepts."""
    profile = sample_http.get(f"/occupations/{PRODUCER}").json()
    onet = profile["onet"][0]["uri"]  # an O*NET occupation, a URI of ours
    # A skill group (a skill URI above the skills).
    group = "http://data.europa.eu/esco/skill/6b305973-8993-475f-bd8a-daf037c61401"
    record = sample_http.get(
        "/sparql",
        params={
            "query": "SELECT ?m WHERE { ?m a owl:Axiom "
            'FILTER(STRSTARTS(STR(?m), "https://w3id.org/skillgraph/id/mapping/")) } LIMIT 1'
        },
        headers={"Accept": "application/sparql-results+json"},
    ).json()["results"]["bindings"][0]["m"]["value"]  # a mapping's record (SSSOM)
    return [
        onet,
        record,
        group,
        "http://data.europa.eu/esco/concept-scheme/isco",  # a concept scheme
        "https://w3id.org/skillgraph/model#hollandCode",  # a model term of ours
        "http://data.europa.eu/esco/model#Occupation",  # a model term of ESCO's
    ]


def test_every_uri_linked_from_the_answers_dereferences(sample_http: httpx.Client) -> None:
    for uri in minted(sample_http):
        page = sample_http.get("/resource", params={"uri": uri}, headers=BROWSER)
        assert page.status_code == 200, (uri, page.text[:300])
        assert page.headers["content-type"].startswith("text/html")
        assert "Accept" in page.headers["vary"]
        assert uri in page.text and "<h1" in page.text
        turtle = sample_http.get("/resource", params={"uri": uri})
        assert turtle.status_code == 200 and turtle.headers["content-type"].startswith(
            "text/turtle"
        )
        graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
        assert (rdflib.URIRef(uri), None, None) in graph, uri
        as_json = sample_http.get(
            "/resource", params={"uri": uri}, headers={"Accept": "application/json"}
        )
        assert as_json.status_code == 303  # to its JSON answer, or its JSON-LD if it has none
        body = sample_http.get(as_json.headers["location"]).json()
        assert body.get("uri") == uri or "@context" in body


def test_the_onet_occupation_page_names_it_and_links_back(sample_http: httpx.Client) -> None:
    uri = sample_http.get(f"/occupations/{PRODUCER}").json()["onet"][0]["uri"]
    page = sample_http.get("/resource", params={"uri": uri}, headers=BROWSER).text
    assert "Producers and Directors" in page
    assert "sg:hollandCode" in page and ">AE<" in page


@pytest.mark.parametrize(
    ("path", "json_path"),
    [
        (f"/esco/occupation/{PRODUCER}", f"/occupations/{PRODUCER}"),
        ("/esco/isco/C2654", "/isco/2654"),
    ],
)
def test_a_concept_path_is_negotiated(sample_http: httpx.Client, path: str, json_path: str) -> None:
    page = sample_http.get(path, headers=BROWSER)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Accept" in page.headers["vary"]
    rdf = sample_http.get(path, headers={"Accept": "text/turtle"})
    assert rdf.status_code == 200 and rdf.headers["content-type"].startswith("text/turtle")
    uri = "http://data.europa.eu" + path
    assert (rdflib.URIRef(uri), None, None) in rdflib.Graph().parse(data=rdf.text, format="turtle")
    as_json = sample_http.get(path, headers={"Accept": "application/json"})
    assert as_json.status_code == 303 and as_json.headers["location"] == json_path
    by_link = sample_http.get(path, params={"format": "jsonld"})
    assert by_link.status_code == 200 and "@context" in by_link.json()


def test_other_esco_paths_dereference_and_errors_are_pages(sample_http: httpx.Client) -> None:
    scheme = sample_http.get("/esco/concept-scheme/isco", headers=BROWSER)
    assert scheme.status_code == 200 and "skos:hasTopConcept" in scheme.text
    for path, status in [
        ("/esco/occupation/00000000-0000-0000-0000-000000000000", 404),
        ("/esco/occupation/not-an-id", 422),
        ("/esco/no/such/thing", 404),
        ("/no-such-page", 404),
    ]:
        answer = sample_http.get(path, headers=BROWSER)
        assert answer.status_code == status, path
        assert answer.headers["content-type"].startswith("text/html"), path
        assert 'class="site"' in answer.text and f"Error {status}" in answer.text
        # An API client asking the same gets a problem, not a page.
        api = sample_http.get(path, headers={"Accept": "application/json"})
        assert api.headers["content-type"].startswith("application/problem+json"), path
