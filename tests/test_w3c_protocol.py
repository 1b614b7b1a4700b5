"""The 34 tests of the W3C SPARQL 1.1 Protocol test suite, read from its manifest and run
against a real server (see tests/w3c/protocol/README.md)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pyoxigraph import NamedNode, RdfFormat, Store
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, Namespace

from tests.conftest import LiveServer, running

SUITE = Path(__file__).parent / "w3c" / "protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"

TABULAR = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
RDF_TYPES = {"text/turtle", "application/rdf+xml", "application/n-triples", "application/ld+json"}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[str]
    """the status classes allowed: "2xx", "3xx", "4xx"..."""
    expected_format: str | None
    expected_boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    title: str
    requests: tuple[Request, ...]
    graphs: tuple[tuple[str, str], ...]
    """(file, graph name) of the data the test needs"""


def _suite() -> list[ProtocolTest]:
    manifest = Graph().parse(SUITE / "manifest.ttl", publicID="http://example.test/manifest")
    root = next(manifest.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(manifest, manifest.value(root, MF.entries)):
        action = manifest.value(entry, MF.action)
        requests = []
        for node in Collection(manifest, manifest.value(action, HT.requests)):
            headers = {}
            listed = manifest.value(node, HT.headers)
            for header in Collection(manifest, listed) if listed is not None else []:
                headers[str(manifest.value(header, HT.fieldName))] = str(
                    manifest.value(header, HT.fieldValue)
                )
            body = None
            content = manifest.value(node, HT.body)
            if content is not None:
                encoding = str(manifest.value(content, CNT.characterEncoding) or "UTF-8")
                body = str(manifest.value(content, CNT.chars)).encode(encoding)
            response = manifest.value(node, HT.resp)
            statuses = frozenset(
                str(s).removeprefix(HTS) for s in manifest.objects(response, MF.expectedStatus)
            )
            expected_format = manifest.value(response, MF.expectedFormat)
            expected_boolean = manifest.value(response, MF.expectedBoolean)
            requests.append(
                Request(
                    method=str(manifest.value(node, HT.methodName)),
                    path=str(manifest.value(node, HT.absolutePath)),
                    headers=headers,
                    body=body,
                    statuses=statuses,
                    expected_format=str(expected_format) if expected_format else None,
                    expected_boolean=(
                        expected_boolean.toPython() if expected_boolean is not None else None
                    ),
                )
            )
        graphs = tuple(
            (
                str(manifest.value(data, UT.graph)).rsplit("/", 1)[1],
                str(manifest.value(data, RDFS.label)),
            )
            for data in manifest.objects(entry, UT.graphData)
        )
        tests.append(
            ProtocolTest(
                name=str(entry).rsplit("#", 1)[1],
                title=str(manifest.value(entry, MF.name)),
                requests=tuple(requests),
                graphs=graphs,
            )
        )
    return tests


SUITE_TESTS = _suite()


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real server on a store holding every data file of the suite in its named graph."""
    root = tmp_path_factory.mktemp("w3c-protocol") / "store"
    store = Store(str(root))
    for data, graph in {g for test in SUITE_TESTS for g in test.graphs}:
        store.load(path=str(SUITE / data), format=RdfFormat.N_TRIPLES, to_graph=NamedNode(graph))
    store.flush()
    del store
    with running(root) as server:
        yield server


def test_the_suite_has_its_34_tests() -> None:
    assert len(SUITE_TESTS) == 34
    assert len({t.name for t in SUITE_TESTS}) == 34


def _is_update(request: Request) -> bool:
    body = request.body.decode("utf-8", "replace") if request.body else ""
    return (
        "update=" in request.path
        or body.startswith("update=")
        or (request.headers.get("content-type", "").startswith("application/sparql-update"))
    )


@pytest.mark.parametrize("test", SUITE_TESTS, ids=[t.name for t in SUITE_TESTS])
def test_w3c_protocol(endpoint: LiveServer, test: ProtocolTest) -> None:
    with httpx.Client(base_url=endpoint.url, timeout=30) as client:
        for request in test.requests:
            path = "/sparql" + request.path.removeprefix("/sparql/")
            if path.startswith("/sparql") and not path.startswith(("/sparql?", "/sparql")):
                raise AssertionError(path)
            answer = client.request(
                request.method, path, headers=request.headers, content=request.body
            )
            if _is_update(request) and "2xx" in request.statuses:
                # A read-only endpoint: the update is refused, and what follows it in the
                # test (reading back what it wrote) does not apply.
                assert answer.status_code == 403, answer.text
                assert answer.json()["type"].endswith("/read-only")
                return
            assert f"{answer.status_code // 100}xx" in request.statuses, (
                test.title,
                answer.status_code,
                answer.text[:300],
            )
            if answer.status_code >= 400:
                assert answer.headers["content-type"] == "application/problem+json"
            media = answer.headers.get("content-type", "").split(";")[0]
            if request.expected_format == "RDF":
                assert media in RDF_TYPES, media
            elif request.expected_format in ("tabular", "boolean"):
                assert media in TABULAR, media
            if request.expected_boolean is not None:
                assert _boolean(media, answer.content) is request.expected_boolean


def _boolean(media: str, body: bytes) -> bool:
    if media == "application/sparql-results+json":
        value: bool = json.loads(body)["boolean"]
        return value
    element = ElementTree.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert element is not None and element.text is not None
    return element.text.strip() == "true"


def test_a_relative_iri_resolves_against_the_endpoint(endpoint: LiveServer) -> None:
    answer = httpx.post(
        endpoint.url + "/sparql",
        data={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
        headers={"accept": "application/n-triples"},
    )
    assert answer.status_code == 200
    subject = answer.text.split()[0]
    assert subject == f"<{endpoint.url}/s>"
    assert URIRef(subject[1:-1])
