"""A real uvicorn server on the bundled sample, driven by the clients analysts and
applications use: SPARQLWrapper (GET, POST form, POST direct), rdflib, httpx."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from urllib.error import HTTPError

import httpx
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from service.app import create_app
from service.settings import Settings
from skillgraph.pipeline import load_bundle
from tests import tiny
from tests.conftest import LiveServer, eventually

PRODUCER = "http://data.europa.eu/esco/occupation/52b9e8dc-de6c-41dd-b29a-e1291c273f6f"
COUNT_OCCUPATIONS = """
PREFIX esco: <http://data.europa.eu/esco/model#>
SELECT (COUNT(?o) AS ?n) WHERE { ?o a esco:Occupation }
"""
PRODUCER_SKILLS = f"""
PREFIX esco: <http://data.europa.eu/esco/model#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?skill ?label WHERE {{
  <{PRODUCER}> esco:relatedEssentialSkill ?skill .
  ?skill skos:prefLabel ?label .
  FILTER(LANG(?label) = "en")
}} ORDER BY ?label
"""
CONSTRUCT_PRODUCER = f"CONSTRUCT {{ <{PRODUCER}> ?p ?o }} WHERE {{ <{PRODUCER}> ?p ?o }}"


def wrapper(
    server: LiveServer, query: str, fmt: str, *, method: str = GET, request: str | None = None
) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    if request is not None:
        client.setRequestMethod(request)
    return client


@pytest.mark.parametrize(
    ("method", "request_method"),
    [(GET, None), (POST, URLENCODED), (POST, POSTDIRECTLY)],
    ids=["get", "post-form", "post-direct"],
)
def test_sparqlwrapper_select_json_every_way(
    sample_server: LiveServer, method: str, request_method: str | None
) -> None:
    result = wrapper(
        sample_server, COUNT_OCCUPATIONS, JSON, method=method, request=request_method
    ).queryAndConvert()
    assert result["results"]["bindings"][0]["n"]["value"] == "53"  # type: ignore[index]


def test_sparqlwrapper_select_xml_csv_tsv_agree(sample_server: LiveServer) -> None:
    as_json = wrapper(sample_server, PRODUCER_SKILLS, JSON).queryAndConvert()
    labels = [b["label"]["value"] for b in as_json["results"]["bindings"]]  # type: ignore[index]
    assert len(labels) == 10

    xml = wrapper(sample_server, PRODUCER_SKILLS, XML).queryAndConvert()  # a DOM document
    literals = [node.firstChild.data for node in xml.getElementsByTagName("literal")]  # type: ignore[attr-defined]
    assert literals == labels

    text = wrapper(sample_server, PRODUCER_SKILLS, CSV).queryAndConvert()
    rows = list(csv.DictReader(io.StringIO(text.decode())))  # type: ignore[union-attr]
    assert [r["label"] for r in rows] == labels

    tsv = wrapper(sample_server, PRODUCER_SKILLS, TSV).queryAndConvert().decode()  # type: ignore[union-attr]
    lines = tsv.strip().split("\n")
    assert lines[0] == "?skill\t?label"
    assert [line.split("\t")[1] for line in lines[1:]] == [f'"{label}"@en' for label in labels]


def test_sparqlwrapper_ask(sample_server: LiveServer) -> None:
    ask = f"ASK {{ <{PRODUCER}> ?p ?o }}"
    assert wrapper(sample_server, ask, JSON).queryAndConvert()["boolean"] is True  # type: ignore[index]
    missing = "ASK { <http://data.europa.eu/esco/occupation/none> ?p ?o }"
    assert wrapper(sample_server, missing, JSON, method=POST).queryAndConvert()["boolean"] is False  # type: ignore[index]


def test_construct_in_every_rdf_format_parses_to_the_same_graph(
    sample_server: LiveServer, sample_http: httpx.Client
) -> None:
    expected = len(
        rdflib.Graph().parse(
            data=sample_http.get(
                "/sparql",
                params={"query": CONSTRUCT_PRODUCER},
                headers={"accept": "application/n-triples"},
            ).text,
            format="nt",
        )
    )
    assert expected > 60
    graphs = {}
    for media, rdflib_format in [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ]:
        response = sample_http.get(
            "/sparql", params={"query": CONSTRUCT_PRODUCER}, headers={"accept": media}
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media)
        graphs[media] = rdflib.Graph().parse(data=response.text, format=rdflib_format)
    for media, graph in graphs.items():
        assert len(graph) == expected, media
        assert isomorphic(graph, graphs["text/turtle"]), media
    labels = set(graphs["text/turtle"].objects(rdflib.URIRef(PRODUCER), rdflib.SKOS.prefLabel))
    assert rdflib.Literal("producer", lang="en") in labels
    assert rdflib.Literal("producteur/productrice", lang="fr") in labels


def test_sparqlwrapper_construct_and_describe(sample_server: LiveServer) -> None:
    for fmt in (TURTLE, N3, RDFXML, JSONLD):
        result = wrapper(sample_server, CONSTRUCT_PRODUCER, fmt).queryAndConvert()
        graph = (
            result
            if isinstance(result, rdflib.Graph)
            else rdflib.Graph().parse(
                data=result,
                format="json-ld" if fmt == JSONLD else "turtle",  # type: ignore[arg-type]
            )
        )
        assert (
            rdflib.URIRef(PRODUCER),
            rdflib.RDF.type,
            rdflib.URIRef("http://data.europa.eu/esco/model#Occupation"),
        ) in graph, fmt
    described = wrapper(sample_server, f"DESCRIBE <{PRODUCER}>", RDFXML).queryAndConvert()
    assert len(described) > 60  # type: ignore[arg-type]


def test_rdflib_sparqlstore_reads_the_endpoint(sample_server: LiveServer) -> None:
    for method in ("GET", "POST"):
        graph = rdflib.Graph(store=SPARQLStore(sample_server.url + "/sparql", method=method))
        rows = list(graph.query(PRODUCER_SKILLS))
        assert len(rows) == 10
        assert all(isinstance(row.label, rdflib.Literal) for row in rows)  # type: ignore[union-attr]


def test_updates_are_refused_and_change_nothing(
    sample_server: LiveServer, sample_http: httpx.Client
) -> None:
    update = (
        f'INSERT DATA {{ <{PRODUCER}> <http://www.w3.org/2004/02/skos/core#prefLabel> "hacked" }}'
    )
    client = SPARQLWrapper(sample_server.url + "/sparql")
    client.setQuery(update)
    client.setMethod(POST)
    with pytest.raises(HTTPError) as refused:  # SPARQLWrapper passes a 403 through as it is
        client.query()
    assert refused.value.code == 403
    for request in (
        {"data": {"update": update}},
        {"content": update, "headers": {"content-type": "application/sparql-update"}},
        {"content": update, "headers": {"content-type": "application/sparql-query"}},
    ):
        response = sample_http.post("/sparql", **request)  # type: ignore[arg-type]
        assert response.status_code == 403, request
    labels = wrapper(
        sample_server,
        f"SELECT ?l WHERE {{ <{PRODUCER}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }}",
        JSON,
    ).queryAndConvert()
    found = sorted(b["l"]["value"] for b in labels["results"]["bindings"])  # type: ignore[index]
    assert found == ["producer", "producteur/productrice", "productor/productora"]


def test_accept_q_values_pick_the_format(sample_http: httpx.Client) -> None:
    response = sample_http.get(
        "/sparql",
        params={"query": COUNT_OCCUPATIONS},
        headers={"accept": "text/csv;q=0.5, application/sparql-results+xml"},
    )
    assert response.headers["content-type"].startswith("application/sparql-results+xml")
    response = sample_http.get(
        "/sparql",
        params={"query": COUNT_OCCUPATIONS},
        headers={"accept": "application/sparql-results+xml;q=0.2, text/csv"},
    )
    assert response.text.splitlines() == ["n", "53"]
    response = sample_http.get(
        "/sparql", params={"query": COUNT_OCCUPATIONS}, headers={"accept": "*/*"}
    )
    assert json.loads(response.text)["results"]["bindings"][0]["n"]["value"] == "53"


def test_dataset_parameters_select_graphs(sample_http: httpx.Client) -> None:
    response = sample_http.get(
        "/sparql",
        params={
            "query": COUNT_OCCUPATIONS,
            "default-graph-uri": "http://example.org/no-such-graph",
        },
    )
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "0"


def test_a_browser_page_elsewhere_may_query_it(sample_http: httpx.Client) -> None:
    response = sample_http.get(
        "/sparql", params={"query": "ASK {}"}, headers={"origin": "https://yasgui.example"}
    )
    assert response.headers["access-control-allow-origin"] == "*"


def test_behind_a_proxy_prefix_the_endpoint_still_answers(sample_root: Path) -> None:
    # uvicorn --root-path, as behind a proxy serving the app under /skillgraph: the request
    # paths carry the prefix, which the SPARQL endpoint must strip as routing does.
    server = LiveServer(create_app(Settings(store=sample_root)), root_path="/skillgraph")
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            response = http.get("/sparql", params={"query": COUNT_OCCUPATIONS})
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("application/sparql-results+json")
            assert int(response.json()["results"]["bindings"][0]["n"]["value"]) > 0
            assert http.get("/health").json()["status"] == "ok"
    finally:
        server.stop()


def test_the_schema_is_queryable(sample_http: httpx.Client) -> None:
    query = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?label WHERE { <https://w3id.org/skillgraph/model#iscoSkillLevel> rdfs:label ?label }"""
    assert (
        sample_http.get("/sparql", params={"query": query}).json()["results"]["bindings"][0][
            "label"
        ]["value"]
        == "ISCO skill level"
    )


