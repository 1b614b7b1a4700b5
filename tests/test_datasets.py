"""Datasets loaded beside ESCO (issue 16, first part): RDF files in every syntax and mapping
tables, each in a named graph of its own, in the same all-or-nothing load; SPARQL joins them
with ESCO; ``skillgraph info`` lists what a store holds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import rdflib
from pyoxigraph import NamedNode, Quad, Store

from graph.errors import BundleError
from graph.store import LiveStore, active_version
from loaders import datasets
from skillgraph.pipeline import load_bundle, sample_path, sources
from tests.conftest import running

SKILLGRAPH = str(Path(sys.executable).with_name("skillgraph"))
PRODUCER = "http://data.europa.eu/esco/occupation/52b9e8dc-de6c-41dd-b29a-e1291c273f6f"
ONET = "https://example.org/onet/27-2012.00"
TURTLE = f"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{ONET}> a skos:Concept ; skos:prefLabel "Producers and Directors"@en ;
    skos:notation "27-2012.00" ; skos:related [ skos:prefLabel "a blank node"@en ] .
"""


def _ask(store: Store, query: str) -> list[tuple[str, ...]]:
    rows = store.query(query, use_default_graph_as_union=True)
    return [tuple(term.value for term in row) for row in rows]  # type: ignore[union-attr]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "linked"
    folder.mkdir()
    (folder / "onet.ttl").write_text(TURTLE)
    graph = rdflib.Graph().parse(data=TURTLE, format="turtle")
    # The same data in the other syntaxes, written by an independent serializer.
    for suffix, syntax in (("rdf", "xml"), ("jsonld", "json-ld"), ("nt", "nt")):
        (folder / f"other-{suffix}.{suffix}").write_text(graph.serialize(format=syntax))
    (folder / "quads.nq").write_text(
        f'<{ONET}> <http://example.org/p> "in its own graph" <https://example.org/g> .\n'
    )
    (folder / "mapping.csv").write_text(
        f"esco_uri,external_uri,match,note\n{PRODUCER},{ONET},close,from O*NET\n\n"
    )
    return folder


