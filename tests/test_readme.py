"""The README's commands and snippets, run as written against a real server on the bundled
sample (only its port differs from the README's 8000). Every fenced block is either run here
or named in :data:`NOT_RUN` with the reason, so a new block cannot go untried."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest

from graph.store import LiveStore
from tests.conftest import FULL_BUNDLE, LiveServer, unavailable

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text()
BLOCKS = re.findall(r"^```(\w+)\n(.*?)^```", README, re.MULTILINE | re.DOTALL)
BIN = Path(sys.executable).parent

NOT_RUN = {
    "python3 -m venv .venv && .venv/bin/pip install -e . &&": "the setup this suite runs in",
    'python3 -m venv .venv && .venv/bin/pip install -e ".[test]"': "this very test command",
    "benchmarks/install.sh": "the benchmark's own setup and a 15-minute run (needs root)",
    ".venv/bin/skillgraph load ../shared/esco-v1.2.0 --store /tmp/soak-store": (
        "the soak, a 2.5-minute run of its own"
    ),
    "graph/      store versions": "the layout of the repository, not a command",
    ".venv/bin/skillgraph load ../shared/esco-v1.1.0 ../shared/esco-v1.1.1": (
        "three full releases, 3 minutes: tests/test_releases.py makes the same load"
    ),
    ".venv/bin/skillgraph changes v1.1.1 v1.2.0 --store /tmp/esco-all": (
        "needs that store: tests/test_cli.py runs changes on a store of two releases"
    ),
}


def _block(start: str) -> str:
    found = [body for _, body in BLOCKS if body.startswith(start)]
    assert len(found) == 1, f"no single README block starts with {start!r}"
    return found[0]


def _ported(text: str, server: LiveServer) -> str:
    host = server.url.removeprefix("http://")
    return text.replace("127.0.0.1:8000", host).replace("localhost:8000", host)


def _shell(command: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command.replace(".venv/bin/", f"{BIN}/")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
    return done.stdout


@pytest.fixture
def fresh_home(tmp_path: Path) -> dict[str, str]:
    """An environment where nothing is loaded yet, as on a newcomer's machine."""
    return {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "SKILLGRAPH_CACHE": str(tmp_path / "cache"),
    }


JOIN_QUERY = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nPREFIX sg:"
COMPARE_QUERY = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT ?occupation ?before ?after"
)
LANGUAGE_QUERY = (
    "PREFIX esco: <http://data.europa.eu/esco/model#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT ?occupation ?label"
)


def test_every_block_is_run_or_says_why_not() -> None:
    run = (
        "$ curl -s localhost:8000/occupations/",
        "curl -s http://127.0.0.1:8000/sparql -H 'Accept: text/csv'",
        "curl -s http://127.0.0.1:8000/sparql --data-urlencode",
        "from SPARQLWrapper import",
        "# name: similar_occupations",
        ".venv/bin/skillgraph query ",
        ".venv/bin/skillgraph load loaders/sample loaders/sample_onet examples/",
        JOIN_QUERY,
        "curl -s http://127.0.0.1:8000/reconcile",
        "curl -s 'http://127.0.0.1:8000/esco/api/search",
        "1,016 O*NET occupations",  # tests/test_onet.py: the full load prints it
        # tests/test_preparation.py runs the attributes load and holds it to what it prints
        ".venv/bin/skillgraph load ../shared/esco-v1.2.0 ../shared/career-causeways/",
        "1,627 rows: ",
        '.venv/bin/skillgraph load "ESCO dataset',
        "PREFIX rdfs:",
        ".venv/bin/skillgraph load ../shared/esco-v1.2.0 ../shared/esco-labels-v1.0",
        "  4 languages:",  # what that load prints
        "curl -s 'localhost:8000/occupations/52b9e8dc-de6c-41dd-b29a-e1291c273f6f?language=fr,es'",
        '{"label": "producteur/productrice"',  # what that curl answers
        LANGUAGE_QUERY,
        "curl -s -H 'Accept: text/html' http://127.0.0.1:8000/esco/occupation/",
        "scripts/vendor-yasgui.sh",
        # tests/test_releases_served.py, on a store of two releases
        "curl -s 'http://127.0.0.1:8000/changes?from=v1.1.1",
        COMPARE_QUERY,
    )
    for language, body in BLOCKS:
        known = [s for s in (*run, *NOT_RUN) if body.startswith(s)]
        assert known, f"a README {language} block no test runs: {body[:80]!r}"


def test_what_you_see_is_what_the_sample_answers(sample_server: LiveServer) -> None:
    block = _block("$ curl -s localhost:8000/occupations/")
    command, shown = block.split("\n", 1)
    answer = json.loads(_shell(_ported(command.removeprefix("$ "), sample_server)))
    assert answer["occupation"]["label"] == "producer"
    labels = [item["label"] for item in answer["items"]]
    assert labels == re.findall(r'"label": "([^"]+)"', shown)[1:]
    scores = [str(item["score"]) for item in answer["items"]]
    assert scores == re.findall(r'"score": ([0-9.]+)', shown)