def test_the_json_api_over_http(sample_http: httpx.Client) -> None:
    profile = sample_http.get("/occupations/52b9e8dc-de6c-41dd-b29a-e1291c273f6f").json()
    assert profile["label"] == "producer" and profile["skill_level"] == 4
    assert len(profile["essential_skills"]) == 10 and len(profile["optional_skills"]) == 45
    similar = sample_http.get("/occupations/52b9e8dc-de6c-41dd-b29a-e1291c273f6f/similar").json()[
        "items"
    ]
    assert similar[0]["label"] == "video and motion picture producer"
    assert all(item["skill_level"] == 4 for item in similar)
    camera = sample_http.get("/occupations", params={"q": "camera operator"}).json()["items"][0]
    prospects = sample_http.get(f"/occupations/{camera['id']}/prospects").json()["items"]
    assert prospects and all(item["skill_level"] > camera["skill_level"] for item in prospects)
    scores = [item["score"] for item in prospects]
    assert scores == sorted(scores, reverse=True)


def test_a_load_into_the_served_directory_switches_over_and_a_failed_one_does_not(
    tiny_root: Path, tiny_bundle: Path, serve: Callable[..., LiveServer]
) -> None:
    # Checking the directory on every request, the first request after a load has seen it.
    server = serve(tiny_root, reload_check_seconds=0)
    with httpx.Client(base_url=server.url) as http:
        before = http.get("/health").json()
        assert before["occupations"] == 6

        broken = tiny_bundle.parent / "broken"
        tiny.write_bundle(broken)
        tiny.append_line(
            broken / "occupations_en.csv", "Occupation,not an iri,2654,x,,,released,,,,,,,"
        )
        with pytest.raises(Exception, match="not a valid IRI"):
            load_bundle(broken, tiny_root)
        assert http.get("/health").json() == before
        assert http.get("/occupations/11111111-1111-4111-8111-000000000001").status_code == 200

        extra = "http://data.europa.eu/esco/occupation/11111111-1111-4111-8111-000000000099"
        tiny.append_line(
            tiny_bundle / "occupations_en.csv",
            f"Occupation,{extra},2654,stage manager,,,released,,,,,,,",
        )
        load_bundle(tiny_bundle, tiny_root)
        eventually(
            lambda: http.get("/health").json()["occupations"] == 7,
            "the server did not pick up the new version",
        )
        assert (
            http.get("/occupations/11111111-1111-4111-8111-000000000099").json()["label"]
            == "stage manager"
        )