def test_rdf_files_and_mappings_load_into_their_graphs_and_join_with_esco(
    files: Path, tmp_path: Path
) -> None:
    linked = [
        datasets.parse(str(files / "onet.ttl")),
        datasets.parse(f"https://example.org/graph/mine={files / 'mapping.csv'}"),
        *(datasets.parse(str(files / f"other-{s}.{s}")) for s in ("rdf", "jsonld", "nt")),
        datasets.parse(str(files / "quads.nq")),
    ]
    result = load_bundle(sample_path(), tmp_path / "store", datasets=linked)
    store = LiveStore(tmp_path / "store").get().store
    joined = _ask(
        store,
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?label ?code WHERE { "
        f"<{PRODUCER}> skos:prefLabel ?p ; skos:closeMatch ?o . FILTER(LANG(?p) = 'en') "
        "GRAPH <https://w3id.org/skillgraph/graph/onet> { ?o skos:prefLabel ?label ; "
        "skos:notation ?code } }",
    )
    assert joined == [("Producers and Directors", "27-2012.00")]
    graphs = {g.value for g in store.named_graphs()}
    assert {
        "https://w3id.org/skillgraph/graph/onet",
        "https://example.org/graph/mine",
        "https://w3id.org/skillgraph/graph/other-rdf",
        "https://w3id.org/skillgraph/graph/other-jsonld",
        "https://w3id.org/skillgraph/graph/other-nt",
        "https://example.org/g",  # the N-Quads file's own graph
    } <= graphs
    for syntax in ("rdf", "jsonld", "nt"):  # every syntax gives the same 5 triples
        graph = NamedNode(f"https://w3id.org/skillgraph/graph/other-{syntax}")
        assert len(list(store.quads_for_pattern(None, None, None, graph))) == 5
    mapping = NamedNode("https://example.org/graph/mine")
    assert len(list(store.quads_for_pattern(None, None, None, mapping))) == 1
    origins = sources(result.version)
    assert origins["https://example.org/graph/mine"]["kind"] == "mapping table"
    assert origins["https://w3id.org/skillgraph/graph/onet"]["source"].endswith("onet.ttl")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "bad.ttl",
            '@prefix ex: <http://e.org/> .\nex:a ex:b "open .\n',
            "bad.ttl: not valid Turtle",
        ),
        (
            "bad.csv",
            f"esco_uri,external_uri,match\n{PRODUCER},{ONET},close\n{PRODUCER},{ONET},closest\n",
            "bad.csv, line 3: match 'closest' is not one of",
        ),
        (
            "cols.csv",
            "esco,external\n",
            "cols.csv, line 1: missing columns esco_uri, external_uri, match (the header has: "
            "esco, external)",
        ),
        (
            "iri.csv",
            f"esco_uri,external_uri,match\n{PRODUCER},not an iri,exact\n",
            "iri.csv, line 2: external_uri 'not an iri' is not a valid IRI",
        ),
        (
            "foreign.csv",
            f"esco_uri,external_uri,match\n{ONET},{PRODUCER},exact\n",
            "foreign.csv, line 2: esco_uri",
        ),
    ],
)
def test_a_bad_dataset_stops_the_load_with_file_and_line_and_keeps_the_served_version(
    sample_copy: Path, tmp_path: Path, name: str, content: str, message: str
) -> None:
    root = sample_copy
    before, triples = active_version(root), LiveStore(root).get().triples
    (tmp_path / name).write_text(content)
    done = subprocess.run(
        [SKILLGRAPH, "load", str(sample_path()), str(tmp_path / name), "--store", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.strip().startswith(f"Error: {message}"), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert active_version(root) == before
    assert LiveStore(root).get().triples == triples


def test_graph_names_must_be_free_and_files_known(files: Path, tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="the store's own"):
        datasets.check(
            [datasets.parse(f"https://w3id.org/skillgraph/graph/esco={files / 'onet.ttl'}")]
        )
    twice = [datasets.parse(str(files / "onet.ttl")), datasets.parse(str(files / "onet.ttl"))]
    with pytest.raises(BundleError, match=r"that of onet\.ttl"):
        datasets.check(twice)
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(BundleError, match="not a file a load takes"):
        datasets.parse(str(tmp_path / "notes.txt"))
    with pytest.raises(BundleError, match="no such file"):
        datasets.parse(str(tmp_path / "absent.ttl"))


def test_info_lists_the_graphs_their_sizes_and_sources(files: Path, tmp_path: Path) -> None:
    root = tmp_path / "store"
    load_bundle(sample_path(), root, datasets=[datasets.parse(str(files / "onet.ttl"))])
    done = subprocess.run(
        [SKILLGRAPH, "info", "--store", str(root)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(str(active_version(root)))
    onet = next(line for line in lines if "graph/onet>" in line)
    assert onet.split()[0] == "5" and "Turtle: " in onet and onet.endswith("onet.ttl")
    assert any("graph/esco/v1.2.0>" in line and "ESCO CSV download" in line for line in lines)
    assert "  releases: v1.2.0 (the newest, answered by default)" in lines
    # The sample's folder holds its French and Spanish labels beside the English files.
    assert "             languages: en, es, fr (main: en)" in lines


def test_an_occupations_mappings_list_what_the_datasets_map_it_to(
    files: Path, tmp_path: Path
) -> None:
    root = tmp_path / "store"
    linked = [
        datasets.parse(str(files / "onet.ttl")),
        datasets.parse(f"https://example.org/graph/mine={files / 'mapping.csv'}"),
    ]
    load_bundle(sample_path(), root, datasets=linked)
    with running(root) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        answer = client.get(f"/occupations/{PRODUCER.rsplit('/', 1)[1]}/mappings").json()
        assert answer["occupation"]["label"] == "producer"
        assert answer["items"] == [
            {
                "match": "close",
                "uri": ONET,
                "label": "Producers and Directors",
                "code": "27-2012.00",
                "scheme": None,
                "graph": "https://example.org/graph/mine",
                "confidence": None,
                "similarity": None,
                "inherited_from": None,
                "source_code": None,
            }
        ]
        other = client.get("/occupations/6fed206a-ac4d-492b-a81a-5a3a0f2b67bc/mappings")
        assert other.status_code == 200 and other.json()["items"] == []
        missing = client.get("/occupations/00000000-0000-4000-8000-000000000000/mappings")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/problem+json")


def test_info_counts_a_bare_stores_default_graph(tmp_path: Path) -> None:
    # A store Oxigraph wrote by itself: its data is in the default graph, with no sources.
    (tmp_path / "store").mkdir()
    store = Store(str(tmp_path / "store" / "v-1"))
    store.add(Quad(NamedNode("http://a"), NamedNode("http://b"), NamedNode("http://c")))
    store.flush()
    del store
    (tmp_path / "store" / "active").symlink_to("v-1")
    done = subprocess.run(
        [SKILLGRAPH, "info", "--store", str(tmp_path / "store")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].split() == ["1", "(the", "default", "graph)"]