def test_the_sparql_curl_answers_csv(sample_server: LiveServer) -> None:
    block = _block("curl -s http://127.0.0.1:8000/sparql -H 'Accept: text/csv'")
    lines = _shell(_ported(block, sample_server)).strip().splitlines()
    assert lines[0].strip() == "skill,label"
    # One row per essential skill of the producer (10 in the sample), in English: the sample
    # labels each in three languages, which without the FILTER would triple the rows.
    skills = [line.split(",", 1)[0] for line in lines[1:]]
    assert len(skills) == len(set(skills)) == 10
    assert "manage budgets" in {line.split(",", 1)[1].strip() for line in lines[1:]}


def test_the_named_graph_curl_answers_none_of_ours_in_the_esco_graph(
    sample_server: LiveServer,
) -> None:
    block = _block("curl -s http://127.0.0.1:8000/sparql --data-urlencode")
    answer = json.loads(_shell(_ported(block, sample_server)))
    assert answer["results"]["bindings"][0]["n"]["value"] == "0"
    # Without FROM the same query counts every occupation's skill count: it is in the union.
    query = (
        block.split("query=", 1)[1]
        .strip()
        .rstrip("'")
        .replace("FROM <https://w3id.org/skillgraph/graph/esco/v1.2.0> ", "")
    )
    everything = httpx.post(sample_server.url + "/sparql", data={"query": query}).json()
    assert int(everything["results"]["bindings"][0]["n"]["value"]) > 0


def test_the_python_snippet_prints_the_occupations_per_level(sample_server: LiveServer) -> None:
    snippet = _ported(_block("from SPARQLWrapper import"), sample_server)
    done = subprocess.run(
        [sys.executable, "-c", snippet], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].split() == ["level", "occupations"]
    assert [line.split()[1] for line in lines[1:]] == ["2", "3", "4"]  # the sample's levels


def test_the_named_query_header_is_the_files() -> None:
    header = _block("# name: similar_occupations")
    query = (REPO / "queries" / "similar_occupations.rq").read_text()
    assert query.startswith(header)


def test_the_named_query_commands_run(fresh_home: dict[str, str]) -> None:
    block = _block(".venv/bin/skillgraph query ")
    commands = [line.split("  #")[0].strip() for line in block.strip().splitlines()]
    outputs = [_shell(command, fresh_home) for command in commands]
    assert "similar_occupations occupation=<IRI>" in outputs[0]
    assert "music producer" in outputs[1]
    assert json.loads(outputs[2])[0]["code"] == "2654"
    assert outputs[3].splitlines()[0].startswith("occupations,skills")


def test_the_ontology_query_lists_the_terms(sample_http: httpx.Client) -> None:
    query = _block("PREFIX rdfs:")
    answer = sample_http.post("/sparql", data={"query": query}).json()
    terms = {row["term"]["value"] for row in answer["results"]["bindings"]}
    assert "http://data.europa.eu/esco/model#Occupation" in terms


def test_every_example_of_the_endpoint_table_answers(sample_http: httpx.Client) -> None:
    table = README.split("| Method and path |", 1)[1].split("\n\n", 1)[0]
    tried = 0
    for row in table.splitlines()[2:]:
        example = row.rsplit("|", 2)[1]
        for path in re.findall(r"`(/[^`]+)`", example):
            answer = sample_http.get(unquote(path) if "%20" in path else path)
            assert answer.status_code == 200, f"{path}: {answer.text[:200]}"
            tried += 1
        for command in re.findall(r"`(curl [^`]+)`", example):
            base = str(sample_http.base_url).rstrip("/")
            answer_text = _shell(command.replace("localhost:8000", base.removeprefix("http://")))
            if "/resource" in command:  # Turtle
                assert "skos:prefLabel" in answer_text, command
            else:
                assert json.loads(answer_text)["items"], command
            tried += 1
    assert tried >= 14


@pytest.mark.fulldata
def test_loading_a_full_release_as_the_readme_says(fresh_home: dict[str, str]) -> None:
    block = _block('.venv/bin/skillgraph load "ESCO dataset')
    load = block.splitlines()[0].replace(
        '"ESCO dataset - v1.2.0 - classification - en - csv.zip"', str(FULL_BUNDLE)
    )
    out = _shell(load, fresh_home)
    assert "2,211,906  triples in the store" in out
    summary = _shell(".venv/bin/skillgraph query store_summary --format json", fresh_home)
    assert json.loads(summary)[0]["occupations"] == 3039


def test_loading_datasets_beside_esco_as_the_readme_says(tmp_path: Path) -> None:
    block = _block(".venv/bin/skillgraph load loaders/sample loaders/sample_onet examples/")
    store = str(tmp_path / "linked")
    outputs = [_shell(line.replace("/tmp/linked", store)) for line in block.strip().splitlines()]
    assert "job-titles-mapping.csv (mapping table) into" in outputs[0]
    assert "crosswalk: 18 rows" in outputs[0]
    info = outputs[1]
    assert "<https://w3id.org/skillgraph/graph/job-titles>  Turtle: " in info
    assert "<https://w3id.org/skillgraph/graph/job-titles-mapping>  mapping table: " in info
    assert "<https://w3id.org/skillgraph/graph/onet>  O*NET: " in info
    # The README's query joins the three datasets: every job title reaches a Holland code.
    opened = LiveStore(Path(store)).get()
    rows = [
        tuple(term.value for term in row)  # type: ignore[union-attr]
        for row in opened.store.query(_block(JOIN_QUERY), use_default_graph_as_union=True)
    ]
    assert ("Podcast Producer", "radio producer", "Producers and Directors", "AE") in rows
    # One row per title, as the README says, the occupation's label in English.
    assert [row[0] for row in rows] == [
        "Jingle Writer",
        "Live Sound Engineer",
        "Podcast Producer",
        "Senior Video Editor",
    ]


def test_the_esco_api_curl_finds_the_producer(sample_server: LiveServer) -> None:
    block = _block("curl -s 'http://127.0.0.1:8000/esco/api/search")
    answer = json.loads(_shell(_ported(block, sample_server)))
    results = answer["_embedded"]["results"]
    assert len(results) == 2 and answer["total"] >= 2
    assert results[0]["title"] == "producer" and results[0]["className"] == "Occupation"
    assert results[0]["_links"]["self"]["href"].startswith(sample_server.url + "/esco/api/")


def test_the_reconciliation_curl_reconciles(sample_server: LiveServer) -> None:
    block = _block("curl -s http://127.0.0.1:8000/reconcile")
    answer = json.loads(_shell(_ported(block, sample_server)))
    assert answer["q0"]["result"][0]["name"] == "music producer"
    assert answer["q0"]["result"][0]["match"] is True
    assert answer["q1"]["result"]
    assert {c["description"] for c in answer["q1"]["result"]} == {"ISCO-08 2654"}


@pytest.mark.fulldata
def test_loading_several_languages_prints_what_the_readme_shows(tmp_path: Path) -> None:
    command = _block(".venv/bin/skillgraph load ../shared/esco-v1.2.0 ../shared/esco-labels-v1.0")
    command = command.strip().replace("/tmp/languages", str(tmp_path / "languages"))
    done = subprocess.run(
        ["bash", "-c", command.replace(".venv/bin/", f"{BIN}/")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    shown = _block("  4 languages:")
    for line in shown.splitlines():
        if "loaded in" in line:  # the time varies
            line = line.split(", loaded in")[0]
        assert line in done.stdout + done.stderr, line


def test_the_translation_curl_answers_what_the_readme_shows(sample_server: LiveServer) -> None:
    command = _block("curl -s 'localhost:8000/occupations/52b9e8dc-de6c-41dd-b29a-e1291c273f6f?")
    answer = json.loads(_shell(_ported(command.strip(), sample_server)))
    shown = _block('{"label": "producteur/productrice"')
    assert (answer["label"], answer["language"]) == ("producteur/productrice", "fr")
    assert answer["description"].startswith("Producers are responsible for managing")
    assert answer["description_language"] == "en"
    for language, labels in answer["translations"].items():
        assert json.dumps(labels, ensure_ascii=False) in shown, language
    first = answer["essential_skills"][0]
    assert f'"label": "{first["label"]}", "language": "{first["language"]}"' in shown


def test_the_language_query_picks_french_and_falls_back(sample_http: httpx.Client) -> None:
    query = _block(LANGUAGE_QUERY)
    rows = sample_http.post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    ).json()["results"]["bindings"]
    languages = [row["label"]["xml:lang"] for row in rows]
    assert len(rows) == 53  # every occupation of the sample, once
    assert languages.count("fr") == 51 and languages.count("en") == 2
    producer = next(
        r for r in rows if r["occupation"]["value"].endswith("52b9e8dc-de6c-41dd-b29a-e1291c273f6f")
    )
    assert producer["label"]["value"] == "producteur/productrice"


def test_the_page_curl_shows_the_producer_heading(sample_server: LiveServer) -> None:
    command = _block("curl -s -H 'Accept: text/html' http://127.0.0.1:8000/esco/occupation/")
    assert _shell(_ported(command, sample_server)).strip() == '<h1 lang="en">producer</h1>'


def test_the_editor_is_vendored_as_the_readme_says() -> None:
    if shutil.which("npm") is None:
        unavailable("npm is not installed (apt-get install npm); it fetches the editor")
    _shell(_block("scripts/vendor-yasgui.sh").strip())
    folder = REPO / "service/pages/static/vendor/yasgui"
    assert (folder / "yasgui.min.js").stat().st_size > 500_000
    assert (folder / "yasgui.min.css").is_file() and "MIT" in (folder / "NOTICE").read_text()
